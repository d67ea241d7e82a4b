"""AuthorizedObjectStore: S3's actions, ARNs and context keys, decided by the role, on a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opentruth.cloud.authorized_store import AuthorizedObjectStore, bucket_arn, object_arn
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.objectstore import CompletedPart, NoSuchKey, ObjectStore
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.iam import Decision, Evaluator, PolicySet, Request, Result
from opentruth.iam.managed import GROUND_TRUTH_EXECUTION_ARN
from opentruth.iam.roles import Role

ACCOUNT = "000000000000"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/LabelingRole"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/LabelingRole/SageMaker"
JOB_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/job"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
PLAIN = "training-data"  # a bucket whose name lacks GroundTruth/SageMaker
NAMED = "my-sagemaker-output"


class RecordingEvaluator(Evaluator):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []

    def evaluate(self, policies: PolicySet, request: Request) -> Result:
        self.requests.append(request)
        return super().evaluate(policies, request)


def role(*, managed: bool = True, statements: list[dict[str, Any]] | None = None) -> Role:
    detail: dict[str, Any] = {"RoleName": "LabelingRole", "Arn": ROLE_ARN, "AssumeRolePolicyDocument": TRUST}
    if managed:
        detail["AttachedManagedPolicies"] = [
            {"PolicyName": "AmazonSageMakerGroundTruthExecution", "PolicyArn": GROUND_TRUTH_EXECUTION_ARN}
        ]
    if statements:
        detail["RolePolicyList"] = [
            {"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
        ]
    return Role.from_detail(detail)


@pytest.fixture
def raw(tmp_path: Path) -> ObjectStore:
    store = EmbeddedObjectStore(tmp_path, durable=False)
    store.create_bucket(PLAIN)
    store.create_bucket(NAMED)
    return store


def authorized(raw: ObjectStore, r: Role, evaluator: Evaluator | None = None) -> AuthorizedObjectStore:
    s = RoleSession(
        r,
        account=ACCOUNT,
        region="us-east-1",
        evaluator=evaluator or Evaluator(),
        clock=lambda: datetime(2025, 1, 1, tzinfo=UTC),
    )
    return AuthorizedObjectStore(raw, s.assume(JOB_ARN))


def denial(action: str, resource: str) -> str:
    return f"User: {SESSION_ARN} is not authorized to perform: {action} on resource: {resource}"


# --------------------------------------------------------------- the managed policy's tag grant


def test_managed_policy_reads_a_plain_bucket_only_with_the_sagemaker_tag(raw: ObjectStore) -> None:
    raw.put_object(PLAIN, "tagged.jpg", b"t", tags={"SageMaker": "true"})
    raw.put_object(PLAIN, "shouting.jpg", b"s", tags={"SageMaker": "TRUE"})  # StringEqualsIgnoreCase
    raw.put_object(PLAIN, "untagged.jpg", b"u")
    raw.put_object(PLAIN, "false.jpg", b"f", tags={"SageMaker": "false"})
    store = authorized(raw, role())
    assert store.get_object(PLAIN, "tagged.jpg").body == b"t"
    assert store.get_object(PLAIN, "shouting.jpg").body == b"s"
    assert store.head_object(PLAIN, "tagged.jpg").size == 1
    for key in ("untagged.jpg", "false.jpg"):
        with pytest.raises(RoleAccessDeniedError) as exc:
            store.get_object(PLAIN, key)
        assert exc.value.message == denial("s3:GetObject", object_arn(PLAIN, key))
        assert exc.value.result.decision is Decision.IMPLICIT_DENY
    with pytest.raises(RoleAccessDeniedError):
        store.open_stream(PLAIN, "untagged.jpg")


def test_tag_grant_never_grants_writes(raw: ObjectStore) -> None:
    raw.put_object(PLAIN, "tagged.jpg", b"t", tags={"SageMaker": "true"})
    store = authorized(raw, role())
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.put_object(PLAIN, "tagged.jpg", b"overwrite")
    assert exc.value.message == denial("s3:PutObject", object_arn(PLAIN, "tagged.jpg"))
    assert raw.get_object(PLAIN, "tagged.jpg").body == b"t"  # the denied write never reached the store


def test_batch_passes_through_and_every_write_is_still_authorised(raw: ObjectStore) -> None:
    store = authorized(raw, role())
    with store.batch():
        store.put_object(NAMED, "out/worker-response/1.json", b"{}")
        with pytest.raises(RoleAccessDeniedError):
            store.put_object(PLAIN, "out/worker-response/2.json", b"{}")  # no grant on a plain bucket
        # The underlying embedded store stages the allowed write until the batch ends.
        with pytest.raises(NoSuchKey):
            raw.head_object(NAMED, "out/worker-response/1.json")
    assert raw.get_object(NAMED, "out/worker-response/1.json").body == b"{}"
    with pytest.raises(NoSuchKey):
        raw.head_object(PLAIN, "out/worker-response/2.json")


def test_managed_policy_reads_and_writes_sagemaker_buckets(raw: ObjectStore) -> None:
    store = authorized(raw, role())
    store.put_object(NAMED, "out/output.manifest", b"{}\n")
    assert store.get_object(NAMED, "out/output.manifest").body == b"{}\n"
    assert store.get_bucket_location(NAMED) == "us-east-1"
    # The managed policy grants no DeleteObject.
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.delete_object(NAMED, "out/output.manifest")
    assert exc.value.message == denial("s3:DeleteObject", object_arn(NAMED, "out/output.manifest"))


def test_get_object_supplies_the_existing_tags(raw: ObjectStore) -> None:
    raw.put_object(NAMED, "k", b"x", tags={"SageMaker": "true", "team": "blue"})
    ev = RecordingEvaluator()
    authorized(raw, role(), ev).get_object(NAMED, "k")
    req = ev.requests[-1]
    assert (req.action, req.resource, req.resource_account) == (
        "s3:GetObject",
        object_arn(NAMED, "k"),
        ACCOUNT,
    )
    tag_keys = {k: v for k, v in req.context.items() if k.startswith("s3:")}
    assert tag_keys == {"s3:ExistingObjectTag/SageMaker": "true", "s3:ExistingObjectTag/team": "blue"}


# --------------------------------------------------------------- listing


def test_list_bucket_gets_prefix_delimiter_and_max_keys(raw: ObjectStore) -> None:
    raw.put_object(NAMED, "in/a", b"")
    ev = RecordingEvaluator()
    store = authorized(raw, role(), ev)
    page = store.list_objects(NAMED, prefix="in/", delimiter="/", max_keys=10)
    assert [o.key for o in page.objects] == ["in/a"]
    req = ev.requests[-1]
    assert (req.action, req.resource) == ("s3:ListBucket", bucket_arn(NAMED))
    s3_keys = {k: v for k, v in req.context.items() if k.startswith("s3:")}
    assert s3_keys == {"s3:prefix": "in/", "s3:delimiter": "/", "s3:max-keys": "10"}
    store.list_objects(NAMED)
    s3_keys = {k: v for k, v in ev.requests[-1].context.items() if k.startswith("s3:")}
    assert s3_keys == {"s3:prefix": ""}  # no delimiter or max-keys key when none was sent


def test_prefix_condition_limits_listing(raw: ObjectStore) -> None:
    only_in = {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": bucket_arn(PLAIN),
        "Condition": {"StringLike": {"s3:prefix": "in/*"}},
    }
    store = authorized(raw, role(managed=False, statements=[only_in]))
    assert store.list_objects(PLAIN, prefix="in/2024/").objects == ()
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.list_objects(PLAIN, prefix="out/")
    assert exc.value.message == denial("s3:ListBucket", bucket_arn(PLAIN))


# --------------------------------------------------------------- missing objects


def test_missing_object_is_not_found_only_with_list_permission(raw: ObjectStore) -> None:
    with pytest.raises(NoSuchKey):
        authorized(raw, role()).get_object(NAMED, "missing")
    get_only = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    store = authorized(raw, role(managed=False, statements=[get_only]))
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.get_object(NAMED, "missing")
    assert exc.value.action == "s3:ListBucket"


# --------------------------------------------------------------- bucket policies


def _bucket_policy(effect: str, action: str, bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "FromBucket",
                    "Effect": effect,
                    "Principal": {"AWS": ROLE_ARN},
                    "Action": action,
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_bucket_policy_deny_wins(raw: ObjectStore) -> None:
    raw.put_object(NAMED, "k", b"x")
    raw.put_bucket_policy(NAMED, _bucket_policy("Deny", "s3:GetObject", NAMED))
    with pytest.raises(RoleAccessDeniedError) as exc:
        authorized(raw, role()).get_object(NAMED, "k")
    assert exc.value.result.decision is Decision.EXPLICIT_DENY
    assert [str(r) for r in exc.value.result.denied_by] == [f"bucket-policy:{NAMED}/FromBucket"]


def test_same_account_bucket_policy_grants_on_its_own(raw: ObjectStore) -> None:
    raw.put_object(PLAIN, "k", b"x")
    store = authorized(raw, role(managed=False))
    with pytest.raises(RoleAccessDeniedError):
        store.get_object(PLAIN, "k")
    raw.put_bucket_policy(PLAIN, _bucket_policy("Allow", "s3:GetObject", PLAIN))
    assert store.get_object(PLAIN, "k").body == b"x"


# --------------------------------------------------------------- writes, copies, tags, multipart


def test_put_with_tags_needs_put_object_tagging(raw: ObjectStore) -> None:
    put_only = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{NAMED}/*"}
    store = authorized(raw, role(managed=False, statements=[put_only]))
    store.put_object(NAMED, "plain", b"x")
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.put_object(NAMED, "tagged", b"x", tags={"SageMaker": "true"})
    assert exc.value.action == "s3:PutObjectTagging"


def test_put_object_tagging_sees_request_and_existing_tags(raw: ObjectStore) -> None:
    raw.put_object(NAMED, "k", b"x", tags={"old": "1"})
    allow = {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "*"}
    ev = RecordingEvaluator()
    authorized(raw, role(managed=False, statements=[allow]), ev).put_object_tagging(NAMED, "k", {"new": "2"})
    ctx = {k: v for k, v in ev.requests[-1].context.items() if k.startswith("s3:")}
    assert ctx == {
        "s3:ExistingObjectTag/old": "1",
        "s3:RequestObjectTag/new": "2",
        "s3:RequestObjectTagKeys": ["new"],
    }
    assert raw.get_object_tagging(NAMED, "k") == {"new": "2"}


def test_copy_needs_read_on_source_and_write_on_target(raw: ObjectStore) -> None:
    raw.put_object(PLAIN, "src", b"x")
    store = authorized(raw, role())
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.copy_object(PLAIN, "src", NAMED, "dst")
    assert exc.value.message == denial("s3:GetObject", object_arn(PLAIN, "src"))
    raw.put_object_tagging(PLAIN, "src", {"SageMaker": "true"})
    # The tagged source is readable, and copying its tags reads them (s3:GetObjectTagging),
    # which the managed policy does not grant.
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.copy_object(PLAIN, "src", NAMED, "dst")
    assert exc.value.action == "s3:GetObjectTagging"
    # Readable source, but the target bucket is not writable under the managed policy.
    raw.put_object(NAMED, "readable", b"y")
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.copy_object(NAMED, "readable", PLAIN, "back")
    assert exc.value.message == denial("s3:PutObject", object_arn(PLAIN, "back"))
    store.copy_object(NAMED, "readable", NAMED, "copy")
    assert raw.get_object(NAMED, "copy").body == b"y"


def test_multipart_is_put_object_and_abort_has_its_own_action(raw: ObjectStore) -> None:
    store = authorized(raw, role())
    upload = store.create_multipart_upload(NAMED, "big")
    etag = store.upload_part(NAMED, "big", upload, 1, b"data")
    store.complete_multipart_upload(NAMED, "big", upload, [CompletedPart(1, etag)])
    assert raw.get_object(NAMED, "big").body == b"data"
    second = store.create_multipart_upload(NAMED, "big2")
    store.abort_multipart_upload(NAMED, "big2", second)  # the managed policy grants the abort
    put_only = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
    limited = authorized(raw, role(managed=False, statements=[put_only]))
    third = limited.create_multipart_upload(NAMED, "big3")
    with pytest.raises(RoleAccessDeniedError) as exc:
        limited.abort_multipart_upload(NAMED, "big3", third)
    assert exc.value.message == denial("s3:AbortMultipartUpload", object_arn(NAMED, "big3"))


def test_bucket_level_actions(raw: ObjectStore) -> None:
    store: ObjectStore = authorized(raw, role())  # the wrapper is an object store itself
    assert isinstance(store, ObjectStore)
    assert store.head_bucket(NAMED).name == NAMED  # HeadBucket is s3:ListBucket
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.create_bucket("new-sagemaker-bucket")
    assert exc.value.message == denial("s3:CreateBucket", bucket_arn("new-sagemaker-bucket"))
    with pytest.raises(RoleAccessDeniedError) as exc:
        store.list_buckets()
    assert exc.value.message == denial("s3:ListAllMyBuckets", "*")
    with pytest.raises(RoleAccessDeniedError):
        store.put_bucket_policy(NAMED, _bucket_policy("Allow", "s3:GetObject", NAMED))
    assert raw.get_bucket_policy(NAMED) is None
