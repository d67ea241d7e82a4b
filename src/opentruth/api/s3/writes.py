"""PutObject, CopyObject, DeleteObject(s) and object tagging.

Writes are authorised before the body is received (a denied upload is not spooled):
``s3:PutObject`` on the object with S3's request keys (``s3:x-amz-acl``,
``s3:x-amz-server-side-encryption``…); setting tags with the write also needs
``s3:PutObjectTagging``, with ``s3:RequestObjectTag/<k>`` and ``s3:RequestObjectTagKeys``.
A copy reads its source as ``s3:GetObject`` (and ``s3:GetObjectTagging`` when it copies the
source's tags) and writes as ``s3:PutObject`` with ``s3:x-amz-copy-source`` and
``s3:x-amz-metadata-directive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api import s3_sse
from opentruth.api.s3 import xmlio
from opentruth.api.s3.access import object_arn, request_tag_keys, tag_keys
from opentruth.api.s3.errors import XML_TYPE, S3RequestError, malformed_xml, wire_error
from opentruth.api.s3.request import S3Request
from opentruth.cloud.objectstore import ObjectInfo, PutResult
from opentruth.cloud.sse import check_user_metadata
from opentruth.iam.patterns import ContextValue

#: Request headers that S3 exposes to policies as ``s3:<header>`` condition keys.
_HEADER_KEYS = (
    "x-amz-acl",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-storage-class",
    "x-amz-grant-read",
    "x-amz-grant-write",
    "x-amz-grant-read-acp",
    "x-amz-grant-write-acp",
    "x-amz-grant-full-control",
    "x-amz-object-lock-mode",
)
MAX_DELETE = 1000


def header_keys(headers: Mapping[str, str]) -> dict[str, ContextValue]:
    """``s3:<header>`` keys for the S3 request headers a policy may test."""
    return {f"s3:{h}": headers[h] for h in _HEADER_KEYS if h in headers}


def check_write(
    r: S3Request, bucket: str, key: str, tags: Mapping[str, str] | None, extra: Mapping[str, ContextValue]
) -> None:
    """``s3:PutObject`` (and ``s3:PutObjectTagging`` when the write sets tags)."""
    ctx: dict[str, ContextValue] = dict(extra)
    if tags:
        ctx.update(request_tag_keys(tags))
    r.authorizer.check(r.principal, "s3:PutObject", object_arn(bucket, key), bucket, ctx)
    if tags:
        r.authorizer.check(
            r.principal, "s3:PutObjectTagging", object_arn(bucket, key), bucket, request_tag_keys(tags)
        )


async def put_object(r: S3Request) -> Response:
    """PutObject: Content-Type, Content-MD5, ``x-amz-meta-*``, ``x-amz-tagging``."""
    tags = r.tagging_header()
    kms_key = s3_sse.requested_key(r.headers)  # x-amz-server-side-encryption: aws:kms
    await run_in_threadpool(check_write, r, r.bucket, r.key, tags, header_keys(r.headers))
    payload = await r.payload()
    sse_headers: dict[str, str] = {}
    try:
        if kms_key is not None:
            result, sse_headers = await run_in_threadpool(
                s3_sse.put_encrypted,
                r,
                r.keys,
                kms_key,
                payload.file,
                content_type=r.content_type(),
                metadata=r.metadata(),
                tags=tags,
            )
        else:
            result = await run_in_threadpool(
                r.store.put_object,
                r.bucket,
                r.key,
                payload.file,
                content_type=r.content_type(),
                metadata=check_user_metadata(r.metadata()),
                tags=tags,
            )
    finally:
        payload.close()
    return Response(status_code=200, headers={"ETag": xmlio.quoted(result.etag), **sse_headers})


async def delete_object(r: S3Request) -> Response:
    """DeleteObject: 204 whether or not the key existed, as in S3."""

    def run() -> None:
        r.authorizer.check(r.principal, "s3:DeleteObject", object_arn(r.bucket, r.key), r.bucket)
        r.store.delete_object(r.bucket, r.key)

    await run_in_threadpool(run)
    return Response(status_code=204)


async def delete_objects(r: S3Request) -> Response:
    """DeleteObjects: each key is authorised and reported on its own (``Quiet`` hides successes)."""
    root = xmlio.parse(await r.small_body(), "Delete")
    quiet = (xmlio.text(root, "Quiet", "false") or "").strip().lower() == "true"
    keys = [xmlio.text(o, "Key") for o in root.findall("Object")]
    if not keys or len(keys) > MAX_DELETE or any(k is None for k in keys):
        raise malformed_xml(f"<Delete> needs 1 to {MAX_DELETE} <Object> elements, each with a <Key>")

    def run() -> str:
        out: list[str] = []
        for key in keys:
            assert key is not None
            try:
                r.authorizer.check(r.principal, "s3:DeleteObject", object_arn(r.bucket, key), r.bucket)
                r.store.delete_object(r.bucket, key)
            except Exception as exc:
                code, message, _ = wire_error(exc)
                out.append(
                    f"<Error>{xmlio.element('Key', key)}{xmlio.element('Code', code)}"
                    f"{xmlio.element('Message', message)}</Error>"
                )
                continue
            if not quiet:
                out.append(f"<Deleted>{xmlio.element('Key', key)}</Deleted>")
        return "".join(out)

    inner = await run_in_threadpool(run)
    return Response(xmlio.document("DeleteResult", inner), media_type=XML_TYPE)


def copy_source(value: str) -> tuple[str, str]:
    """``(bucket, key)`` of ``x-amz-copy-source`` (``[/]bucket/key[?versionId=…]``, URL-encoded)."""
    path = value.split("?", 1)[0]
    bucket, slash, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not slash or not key:
        raise S3RequestError(
            "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"
        )
    return bucket, key


def _directive(r: S3Request, header: str) -> str:
    value = r.headers.get(header, "COPY").upper()
    if value not in ("COPY", "REPLACE"):
        raise S3RequestError("InvalidArgument", f"Unknown {header}: {r.headers[header]}; use COPY or REPLACE")
    return value


async def copy_object(r: S3Request) -> Response:
    """CopyObject with the metadata and tagging directives."""
    src_bucket, src_key = copy_source(r.headers["x-amz-copy-source"])
    metadata_directive = _directive(r, "x-amz-metadata-directive")
    tagging_directive = _directive(r, "x-amz-tagging-directive")
    tags = (r.tagging_header() or {}) if tagging_directive == "REPLACE" else None
    replace = metadata_directive == "REPLACE"

    def run() -> tuple[PutResult, ObjectInfo]:
        source_tags = r.authorizer.check_read(r.principal, "s3:GetObject", src_bucket, src_key)
        extra = header_keys(r.headers)
        extra["s3:x-amz-copy-source"] = f"{src_bucket}/{src_key}"
        extra["s3:x-amz-metadata-directive"] = metadata_directive
        check_write(r, r.bucket, r.key, tags, extra)
        if tags is None and source_tags:
            # Copying the source's tags reads them: S3 checks s3:GetObjectTagging on the source.
            r.authorizer.check_read(r.principal, "s3:GetObjectTagging", src_bucket, src_key)
        result = r.store.copy_object(
            src_bucket,
            src_key,
            r.bucket,
            r.key,
            content_type=r.content_type() if replace else None,
            metadata=r.metadata() if replace else None,
            tags=tags,
        )
        return result, r.store.head_object(r.bucket, r.key)

    result, info = await run_in_threadpool(run)
    inner = xmlio.element("ETag", xmlio.quoted(result.etag)) + xmlio.element(
        "LastModified", xmlio.iso_time(info.last_modified)
    )
    return Response(xmlio.document("CopyObjectResult", inner), media_type=XML_TYPE)


async def get_object_tagging(r: S3Request) -> Response:
    """GetObjectTagging (``s3:GetObjectTagging`` with the existing tags as keys)."""

    def run() -> dict[str, str]:
        r.authorizer.check_read(r.principal, "s3:GetObjectTagging", r.bucket, r.key)
        return r.store.get_object_tagging(r.bucket, r.key)

    tags = await run_in_threadpool(run)
    return Response(xmlio.tagging_document(tags), media_type=XML_TYPE)


async def put_object_tagging(r: S3Request) -> Response:
    """PutObjectTagging: replaces the whole tag set."""
    tags = xmlio.parse_tagging(await r.small_body())

    def run() -> None:
        ctx = request_tag_keys(tags)
        ctx.update(tag_keys("ExistingObjectTag", r.authorizer.existing_tags(r.bucket, r.key) or {}))
        r.authorizer.check(r.principal, "s3:PutObjectTagging", object_arn(r.bucket, r.key), r.bucket, ctx)
        r.store.put_object_tagging(r.bucket, r.key, tags)

    await run_in_threadpool(run)
    return Response(status_code=200)


async def delete_object_tagging(r: S3Request) -> Response:
    """DeleteObjectTagging: an empty tag set (``s3:DeleteObjectTagging``)."""

    def run() -> None:
        ctx = tag_keys("ExistingObjectTag", r.authorizer.existing_tags(r.bucket, r.key) or {})
        r.authorizer.check(r.principal, "s3:DeleteObjectTagging", object_arn(r.bucket, r.key), r.bucket, ctx)
        r.store.put_object_tagging(r.bucket, r.key, {})

    await run_in_threadpool(run)
    return Response(status_code=204)
