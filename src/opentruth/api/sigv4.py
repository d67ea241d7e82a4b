"""SigV4 request verification: parse the Authorization header or the presigned query, and
recompute the signature by botocore's rules.

The server recomputes exactly what the client computed, by the rules of botocore's ``SigV4Auth``
(the code boto3 signs with; see :mod:`opentruth.api.sigv4_canonical`), from what the request
carried: the signed headers only, the raw path, the canonical query (without
``X-Amz-Signature``) and the payload hash. For S3 that hash is the ``x-amz-content-sha256``
header (a hex digest, ``UNSIGNED-PAYLOAD`` or a ``STREAMING-…`` marker) and the path is not
normalised (``S3SigV4Auth`` semantics); other services hash the body.

What is checked, and why (moto checks none of it):

- signatures compare in constant time (:func:`hmac.compare_digest`), so response timing does not
  leak how many leading characters of a forged signature were right;
- the scope date equals the ``x-amz-date`` day, the region is the account's, the service is the
  one the request is routed to (a signature made for one service cannot be replayed on another);
- ``host`` and (for the header form) ``x-amz-date`` must be signed: otherwise a captured request
  could be replayed against another host, or at any time;
- the clock skew may be at most 15 minutes (AWS's window), presigned URLs honour ``X-Amz-Expires``;
- temporary credentials (``ASIA…``) need their session token.

Failures raise :class:`SigV4Error`, whose wire code depends on the protocol family: AWS's JSON
services, its query services and S3 each word the same failure differently.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from opentruth.api import sigv4_canonical as canonical
from opentruth.api.sigv4_canonical import ALGORITHM as ALGORITHM
from opentruth.api.sigv4_canonical import signing_key as signing_key
from opentruth.errors import OpenTruthError

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: AWS accepts requests whose signing time is within 15 minutes of its clock.
MAX_SKEW = timedelta(minutes=15)
#: A presigned URL may live at most 7 days.
MAX_PRESIGN_EXPIRES = 604_800

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_AMZ_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_DAY = re.compile(r"^\d{8}$")
_HEADER_NAME = re.compile(r"^[a-z0-9!#$%&'*+.^_`|~-]+$")
_PAYLOAD_MARKERS = frozenset(
    {UNSIGNED_PAYLOAD, STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_TRAILER}
)


class Family(StrEnum):
    """How a protocol family words authentication errors."""

    JSON = "json"
    QUERY = "query"
    S3 = "s3"


class Failure(StrEnum):
    """The kinds of authentication failure."""

    MISSING = "missing"
    MALFORMED = "malformed"
    SIGNATURE = "signature"
    UNKNOWN_KEY = "unknown_key"
    BAD_TOKEN = "bad_token"  # noqa: S105 - a failure kind, not a credential
    EXPIRED_TOKEN = "expired_token"  # noqa: S105
    SKEW = "skew"
    PRESIGN_EXPIRED = "presign_expired"
    SCOPE = "scope"


# (code, HTTP status) per family, as AWS answers.
_CODES: dict[Failure, dict[Family, tuple[str, int]]] = {
    Failure.MISSING: {
        Family.JSON: ("MissingAuthenticationTokenException", 403),
        Family.QUERY: ("MissingAuthenticationToken", 403),
        Family.S3: ("AccessDenied", 403),
    },
    Failure.MALFORMED: {
        Family.JSON: ("IncompleteSignatureException", 400),
        Family.QUERY: ("IncompleteSignature", 400),
        Family.S3: ("AuthorizationHeaderMalformed", 400),
    },
    Failure.SIGNATURE: {
        Family.JSON: ("InvalidSignatureException", 403),
        Family.QUERY: ("SignatureDoesNotMatch", 403),
        Family.S3: ("SignatureDoesNotMatch", 403),
    },
    Failure.UNKNOWN_KEY: {
        Family.JSON: ("UnrecognizedClientException", 403),
        Family.QUERY: ("InvalidClientTokenId", 403),
        Family.S3: ("InvalidAccessKeyId", 403),
    },
    Failure.BAD_TOKEN: {
        Family.JSON: ("UnrecognizedClientException", 403),
        Family.QUERY: ("InvalidClientTokenId", 403),
        Family.S3: ("InvalidToken", 400),
    },
    Failure.EXPIRED_TOKEN: {
        Family.JSON: ("ExpiredTokenException", 403),
        Family.QUERY: ("ExpiredToken", 403),
        Family.S3: ("ExpiredToken", 400),
    },
    Failure.SKEW: {
        Family.JSON: ("InvalidSignatureException", 403),
        Family.QUERY: ("SignatureDoesNotMatch", 403),
        Family.S3: ("RequestTimeTooSkewed", 403),
    },
    Failure.PRESIGN_EXPIRED: {
        Family.JSON: ("InvalidSignatureException", 403),
        Family.QUERY: ("SignatureDoesNotMatch", 403),
        Family.S3: ("AccessDenied", 403),
    },
    Failure.SCOPE: {
        Family.JSON: ("InvalidSignatureException", 403),
        Family.QUERY: ("SignatureDoesNotMatch", 403),
        Family.S3: ("AuthorizationHeaderMalformed", 400),
    },
}


class SigV4Error(OpenTruthError):
    """An authentication failure; :meth:`code_for` gives its wire code for a protocol family."""

    http_status = 403

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.aws_code, self.http_status = _CODES[failure][Family.QUERY]

    def code_for(self, family: Family) -> tuple[str, int]:
        """``(code, HTTP status)`` as that protocol family answers this failure."""
        return _CODES[self.failure][family]


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What a request claims about its signature (not yet verified)."""

    form: str
    """``header`` or ``query`` (presigned)."""
    key_id: str
    day: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    token: str | None
    expires: int | None

    @property
    def scope(self) -> str:
        """``<day>/<region>/<service>/aws4_request``."""
        return f"{self.day}/{self.region}/{self.service}/aws4_request"

    @property
    def timestamp(self) -> datetime:
        """The signing time (``x-amz-date``), aware UTC; ``ValueError`` if it is not one."""
        return parse_amz_date(self.amz_date)


