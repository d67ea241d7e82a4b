"""The lean SigV4 canonicaliser against botocore's signer: generated requests (paths with dot
segments, repeated slashes and escapes, repeated query keys, repeated and space-padded headers)
are signed by botocore, as a client signs them, and must verify with the server's code."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.api import sigv4, sigv4_canonical

KEY, SECRET = "AKIAEXAMPLEEXAMPLE12", "s" * 40

_segment = st.one_of(
    st.sampled_from([".", "..", "", "a b", "%2F", "~x", "k+1", "é"]),
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="/?#%"), max_size=6
    ),
)
_paths = st.lists(_segment, min_size=1, max_size=5).map(
    lambda segs: "/" + "/".join(quote(s, safe="/~.%") for s in segs)
)
_text = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="&="), max_size=8
)
_queries = st.lists(st.tuples(st.sampled_from(["a", "A", "b", "x-id", "list-type", "é"]), _text), max_size=4)
_header_values = st.text(alphabet=st.sampled_from(list("ab1 \t:,;")), max_size=10)
_headers = st.lists(
    st.tuples(st.sampled_from(["x-amz-meta-a", "x-amz-meta-b", "content-type"]), _header_values), max_size=4
)


def _sign(service: str, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # an email.message: repeats are kept, in order
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials(KEY, SECRET), service, "us-east-1").add_auth(request)
    return request


def _server_verifies(request: AWSRequest, body: bytes) -> bool:
    parts = urlsplit(str(request.url))
    pairs: list[tuple[str, str]] = [(k.lower(), str(v)) for k, v in request.headers.items()]
    pairs.append(("host", str(parts.netloc)))
    first: dict[str, Any] = {}
    for k, v in pairs:
        first.setdefault(k, v)
    query = sigv4.decode_query(parts.query)
    sr = sigv4.parse(first, query)
    assert sr is not None
    expected = sigv4.expected_signature(
        sr,
        secret=SECRET,
        method=str(request.method),
        raw_path=str(parts.path),
        query=query,
        headers=pairs,
        payload_hash=sigv4.payload_hash_for(sr, first, body),
    )
    return hmac.compare_digest(expected, sr.signature)


@settings(max_examples=150, deadline=None)
@given(
    service=st.sampled_from(["s3", "sagemaker", "iam"]),
    method=st.sampled_from(["GET", "PUT", "POST", "delete"]),
    path=_paths,
    query=_queries,
    headers=_headers,
    body=st.binary(max_size=20),
)
def test_botocore_signed_requests_verify(
    service: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    qs = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    url = "http://127.0.0.1:8080" + path + (f"?{qs}" if qs else "")
    if service == "s3":
        headers = [*headers, ("X-Amz-Content-SHA256", hashlib.sha256(body).hexdigest())]
    request = _sign(service, method, url, headers, body)
    assert _server_verifies(request, body)


def test_a_changed_header_or_path_no_longer_verifies() -> None:
    body = b"{}"
    request = _sign("sagemaker", "POST", "http://127.0.0.1:8080/a/b", [("x-amz-meta-a", "1")], body)
    assert _server_verifies(request, body)
    request.headers.replace_header("x-amz-meta-a", "2")
    assert not _server_verifies(request, body)
    moved = _sign(
        "s3", "GET", "http://127.0.0.1:8080/b/k", [("X-Amz-Content-SHA256", sigv4.EMPTY_SHA256)], b""
    )
    moved.url = "http://127.0.0.1:8080/b/k2"
    assert not _server_verifies(moved, b"")


def test_s3_paths_are_signed_as_sent_and_others_normalised() -> None:
    assert sigv4_canonical.canonical_path("/b/a//./c%20d", normalize=False) == "/b/a//./c%20d"
    assert sigv4_canonical.canonical_path("/b/a//./x/../c%20d", normalize=True) == "/b/a/c%2520d"
    assert sigv4_canonical.canonical_path("", normalize=True) == "/"


def test_canonical_headers_name_the_absent_ones() -> None:
    block, absent = sigv4_canonical.canonical_headers(
        ("host", "x-amz-date", "x-amz-meta-z"), [("x-amz-date", " 1  2 "), ("host", "h"), ("x-amz-date", "3")]
    )
    assert block == "host:h\nx-amz-date:1 2,3"
    assert absent == ["x-amz-meta-z"]


def test_signing_key_is_sigv4s_hmac_chain() -> None:
    chain = hmac.new(b"AWS4" + SECRET.encode(), b"20240501", hashlib.sha256).digest()
    for part in (b"us-east-1", b"s3", b"aws4_request"):
        chain = hmac.new(chain, part, hashlib.sha256).digest()
    assert sigv4_canonical.signing_key(SECRET, "20240501", "us-east-1", "s3") == chain
    assert sigv4.signing_key(SECRET, "20240501", "us-east-1", "s3") == chain
