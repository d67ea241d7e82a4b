"""SigV4's canonical request, string to sign and signature, computed as botocore computes them.

The server must recompute exactly what the client signed. It used to do that by rebuilding a
botocore ``AWSRequest`` and running ``SigV4Auth`` on it for every request; that machinery
(``HTTPHeaders`` is an ``email.message.Message``, the signing key is re-derived with four HMACs)
cost more than the rest of a small request. This module builds the same strings directly, rule
for rule with botocore's ``SigV4Auth`` (and ``S3SigV4Auth`` for the path), and derives each
signing key once per secret, day, region and service (:func:`signing_key`). The tests compare it
with botocore's signer on generated requests.

The rules, as botocore applies them:

- **path**: what ``urlsplit`` gives for the raw (still percent-encoded) path; S3 signs it as
  sent, every other service signs it with dot segments and repeated slashes removed and then
  percent-encoded once more (``%`` becomes ``%25``), except ``/`` and ``~``;
- **query**: every pair, ``X-Amz-Signature`` left out, key and value percent-encoded with only
  ``A-Z a-z 0-9 - _ . ~`` left bare, sorted by encoded key then encoded value, joined by ``&``;
- **headers**: the signed ones, by name in sorted order; repeated headers are joined with
  ``,`` in the order sent, and each value has its whitespace runs collapsed to one space and is
  trimmed;
- the canonical request and the string to sign are UTF-8 encoded before hashing and signing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import quote, urlsplit

from botocore.utils import normalize_url_path

ALGORITHM = "AWS4-HMAC-SHA256"
#: Characters SigV4 leaves unencoded in query keys and values (besides letters and digits).
_QUERY_SAFE = "-_.~"


@lru_cache(maxsize=512)
def signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    """The SigV4 signing key for the scope (also what chunk signatures use).

    Cached: a client signs every request of a day with the same key, and deriving it takes
    four HMACs. The cache holds secrets the server already keeps in memory (resolved callers).
    """
    key = hmac.new(f"AWS4{secret}".encode(), day.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def canonical_path(raw_path: str, *, normalize: bool) -> str:
    """The path as signed: as sent for S3 (``normalize=False``), normalised for the others."""
    path = urlsplit("http://signed" + raw_path).path
    if not normalize:
        return path
    return quote(normalize_url_path(path), safe="/~")


def canonical_query(query: Iterable[tuple[str, str]]) -> str:
    """The canonical query string of the decoded ``query`` pairs (``X-Amz-Signature`` left out)."""
    pairs = sorted(
        (quote(k, safe=_QUERY_SAFE), quote(v, safe=_QUERY_SAFE)) for k, v in query if k != "X-Amz-Signature"
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_headers(signed: Sequence[str], headers: Iterable[tuple[str, str]]) -> tuple[str, list[str]]:
    """``(canonical header block, names absent from the request)`` for the signed header names.

    ``headers`` are every (lower-case name, value) pair of the request, repeats included.
    """
    wanted = set(signed)
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if name in wanted:
            values.setdefault(name, []).append(" ".join(value.split()))
    absent = sorted(wanted - values.keys())
    lines = [f"{name}:{','.join(values[name])}" for name in sorted(values)]
    return "\n".join(lines), absent


def string_to_sign(canonical_request: str, *, amz_date: str, region: str, service: str) -> str:
    """``AWS4-HMAC-SHA256``, the time, the scope and the hash of the canonical request."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{amz_date[:8]}/{region}/{service}/aws4_request\n{digest}"


def signature(secret: str, to_sign: str, *, amz_date: str, region: str, service: str) -> str:
    """The hex signature of ``to_sign`` with the key of ``secret`` for the signing day."""
    key = signing_key(secret, amz_date[:8], region, service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