def parse_amz_date(value: str) -> datetime:
    """``20240501T120000Z`` as an aware UTC datetime (``ValueError`` for anything else).

    What ``datetime.strptime(value, "%Y%m%dT%H%M%SZ")`` accepts, at a tenth of its cost (it runs
    on every request): the digits are checked first, then ``datetime`` checks the ranges.
    """
    if not _AMZ_DATE.fullmatch(value):  # fullmatch: no trailing newline either, as strptime
        raise ValueError(f"{value[:40]!r} is not a time like 20240501T120000Z")
    return datetime(
        int(value[0:4]), int(value[4:6]), int(value[6:8]),
        int(value[9:11]), int(value[11:13]), int(value[13:15]), tzinfo=UTC,
    )  # fmt: skip


def _malformed(message: str) -> SigV4Error:
    return SigV4Error(Failure.MALFORMED, message)


def _credential(value: str) -> tuple[str, str, str, str]:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts[:4]):
        raise _malformed(
            "Credential should be <access key>/<YYYYMMDD>/<region>/<service>/aws4_request; "
            f"got {value[:200]!r}"
        )
    if not _DAY.match(parts[1]):
        raise _malformed(f"Credential date {parts[1][:20]!r} is not YYYYMMDD")
    return parts[0], parts[1], parts[2], parts[3]


def _signed_headers(value: str) -> tuple[str, ...]:
    names = tuple(value.split(";"))
    if not value or not all(_HEADER_NAME.match(n) for n in names):
        raise _malformed(
            f"SignedHeaders must be lower-case header names separated by ';'; got {value[:200]!r}"
        )
    if "host" not in names:
        raise SigV4Error(Failure.SIGNATURE, "'Host' must be a signed header")
    return names


def parse(headers: Mapping[str, str], query: Sequence[tuple[str, str]]) -> SignedRequest | None:
    """The signature claims of a request, or ``None`` when it carries none (anonymous).

    ``headers`` are lower-cased names; ``query`` the decoded query pairs. Raises
    :class:`SigV4Error` for a malformed signature (never any other exception).
    """
    auth = headers.get("authorization")
    qmap = dict(query)
    if auth is not None:
        return _parse_header(auth, headers)
    if "X-Amz-Signature" in qmap or "X-Amz-Algorithm" in qmap or "X-Amz-Credential" in qmap:
        return _parse_query(qmap)
    return None


