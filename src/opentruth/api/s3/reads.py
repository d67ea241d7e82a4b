"""GetObject and HeadObject: ranges, conditional requests and the object's headers.

Both are authorised as ``s3:GetObject`` (there is no ``s3:HeadObject``) with the object's tags
as ``s3:ExistingObjectTag/<key>``, which is how the managed Ground Truth policy grants reads of
objects tagged ``SageMaker=true``.

Ranges follow S3 (RFC 9110 with S3's leniency): ``bytes=a-b``, ``bytes=a-`` and ``bytes=-n``
give 206 with ``Content-Range``; an end past the object is clamped; a start at or past the end
is 416 ``InvalidRange``; a header S3 cannot parse (or several ranges) is ignored and the whole
object is sent, as S3 does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from opentruth.api import s3_sse
from opentruth.api.s3 import xmlio
from opentruth.api.s3.errors import S3RequestError
from opentruth.api.s3.request import META_PREFIX, S3Request
from opentruth.cloud import sse
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.objectstore import ByteRange, ObjectInfo, ObjectStream

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
#: Objects up to this size are answered from memory; larger ones are streamed from the store.
STREAM_ABOVE = 1024 * 1024
#: ``response-*`` query parameters of GetObject and the headers they override.
_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def parse_range(value: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte span of a ``Range`` header for an object of ``size`` bytes.

    ``None`` means "send the whole object" (no header, or one S3 ignores); an unsatisfiable
    range raises ``InvalidRange`` (416) with ``Content-Range: bytes */size``.
    """
    if value is None:
        return None
    m = _RANGE.match(value.strip())
    if m is None or (not m[1] and not m[2]):
        return None
    if not m[1]:
        suffix = int(m[2])
        if suffix == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - suffix), size - 1
    start = int(m[1])
    end = int(m[2]) if m[2] else None
    if end is not None and end < start:
        return None
    if start >= size:
        raise _unsatisfiable(size)
    return start, size - 1 if end is None else min(end, size - 1)


def _unsatisfiable(size: int) -> S3RequestError:
    return S3RequestError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        headers={"Content-Range": f"bytes */{size}"},
    )


class NotModified(Exception):
    """``If-None-Match`` / ``If-Modified-Since`` held: answer 304 without a body."""


def _http_time(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def check_conditions(headers: Mapping[str, str], info: ObjectInfo) -> None:
    """RFC 9110 preconditions as S3 applies them (``If-Match`` before ``If-Unmodified-Since``,
    ``If-None-Match`` before ``If-Modified-Since``)."""
    etag = info.etag
    modified = info.last_modified.replace(microsecond=0)
    if_match = headers.get("if-match")
    if if_match is not None:
        wanted = {t.strip().strip('"') for t in if_match.split(",")}
        if "*" not in wanted and etag not in wanted:
            raise S3RequestError(
                "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412
            )
    elif "if-unmodified-since" in headers:
        when = _http_time(headers["if-unmodified-since"])
        if when is not None and modified > when:
            raise S3RequestError(
                "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412
            )
    if_none = headers.get("if-none-match")
    if if_none is not None:
        wanted = {t.strip().strip('"') for t in if_none.split(",")}
        if "*" in wanted or etag in wanted:
            raise NotModified
    elif "if-modified-since" in headers:
        when = _http_time(headers["if-modified-since"])
        if when is not None and modified <= when:
            raise NotModified


def object_headers(
    info: ObjectInfo, tags: Mapping[str, str] | None, query: Mapping[str, str]
) -> dict[str, str]:
    """ETag, Last-Modified, Content-Type, user metadata, tag count, and ``response-*`` overrides."""
    headers = {
        "ETag": xmlio.quoted(info.etag),
        "Last-Modified": xmlio.http_date(info.last_modified),
        "Content-Type": info.content_type,
        "Accept-Ranges": "bytes",
    }
    for k, v in info.metadata.items():
        headers[META_PREFIX + k] = v
    if tags:
        headers["x-amz-tagging-count"] = str(len(tags))
    for param, header in _OVERRIDES.items():
        if param in query:
            headers[header] = query[param]
    return headers


@dataclass
class _Read:
    info: ObjectInfo
    tags: dict[str, str] | None
    span: tuple[int, int] | None
    body: bytes | None = None
    stream: ObjectStream | None = None
    #: ``x-amz-server-side-encryption`` headers of an SSE-KMS object.
    sse: dict[str, str] = field(default_factory=dict)


def _read(r: S3Request, *, with_body: bool) -> _Read:
    tags = r.authorizer.check_read(r.principal, "s3:GetObject", r.bucket, r.key)
    info = r.store.head_object(r.bucket, r.key)
    encrypted, sse_headers = sse.is_encrypted(info), sse.sse_headers(info)
    info = sse.public_info(info)  # plaintext size, reserved metadata hidden
    check_conditions(r.headers, info)
    span = parse_range(r.headers.get("range"), info.size)
    if not with_body:
        return _Read(info, tags, span, sse=sse_headers)
    if encrypted:  # decrypted through the caller: kms:Decrypt, or AccessDenied
        data = s3_sse.read_decrypted(r, r.keys, ByteRange(span[0], span[1]) if span else None)
        got = data.content_range[:2] if data.content_range else None
        return _Read(data.info, tags, got, body=data.body, sse=sse_headers)
    if span is not None:
        data = r.store.get_object(r.bucket, r.key, ByteRange(span[0], span[1]))
        assert data.content_range is not None
        return _Read(data.info, tags, data.content_range[:2], body=data.body)
    if info.size <= STREAM_ABOVE:
        data = r.store.get_object(r.bucket, r.key)
        return _Read(data.info, tags, None, body=data.body)
    stream = r.store.open_stream(r.bucket, r.key)
    return _Read(stream.info, tags, None, stream=stream)


def _chunks(stream: ObjectStream) -> Iterator[bytes]:
    # A generator that closes the store's stream however the response ends.
    with stream:
        yield from stream


async def get_object(r: S3Request, *, head: bool = False) -> Response:
    """GetObject (``head=True``: HeadObject, the same decision and headers, no body)."""
    try:
        if isinstance(r.store, EmbeddedObjectStore):
            # Local files, read in microseconds (bodies over STREAM_ABOVE are streamed later, in
            # a thread): handing this to a worker thread would cost more than the read, and the
            # thread would compete with the event loop for the GIL. Network stores use threads.
            got = _read(r, with_body=not head)
        else:
            got = await run_in_threadpool(_read, r, with_body=not head)
    except NotModified:
        info = await run_in_threadpool(r.store.head_object, r.bucket, r.key)
        return Response(status_code=304, headers={"ETag": xmlio.quoted(info.etag)})
    headers = object_headers(got.info, got.tags, r.query)
    headers.update(got.sse)
    status = 200
    length = got.info.size
    if got.span is not None:
        first, last = got.span
        status = 206
        length = last - first + 1
        headers["Content-Range"] = f"bytes {first}-{last}/{got.info.size}"
    headers["Content-Length"] = str(length)
    # Content-Type goes out exactly as stored: no media_type, so Starlette adds no charset.
    if got.stream is not None:
        return StreamingResponse(_chunks(got.stream), status_code=status, headers=headers)
    return Response(got.body or b"", status_code=status, headers=headers)


async def head_object(r: S3Request) -> Response:
    """HeadObject."""
    return await get_object(r, head=True)
