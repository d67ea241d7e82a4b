"""The KMS JSON 1.1 API with real boto3 clients against the whole server (uvicorn on 127.0.0.1,
background work on huey): keys, aliases, policies, grants, rotation, KMS's error codes, and a
labeling job whose output is encrypted with OutputConfig.KmsKeyId."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from labsupport import TRUST, job_request, seed_policy
from obssupport import Full, full_server
from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.cloud.sse import MAGIC

ACCOUNT = "000000000000"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    # "private text" is what must never appear on disk once the output is encrypted.
    yield from full_server(tmp_path_factory.mktemp("data"), workteam=False, source="private text")


def _code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def test_keys_aliases_policies_and_cryptography(full: Full) -> None:
    kms = full.client("kms")
    meta = kms.create_key(Description="labels")["KeyMetadata"]
    key_id, arn = meta["KeyId"], meta["Arn"]
    assert arn == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    assert meta["KeyState"] == "Enabled" and meta["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["Description"] == "labels"
    assert key_id in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}

    kms.create_alias(AliasName="alias/labels", TargetKeyId=key_id)
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in aliases] == [("alias/labels", key_id)]

    ctx = {"purpose": "test"}
    enc = kms.encrypt(KeyId="alias/labels", Plaintext=b"hello kms", EncryptionContext=ctx)
    assert enc["KeyId"] == arn and b"hello kms" not in enc["CiphertextBlob"]
    dec = kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], EncryptionContext=ctx)
    assert dec["Plaintext"] == b"hello kms" and dec["KeyId"] == arn

    dk = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert len(dk["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    bare = kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16)
    assert (
        "Plaintext" not in bare and len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 16
    )

    other = kms.create_key()["KeyMetadata"]["Arn"]
    moved = kms.re_encrypt(
        CiphertextBlob=enc["CiphertextBlob"], SourceEncryptionContext=ctx, DestinationKeyId=other
    )
    assert moved["SourceKeyId"] == arn and moved["KeyId"] == other
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"hello kms"

    # Rotation: a new version; ciphertexts of the old one still decrypt.
    kms.enable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    kms.rotate_key_on_demand(KeyId=key_id)
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 1
    assert (
        kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], EncryptionContext=ctx)["Plaintext"] == b"hello kms"
    )

    kms.delete_alias(AliasName="alias/labels")
    assert kms.list_aliases(KeyId=key_id)["Aliases"] == []


def test_errors_have_kms_codes(full: Full) -> None:
    kms = full.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="11111111-2222-3333-4444-555555555555")
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"a": "1"})["CiphertextBlob"]
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "2"})
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=tampered, EncryptionContext={"a": "1"})
    with pytest.raises(kms.exceptions.IncorrectKeyException):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "1"}, KeyId=other)
    kms.create_alias(AliasName="alias/taken", TargetKeyId=key_id)
    with pytest.raises(kms.exceptions.AlreadyExistsException):
        kms.create_alias(AliasName="alias/taken", TargetKeyId=other)
    with pytest.raises(kms.exceptions.MalformedPolicyDocumentException):
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy='{"Version": "2012-10-17"')
    kms.disable_key(KeyId=other)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId=other, Plaintext=b"x")


def test_identity_allow_is_not_enough_without_delegation(full: Full) -> None:
    admin_kms = full.client("kms")
    carol = full.user("carol", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})  # fmt: skip
    kms = full.client("kms", *carol)
    delegating = admin_kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.encrypt(KeyId=delegating, Plaintext=b"ok")["KeyId"].endswith(delegating)
    only_admin = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": full.admin.user_arn},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )
    strict = admin_kms.create_key(Policy=only_admin)["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=strict, Plaintext=b"no")
    assert _code(info) == "AccessDeniedException"
    assert "carol is not authorized to perform: kms:Encrypt" in info.value.response["Error"]["Message"]
    # A grant is another allow path: carol may then encrypt, and nothing else.
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/carol"
    grant = admin_kms.create_grant(KeyId=strict, GranteePrincipal=user_arn, Operations=["Encrypt"])
    assert kms.encrypt(KeyId=strict, Plaintext=b"yes")["KeyId"].endswith(strict)
    listed = admin_kms.list_grants(KeyId=strict)["Grants"]
    assert [(g["GrantId"], g["GranteePrincipal"], g["Operations"]) for g in listed] == [
        (grant["GrantId"], user_arn, ["Encrypt"])
    ]
    with pytest.raises(ClientError) as again:
        kms.describe_key(KeyId=strict)
    assert _code(again) == "AccessDeniedException"


def _label_all(url: str, job: str, user: str) -> int:
    done = 0
    with httpx.Client(base_url=url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        while True:
            r = http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)
            if r.status_code == 204:
                return done
            ok = http.post(
                f"/worker/api/tasks/{r.json()['taskId']}/submit",
                headers=auth,
                json={"answerContent": {"crowd-classifier": {"label": "pos"}}},
            )
            assert ok.status_code == 200, ok.text
            done += 1


def _wait(sm: Any, name: str, status: set[str], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        d: dict[str, Any] = sm.describe_labeling_job(LabelingJobName=name)
        if d["LabelingJobStatus"] in status or time.monotonic() > deadline:
            return d
        time.sleep(0.1)


def test_encrypted_job_output_needs_kms_decrypt(full: Full) -> None:
    kms, iam, sm = full.client("kms"), full.client("iam"), full.client("sagemaker")
    key = kms.create_key(Description="job output")["KeyMetadata"]
    kms.create_alias(AliasName="alias/gt-output", TargetKeyId=key["KeyId"])
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append(
        {
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
            "Resource": key["Arn"],
            "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        }
    )
    iam.create_role(RoleName="GroundTruthExecution", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="GroundTruthExecution", PolicyName="x", PolicyDocument=json.dumps(policy))
    sm.create_workteam(
        WorkteamName="labelers",
        MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["labelers"]}}],
        Description="the team",
    )
    req = job_request("encrypted", "TextMultiClass")
    req["OutputConfig"]["KmsKeyId"] = "alias/gt-output"
    sm.create_labeling_job(**req)
    assert _wait(sm, "encrypted", {"InProgress", "Failed"})["LabelingJobStatus"] == "InProgress"
    assert _label_all(full.url, "encrypted", "ann") == 3
    d = _wait(sm, "encrypted", {"Completed", "Failed"})
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    assert d["OutputConfig"]["KmsKeyId"] == "alias/gt-output"
    bucket, _, okey = d["LabelingJobOutput"]["OutputDatasetS3Uri"][len("s3://") :].partition("/")

    on_disk = (full.data / "objects" / bucket / okey).read_bytes()
    assert on_disk.startswith(MAGIC) and b"private text" not in on_disk and b"pos" not in on_disk

    res = full.runtime.res
    session = res.session(d["RoleArn"], d["LabelingJobArn"])
    with_decrypt = AuthorizedObjectStore(res.store, session, keys=res.keys)
    lines = [json.loads(x) for x in with_decrypt.get_object(bucket, okey).body.decode().splitlines()]
    assert [x["source"] for x in lines] == [f"private text {i}" for i in range(3)]
    assert {x["label-metadata"]["class-name"] for x in lines} == {"pos"}

    # The same read by a role that may get the object but has no kms:Decrypt is denied.
    iam.create_role(RoleName="OutputReader", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(
        RoleName="OutputReader",
        PolicyName="read",
        PolicyDocument=json.dumps(seed_policy(["output-data"], put=False)),
    )
    reader = res.session(f"arn:aws:iam::{ACCOUNT}:role/OutputReader", d["LabelingJobArn"])
    with pytest.raises(RoleAccessDeniedError) as info:
        AuthorizedObjectStore(res.store, reader, keys=res.keys).get_object(bucket, okey)
    assert info.value.action == "kms:Decrypt" and info.value.resource == key["Arn"]


def test_s3_api_sse_kms_headers(full: Full) -> None:
    kms, s3 = full.client("kms"), full.client("s3")
    key = kms.create_key(Description="s3 objects")["KeyMetadata"]
    s3.create_bucket(Bucket="sse-bucket")
    put = s3.put_object(
        Bucket="sse-bucket",
        Key="doc.txt",
        Body=b"top secret document",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key["KeyId"],
        Metadata={"owner": "me"},
    )
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    on_disk = (full.data / "objects" / "sse-bucket" / "doc.txt").read_bytes()
    assert on_disk.startswith(MAGIC) and b"top secret" not in on_disk

    got = s3.get_object(Bucket="sse-bucket", Key="doc.txt")
    assert got["Body"].read() == b"top secret document"
    assert got["ServerSideEncryption"] == "aws:kms" and got["SSEKMSKeyId"] == key["Arn"]
    assert got["Metadata"] == {"owner": "me"} and got["ContentLength"] == len(b"top secret document")
    part = s3.get_object(Bucket="sse-bucket", Key="doc.txt", Range="bytes=4-9")
    assert part["Body"].read() == b"secret" and part["ContentRange"] == "bytes 4-9/19"
    assert s3.head_object(Bucket="sse-bucket", Key="doc.txt")["ContentLength"] == 19

    # S3 permissions without kms:Decrypt: the read is denied, HEAD is not (as in S3).
    dave = full.user("dave", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})  # fmt: skip
    s3_dave = full.client("s3", *dave)
    with pytest.raises(ClientError) as info:
        s3_dave.get_object(Bucket="sse-bucket", Key="doc.txt")
    assert _code(info) == "AccessDenied"
    assert s3_dave.head_object(Bucket="sse-bucket", Key="doc.txt")["ServerSideEncryption"] == "aws:kms"
    with pytest.raises(ClientError) as put_denied:  # and no kms:GenerateDataKey either
        s3_dave.put_object(
            Bucket="sse-bucket", Key="x", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
        )
    assert _code(put_denied) == "AccessDenied"
    with pytest.raises(ClientError) as sse_s3:
        s3.put_object(Bucket="sse-bucket", Key="y", Body=b"y", ServerSideEncryption="AES256")
    assert _code(sse_s3) == "InvalidArgument"
