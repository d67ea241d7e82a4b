"""Job volumes: plain without a key; with one, sealed per file through a grant the role made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.cloud.crypto import InvalidCiphertextError
from opentruth.cloud.keys import EmbeddedKeyManager
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.cloud.volume import MAGIC, JobVolume
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.errors import ValidationError
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role

ACCOUNT = "000000000000"
JOB = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/vol"
TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    },
}


def _session(name: str, statements: list[dict[str, Any]]) -> RoleSession:
    role = Role.from_detail(
        {
            "RoleName": name,
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "Path": "/",
            "AssumeRolePolicyDocument": TRUST,
            "RolePolicyList": [
                {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
            ],
            "AttachedManagedPolicies": [],
        }
    )
    return RoleSession(role, account=ACCOUNT, region="us-east-1", evaluator=Evaluator()).assume(JOB)


def test_plain_volume_and_safe_names(tmp_path: Path) -> None:
    volume = JobVolume.attach(tmp_path, "vol", JOB)
    assert not volume.encrypted
    volume.write("cache/a.json", b"{}")
    assert (tmp_path / "vol" / "cache" / "a.json").read_bytes() == b"{}"
    assert volume.read("cache/a.json") == b"{}"
    for bad in ("../x", "/abs", "a//b", ".hidden", "a/../b"):
        with pytest.raises(ValidationError):
            volume.write(bad, b"x")
    with pytest.raises(ValidationError):
        JobVolume.attach(tmp_path, "../escape", JOB)


def test_encrypted_volume_works_through_the_grant_only(db: Database, tmp_path: Path) -> None:
    keys = EmbeddedKeyManager(db, SecretBox.generate(), account=ACCOUNT, region="us-east-1")
    admin = _session("Admin", [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}])
    key = keys.create_key(admin).key_id
    grant_only = [
        {
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        }
    ]
    job = _session("Job", grant_only)
    volume = JobVolume.attach(tmp_path, "vol", JOB, keys=keys, session=job, kms_key=key)
    path = volume.write("payloads/p.json", json.dumps({"text": "confidential"}).encode())
    raw = path.read_bytes()
    assert raw.startswith(MAGIC) and b"confidential" not in raw
    assert json.loads(volume.read("payloads/p.json")) == {"text": "confidential"}
    # Attaching again (a retried step) reuses the grant.
    JobVolume.attach(tmp_path, "vol", JOB, keys=keys, session=job, kms_key=key)
    assert len(keys.list_grants(admin, key)) == 1
    # A file moved to another name does not open there.
    path.rename(path.with_name("q.json"))
    with pytest.raises(InvalidCiphertextError):
        volume.read("payloads/q.json")
    # Without kms:CreateGrant there is no volume.
    with pytest.raises(RoleAccessDeniedError):
        JobVolume.attach(tmp_path, "vol2", JOB, keys=keys, session=_session("NoGrant", [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]), kms_key=key)  # fmt: skip
