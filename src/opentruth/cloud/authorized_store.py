"""The object store as a job sees it: every call authorised through its role session first.

:class:`AuthorizedObjectStore` wraps any :class:`ObjectStore` and asks the session, before each
call, with the action S3 itself would check, the resource ARN S3 would use, and the request
context S3 would supply:

=========================================  ===================================================
call                                       authorised as
=========================================  ===================================================
get_object, open_stream, head_object       ``s3:GetObject`` on ``arn:aws:s3:::b/k`` with
                                           ``s3:ExistingObjectTag/<t>`` per tag of the object
put_object, multipart create/part/complete ``s3:PutObject``; with tags also
                                           ``s3:PutObjectTagging`` and ``s3:RequestObjectTag/<t>``,
                                           ``s3:RequestObjectTagKeys``
copy_object                                ``s3:GetObject`` on the source, ``s3:PutObject`` on the
                                           target (with ``s3:x-amz-copy-source``); copying tags
                                           also needs ``s3:GetObjectTagging`` on the source
delete_object                              ``s3:DeleteObject``
abort_multipart_upload                     ``s3:AbortMultipartUpload``
get/put_object_tagging                     ``s3:GetObjectTagging`` / ``s3:PutObjectTagging``
list_objects                               ``s3:ListBucket`` on ``arn:aws:s3:::b`` with
                                           ``s3:prefix``, ``s3:delimiter``, ``s3:max-keys``
head_bucket                                ``s3:ListBucket`` (what S3 checks for HeadBucket)
buckets, location, policies                ``s3:CreateBucket``, ``s3:GetBucketLocation``, ...
=========================================  ===================================================

The bucket's policy, when it has one, is the resource policy of the decision, and the store's
account is the resource account (S3 ARNs carry none). The tags and the policy are read from the
underlying store without authorisation, as S3 reads them internally.

A read of a missing object is decided as S3 decides it: with ``s3:ListBucket`` on the bucket
the caller learns ``NoSuchKey``; without it, S3 answers access denied, so that a caller cannot
probe which keys exist.

**SSE-KMS** (:mod:`opentruth.cloud.sse`): with ``keys`` and a ``default_kms_key`` (a job's
``OutputConfig.KmsKeyId``), or ``sse_kms_key_id`` on one put, a write is sealed with a per-object
data key that the *session* obtains (``kms:GenerateDataKey`` via S3), and ``s3:PutObject`` is
decided with ``s3:x-amz-server-side-encryption``/``-aws-kms-key-id``. Reads of encrypted objects
need ``kms:Decrypt`` through the session as well; HeadObject does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager

from opentruth.cloud import sse
from opentruth.cloud.bucket_policies import BucketPolicies
from opentruth.cloud.keys import KeyManager
from opentruth.cloud.objectstore import (
    Body,
    BucketInfo,
    ByteRange,
    CompletedPart,
    InvalidArgument,
    ListResult,
    NoSuchBucket,
    NoSuchKey,
    ObjectData,
    ObjectInfo,
    ObjectStore,
    ObjectStream,
    PutResult,
)
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.iam import NamedPolicy
from opentruth.iam.patterns import ContextValue


def bucket_arn(bucket: str) -> str:
    """``arn:aws:s3:::<bucket>``."""
    return f"arn:aws:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    """``arn:aws:s3:::<bucket>/<key>``."""
    return f"arn:aws:s3:::{bucket}/{key}"


def _request_tag_keys(tags: Mapping[str, str]) -> dict[str, ContextValue]:
    ctx: dict[str, ContextValue] = {f"s3:RequestObjectTag/{k}": v for k, v in tags.items()}
    ctx["s3:RequestObjectTagKeys"] = list(tags)
    return ctx


class AuthorizedObjectStore:
    """An :class:`ObjectStore` whose every call goes through ``session`` first."""

    def __init__(
        self,
        store: ObjectStore,
        session: RoleSession,
        *,
        keys: KeyManager | None = None,
        default_kms_key: str | None = None,
    ) -> None:
        """``default_kms_key`` encrypts every write (SSE-KMS) through ``keys``."""
        if default_kms_key and keys is None:
            raise ValueError("a default KMS key needs a key manager")
        self.store = store
        self.session = session
        self.keys = keys
        self.default_kms_key = default_kms_key or None
        self._policies = BucketPolicies(store)

    @property
    def account(self) -> str:
        return self.store.account

    @property
    def region(self) -> str:
        return self.store.region

    # ---------------------------------------------------------------- decisions

    def _bucket_policy(self, bucket: str) -> NamedPolicy | None:
        return self._policies.policy(bucket)

    def _authorize(
        self,
        action: str,
        bucket: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        object_tags: Mapping[str, str] | None = None,
    ) -> None:
        self.session.authorize(
            action,
            resource,
            context=context,
            object_tags=object_tags,
            resource_policy=self._bucket_policy(bucket),
            resource_account=self.store.account,
        )

    def _existing_tags(self, bucket: str, key: str) -> dict[str, str] | None:
        """The object's tags, read as S3 reads them (unauthorised); ``None`` if it is missing."""
        try:
            return self.store.get_object_tagging(bucket, key)
        except (NoSuchKey, NoSuchBucket):
            return None

    def _authorize_read(self, action: str, bucket: str, key: str) -> None:
        """Authorise an object-level read with ``s3:ExistingObjectTag/*``.

        A missing object has no tags; if the read is allowed, S3 reveals that the key is missing
        only to a caller that may also list the bucket, and answers access denied otherwise.
        """
        tags = self._existing_tags(bucket, key)
        self._authorize(action, bucket, object_arn(bucket, key), object_tags=tags)
        if tags is None:
            self._authorize("s3:ListBucket", bucket, bucket_arn(bucket))

    # ---------------------------------------------------------------- buckets

    def create_bucket(self, bucket: str) -> None:
        self._authorize("s3:CreateBucket", bucket, bucket_arn(bucket))
        self.store.create_bucket(bucket)

    def head_bucket(self, bucket: str) -> BucketInfo:
        self._authorize("s3:ListBucket", bucket, bucket_arn(bucket))
        return self.store.head_bucket(bucket)

    def list_buckets(self) -> list[BucketInfo]:
        # ListAllMyBuckets has no resource type: only a statement with Resource "*" applies.
        self.session.authorize("s3:ListAllMyBuckets", "*")
        return self.store.list_buckets()

    def get_bucket_location(self, bucket: str) -> str:
        self._authorize("s3:GetBucketLocation", bucket, bucket_arn(bucket))
        return self.store.get_bucket_location(bucket)

    def delete_bucket(self, bucket: str) -> None:
        self._authorize("s3:DeleteBucket", bucket, bucket_arn(bucket))
        self.store.delete_bucket(bucket)

    def get_bucket_policy(self, bucket: str) -> str | None:
        self._authorize("s3:GetBucketPolicy", bucket, bucket_arn(bucket))
        return self.store.get_bucket_policy(bucket)

    def put_bucket_policy(self, bucket: str, policy: str) -> None:
        self._authorize("s3:PutBucketPolicy", bucket, bucket_arn(bucket))
        self.store.put_bucket_policy(bucket, policy)

    def delete_bucket_policy(self, bucket: str) -> None:
        self._authorize("s3:DeleteBucketPolicy", bucket, bucket_arn(bucket))
        self.store.delete_bucket_policy(bucket)

    # ---------------------------------------------------------------- objects

    def _authorize_write(
        self, bucket: str, key: str, tags: Mapping[str, str] | None, **extra: ContextValue
    ) -> None:
        ctx: dict[str, ContextValue] = dict(extra)
        if tags:
            ctx.update(_request_tag_keys(tags))
        self._authorize("s3:PutObject", bucket, object_arn(bucket, key), context=ctx)
        if tags:
            # S3 also requires s3:PutObjectTagging to set tags with the write.
            self._authorize(
                "s3:PutObjectTagging", bucket, object_arn(bucket, key), context=_request_tag_keys(tags)
            )

    def batch(self) -> AbstractContextManager[None]:
        """The underlying store's batch: each write is still authorised when it is made."""
        return self.store.batch()

    def put_object(
        self,
        bucket: str,
        key: str,
        body: Body,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        sse_kms_key_id: str | None = None,
    ) -> PutResult:
        """PutObject; SSE-KMS with ``sse_kms_key_id`` or the store's default key."""
        kms_key = sse_kms_key_id or self.default_kms_key
        if kms_key is None:
            self._authorize_write(bucket, key, tags)
            return self.store.put_object(
                bucket, key, body, content_type=content_type, metadata=metadata, tags=tags
            )
        keys = self._keys()
        user = sse.check_user_metadata(metadata)
        self._authorize_write(bucket, key, tags, **sse.request_keys(keys.resolve(kms_key).arn))
        sealed = sse.seal_object(keys, self.session, kms_key, bucket, key, body, self.store.region)
        return self.store.put_object(
            bucket,
            key,
            sealed.body,
            content_type=content_type,
            metadata={**user, **sealed.metadata},
            tags=tags,
        )

    def _keys(self) -> KeyManager:
        if self.keys is None:
            raise InvalidArgument(
                "this object is encrypted with SSE-KMS (or asks for it) but no key manager is configured"
            )
        return self.keys

    def get_object(self, bucket: str, key: str, byte_range: ByteRange | None = None) -> ObjectData:
        self._authorize_read("s3:GetObject", bucket, key)
        data = self.store.get_object(bucket, key, byte_range)
        if not sse.is_encrypted(data.info):
            return data
        if byte_range is not None:
            data = self.store.get_object(bucket, key)  # a range of ciphertext cannot be opened alone
        return sse.decrypted(data, self._keys(), self.session, byte_range, self.store.region)

    def open_stream(self, bucket: str, key: str, chunk_size: int = 1024 * 1024) -> ObjectStream:
        self._authorize_read("s3:GetObject", bucket, key)
        stream = self.store.open_stream(bucket, key, chunk_size)
        if not sse.is_encrypted(stream.info):
            return stream
        # A GCM envelope is authenticated as a whole: it is opened in memory, then re-chunked.
        with stream:
            stored = b"".join(stream)
        data = sse.decrypted(
            ObjectData(stream.info, stored), self._keys(), self.session, None, self.store.region
        )
        chunks = (data.body[i : i + chunk_size] for i in range(0, len(data.body), chunk_size))
        return ObjectStream(data.info, iter(chunks), lambda: None)

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        # HeadObject is authorised as s3:GetObject; there is no s3:HeadObject action. S3 does not
        # ask KMS for a HEAD of an encrypted object.
        self._authorize_read("s3:GetObject", bucket, key)
        return sse.public_info(self.store.head_object(bucket, key))

    def delete_object(self, bucket: str, key: str) -> None:
        self._authorize("s3:DeleteObject", bucket, object_arn(bucket, key))
        self.store.delete_object(bucket, key)

    def copy_object(
        self,
        src_bucket: str,
        src_key: str,
        bucket: str,
        key: str,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PutResult:
        if self.default_kms_key or self._source_encrypted(src_bucket, src_key):
            return self._copy_through(src_bucket, src_key, bucket, key, content_type, metadata, tags)
        self._authorize_read("s3:GetObject", src_bucket, src_key)
        extra: dict[str, ContextValue] = {"s3:x-amz-copy-source": f"{src_bucket}/{src_key}"}
        if metadata is not None or content_type is not None:
            extra["s3:x-amz-metadata-directive"] = "REPLACE"
        self._authorize_write(bucket, key, tags, **extra)
        if tags is None and self._existing_tags(src_bucket, src_key):
            # Copying the source's tags reads them: S3 checks s3:GetObjectTagging on the source.
            self._authorize_read("s3:GetObjectTagging", src_bucket, src_key)
        return self.store.copy_object(
            src_bucket, src_key, bucket, key, content_type=content_type, metadata=metadata, tags=tags
        )

    def _source_encrypted(self, bucket: str, key: str) -> bool:
        try:
            return sse.is_encrypted(self.store.head_object(bucket, key))
        except (NoSuchKey, NoSuchBucket):
            return False  # the authorised path reports it

    def _copy_through(
        self,
        src_bucket: str,
        src_key: str,
        bucket: str,
        key: str,
        content_type: str | None,
        metadata: Mapping[str, str] | None,
        tags: Mapping[str, str] | None,
    ) -> PutResult:
        """Copy with SSE-KMS on either side: decrypt (kms:Decrypt) and re-seal under the target's
        own data key, since the encryption context names the object's ARN."""
        data = self.get_object(src_bucket, src_key)
        if tags is None and self._existing_tags(src_bucket, src_key):
            self._authorize_read("s3:GetObjectTagging", src_bucket, src_key)
            tags = self.store.get_object_tagging(src_bucket, src_key)
        return self.put_object(
            bucket,
            key,
            data.body,
            content_type=content_type if content_type is not None else data.info.content_type,
            metadata=metadata if metadata is not None else dict(data.info.metadata),
            tags=tags,
            sse_kms_key_id=self.default_kms_key or data.info.metadata.get(sse.META_KEY),
        )

    def get_object_tagging(self, bucket: str, key: str) -> dict[str, str]:
        self._authorize_read("s3:GetObjectTagging", bucket, key)
        return self.store.get_object_tagging(bucket, key)

    def put_object_tagging(self, bucket: str, key: str, tags: Mapping[str, str]) -> None:
        existing = self._existing_tags(bucket, key)
        self._authorize(
            "s3:PutObjectTagging",
            bucket,
            object_arn(bucket, key),
            context=_request_tag_keys(tags),
            object_tags=existing,
        )
        self.store.put_object_tagging(bucket, key, tags)

    def list_objects(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str | None = None,
        max_keys: int | None = None,
        continuation_token: str | None = None,
        start_after: str | None = None,
    ) -> ListResult:
        # The store always sends Prefix (possibly empty, as `aws s3 ls s3://b/` does); delimiter
        # and max-keys are keys only when the caller gives them.
        ctx: dict[str, ContextValue] = {"s3:prefix": prefix}
        if delimiter:
            ctx["s3:delimiter"] = delimiter
        if max_keys is not None:
            ctx["s3:max-keys"] = str(max_keys)
        self._authorize("s3:ListBucket", bucket, bucket_arn(bucket), context=ctx)
        return self.store.list_objects(
            bucket,
            prefix=prefix,
            delimiter=delimiter,
            max_keys=max_keys,
            continuation_token=continuation_token,
            start_after=start_after,
        )

    # ---------------------------------------------------------------- multipart

    def create_multipart_upload(
        self,
        bucket: str,
        key: str,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        # Multipart uploads have no actions of their own: S3 checks s3:PutObject at each step.
        if self.default_kms_key:
            raise InvalidArgument(
                "SSE-KMS multipart uploads are not supported by opentruth yet; write the object "
                "with one PutObject"
            )
        self._authorize_write(bucket, key, tags)
        return self.store.create_multipart_upload(
            bucket, key, content_type=content_type, metadata=metadata, tags=tags
        )

    def upload_part(self, bucket: str, key: str, upload_id: str, part_number: int, body: bytes) -> str:
        self._authorize("s3:PutObject", bucket, object_arn(bucket, key))
        return self.store.upload_part(bucket, key, upload_id, part_number, body)

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> PutResult:
        self._authorize("s3:PutObject", bucket, object_arn(bucket, key))
        return self.store.complete_multipart_upload(bucket, key, upload_id, parts)

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        self._authorize("s3:AbortMultipartUpload", bucket, object_arn(bucket, key))
        self.store.abort_multipart_upload(bucket, key, upload_id)


__all__ = ["AuthorizedObjectStore", "RoleAccessDeniedError", "bucket_arn", "object_arn"]
