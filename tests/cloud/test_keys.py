"""The embedded KMS: key policies with IAM, grants, context keys, rotation, and honest errors.

Runs on SQLite and PostgreSQL (the ``db`` fixture); principals are real role sessions decided by
the IAM engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opentruth.cloud.crypto import InvalidCiphertextError, parse_blob
from opentruth.cloud.keys import (
    DisabledKeyError,
    EmbeddedKeyManager,
    IncorrectKeyError,
    KeyNotFoundError,
    MalformedKeyPolicyError,
    default_key_policy,
)
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox, SecretStoreError
from opentruth.db.models_kms import KmsKeyVersion
from opentruth.db.repo_kms import AliasExistsError
from opentruth.errors import ValidationError
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role

ACCOUNT = "000000000000"
REGION = "us-east-1"
VIA_S3 = "s3.us-east-1.amazonaws.com"
TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    },
}


def session(name: str, statements: list[dict[str, Any]]) -> RoleSession:
    arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
    detail: dict[str, Any] = {
        "RoleName": name,
        "Arn": arn,
        "Path": "/",
        "AssumeRolePolicyDocument": TRUST,
        "RolePolicyList": (
            [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
            if statements
            else []
        ),
        "AttachedManagedPolicies": [],
    }
    s = RoleSession(Role.from_detail(detail), account=ACCOUNT, region=REGION, evaluator=Evaluator())
    return s.assume(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/j")


ALL_KMS = [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]


@pytest.fixture
def kms(db: Database) -> EmbeddedKeyManager:
    return EmbeddedKeyManager(db, SecretBox.generate(), account=ACCOUNT, region=REGION)


@pytest.fixture
def admin() -> RoleSession:
    return session("Admin", ALL_KMS)


def key_policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_default_policy_delegates_to_iam(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin, description="output key")
    assert json.loads(kms.get_key_policy(admin, key.key_id)) == json.loads(default_key_policy(ACCOUNT))
    out = kms.encrypt(admin, key.arn, b"hello", {"purpose": "t"})
    assert out.key_arn == key.arn
    assert kms.decrypt(admin, out.ciphertext, {"purpose": "t"}).plaintext == b"hello"
    nobody = session("Nobody", [])
    with pytest.raises(RoleAccessDeniedError) as info:
        kms.decrypt(nobody, out.ciphertext, {"purpose": "t"})
    assert info.value.action == "kms:Decrypt" and info.value.resource == key.arn


def test_key_policy_that_does_not_delegate_ignores_identity_policies(
    kms: EmbeddedKeyManager, admin: RoleSession
) -> None:
    only_admin = key_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Admin"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    key = kms.create_key(admin, policy=only_admin)
    user = session("User", ALL_KMS)  # IAM allows everything, the key policy does not delegate
    with pytest.raises(RoleAccessDeniedError) as info:
        kms.generate_data_key(user, key.key_id)
    assert "key policy" in info.value.result.explanation
    # The key policy alone is enough for a principal it names, without any identity policy.
    named = key_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Bare"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
        }
    )
    key2 = kms.create_key(admin, policy=named + "")
    bare = session("Bare", [])
    with pytest.raises(RoleAccessDeniedError):
        kms.put_key_policy(admin, key2.key_id, named)  # Admin is no longer named either
    dk = kms.generate_data_key(bare, key2.key_id, {"k": "v"})
    assert len(dk.plaintext) == 32
    assert kms.decrypt(bare, dk.ciphertext, {"k": "v"}).plaintext == dk.plaintext


def test_via_service_and_encryption_context_conditions(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    policy = key_policy(
        {
            "Sid": "Admin",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Admin"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "JobViaS3",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Job"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:ViaService": VIA_S3},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::out/*"},
            },
        },
    )
    key = kms.create_key(admin, policy=policy)
    job = session("Job", [])
    ctx = {"aws:s3:arn": "arn:aws:s3:::out/a.json"}
    with pytest.raises(RoleAccessDeniedError):
        kms.generate_data_key(job, key.key_id, ctx)  # a direct call has no kms:ViaService
    with pytest.raises(RoleAccessDeniedError):
        kms.generate_data_key(job, key.key_id, {"aws:s3:arn": "arn:aws:s3:::elsewhere/a"}, via=VIA_S3)
    dk = kms.generate_data_key(job, key.key_id, ctx, via=VIA_S3)
    assert kms.decrypt(job, dk.ciphertext, ctx, via=VIA_S3).plaintext == dk.plaintext


def test_rotation_keeps_old_ciphertexts(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin)
    old = kms.encrypt(admin, key.key_id, b"before").ciphertext
    kms.set_rotation(admin, key.key_id, True, 180)
    assert kms.rotation_status(admin, key.key_id) == (True, 180)
    assert kms.rotate_now(admin, key.key_id).current_version == 2
    new = kms.encrypt(admin, key.key_id, b"after").ciphertext
    assert (parse_blob(old).key_version, parse_blob(new).key_version) == (1, 2)
    assert kms.decrypt(admin, old).plaintext == b"before"
    assert kms.decrypt(admin, new).plaintext == b"after"
    assert len(kms.rotations(admin, key.key_id)) == 1


def test_bad_ciphertexts_are_errors_never_garbage(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin)
    other = kms.create_key(admin)
    blob = kms.encrypt(admin, key.key_id, b"payload", {"a": "1"}).ciphertext
    damaged = bytearray(blob)
    damaged[-1] ^= 0xFF
    with pytest.raises(InvalidCiphertextError):
        kms.decrypt(admin, bytes(damaged), {"a": "1"})
    with pytest.raises(InvalidCiphertextError):
        kms.decrypt(admin, blob, {"a": "2"})
    with pytest.raises(InvalidCiphertextError):
        kms.decrypt(admin, b"not a blob at all")
    with pytest.raises(IncorrectKeyError):
        kms.decrypt(admin, blob, {"a": "1"}, key_ref=other.key_id)
    # Another deployment's key of the same id: the blob names a key that does not exist here.
    foreign = blob.replace(key.key_id.encode(), other.key_id.encode())
    with pytest.raises(InvalidCiphertextError):
        kms.decrypt(admin, foreign, {"a": "1"})


def test_re_encrypt(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    a, b = kms.create_key(admin), kms.create_key(admin)
    blob = kms.encrypt(admin, a.key_id, b"move me", {"x": "1"}).ciphertext
    source, moved = kms.re_encrypt(
        admin, blob, b.arn, source_context={"x": "1"}, destination_context={"y": "2"}
    )
    assert source == a.arn and moved.key_arn == b.arn
    assert kms.decrypt(admin, moved.ciphertext, {"y": "2"}).plaintext == b"move me"


def test_grants_are_an_allow_path(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin)
    worker = session("Worker", [])
    blob = kms.encrypt(admin, key.key_id, b"for the worker", {"job": "j1"}).ciphertext
    with pytest.raises(RoleAccessDeniedError):
        kms.decrypt(worker, blob, {"job": "j1"})
    grant = kms.create_grant(
        admin,
        key.key_id,
        grantee=worker.role_arn,
        operations=["Decrypt"],
        constraints={"EncryptionContextSubset": {"job": "j1"}},
    )
    assert kms.decrypt(worker, blob, {"job": "j1"}).plaintext == b"for the worker"
    other = kms.encrypt(admin, key.key_id, b"not granted", {"job": "j2"}).ciphertext
    with pytest.raises(RoleAccessDeniedError):
        kms.decrypt(worker, other, {"job": "j2"})  # outside the grant's constraint
    with pytest.raises(RoleAccessDeniedError):
        kms.encrypt(worker, key.key_id, b"x", {"job": "j1"})  # operation not granted
    assert [g.grant_id for g in kms.list_grants(admin, key.key_id)] == [grant.grant_id]
    # An explicit deny still wins over a grant.
    denied = session("Worker", [{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}])
    with pytest.raises(RoleAccessDeniedError):
        kms.decrypt(denied, blob, {"job": "j1"})
    kms.revoke_grant(admin, key.key_id, grant.grant_id)
    with pytest.raises(RoleAccessDeniedError):
        kms.decrypt(worker, blob, {"job": "j1"})


def test_aliases(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin)
    kms.create_alias(admin, "alias/output", key.key_id)
    assert kms.resolve("alias/output").arn == key.arn
    assert kms.resolve(f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/output").key_id == key.key_id
    with pytest.raises(AliasExistsError):
        kms.create_alias(admin, "alias/output", key.key_id)
    blob = kms.encrypt(admin, "alias/output", b"via alias").ciphertext
    assert kms.decrypt(admin, blob).key_arn == key.arn
    assert [a["AliasName"] for a in kms.list_aliases(key.key_id)] == ["alias/output"]
    kms.delete_alias(admin, "alias/output")
    with pytest.raises(KeyNotFoundError):
        kms.resolve("alias/output")
    with pytest.raises(KeyNotFoundError):
        kms.resolve("00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValidationError, match="alias/aws/"):
        kms.create_alias(admin, "alias/aws/s3", key.key_id)


def test_disabled_key_and_malformed_policy(kms: EmbeddedKeyManager, admin: RoleSession) -> None:
    key = kms.create_key(admin)
    kms.set_enabled(admin, key.key_id, False)
    assert not kms.resolve(key.key_id).enabled
    with pytest.raises(DisabledKeyError):
        kms.encrypt(admin, key.key_id, b"x")
    with pytest.raises(MalformedKeyPolicyError, match="Principal"):
        kms.create_key(admin, policy=key_policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))
    with pytest.raises(MalformedKeyPolicyError):
        kms.put_key_policy(admin, key.key_id, "{not json")


def test_material_is_sealed_under_the_root_key(db: Database, tmp_path: Path, admin: RoleSession) -> None:
    box = SecretBox.from_file(tmp_path / "root.key")
    kms = EmbeddedKeyManager(db, box, account=ACCOUNT, region=REGION)
    key = kms.create_key(admin)
    blob = kms.encrypt(admin, key.key_id, b"x").ciphertext
    with db.read() as s:
        sealed = s.scalars(select(KmsKeyVersion.sealed_material)).all()
    assert len(sealed) == 1 and len(sealed[0]) > 32
    wrong = EmbeddedKeyManager(db, SecretBox.generate(), account=ACCOUNT, region=REGION)
    with pytest.raises(SecretStoreError):
        wrong.decrypt(admin, blob)
