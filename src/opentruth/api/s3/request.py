"""One S3 request as the operations see it, and the header conventions they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

from opentruth.api.s3.access import Authorizer, Principal
from opentruth.api.s3.body import DecoderFactory, Payload, read_payload
from opentruth.api.s3.errors import S3RequestError
from opentruth.api.s3.routing import Target
from opentruth.cloud.keys import KeyManager
from opentruth.cloud.objectstore import InvalidTag, ObjectStore

META_PREFIX = "x-amz-meta-"


@dataclass
class S3Request:
    """The parsed request: target, operation, query, headers, and who makes it."""

    request: Request
    target: Target
    operation: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    principal: Principal
    store: ObjectStore
    authorizer: Authorizer
    request_id: str
    decoder_for: DecoderFactory | None
    #: Set once the body was received; an error answered before that closes the connection.
    body_read: bool = False
    #: KMS, for SSE-KMS objects (:mod:`opentruth.api.s3_sse`); None: SSE-KMS is refused.
    keys: KeyManager | None = None

    @property
    def bucket(self) -> str:
        """The bucket (every operation but ListBuckets has one)."""
        assert self.target.bucket is not None
        return self.target.bucket

    @property
    def key(self) -> str:
        """The object key (object operations only)."""
        assert self.target.key is not None
        return self.target.key

    async def payload(self, limit: int | None = None) -> Payload:
        """The verified body (see :func:`opentruth.api.s3.body.read_payload`)."""
        if limit is None:
            payload = await read_payload(self.request.stream(), self.headers, self.decoder_for)
        else:
            payload = await read_payload(self.request.stream(), self.headers, self.decoder_for, limit=limit)
        self.body_read = True  # only now: a refused body may be partly unread
        return payload

    async def small_body(self) -> bytes:
        """A small verified body (an XML document or a policy), read whole."""
        payload = await self.payload(limit=2 * 1024 * 1024)
        try:
            return payload.read_all()
        finally:
            payload.close()

    def metadata(self) -> dict[str, str]:
        """User metadata from the ``x-amz-meta-*`` headers (names lower-cased, as S3 keeps them)."""
        return {k[len(META_PREFIX) :]: v for k, v in self.headers.items() if k.startswith(META_PREFIX)}

    def tagging_header(self) -> dict[str, str] | None:
        """Tags from ``x-amz-tagging`` (URL-query encoded, ``k1=v1&k2=v2``), or ``None``."""
        raw = self.headers.get("x-amz-tagging")
        if raw is None:
            return None
        tags: dict[str, str] = {}
        for k, v in parse_qsl(raw, keep_blank_values=True):
            if k in tags:
                raise InvalidTag(f"tag key {k!r} appears twice in x-amz-tagging; tag keys must be unique")
            tags[k] = v
        return tags

    def content_type(self) -> str | None:
        return self.headers.get("content-type") or None

    def int_param(self, name: str, default: int | None = None) -> int | None:
        """An integer query parameter; ``InvalidArgument`` naming it when it is not one."""
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise S3RequestError(
                "InvalidArgument", f"Provided {name} not an integer or within integer range"
            ) from None


def header_multi(request: Request) -> dict[str, str]:
    """Lower-cased headers; repeated ``x-amz-meta-*`` values are joined with commas, as S3 does."""
    out: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        out[key] = (
            f"{out[key]},{value}" if key in out and key.startswith(META_PREFIX) else out.get(key, value)
        )
    return out
