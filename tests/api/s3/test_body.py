"""Payload rules of SigV4 for S3: body hashes, Content-MD5, aws-chunked, presigned URLs."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import httpx
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from api.s3.s3support import REGION, S3Server
from opentruth.api.sigv4 import STREAMING_PAYLOAD, signing_key
from opentruth.api.sigv4_chunked import encode_chunked


class _MarkerSigner(S3SigV4Auth):
    """botocore's S3 signer with a given payload hash (what SDKs that stream uploads sign)."""

    def __init__(self, credentials: Credentials, marker: str) -> None:
        super().__init__(credentials, "s3", REGION)
        self.marker = marker

    def payload(self, request: AWSRequest) -> str:
        return self.marker


def _signed(
    s3_server: S3Server, url: str, headers: dict[str, str], marker: str, user: str = "admin"
) -> AWSRequest:
    keys = s3_server.users[user]
    request = AWSRequest(method="PUT", url=url, headers=headers)
    _MarkerSigner(Credentials(keys.key_id, keys.secret), marker).add_auth(request)
    return request


def _chunked_put(
    s3_server: S3Server, bucket: str, key: str, payload: bytes, *, tamper: bool = False
) -> httpx.Response:
    amz_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    url = f"{s3_server.url}/{bucket}/{key}"
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(payload)),
        "X-Amz-Date": amz_date,
    }
    request = _signed(s3_server, url, headers, STREAMING_PAYLOAD)
    seed = str(request.headers["Authorization"]).rsplit("Signature=", 1)[1]
    day = amz_date[:8]
    body = encode_chunked(
        payload,
        signing_key=signing_key(s3_server.users["admin"].secret, day, REGION, "s3"),
        amz_date=amz_date,
        scope=f"{day}/{REGION}/s3/aws4_request",
        seed=seed,
        chunk_size=64 * 1024,
    )
    if tamper:
        body = body.replace(payload[70_000:70_010], b"X" * 10, 1)
    return httpx.put(url, content=body, headers=dict(request.headers.items()))


def test_signed_aws_chunked_upload_is_decoded(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="body-chunked")
    payload = bytes(range(256)) * 1000  # 256,000 bytes: four chunks of 64 KiB
    response = _chunked_put(s3_server, "body-chunked", "streamed.bin", payload)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"{hashlib.md5(payload).hexdigest()}"'
    assert s3.get_object(Bucket="body-chunked", Key="streamed.bin")["Body"].read() == payload


def test_forged_chunk_is_refused_and_nothing_is_stored(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="body-forged")
    payload = b"0123456789" * 10_000
    response = _chunked_put(s3_server, "body-forged", "forged.bin", payload, tamper=True)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert s3.list_objects_v2(Bucket="body-forged")["KeyCount"] == 0


def test_body_must_match_the_signed_sha256(s3_server: S3Server) -> None:
    s3_server.client().create_bucket(Bucket="body-sha")
    url = f"{s3_server.url}/body-sha/k"
    signed_for = b"the body that was signed"
    request = _signed(s3_server, url, {}, hashlib.sha256(signed_for).hexdigest())
    response = httpx.put(url, content=b"another body of data!!!!", headers=dict(request.headers.items()))
    assert response.status_code == 400
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in response.text
    same = httpx.put(url, content=signed_for, headers=dict(request.headers.items()))
    assert same.status_code == 200


def test_content_md5_is_checked(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="body-md5")
    good = base64.b64encode(hashlib.md5(b"abc").digest()).decode()
    s3.put_object(Bucket="body-md5", Key="ok", Body=b"abc", ContentMD5=good)
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket="body-md5", Key="bad", Body=b"abd", ContentMD5=good)
    assert err.value.response["Error"]["Code"] == "BadDigest"
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket="body-md5", Key="bad", Body=b"abd", ContentMD5="not-base64")
    assert err.value.response["Error"]["Code"] == "InvalidDigest"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="body-md5")["Contents"]] == ["ok"]


def test_presigned_get_and_put(s3_server: S3Server) -> None:
    s3 = s3_server.client(sigv4=True)
    s3.create_bucket(Bucket="body-presigned")
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "body-presigned", "Key": "up/file.txt"}, ExpiresIn=300
    )
    assert httpx.put(put_url, content=b"uploaded through a URL").status_code == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "body-presigned", "Key": "up/file.txt"}, ExpiresIn=300
    )
    got = httpx.get(get_url)
    assert got.status_code == 200 and got.content == b"uploaded through a URL"
    forged = get_url.replace("up%2Ffile.txt", "up%2Fother.txt").replace("up/file.txt", "up/other.txt")
    assert httpx.get(forged).status_code == 403
    alice_url = s3_server.client("alice", sigv4=True).generate_presigned_url(
        "get_object", Params={"Bucket": "body-presigned", "Key": "up/file.txt"}
    )
    denied = httpx.get(alice_url)
    assert denied.status_code == 403 and "s3:GetObject" in denied.text