def _parse_header(auth: str, headers: Mapping[str, str]) -> SignedRequest:
    algorithm, _, rest = auth.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise _malformed(
            f"Unsupported Authorization algorithm {algorithm[:40]!r}: only {ALGORITHM} (SigV4) is accepted"
        )
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, eq, value = part.strip().partition("=")
        if not eq:
            raise _malformed(f"Authorization component {part.strip()[:60]!r} must be name=value")
        fields[name] = value
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if n not in fields]
    if missing:
        raise _malformed(f"Authorization header requires {', '.join(missing)} parameter(s)")
    key_id, day, region, service = _credential(fields["Credential"])
    signed = _signed_headers(fields["SignedHeaders"])
    if "x-amz-date" not in signed:
        raise SigV4Error(Failure.SIGNATURE, "'X-Amz-Date' must be a signed header")
    amz_date = headers.get("x-amz-date", "")
    if not _AMZ_DATE.match(amz_date):
        raise _malformed("X-Amz-Date header must be present and look like 20240101T000000Z")
    signature = fields["Signature"]
    if not _HEX64.match(signature):
        raise SigV4Error(Failure.SIGNATURE, "Signature must be 64 lower-case hexadecimal characters")
    return SignedRequest(
        "header",
        key_id,
        day,
        region,
        service,
        signed,
        signature,
        amz_date,
        headers.get("x-amz-security-token"),
        None,
    )


def _parse_query(q: Mapping[str, str]) -> SignedRequest:
    missing = [
        n
        for n in (
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
        )
        if n not in q
    ]
    if missing:
        raise _malformed(f"Query-string authentication requires {', '.join(missing)}")
    if q["X-Amz-Algorithm"] != ALGORITHM:
        raise _malformed(f"X-Amz-Algorithm must be {ALGORITHM}")
    key_id, day, region, service = _credential(q["X-Amz-Credential"])
    signed = _signed_headers(q["X-Amz-SignedHeaders"])
    if not _AMZ_DATE.match(q["X-Amz-Date"]):
        raise _malformed("X-Amz-Date must look like 20240101T000000Z")
    if not _HEX64.match(q["X-Amz-Signature"]):
        raise SigV4Error(Failure.SIGNATURE, "X-Amz-Signature must be 64 lower-case hexadecimal characters")
    expires: int | None = None
    if "X-Amz-Expires" in q:
        raw = q["X-Amz-Expires"]
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PRESIGN_EXPIRES:
            raise _malformed(f"X-Amz-Expires must be a number of seconds from 1 to {MAX_PRESIGN_EXPIRES}")
        expires = int(raw)
    return SignedRequest(
        "query",
        key_id,
        day,
        region,
        service,
        signed,
        q["X-Amz-Signature"],
        q["X-Amz-Date"],
        q.get("X-Amz-Security-Token"),
        expires,
    )


def check_scope_and_time(sr: SignedRequest, *, region: str, service: str, now: datetime) -> None:
    """The credential scope names this region and service on the signing day, within the skew."""
    if sr.day != sr.amz_date[:8]:
        raise SigV4Error(
            Failure.SCOPE,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{sr.day}' != '{sr.amz_date[:8]}'",
        )
    if sr.region != region:
        raise SigV4Error(
            Failure.SCOPE,
            "Credential should be scoped to a valid region. "
            f"The region '{sr.region}' is wrong; expecting '{region}'",
        )
    if sr.service != service:
        raise SigV4Error(Failure.SCOPE, f"Credential should be scoped to correct service: '{service}'.")
    try:
        signed_at = sr.timestamp
    except ValueError:
        raise _malformed(f"X-Amz-Date {sr.amz_date!r} is not a valid time") from None
    if sr.form == "query" and sr.expires is not None:
        if now > signed_at + timedelta(seconds=sr.expires):
            raise SigV4Error(Failure.PRESIGN_EXPIRED, "Request has expired")
        if signed_at - now > MAX_SKEW:
            raise SigV4Error(Failure.SKEW, "Request is not yet valid")
        return
    if abs(now - signed_at) > MAX_SKEW:
        raise SigV4Error(
            Failure.SKEW,
            f"Signature expired: {sr.amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} ({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)"
            if signed_at < now
            else f"Signature not yet current: {sr.amz_date} is still later than "
            f"{(now + MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} ({now.strftime('%Y%m%dT%H%M%SZ')} + 15 min.)",
        )


