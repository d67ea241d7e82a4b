"""Tests of checking a role against a job's requirements."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.errors import ValidationError
from opentruth.iam import Decision, NamedPolicy, parse_policy
from opentruth.iam.managed import GROUND_TRUTH_EXECUTION_ARN
from opentruth.iam.roles import Role
from opentruth.labeling.requirements import derive_requirements
from opentruth.labeling.rolecheck import (
    StoreObjects,
    check_role,
    manifest_sources,
    read_local_manifest,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str, role_file: str = "role.json") -> tuple[dict[str, Any], dict[str, Any]]:
    job = json.loads((EXAMPLES / name / "job.json").read_text())
    role = json.loads((EXAMPLES / name / role_file).read_text())
    return job, role


def rows(check: Any, action: str) -> list[Any]:
    return [r for r in check.results if r.requirement.action == action]


def test_builtin_example_role_passes_with_managed_policy() -> None:
    job, role = load("builtin-text")
    check = check_role(Role.from_detail(role), derive_requirements(job))
    assert check.allowed
    assert check.clean
    assert check.trust.allowed
    assert all("AmazonSageMakerGroundTruthExecution" in r.statement for r in check.results)
    assert check.unchecked  # the manifest was not given


def test_managed_policy_naming_rules_are_explained() -> None:
    job, role = load("custom", "role-managed-only.json")
    check = check_role(Role.from_detail(role), derive_requirements(job))
    assert not check.allowed
    (pre,) = [r for r in rows(check, "lambda:InvokeFunction") if "pre-annotation" in r.requirement.resource]
    assert pre.result.decision is Decision.IMPLICIT_DENY
    assert pre.why == "function acme-pre-annotation's name lacks GtRecipe, SageMaker or LabelingFunction"
    manifest = next(
        r for r in rows(check, "s3:GetObject") if r.requirement.requirement == "read input manifest"
    )
    assert "bucket acme-labeling-data-000000000000's name" in manifest.why
    assert "lacks GroundTruth or SageMaker" in manifest.why
    assert "tags are unknown" in manifest.why
    put = rows(check, "s3:PutObject")[0]
    assert "lacks GroundTruth or SageMaker" in put.why
    assert "tag" not in put.why  # the tag grant covers GetObject only
    # ListBucket is granted on "*" by the managed policy: no naming rule there.
    assert all(r.allowed and not r.why for r in rows(check, "s3:ListBucket"))


def test_sagemaker_tag_grants_get_object_under_the_managed_policy() -> None:
    job, role = load("custom", "role-managed-only.json")
    tagged = "s3://acme-labeling-data-000000000000/custom/docs/doc-001.txt"
    untagged = "s3://acme-labeling-data-000000000000/custom/docs/doc-002.txt"

    def tags(bucket: str, key: str) -> dict[str, str]:
        return {"SageMaker": "TRUE"} if key.endswith("doc-001.txt") else {"Other": "x"}

    reqs = derive_requirements(job, data_objects=[tagged, untagged], object_tags=tags)
    check = check_role(Role.from_detail(role), reqs)
    reads = {
        r.requirement.resource: r for r in check.results if r.requirement.requirement == "read data object"
    }
    ok = reads["arn:aws:s3:::acme-labeling-data-000000000000/custom/docs/doc-001.txt"]
    assert ok.allowed  # StringEqualsIgnoreCase: TRUE counts
    assert ok.statement == "AmazonSageMakerGroundTruthExecution/#2"
    denied = reads["arn:aws:s3:::acme-labeling-data-000000000000/custom/docs/doc-002.txt"]
    assert not denied.allowed
    assert denied.why.endswith("and the object has no SageMaker tag")


def test_seed_streaming_role_cannot_subscribe_and_says_why() -> None:
    job, role = load("streaming")
    check = check_role(Role.from_detail(role), derive_requirements(job))
    assert not check.allowed
    (sub,) = rows(check, "sns:Subscribe")
    assert sub.result.decision is Decision.IMPLICIT_DENY
    assert sub.statement == "no allow in identity"
    assert "an sqs ARN" in sub.why
    assert "StreamingTopicSubscribe" in sub.why
    # The queue part of the page is right.
    assert all(r.allowed for r in check.results if r.requirement.action.startswith("sqs:"))


def test_trust_policy_for_another_service_fails_the_check() -> None:
    job, role = load("builtin-text")
    role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] = {"Service": "lambda.amazonaws.com"}
    check = check_role(Role.from_detail(role), derive_requirements(job))
    assert not check.trust.allowed
    assert not check.allowed
    assert check.trust.statement == "no allow in trust policy"
    assert all(r.allowed for r in check.results)


def test_advisory_denials_are_warnings_only() -> None:
    job, role = load("custom")
    statements = role["RolePolicyList"][0]["PolicyDocument"]["Statement"]
    role["RolePolicyList"][0]["PolicyDocument"]["Statement"] = [
        s for s in statements if s["Sid"] != "CloudWatch"
    ]
    check = check_role(Role.from_detail(role), derive_requirements(job))
    assert check.allowed
    assert not check.clean
    assert {w.requirement.action for w in check.warnings} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents",
        "cloudwatch:PutMetricData",
    }  # fmt: skip


def test_explicit_deny_is_reported_with_its_statement() -> None:
    job, role = load("builtin-text")
    role["RolePolicyList"] = [
        {
            "PolicyName": "guard",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Sid": "NoPuts", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}],
            },
        }
    ]
    check = check_role(Role.from_detail(role), derive_requirements(job))
    (put,) = rows(check, "s3:PutObject")
    assert put.result.decision is Decision.EXPLICIT_DENY
    assert put.statement == "denied by guard/NoPuts"
    assert put.why == ""  # not a naming problem
    assert not check.allowed


def test_kms_uses_the_default_key_policy_unless_one_is_given() -> None:
    job, role = load("autolabel-kms")
    reqs = derive_requirements(job)
    assert all(r.allowed for r in rows(check_role(Role.from_detail(role), reqs), "kms:Decrypt"))
    key = reqs.job.kms_key_arn(job["OutputConfig"]["KmsKeyId"])
    strict = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::000000000000:role/Admin"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        name="key policy",
    )
    check = check_role(
        Role.from_detail(role), reqs, resource_policies={key: NamedPolicy("key policy", strict)}
    )
    assert not any(r.allowed for r in rows(check, "kms:Decrypt"))
    assert not check.allowed


def test_missing_pass_role_is_explained_for_managed_policy_users() -> None:
    job, role = load("autolabel-kms")
    role["RolePolicyList"] = []
    check = check_role(Role.from_detail(role), derive_requirements(job))
    (passrole,) = rows(check, "iam:PassRole")
    assert not passrole.allowed
    assert "iam:PassRole" in passrole.why


def test_role_must_be_the_one_the_job_names() -> None:
    job, role = load("builtin-text")
    other = copy.deepcopy(job)
    other["RoleArn"] = "arn:aws:iam::000000000000:role/SomeoneElse"
    with pytest.raises(ValidationError, match="SomeoneElse"):
        check_role(Role.from_detail(role), derive_requirements(other))


def test_to_dict_shape() -> None:
    job, role = load("builtin-text")
    out = check_role(Role.from_detail(role), derive_requirements(job)).to_dict()
    assert set(out) == {"allowed", "trust", "requirements", "unchecked"}
    assert out["trust"]["decision"] == "Allowed"
    assert set(out["requirements"][0]) == {
        "requirement",
        "severity",
        "action",
        "resource",
        "decision",
        "statement",
    }


def test_manifest_sources_skip_inline_text(tmp_path: Path) -> None:
    assert manifest_sources([b'{"source": "hello"}\n{"source-ref": "s3://b-1/x.jpg"}\n']) == [
        "s3://b-1/x.jpg"
    ]
    path = tmp_path / "m.manifest"
    path.write_bytes(b'{"source-ref": "s3://b-1/a.jpg"}\r\n\n{"source-ref": "s3://b-1/b.jpg"}')
    assert read_local_manifest(path) == ["s3://b-1/a.jpg", "s3://b-1/b.jpg"]
    with pytest.raises(ValidationError, match="cannot read manifest"):
        read_local_manifest(tmp_path / "missing")


def test_store_objects_read_manifest_and_tags(tmp_path: Path) -> None:
    store = EmbeddedObjectStore(tmp_path, durable=False)
    store.create_bucket("acme-data")
    store.put_object("acme-data", "in/m.manifest", b'{"source-ref": "s3://acme-data/in/a.jpg"}\n')
    store.put_object("acme-data", "in/a.jpg", b"jpg", tags={"SageMaker": "true"})
    objects = StoreObjects(tmp_path)
    assert objects.manifest_sources("s3://acme-data/in/m.manifest") == ["s3://acme-data/in/a.jpg"]
    assert objects.tags("acme-data", "in/a.jpg") == {"SageMaker": "true"}
    assert objects.tags("acme-data", "in/missing.jpg") is None
    with pytest.raises(ValidationError, match="not in the data directory"):
        objects.manifest_sources("s3://acme-data/in/other.manifest")
    with pytest.raises(ValidationError, match="objects/"):
        StoreObjects(tmp_path / "nothing")


def test_managed_policy_reliance_is_detected() -> None:
    _, role = load("builtin-text")
    assert Role.from_detail(role).relies_on(GROUND_TRUTH_EXECUTION_ARN)
    _, custom = load("custom")
    assert not Role.from_detail(custom).relies_on(GROUND_TRUTH_EXECUTION_ARN)
