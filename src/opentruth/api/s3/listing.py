"""ListObjectsV2 (and the older ListObjects) over the store's listing.

Authorised as ``s3:ListBucket`` on the bucket with S3's listing keys: ``s3:prefix`` (``""``
when the request names none, as the store's own authorisation does), ``s3:delimiter`` and
``s3:max-keys`` when given. With ``encoding-type=url`` every key-like value in the response is
percent-encoded; botocore asks for it by default and decodes it, so keys with characters XML
cannot carry still round-trip.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.s3 import xmlio
from opentruth.api.s3.access import bucket_arn
from opentruth.api.s3.errors import XML_TYPE, S3RequestError
from opentruth.api.s3.request import S3Request
from opentruth.cloud.objectstore import DEFAULT_MAX_KEYS, ListResult
from opentruth.iam.patterns import ContextValue

# Sorts after every key that starts with a given prefix (keys are compared by code point).
_AFTER_ALL = chr(0x10FFFF)


def _encoder(r: S3Request) -> tuple[str | None, Callable[[str], str]]:
    encoding = r.query.get("encoding-type")
    if encoding is not None and encoding != "url":
        raise S3RequestError("InvalidArgument", "Invalid Encoding Method specified in Request")

    def enc(value: str) -> str:
        return quote(value, safe="/") if encoding else value

    return encoding, enc


def _list(r: S3Request, *, start_after: str | None, token: str | None) -> tuple[ListResult, int]:
    prefix = r.query.get("prefix", "")
    delimiter = r.query.get("delimiter") or None
    max_keys = r.int_param("max-keys")
    if max_keys is not None and max_keys < 0:
        raise S3RequestError("InvalidArgument", "max-keys must be a non-negative integer")
    ctx: dict[str, ContextValue] = {"s3:prefix": prefix}
    if delimiter:
        ctx["s3:delimiter"] = delimiter
    if max_keys is not None:
        ctx["s3:max-keys"] = str(max_keys)

    def run() -> ListResult:
        r.authorizer.check(r.principal, "s3:ListBucket", bucket_arn(r.bucket), r.bucket, ctx)
        return r.store.list_objects(
            r.bucket,
            prefix=prefix,
            delimiter=delimiter,
            max_keys=max_keys,
            continuation_token=token,
            start_after=start_after,
        )

    shown = DEFAULT_MAX_KEYS if max_keys is None else min(max_keys, DEFAULT_MAX_KEYS)
    return run(), shown


def _entries(r: S3Request, page: ListResult, enc: Callable[[str], str]) -> str:
    fetch_owner = r.query.get("fetch-owner") == "true" or r.operation == "ListObjects"
    owner = f"<Owner>{xmlio.element('ID', r.store.account)}</Owner>" if fetch_owner else ""
    contents = "".join(
        f"<Contents>{xmlio.element('Key', enc(o.key))}"
        f"{xmlio.element('LastModified', xmlio.iso_time(o.last_modified))}"
        f"{xmlio.element('ETag', xmlio.quoted(o.etag))}{xmlio.element('Size', o.size)}"
        f"{owner}<StorageClass>STANDARD</StorageClass></Contents>"
        for o in page.objects
    )
    prefixes = "".join(
        f"<CommonPrefixes>{xmlio.element('Prefix', enc(p))}</CommonPrefixes>" for p in page.common_prefixes
    )
    return contents + prefixes


async def list_objects_v2(r: S3Request) -> Response:
    """ListObjectsV2: prefix, delimiter, max-keys, continuation-token, start-after, encoding-type."""
    encoding, enc = _encoder(r)
    token = r.query.get("continuation-token")
    start_after = r.query.get("start-after")
    if token == "":
        raise S3RequestError("InvalidArgument", "The continuation token provided is incorrect")
    page, shown = await run_in_threadpool(_list, r, start_after=start_after, token=token)
    parts = [
        xmlio.element("Name", r.bucket),
        xmlio.element("Prefix", enc(r.query.get("prefix", ""))),
        xmlio.element("Delimiter", enc(r.query["delimiter"]) if r.query.get("delimiter") else None),
        xmlio.element("MaxKeys", shown),
        xmlio.element("EncodingType", encoding),
        xmlio.element("KeyCount", page.key_count),
        xmlio.element("IsTruncated", page.is_truncated),
        xmlio.element("ContinuationToken", token),
        xmlio.element("NextContinuationToken", page.next_continuation_token if page.is_truncated else None),
        xmlio.element("StartAfter", enc(start_after) if start_after else None),
        _entries(r, page, enc),
    ]
    return Response(xmlio.document("ListBucketResult", parts), media_type=XML_TYPE)


async def list_objects(r: S3Request) -> Response:
    """ListObjects (version 1): ``marker`` paging; ``NextMarker`` is the last key or prefix."""
    encoding, enc = _encoder(r)
    marker = r.query.get("marker") or None
    delimiter = r.query.get("delimiter") or None
    start_after = marker
    if marker and delimiter and marker.endswith(delimiter):
        # A NextMarker that is a common prefix: resume after everything it rolled up.
        start_after = marker + _AFTER_ALL
    page, shown = await run_in_threadpool(_list, r, start_after=start_after, token=None)
    next_marker: str | None = None
    if page.is_truncated:
        last = [o.key for o in page.objects][-1:] + list(page.common_prefixes[-1:])
        next_marker = max(last) if last else None
    parts = [
        xmlio.element("Name", r.bucket),
        xmlio.element("Prefix", enc(r.query.get("prefix", ""))),
        xmlio.element("Marker", enc(marker or "")),
        xmlio.element("NextMarker", enc(next_marker) if next_marker else None),
        xmlio.element("MaxKeys", shown),
        xmlio.element("Delimiter", enc(delimiter) if delimiter else None),
        xmlio.element("EncodingType", encoding),
        xmlio.element("IsTruncated", page.is_truncated),
        _entries(r, page, enc),
    ]
    return Response(xmlio.document("ListBucketResult", parts), media_type=XML_TYPE)
