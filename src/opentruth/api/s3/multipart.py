"""Multipart uploads: Create, UploadPart, Complete, Abort.

Multipart uploads have no actions of their own for writing: S3 authorises every step as
``s3:PutObject`` on the object (tags given at creation also need ``s3:PutObjectTagging``);
aborting is ``s3:AbortMultipartUpload``.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.s3 import xmlio
from opentruth.api.s3.access import object_arn
from opentruth.api.s3.errors import XML_TYPE, S3RequestError, malformed_xml
from opentruth.api.s3.request import S3Request
from opentruth.api.s3.writes import check_write, header_keys
from opentruth.cloud.objectstore import MAX_PARTS, CompletedPart, PutResult

#: S3's largest part.
MAX_PART_SIZE = 5 * 1024**3


def _upload_id(r: S3Request) -> str:
    upload_id = r.query.get("uploadId", "")
    if not upload_id:
        raise S3RequestError("InvalidArgument", "uploadId must be given")
    return upload_id


async def create_multipart_upload(r: S3Request) -> Response:
    """CreateMultipartUpload with Content-Type, ``x-amz-meta-*`` and ``x-amz-tagging``."""
    tags = r.tagging_header()

    def run() -> str:
        check_write(r, r.bucket, r.key, tags, header_keys(r.headers))
        return r.store.create_multipart_upload(
            r.bucket, r.key, content_type=r.content_type(), metadata=r.metadata(), tags=tags
        )

    upload_id = await run_in_threadpool(run)
    inner = (
        xmlio.element("Bucket", r.bucket) + xmlio.element("Key", r.key) + xmlio.element("UploadId", upload_id)
    )
    return Response(xmlio.document("InitiateMultipartUploadResult", inner), media_type=XML_TYPE)


async def upload_part(r: S3Request) -> Response:
    """UploadPart: the part's ETag (its MD5) in the ``ETag`` header."""
    upload_id = _upload_id(r)
    number = r.int_param("partNumber")
    if number is None or not 1 <= number <= MAX_PARTS:
        raise S3RequestError(
            "InvalidArgument", f"Part number must be an integer between 1 and {MAX_PARTS}, inclusive"
        )
    await run_in_threadpool(
        r.authorizer.check, r.principal, "s3:PutObject", object_arn(r.bucket, r.key), r.bucket
    )
    payload = await r.payload(limit=MAX_PART_SIZE)
    try:
        body = payload.read_all()
    finally:
        payload.close()
    etag = await run_in_threadpool(r.store.upload_part, r.bucket, r.key, upload_id, number, body)
    return Response(status_code=200, headers={"ETag": xmlio.quoted(etag)})


async def complete_multipart_upload(r: S3Request) -> Response:
    """CompleteMultipartUpload: the listed parts, in ascending order, become the object."""
    upload_id = _upload_id(r)
    root = xmlio.parse(await r.small_body(), "CompleteMultipartUpload")
    parts: list[CompletedPart] = []
    for part in root.findall("Part"):
        number, etag = xmlio.text(part, "PartNumber"), xmlio.text(part, "ETag")
        if not number or not number.strip().isdigit() or etag is None:
            raise malformed_xml("every <Part> needs a numeric <PartNumber> and an <ETag>")
        parts.append(CompletedPart(int(number), etag.strip().strip('"')))
    if not parts:
        raise malformed_xml("<CompleteMultipartUpload> needs at least one <Part>")

    def run() -> PutResult:
        r.authorizer.check(r.principal, "s3:PutObject", object_arn(r.bucket, r.key), r.bucket)
        return r.store.complete_multipart_upload(r.bucket, r.key, upload_id, parts)

    result = await run_in_threadpool(run)
    base = f"{r.request.url.scheme}://{r.request.headers.get('host', '127.0.0.1')}"
    location = f"{base}/{quote(r.key)}" if r.target.virtual else f"{base}/{r.bucket}/{quote(r.key)}"
    inner = (
        xmlio.element("Location", location)
        + xmlio.element("Bucket", r.bucket)
        + xmlio.element("Key", r.key)
        + xmlio.element("ETag", xmlio.quoted(result.etag))
    )
    return Response(xmlio.document("CompleteMultipartUploadResult", inner), media_type=XML_TYPE)


async def abort_multipart_upload(r: S3Request) -> Response:
    """AbortMultipartUpload: ``s3:AbortMultipartUpload``."""
    upload_id = _upload_id(r)

    def run() -> None:
        r.authorizer.check(r.principal, "s3:AbortMultipartUpload", object_arn(r.bucket, r.key), r.bucket)
        r.store.abort_multipart_upload(r.bucket, r.key, upload_id)

    await run_in_threadpool(run)
    return Response(status_code=204)
