"""Short-lived signed object URLs: what Ground Truth's ``grant_read_access`` filter hands out.

On AWS the filter presigns an S3 GET with the job's role. opentruth serves the object itself,
so the URL carries ``bucket``, ``key``, ``job`` and ``expires`` and an HMAC-SHA256 over the four
under a key of its own. The signature says only "opentruth rendered this URL for this job";
whether the job's role may read the object is decided again at fetch time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from opentruth.errors import OpenTruthError

OBJECT_ROUTE = "/worker/objects"


class BadObjectUrl(OpenTruthError):
    """A signed object URL that has expired or does not verify (HTTP 403)."""

    aws_code = "AccessDenied"
    http_status = 403


def derive_key(secret: bytes, label: str) -> bytes:
    """A key for one purpose, derived from a deployment secret (domain separation).

    Tokens of one purpose can then never verify as another's even though both come from the
    same root key.
    """
    return hmac.new(secret, b"opentruth:" + label.encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class ObjectGrant:
    """A verified request for one object of one job."""

    bucket: str
    key: str
    job: str
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Keyed:
    """An HMAC-SHA256 key of one purpose (:func:`derive_key`)."""

    what = "key"

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError(f"the {self.what} must have at least 32 bytes")
        self._key = key

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def _matches(self, payload: str, signature: str) -> bool:
        return hmac.compare_digest(self._mac(payload).encode(), signature.encode())


class ReportTokens(_Keyed):
    """The token in a job's CSP ``report-uri``: the job's name and an HMAC over it, so that a
    report names a job whose task a worker was shown, and only that one."""

    what = "report token key"

    def token(self, job_name: str) -> str:
        payload = _b64(job_name.encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str) -> str | None:
        """The job name of a valid token, None otherwise (compared in constant time)."""
        payload, _, signature = token.partition(".")
        if not payload or not self._matches(payload, signature):
            return None
        try:
            return _unb64(payload).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None


class ObjectUrlSigner(_Keyed):
    """Signs and verifies object URLs.

    A URL is ``/worker/objects/<payload>.<signature>``: ``payload`` is the base64url JSON array
    ``[bucket, key, job, expires]``, ``signature`` its HMAC. Only ``[A-Za-z0-9_.-/]`` appear,
    so the URL needs no escaping in any HTML or JavaScript context, and no key (``a/../b``)
    can be changed by the browser's path normalisation.
    """

    what = "object URL key"

    def token(self, bucket: str, key: str, job: str, expires: int) -> str:
        """The signed token of ``s3://bucket/key`` for ``job``, valid until ``expires``."""
        payload = _b64(json.dumps([bucket, key, job, int(expires)], separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def url(self, bucket: str, key: str, job: str, expires: int, origin: str = "") -> str:
        """The URL of the object (absolute when ``origin`` is given)."""
        return f"{origin}{OBJECT_ROUTE}/{self.token(bucket, key, job, expires)}"

    def verify(self, token: str, now: float) -> ObjectGrant:
        """The grant of a token; :class:`BadObjectUrl` if it was tampered with or has expired."""
        payload, _, signature = token.partition(".")
        if not payload or not signature:
            raise BadObjectUrl("malformed object URL; reload the task to get a new one")
        if not self._matches(payload, signature):
            raise BadObjectUrl("the object URL's signature does not match; reload the task")
        try:
            bucket, key, job, expires = json.loads(_unb64(payload))
            grant = ObjectGrant(str(bucket), str(key), str(job), int(expires))
        except (ValueError, TypeError):  # signed by us, so only a changed format gets here
            raise BadObjectUrl("malformed object URL; reload the task to get a new one") from None
        if grant.expires < now:
            raise BadObjectUrl("the object URL has expired; reload the task to get a new one")
        return grant
