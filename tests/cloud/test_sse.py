"""SSE-KMS envelopes on the raw store: sealed bytes at rest, metadata hidden, context bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from opentruth.cloud import sse
from opentruth.cloud.crypto import InvalidCiphertextError
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.keys import EmbeddedKeyManager
from opentruth.cloud.objectstore import ByteRange, InvalidArgument
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role

ACCOUNT = "000000000000"
TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    },
}


def _session(name: str, actions: list[str]) -> RoleSession:
    policies = (
        [
            {
                "PolicyName": "p",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
                },
            }
        ]
        if actions
        else []
    )
    role = Role.from_detail(
        {
            "RoleName": name,
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "Path": "/",
            "AssumeRolePolicyDocument": TRUST,
            "RolePolicyList": policies,
            "AttachedManagedPolicies": [],
        }
    )
    session = RoleSession(role, account=ACCOUNT, region="us-east-1", evaluator=Evaluator())
    return session.assume(f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/j")


@pytest.fixture
def setup(db: Database, tmp_path: Path) -> tuple[EmbeddedObjectStore, EmbeddedKeyManager, RoleSession, str]:
    store = EmbeddedObjectStore(tmp_path / "data", durable=False)
    store.create_bucket("bkt")
    keys = EmbeddedKeyManager(db, SecretBox.generate(), account=ACCOUNT, region="us-east-1")
    admin = _session("Admin", ["kms:*"])
    return store, keys, admin, keys.create_key(admin).arn


def test_round_trip_hides_metadata_and_sizes(
    setup: tuple[EmbeddedObjectStore, EmbeddedKeyManager, RoleSession, str], tmp_path: Path
) -> None:
    store, keys, admin, key = setup
    _, arn = sse.put_object_sse(
        store, keys, admin, "bkt", "k", b"0123456789", kms_key=key, metadata={"a": "1"}
    )
    assert arn == key
    raw = (tmp_path / "data" / "objects" / "bkt" / "k").read_bytes()
    assert raw.startswith(sse.MAGIC) and b"0123456789" not in raw
    data = sse.get_object_sse(store, keys, admin, "bkt", "k")
    assert data.body == b"0123456789" and data.info.size == 10 and data.info.metadata == {"a": "1"}
    part = sse.get_object_sse(store, keys, admin, "bkt", "k", ByteRange(2, 4))
    assert part.body == b"234" and part.content_range == (2, 4, 10)
    info = store.head_object("bkt", "k")
    assert sse.sse_headers(info) == {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key,
    }
    assert sse.public_info(info).size == 10 and sse.sse_headers(sse.public_info(info)) == {}


def test_decrypt_needs_the_key_and_the_same_object(
    setup: tuple[EmbeddedObjectStore, EmbeddedKeyManager, RoleSession, str],
) -> None:
    store, keys, admin, key = setup
    sse.put_object_sse(store, keys, admin, "bkt", "k", b"secret", kms_key=key)
    with pytest.raises(RoleAccessDeniedError):
        sse.get_object_sse(store, keys, _session("S3Only", ["s3:*"]), "bkt", "k")
    # The envelope copied to another key does not open there (context = the object ARN).
    raw = store.get_object("bkt", "k")
    store.put_object("bkt", "moved", raw.body, metadata=dict(raw.info.metadata))
    with pytest.raises(InvalidCiphertextError):
        sse.get_object_sse(store, keys, admin, "bkt", "moved")
    # A plain object marked as encrypted is refused, not returned as garbage.
    store.put_object("bkt", "fake", b"plain", metadata={sse.META_SSE: "aws:kms"})
    with pytest.raises(InvalidCiphertextError):
        sse.get_object_sse(store, keys, admin, "bkt", "fake")


def test_reserved_metadata_and_request_keys() -> None:
    with pytest.raises(InvalidArgument, match="reserved"):
        sse.check_user_metadata({"opentruth-sse": "aws:kms"})
    assert sse.request_keys("arn:k") == {
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:k",
    }
    assert sse.encryption_context("bkt", "a/b") == {"aws:s3:arn": "arn:aws:s3:::bkt/a/b"}
