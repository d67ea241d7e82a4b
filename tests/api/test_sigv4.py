"""SigV4 verification: real boto3 requests with bad signatures, wrong secrets, skewed clocks; the
presigned form and S3's payload hashes through botocore's own signers; a fuzz of the parser."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import botocore.auth
import httpx
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opentruth.api import sigv4
from opentruth.api.sigv4 import Failure, Family, SigV4Error

if TYPE_CHECKING:
    # mypy knows the conftest as api.conftest; pytest never imports annotations.
    from api.conftest import Server

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
KEY, SECRET = "AKIAEXAMPLEEXAMPLE12", "s" * 40


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_tampered_signature_is_rejected(server: Server) -> None:
    sts = server.client("sts")

    def tamper(request: Any, **_: Any) -> None:
        auth = request.headers["Authorization"]
        text = auth.decode() if isinstance(auth, bytes) else auth
        request.headers["Authorization"] = text[:-1] + ("0" if text[-1] != "0" else "1")

    sts.meta.events.register("before-send.sts.GetCallerIdentity", tamper)
    with pytest.raises(ClientError) as exc:
        sts.get_caller_identity()
    assert error_code(exc) == "SignatureDoesNotMatch"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret_and_unknown_key(server: Server) -> None:
    with pytest.raises(ClientError) as exc:
        server.client("iam", server.admin.key_id, "x" * 40).list_roles()
    assert error_code(exc) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as exc:
        server.client("iam", "AKIAAAAAAAAAAAAAAAAA", "x" * 40).list_roles()
    assert error_code(exc) == "InvalidClientTokenId"


def test_too_much_clock_skew(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    past = datetime.now(UTC) - timedelta(minutes=20)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: past.replace(tzinfo=None))
    with pytest.raises(ClientError) as exc:
        server.client("sts").get_caller_identity()
    assert error_code(exc) == "SignatureDoesNotMatch"
    assert "Signature expired" in exc.value.response["Error"]["Message"]
    # Within the 15-minute window the request passes.
    near = datetime.now(UTC) - timedelta(minutes=10)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: near.replace(tzinfo=None))
    assert server.client("sts").get_caller_identity()["Account"] == "000000000000"


def test_missing_authentication(server: Server) -> None:
    response = httpx.post(server.url + "/", data={"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert response.status_code == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in response.content


def _signed(
    signer: Any, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    signer.add_auth(request)
    return request


def _verify(request: AWSRequest, secret: str = SECRET, now: datetime | None = None) -> sigv4.SignedRequest:
    """Verify a botocore-signed request with the server's code path."""
    from urllib.parse import urlsplit

    parts = urlsplit(str(request.url))
    prepared = request.prepare()
    headers = {str(k).lower(): str(v) for k, v in prepared.headers.items()}
    headers.setdefault("host", str(parts.netloc))
    query = sigv4.decode_query(parts.query)
    sr = sigv4.parse(headers, query)
    assert sr is not None
    sigv4.check_scope_and_time(sr, region="us-east-1", service=sr.service, now=now or sr.timestamp)
    raw_body: Any = prepared.body
    body = raw_body if isinstance(raw_body, bytes) else str(raw_body or "").encode()
    expected = sigv4.expected_signature(
        sr,
        secret=secret,
        method=str(request.method),
        raw_path=str(parts.path) or "/",
        query=query,
        headers=list(headers.items()),
        payload_hash=sigv4.payload_hash_for(sr, headers, body),
    )
    sigv4.verify_signature(sr, expected)
    return sr


def test_botocore_signatures_verify_header_form() -> None:
    creds = Credentials(KEY, SECRET)
    req = _signed(SigV4Auth(creds, "sagemaker", "us-east-1"), "POST", "http://127.0.0.1:8080/", b'{"a": 1}')
    assert _verify(req).service == "sagemaker"
    with pytest.raises(SigV4Error) as exc:
        _verify(req, secret="t" * 40)
    assert exc.value.code_for(Family.JSON) == ("InvalidSignatureException", 403)


def test_s3_payload_hash_forms_and_unnormalised_paths() -> None:
    creds = Credentials(KEY, SECRET)
    signer = S3SigV4Auth(creds, "s3", "us-east-1")
    body = b"hello"
    req = _signed(signer, "PUT", "http://127.0.0.1:8080/bucket/a//b/../c%20d", body)
    sr = _verify(req)
    assert sr.service == "s3"
    unsigned = _signed(
        signer,
        "PUT",
        "http://127.0.0.1:8080/bucket/k",
        body,
        {"X-Amz-Content-SHA256": sigv4.UNSIGNED_PAYLOAD},
    )
    _verify(unsigned)