def check_token(sr: SignedRequest, expected: str | None) -> None:
    """Temporary credentials must carry their session token; long-term keys must carry none."""
    if expected is None:
        if sr.token:
            raise SigV4Error(Failure.BAD_TOKEN, "The security token included in the request is invalid.")
        return
    if not sr.token or not hmac.compare_digest(sr.token.encode(), expected.encode()):
        raise SigV4Error(Failure.BAD_TOKEN, "The security token included in the request is invalid.")


def expected_signature(
    sr: SignedRequest,
    *,
    secret: str,
    method: str,
    raw_path: str,
    query: Iterable[tuple[str, str]],
    headers: Iterable[tuple[str, str]],
    payload_hash: str,
) -> str:
    """The signature the client must have sent, recomputed as botocore's ``SigV4Auth`` signs.

    ``headers`` are every (lower-case name, value) pair of the request, repeats included;
    ``query`` the decoded query pairs (``X-Amz-Signature`` is left out here). The rules are in
    :mod:`opentruth.api.sigv4_canonical`.
    """
    block, absent = canonical.canonical_headers(sr.signed_headers, headers)
    if absent:
        raise SigV4Error(
            Failure.SIGNATURE, f"Signed header(s) not present in the request: {', '.join(absent)}"
        )
    request = "\n".join(
        (
            method.upper(),
            canonical.canonical_path(raw_path, normalize=sr.service != "s3"),
            canonical.canonical_query(query),
            block + "\n",
            ";".join(sorted(set(sr.signed_headers))),
            payload_hash,
        )
    )
    to_sign = canonical.string_to_sign(request, amz_date=sr.amz_date, region=sr.region, service=sr.service)
    return canonical.signature(secret, to_sign, amz_date=sr.amz_date, region=sr.region, service=sr.service)


def verify_signature(sr: SignedRequest, expected: str) -> None:
    """Constant-time comparison of the claimed and the recomputed signature."""
    if not hmac.compare_digest(sr.signature.encode(), expected.encode()):
        raise SigV4Error(
            Failure.SIGNATURE,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.",
        )


def payload_hash_for(sr: SignedRequest, headers: Mapping[str, str], body: bytes | None) -> str:
    """The payload hash the signature covers.

    S3: the ``x-amz-content-sha256`` header (``UNSIGNED-PAYLOAD`` for presigned URLs without it).
    Other services: the SHA-256 of the body.
    """
    declared = headers.get("x-amz-content-sha256")
    if sr.service == "s3":
        if declared is None:
            if sr.form == "query":
                return UNSIGNED_PAYLOAD
            raise SigV4Error(
                Failure.MALFORMED, "Missing required header for this request: x-amz-content-sha256"
            )
        if declared not in _PAYLOAD_MARKERS and not _HEX64.match(declared):
            raise SigV4Error(
                Failure.MALFORMED,
                "x-amz-content-sha256 must be a hex SHA-256 digest, UNSIGNED-PAYLOAD or a STREAMING-* marker",
            )
        return declared
    actual = hashlib.sha256(body or b"").hexdigest()
    if declared is not None and declared != actual:
        raise SigV4Error(
            Failure.SIGNATURE, "The provided 'x-amz-content-sha256' header does not match what was computed."
        )
    return actual


def decode_query(raw: bytes | str) -> list[tuple[str, str]]:
    """Query pairs decoded as SigV4 canonicalisation wants them: ``+`` stays ``+``, blanks kept."""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    pairs: list[tuple[str, str]] = []
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def header_map(raw_headers: Iterable[tuple[bytes, bytes]]) -> dict[str, Any]:
    """Lower-cased header name → value (the first of repeats), from ASGI raw headers."""
    out: dict[str, Any] = {}
    for name, value in raw_headers:
        out.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return out
