"""SSE-KMS: objects encrypted at rest under a KMS key, with a fresh data key per object.

What S3 does for ``x-amz-server-side-encryption: aws:kms``, done here in front of any
:class:`~opentruth.cloud.objectstore.ObjectStore` (so the bytes in the embedded folder, or in the
S3-compatible store behind the S3 adapter, are ciphertext):

- **PutObject**: ``kms:GenerateDataKey`` on the key *by the caller* (S3 calls KMS on the
  caller's behalf: ``kms:ViaService`` = ``s3.<region>.amazonaws.com``), with the encryption
  context ``{"aws:s3:arn": "arn:aws:s3:::<bucket>/<key>"}``; the body is sealed with AES-256-GCM
  under the data key (the object ARN as associated data) and only the data key's KMS blob is
  stored with it.
- **GetObject**: ``kms:Decrypt`` by the caller, same context and ``kms:ViaService``; a caller
  who may read the object but not decrypt with the key gets AccessDenied, as in S3.
- **HeadObject** needs no KMS permission (S3's rule); it reports the plaintext size.

Stored layout: ``OTSSE\\x01 | u32 len | data-key blob | 0x01 | nonce | ct+tag``. The object's
user metadata carries three reserved entries (``opentruth-sse``, ``opentruth-sse-kms-key``,
``opentruth-sse-size``) which :func:`public_info` hides and which callers cannot set.

The functions here take the raw store and a :class:`~opentruth.cloud.keys.KmsPrincipal`; they do
not authorise the S3 action itself (``s3:PutObject``/``s3:GetObject``), which the caller's layer
does first: :class:`~opentruth.cloud.authorized_store.AuthorizedObjectStore` for jobs, the S3 API
for signed requests (see :func:`put_object_sse`, :func:`get_object_sse`, :func:`sse_headers`).

Not supported yet: SSE-KMS multipart uploads (refused with a clear error), S3 Bucket Keys, and
listings show the stored (ciphertext) size of encrypted objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from opentruth.cloud.crypto import InvalidCiphertextError, open_data, pack_parts, seal_data, unpack_parts
from opentruth.cloud.keys import KeyManager, KmsPrincipal
from opentruth.cloud.objectstore import (
    Body,
    ByteRange,
    InvalidArgument,
    ObjectData,
    ObjectInfo,
    ObjectStore,
    PutResult,
)
from opentruth.iam.patterns import ContextValue

SSE_KMS = "aws:kms"
META_SSE = "opentruth-sse"
META_KEY = "opentruth-sse-kms-key"
META_SIZE = "opentruth-sse-size"
_RESERVED = (META_SSE, META_KEY, META_SIZE)
MAGIC = b"OTSSE\x01"
#: The encryption-context key S3 uses for SSE-KMS objects.
CONTEXT_KEY = "aws:s3:arn"


def s3_via(region: str) -> str:
    """``kms:ViaService`` of S3 in ``region``."""
    return f"s3.{region}.amazonaws.com"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def encryption_context(bucket: str, key: str) -> dict[str, str]:
    """S3's SSE-KMS encryption context: ``{"aws:s3:arn": <object ARN>}``."""
    return {CONTEXT_KEY: object_arn(bucket, key)}


def request_keys(key_arn: str) -> dict[str, ContextValue]:
    """The ``s3:PutObject`` condition keys of an SSE-KMS write (bucket policies check them)."""
    return {
        "s3:x-amz-server-side-encryption": SSE_KMS,
        "s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn,
    }


def is_encrypted(info: ObjectInfo) -> bool:
    """True for an object stored with SSE-KMS."""
    return info.metadata.get(META_SSE) == SSE_KMS


def check_user_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """A copy of caller-given metadata; the reserved SSE entries are refused."""
    out = dict(metadata or {})
    for k in out:
        if k.lower() in _RESERVED:
            raise InvalidArgument(f"metadata key {k!r} is reserved by opentruth for SSE-KMS; rename it")
    return out


def public_info(info: ObjectInfo) -> ObjectInfo:
    """The object's head as callers see it: plaintext size, no reserved metadata."""
    if not is_encrypted(info):
        return info
    meta = {k: v for k, v in info.metadata.items() if k not in _RESERVED}
    return replace(info, size=int(info.metadata.get(META_SIZE, info.size)), metadata=meta)


