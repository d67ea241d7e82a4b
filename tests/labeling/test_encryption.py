"""Encrypted labeling jobs end to end: OutputConfig.KmsKeyId (SSE-KMS of every output object,
through the role) and VolumeKmsKeyId (the job's working files, through a grant)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from labsupport import ROLE_ARN, Lab, job_request, label_all, make_role, seed_policy
from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.keys import EmbeddedKeyManager, KeyMetadata
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.cloud.sse import MAGIC as SSE_MAGIC
from opentruth.cloud.volume import MAGIC as VOLUME_MAGIC
from opentruth.cloud.volume import JobVolume
from opentruth.db.iam_secrets import SecretBox
from opentruth.errors import ValidationError
from opentruth.labeling.encryption import PAYLOAD_CACHE

ACCOUNT = "000000000000"
VIA_S3 = "s3.us-east-1.amazonaws.com"
ALGORITHM = (
    "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/text-classification"
)


def _kms(lab: Lab) -> EmbeddedKeyManager:
    keys = EmbeddedKeyManager(lab.res.db, SecretBox.generate(), account=ACCOUNT, region="us-east-1")
    lab.res.keys = keys
    lab.res.work_dir = lab.root / "data" / "jobs"
    return keys


def _admin(lab: Lab) -> Any:
    admin_arn = f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"
    lab.roles.add(make_role({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}, arn=admin_arn))  # fmt: skip
    return lab.res.session(admin_arn, "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/admin")


def _role_with(lab: Lab, *statements: dict[str, Any]) -> None:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].extend(statements)
    lab.roles.add(make_role(policy))
    lab.res.forget_sessions()


def _kms_via_s3(key: KeyMetadata) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
        "Resource": key.arn,
        "Condition": {"StringEquals": {"kms:ViaService": VIA_S3}},
    }


def _texts(lab: Lab, n: int) -> list[str]:
    texts = [f"text number {i}" for i in range(n)]
    lab.manifest([{"source": t} for t in texts])
    lab.labels(["negative", "positive"])
    return texts


def test_output_is_sse_kms_and_needs_decrypt(lab: Lab) -> None:
    keys = _kms(lab)
    key = keys.create_key(_admin(lab), description="job output")
    keys.create_alias(_admin(lab), "alias/labeling-output", key.key_id)
    _role_with(lab, _kms_via_s3(key))
    _texts(lab, 3)
    req = job_request("secret", "TextMultiClass")
    req["OutputConfig"]["KmsKeyId"] = "alias/labeling-output"
    lab.jobs.create(req)
    lab.runner.run_pending()
    assert lab.jobs.describe("secret")["LabelingJobStatus"] == "InProgress"
    label_all(lab, "secret", lambda _w, _t: {"crowd-classifier": {"label": "positive"}})
    d = lab.jobs.describe("secret")
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    assert d["OutputConfig"]["KmsKeyId"] == "alias/labeling-output"

    # Every object the job wrote is ciphertext on disk.
    root = lab.root / "data" / "objects" / "output-data" / "jobs" / "secret"
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) >= 5  # worker responses, consolidation request/response, manifests
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(SSE_MAGIC), path
        assert b"positive" not in raw and b"text number" not in raw
    uri = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, _, okey = uri[len("s3://") :].partition("/")

    # The role may decrypt (its policy allows kms:Decrypt via S3): the output reads back.
    session = lab.res.session(ROLE_ARN, d["LabelingJobArn"])
    store = lab.res.job_store(session)
    lines = [json.loads(x) for x in store.get_object(bucket, okey).body.decode().splitlines()]
    assert [x["label-metadata"]["class-name"] for x in lines] == ["positive"] * 3
    assert store.head_object(bucket, okey).size == len(store.get_object(bucket, okey).body)

    # A reader with s3:GetObject but no kms:Decrypt gets AccessDenied, not ciphertext.
    reader_arn = f"arn:aws:iam::{ACCOUNT}:role/Reader"
    lab.roles.add(make_role(seed_policy(["output-data"], put=False), arn=reader_arn))
    reader = lab.res.session(reader_arn, d["LabelingJobArn"])
    with pytest.raises(RoleAccessDeniedError) as info:
        AuthorizedObjectStore(lab.store, reader, keys=keys).get_object(bucket, okey)
    assert info.value.action == "kms:Decrypt" and info.value.resource == key.arn
    # HeadObject needs no KMS permission, as in S3.
    assert AuthorizedObjectStore(lab.store, reader, keys=keys).head_object(bucket, okey).size > 0


def test_role_without_kms_permission_fails_before_any_task(lab: Lab) -> None:
    keys = _kms(lab)
    key = keys.create_key(_admin(lab))
    _texts(lab, 2)
    req = job_request("no-kms", "TextMultiClass")
    req["OutputConfig"]["KmsKeyId"] = key.key_id
    lab.jobs.create(req)
    lab.runner.run_pending()
    d = lab.jobs.describe("no-kms")
    assert d["LabelingJobStatus"] == "Failed"
    assert "kms:GenerateDataKey" in d["FailureReason"] and key.arn in d["FailureReason"]


def test_unknown_key_is_refused_at_create(lab: Lab) -> None:
    _kms(lab)
    req = job_request("typo", "TextMultiClass")
    req["OutputConfig"]["KmsKeyId"] = "alias/does-not-exist"
    with pytest.raises(ValidationError, match=r"OutputConfig\.KmsKeyId alias/does-not-exist does not exist"):
        lab.jobs.create(req)


def test_volume_key_seals_the_working_files_through_a_grant(lab: Lab) -> None:
    keys = _kms(lab)
    admin = _admin(lab)
    # The key policy lets the execution role only create grants for AWS resources: the volume
    # files are then sealed through the grant, as EBS volumes are on AWS.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    key = keys.create_key(admin, policy=json.dumps(policy))
    _role_with(
        lab,
        {
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": key.arn,
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": ROLE_ARN,
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        },
    )
    texts = _texts(lab, 1300)  # automated labeling needs at least 1,250 objects
    req = job_request("volume", "TextMultiClass")
    req["LabelingJobAlgorithmsConfig"] = {
        "LabelingJobAlgorithmSpecificationArn": ALGORITHM,
        "LabelingJobResourceConfig": {"VolumeKmsKeyId": key.key_id},
    }
    arn = lab.jobs.create(req)
    lab.runner.run_pending()
    d = lab.jobs.describe("volume")
    assert d["LabelingJobStatus"] in ("InProgress", "Completed"), d.get("FailureReason")
    path: Path = lab.root / "data" / "jobs" / "volume" / PAYLOAD_CACHE
    raw = path.read_bytes()
    assert raw.startswith(VOLUME_MAGIC) and b"text number" not in raw
    session = lab.res.session(ROLE_ARN, arn)
    grants = keys.list_grants(admin, key.key_id)
    assert [(g.grantee, g.operations) for g in grants] == [(ROLE_ARN, ("GenerateDataKey", "Decrypt"))]
    # The role has no kms:Decrypt of its own: reading back works through the grant alone.
    volume = JobVolume(path.parent.parent, arn, keys=keys, principal=session, kms_key=key.key_id)
    rows = [json.loads(x) for x in volume.read(PAYLOAD_CACHE).splitlines()]
    assert len(rows) == 1300 and rows[0]["taskInput"]["taskObject"] == texts[0]
    with pytest.raises(RoleAccessDeniedError):
        # Outside the grant's encryption-context constraint the role has nothing.
        keys.generate_data_key(session, key.key_id, {"opentruth:volume": "another job"})
