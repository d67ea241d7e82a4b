"""SSE-KMS for the S3 REST API: the ``x-amz-server-side-encryption: aws:kms`` headers.

The S3 handlers call these after they authorised ``s3:PutObject`` / ``s3:GetObject`` (the
``s3:x-amz-server-side-encryption*`` condition keys come from the request headers, as in S3):

- :func:`requested_key` reads the PutObject headers: ``aws:kms`` with
  ``x-amz-server-side-encryption-aws-kms-key-id`` (key id, ARN or alias). opentruth has no AWS
  managed ``aws/s3`` key, so the key id header is required; ``AES256`` (SSE-S3) is refused
  rather than silently stored in the clear.
- :func:`put_encrypted` seals the body through the *caller* (``kms:GenerateDataKey`` via S3,
  context ``aws:s3:arn``) and returns the response headers S3 sends back.
- :func:`read_decrypted` opens an encrypted object through the caller (``kms:Decrypt``): a
  caller allowed to read the object but not to decrypt gets AccessDenied, as in S3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO

from opentruth.api.s3.request import S3Request
from opentruth.cloud import sse
from opentruth.cloud.keys import CallerPrincipal, KeyManager
from opentruth.cloud.objectstore import ByteRange, InvalidArgument, ObjectData, PutResult
from opentruth.db.types import utcnow
from opentruth.errors import AccessDeniedError

SSE_HEADER = "x-amz-server-side-encryption"
KEY_HEADER = "x-amz-server-side-encryption-aws-kms-key-id"


def requested_key(headers: Mapping[str, str]) -> str | None:
    """The KMS key a PutObject asks for, or ``None`` for a plain write."""
    algorithm = headers.get(SSE_HEADER)
    if algorithm is None:
        if KEY_HEADER in headers:
            raise InvalidArgument(f"{KEY_HEADER} needs {SSE_HEADER}: aws:kms", s3_code="InvalidArgument")
        return None
    if algorithm != sse.SSE_KMS:
        raise InvalidArgument(
            f"{SSE_HEADER}: {algorithm} is not supported by opentruth; use aws:kms with {KEY_HEADER}"
        )
    key = headers.get(KEY_HEADER)
    if not key:
        raise InvalidArgument(
            f"{SSE_HEADER}: aws:kms needs {KEY_HEADER} here: opentruth has no AWS managed aws/s3 key"
        )
    return key


def _principal(r: S3Request) -> CallerPrincipal:
    caller = r.principal.caller
    if caller is None:
        # An anonymous request has no credentials for S3 to call KMS with.
        raise AccessDeniedError("anonymous", "kms:Decrypt", "an SSE-KMS object")
    return CallerPrincipal(caller, r.authorizer.evaluator, r.principal.context(None, utcnow()))


def _keys(keys: KeyManager | None) -> KeyManager:
    if keys is None:
        raise InvalidArgument("SSE-KMS is not available: this S3 endpoint has no key manager")
    return keys


def put_encrypted(
    r: S3Request,
    keys: KeyManager | None,
    kms_key: str,
    body: BinaryIO | bytes,
    *,
    content_type: str | None,
    metadata: Mapping[str, str] | None,
    tags: Mapping[str, str] | None,
) -> tuple[PutResult, dict[str, str]]:
    """Seal and store the object through the caller; (result, response headers)."""
    result, key_arn = sse.put_object_sse(
        r.store,
        _keys(keys),
        _principal(r),
        r.bucket,
        r.key,
        body,
        kms_key=kms_key,
        content_type=content_type,
        metadata=metadata,
        tags=tags,
    )
    return result, {SSE_HEADER: sse.SSE_KMS, KEY_HEADER: key_arn}


def read_decrypted(r: S3Request, keys: KeyManager | None, byte_range: ByteRange | None) -> ObjectData:
    """GetObject of an encrypted object, decrypted through the caller (``kms:Decrypt``)."""
    return sse.get_object_sse(r.store, _keys(keys), _principal(r), r.bucket, r.key, byte_range)