def sse_headers(info: ObjectInfo) -> dict[str, str]:
    """The response headers S3 sends for an encrypted object (empty for others)."""
    if not is_encrypted(info):
        return {}
    return {
        "x-amz-server-side-encryption": SSE_KMS,
        "x-amz-server-side-encryption-aws-kms-key-id": info.metadata.get(META_KEY, ""),
    }


@dataclass(frozen=True, slots=True)
class SealedObject:
    """What to store for an SSE-KMS object: the envelope and the reserved metadata."""

    body: bytes
    metadata: dict[str, str]
    key_arn: str


def _read(body: Body) -> bytes:
    return body if isinstance(body, bytes) else body.read()


def seal_object(
    keys: KeyManager, principal: KmsPrincipal, kms_key: str, bucket: str, key: str, body: Body, region: str
) -> SealedObject:
    """Generate a data key through ``principal`` and seal ``body`` with it."""
    plain = _read(body)
    ctx = encryption_context(bucket, key)
    dk = keys.generate_data_key(principal, kms_key, ctx, via=s3_via(region))
    envelope = MAGIC + pack_parts(dk.ciphertext) + seal_data(dk.plaintext, plain, ctx[CONTEXT_KEY].encode())
    meta = {META_SSE: SSE_KMS, META_KEY: dk.key_arn, META_SIZE: str(len(plain))}
    return SealedObject(envelope, meta, dk.key_arn)


def open_object(
    keys: KeyManager, principal: KmsPrincipal, bucket: str, key: str, stored: bytes, region: str
) -> bytes:
    """Decrypt a stored SSE-KMS object through ``principal`` (``kms:Decrypt``)."""
    if not stored.startswith(MAGIC):
        raise InvalidCiphertextError(f"s3://{bucket}/{key} is marked SSE-KMS but its stored bytes are not")
    (blob,), sealed = unpack_parts(stored[len(MAGIC) :], 1)
    ctx = encryption_context(bucket, key)
    dk = keys.decrypt(principal, blob, ctx, via=s3_via(region))
    # The object ARN is the associated data: an envelope copied to another key does not open.
    return open_data(dk.plaintext, sealed, ctx[CONTEXT_KEY].encode())


def decrypted(
    data: ObjectData, keys: KeyManager, principal: KmsPrincipal, byte_range: ByteRange | None, region: str
) -> ObjectData:
    """Turn a whole stored SSE-KMS object into the plaintext GetObject result (ranged if asked)."""
    plain = open_object(keys, principal, data.info.bucket, data.info.key, data.body, region)
    info = public_info(data.info)
    if byte_range is None:
        return ObjectData(info, plain)
    first, last = byte_range.resolve(len(plain))
    return ObjectData(info, plain[first : last + 1], (first, last, len(plain)))


# ------------------------------------------------------------------ for the S3 API


def put_object_sse(
    store: ObjectStore,
    keys: KeyManager,
    principal: KmsPrincipal,
    bucket: str,
    key: str,
    body: Body,
    *,
    kms_key: str,
    content_type: str | None = None,
    metadata: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
) -> tuple[PutResult, str]:
    """PutObject with ``x-amz-server-side-encryption: aws:kms``; returns the result and key ARN.

    Call it after authorising ``s3:PutObject`` (with :func:`request_keys` of the resolved key in
    the context). ``kms_key`` is the ``x-amz-server-side-encryption-aws-kms-key-id`` header (id,
    ARN or alias).
    """
    user = check_user_metadata(metadata)
    sealed = seal_object(keys, principal, kms_key, bucket, key, body, store.region)
    result = store.put_object(
        bucket, key, sealed.body, content_type=content_type, metadata={**user, **sealed.metadata}, tags=tags
    )
    return result, sealed.key_arn


def get_object_sse(
    store: ObjectStore,
    keys: KeyManager,
    principal: KmsPrincipal,
    bucket: str,
    key: str,
    byte_range: ByteRange | None = None,
) -> ObjectData:
    """GetObject that decrypts SSE-KMS objects through ``principal`` (plain objects pass through).

    Call it after authorising ``s3:GetObject``; a principal without ``kms:Decrypt`` on the key
    gets :class:`~opentruth.errors.AccessDeniedError`.
    """
    data = store.get_object(bucket, key, byte_range)
    if not is_encrypted(data.info):
        return data
    if byte_range is not None:
        data = store.get_object(bucket, key)  # a range of ciphertext cannot be opened alone
    return decrypted(data, keys, principal, byte_range, store.region)