def test_presigned_query_form_and_expiry() -> None:
    creds = Credentials(KEY, SECRET)
    signer = S3SigV4QueryAuth(creds, "s3", "us-east-1", expires=60)
    req = _signed(signer, "GET", "http://127.0.0.1:8080/bucket/key.txt?versionId=3")
    sr = _verify(req)
    assert sr.form == "query" and sr.expires == 60
    with pytest.raises(SigV4Error) as exc:
        _verify(req, now=sr.timestamp + timedelta(seconds=61))
    assert exc.value.code_for(Family.S3) == ("AccessDenied", 403)


def test_scope_checks() -> None:
    creds = Credentials(KEY, SECRET)
    req = _signed(SigV4Auth(creds, "iam", "eu-west-1"), "POST", "http://127.0.0.1:8080/", b"Action=ListRoles")
    headers = {k.lower(): v for k, v in req.headers.items()}
    sr = sigv4.parse(headers, [])
    assert sr is not None
    with pytest.raises(SigV4Error) as exc:
        sigv4.check_scope_and_time(sr, region="us-east-1", service="iam", now=sr.timestamp)
    assert exc.value.failure is Failure.SCOPE
    with pytest.raises(SigV4Error):
        sigv4.check_scope_and_time(sr, region="eu-west-1", service="sts", now=sr.timestamp)
    with pytest.raises(SigV4Error) as exc:
        sigv4.check_scope_and_time(
            sr, region="eu-west-1", service="iam", now=sr.timestamp + timedelta(minutes=16)
        )
    assert exc.value.code_for(Family.S3) == ("RequestTimeTooSkewed", 403)


def test_host_and_date_must_be_signed() -> None:
    base = "AWS4-HMAC-SHA256 Credential=AKIA/20240501/us-east-1/iam/aws4_request, Signature=" + "a" * 64
    headers = {"x-amz-date": "20240501T120000Z"}
    with pytest.raises(SigV4Error):
        sigv4.parse({**headers, "authorization": base + ", SignedHeaders=x-amz-date"}, [])
    with pytest.raises(SigV4Error):
        sigv4.parse({**headers, "authorization": base + ", SignedHeaders=host"}, [])
    assert sigv4.parse({**headers, "authorization": base + ", SignedHeaders=host;x-amz-date"}, []) is not None


def test_session_token_check() -> None:
    sr = sigv4.SignedRequest(
        "header", "ASIA", "20240501", "us-east-1", "sts", ("host",), "a" * 64, "x", "tok", None
    )
    sigv4.check_token(sr, "tok")
    with pytest.raises(SigV4Error):
        sigv4.check_token(sr, "other")
    with pytest.raises(SigV4Error):
        sigv4.check_token(sr, None)


def test_payload_hash_for_other_services_is_the_body_digest() -> None:
    sr = sigv4.SignedRequest(
        "header", "A", "20240501", "us-east-1", "iam", ("host",), "a" * 64, "x", None, None
    )
    assert sigv4.payload_hash_for(sr, {}, b"abc") == hashlib.sha256(b"abc").hexdigest()
    with pytest.raises(SigV4Error):
        sigv4.payload_hash_for(sr, {"x-amz-content-sha256": "0" * 64}, b"abc")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    auth=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda a, b, c: f"AWS4-HMAC-SHA256 Credential={a}, SignedHeaders={b}, Signature={c}",
            st.text(max_size=80),
            st.text(max_size=40),
            st.text(max_size=70),
        ),
    ),
    date=st.text(max_size=20),
    query=st.lists(
        st.tuples(
            st.sampled_from(
                ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Date", "X-Amz-Expires", "x"]
            ),
            st.text(max_size=60),
        ),
        max_size=6,
    ),
)
def test_parser_never_crashes(auth: str, date: str, query: list[tuple[str, str]]) -> None:
    for headers, q in (({"authorization": auth, "x-amz-date": date}, []), ({}, query)):
        try:
            sr = sigv4.parse(headers, q)
        except SigV4Error as exc:
            for family in Family:
                code, status = exc.code_for(family)
                assert code and 400 <= status < 500
            continue
        if sr is not None:
            status = 200
            try:
                sigv4.check_scope_and_time(sr, region="us-east-1", service="iam", now=NOW)
            except SigV4Error as exc:
                status = exc.code_for(Family.QUERY)[1]
            assert status == 200 or 400 <= status < 500


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.text(alphabet="0123456789TZ\n", min_size=14, max_size=18),
        st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)).map(
            lambda d: d.strftime("%Y%m%dT%H%M%SZ")
        ),
    )
)
def test_amz_date_parses_as_strptime_does(value: str) -> None:
    """The fast parser agrees with strptime on the fixed-width form the SigV4 parser admits, and
    refuses everything else (strptime would also take ``2024511T...``; the parser never lets
    such a value through)."""
    try:
        expected: datetime | None = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        expected = None
    try:
        got: datetime | None = sigv4.parse_amz_date(value)
    except ValueError:
        got = None
    if len(value) == 16 and value[8] == "T" and (value[:8] + value[9:15]).isdigit() and value[15] == "Z":
        assert got == expected
    else:
        assert got is None
