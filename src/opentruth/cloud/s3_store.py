"""The real object-store adapter: Amazon S3 or any S3-compatible store, through boto3.

Why boto3 and not obstore: obstore (the Rust object_store binding) has no API for object
tagging, none for buckets (create, head, location, policy) and no way to abort a multipart
upload, and the job needs all three: the managed execution policy grants reads by object tag,
the job checks its buckets, and an interrupted output upload must be aborted through
``s3:AbortMultipartUpload``.

The adapter speaks the port's vocabulary: ETags lose their quotes, S3 errors become the port's
exceptions with the same ``s3_code``, and the inputs are checked by the same helpers as the
embedded adapter before any request leaves, so both adapters refuse the same input alike.

Checksums: botocore 1.36+ adds CRC checksums to every upload by default, which many
S3-compatible stores reject; the client asks for them only when an operation requires them.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NoReturn, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from opentruth.cloud.objectstore import (
    DEFAULT_CONTENT_TYPE,
    Body,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketInfo,
    BucketNotEmpty,
    ByteRange,
    CompletedPart,
    EntityTooSmall,
    InvalidArgument,
    InvalidBucketName,
    InvalidPart,
    InvalidPartOrder,
    InvalidRange,
    InvalidTag,
    KeyTooLong,
    ListResult,
    MalformedPolicy,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    ObjectData,
    ObjectInfo,
    ObjectStream,
    ObjectSummary,
    PutResult,
    S3Error,
)
from opentruth.cloud.objectstore_checks import (
    normalise_etag,
    validate_bucket_name,
    validate_bucket_policy,
    validate_completed_parts,
    validate_key,
    validate_max_keys,
    validate_metadata,
    validate_part_number,
    validate_tags,
)

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

_ERRORS: dict[str, type[S3Error]] = {
    "NoSuchBucket": NoSuchBucket,
    "NoSuchKey": NoSuchKey,
    "NoSuchUpload": NoSuchUpload,
    "BucketAlreadyOwnedByYou": BucketAlreadyOwnedByYou,
    "BucketAlreadyExists": BucketAlreadyExists,
    "BucketNotEmpty": BucketNotEmpty,
    "InvalidBucketName": InvalidBucketName,
    "KeyTooLongError": KeyTooLong,
    "InvalidTag": InvalidTag,
    "InvalidRange": InvalidRange,
    "InvalidPart": InvalidPart,
    "InvalidPartOrder": InvalidPartOrder,
    "EntityTooSmall": EntityTooSmall,
    "MalformedPolicy": MalformedPolicy,
    "InvalidArgument": InvalidArgument,
}


def _tagging(tags: Mapping[str, str]) -> str:
    return urllib.parse.urlencode(list(tags.items()))


class S3ObjectStore:
    """The object-store port over an S3 endpoint (AWS, MinIO, moto's server, ...)."""

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        account: str = "000000000000",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        client: S3Client | None = None,
    ) -> None:
        """Build a client (path-style addressing, standard retries), or use ``client``.

        ``account`` is the account that owns the buckets: the resource account of IAM decisions.
        Credentials default to boto3's usual chain (environment, profile, instance role).
        """
        self._account = account
        self._region = region
        if client is None:
            session = boto3.session.Session(
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                aws_session_token=session_token,
                region_name=region,
            )
            config = Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
            client = session.client("s3", endpoint_url=endpoint_url, config=config)
        self._s3: S3Client = client

    @property
    def account(self) -> str:
        return self._account

    @property
    def region(self) -> str:
        return self._region

    # ---------------------------------------------------------------- errors

    def _fail(self, exc: ClientError, bucket: str, key: str | None = None) -> NoReturn:
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "InternalError"))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500))
        message = str(err.get("Message") or code)
        if code in ("404", "NotFound"):
            # HEAD responses have no body, so S3 cannot say whether the bucket or the key is
            # missing: ask the bucket.
            if key is None or not self._bucket_exists(bucket):
                raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first") from None
            raise NoSuchKey(f"object {key!r} does not exist in bucket {bucket!r}") from None
        if code == "NoSuchBucket":
            raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first") from None
        if code == "NoSuchKey":
            raise NoSuchKey(f"object {key!r} does not exist in bucket {bucket!r}") from None
        cls = _ERRORS.get(code)
        if cls is not None:
            raise cls(
                f"{message} (S3 {code}, bucket {bucket!r}{'' if key is None else f', key {key!r}'})"
            ) from None
        raise S3Error(f"S3 error {code}: {message}", s3_code=code, http_status=status) from None

    def _bucket_exists(self, bucket: str) -> bool:
        try:
            self._s3.head_bucket(Bucket=bucket)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise
        return True

    # ---------------------------------------------------------------- buckets

    def create_bucket(self, bucket: str) -> None:
        validate_bucket_name(bucket)
        # In us-east-1, S3 answers 200 to re-creating your own bucket; check first so that the
        # port reports BucketAlreadyOwnedByYou in every region, as the embedded adapter does.
        try:
            self._s3.head_bucket(Bucket=bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code == "403":
                raise BucketAlreadyExists(f"bucket name {bucket!r} is taken by another account") from None
            if code not in ("404", "NoSuchBucket", "NotFound"):
                self._fail(exc, bucket)
        else:
            raise BucketAlreadyOwnedByYou(f"bucket {bucket!r} already exists and is yours")
        try:
            if self._region == "us-east-1":
                self._s3.create_bucket(Bucket=bucket)
            else:
                self._s3.create_bucket(
                    Bucket=bucket,
                    CreateBucketConfiguration={"LocationConstraint": self._region},  # type: ignore[typeddict-item]
                )
        except ClientError as exc:
            self._fail(exc, bucket)

    def head_bucket(self, bucket: str) -> BucketInfo:
        validate_bucket_name(bucket)
        if not self._bucket_exists(bucket):
            raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first")
        for b in self.list_buckets():
            if b.name == bucket:
                return b
        raise NoSuchBucket(f"bucket {bucket!r} is not owned by this account")

    def list_buckets(self) -> list[BucketInfo]:
        try:
            resp = self._s3.list_buckets()
        except ClientError as exc:
            self._fail(exc, "")
        return sorted(
            (BucketInfo(b["Name"], b["CreationDate"]) for b in resp.get("Buckets", [])), key=lambda b: b.name
        )

    def get_bucket_location(self, bucket: str) -> str:
        validate_bucket_name(bucket)
        try:
            # The stubs type this as a non-empty literal, but S3 sends none for us-east-1.
            loc: str | None = cast(
                "str | None", self._s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
            )
        except ClientError as exc:
            self._fail(exc, bucket)
        # S3 reports us-east-1 as no constraint and eu-west-1 by its legacy name "EU".
        if not loc:
            return "us-east-1"
        return "eu-west-1" if loc == "EU" else str(loc)

    def delete_bucket(self, bucket: str) -> None:
        validate_bucket_name(bucket)
        try:
            self._s3.delete_bucket(Bucket=bucket)
        except ClientError as exc:
            self._fail(exc, bucket)

    def get_bucket_policy(self, bucket: str) -> str | None:
        validate_bucket_name(bucket)
        try:
            return self._s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchBucketPolicy":
                return None
            self._fail(exc, bucket)

    def put_bucket_policy(self, bucket: str, policy: str) -> None:
        validate_bucket_name(bucket)
        validate_bucket_policy(bucket, policy)
        try:
            self._s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        except ClientError as exc:
            self._fail(exc, bucket)

    def delete_bucket_policy(self, bucket: str) -> None:
        validate_bucket_name(bucket)
        try:
            self._s3.delete_bucket_policy(Bucket=bucket)
        except ClientError as exc:
            self._fail(exc, bucket)

    def batch(self) -> AbstractContextManager[None]:
        """Nothing to group: every S3 PUT is durable when it returns."""
        return contextlib.nullcontext()

    # ---------------------------------------------------------------- objects

    def put_object(
        self,
        bucket: str,
        key: str,
        body: Body,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PutResult:
        validate_bucket_name(bucket)
        validate_key(key)
        kwargs: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "Body": body,
            "ContentType": content_type or DEFAULT_CONTENT_TYPE,
            "Metadata": validate_metadata(metadata or {}),
        }  # fmt: skip
        if tags:
            kwargs["Tagging"] = _tagging(validate_tags(tags))
        try:
            resp = self._s3.put_object(**kwargs)
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return PutResult(normalise_etag(resp["ETag"]))

    def _info(self, bucket: str, key: str, resp: Mapping[str, Any], size: int | None = None) -> ObjectInfo:
        return ObjectInfo(
            bucket=bucket,
            key=key,
            size=int(resp["ContentLength"]) if size is None else size,
            etag=normalise_etag(str(resp["ETag"])),
            last_modified=resp["LastModified"],
            content_type=str(resp.get("ContentType") or DEFAULT_CONTENT_TYPE),
            metadata={k.lower(): v for k, v in resp.get("Metadata", {}).items()},
        )

    def get_object(self, bucket: str, key: str, byte_range: ByteRange | None = None) -> ObjectData:
        validate_bucket_name(bucket)
        validate_key(key)
        try:
            if byte_range is None:
                resp = self._s3.get_object(Bucket=bucket, Key=key)
            else:
                resp = self._s3.get_object(Bucket=bucket, Key=key, Range=byte_range.header())
        except ClientError as exc:
            self._fail(exc, bucket, key)
        body = resp["Body"]
        try:
            data = body.read()
        finally:
            body.close()
        content_range = None
        total: int | None = None
        if byte_range is not None and resp.get("ContentRange"):
            # "bytes 0-9/100"
            span, _, whole = str(resp["ContentRange"]).removeprefix("bytes ").partition("/")
            first, _, last = span.partition("-")
            total = int(whole)
            content_range = (int(first), int(last), total)
        return ObjectData(self._info(bucket, key, resp, size=total), data, content_range)

    def open_stream(self, bucket: str, key: str, chunk_size: int = 1024 * 1024) -> ObjectStream:
        """Stream the object over one HTTP response, ``chunk_size`` bytes at a time."""
        validate_bucket_name(bucket)
        validate_key(key)
        try:
            resp = self._s3.get_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, bucket, key)
        body = resp["Body"]
        return ObjectStream(self._info(bucket, key, resp), body.iter_chunks(chunk_size), body.close)

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        validate_bucket_name(bucket)
        validate_key(key)
        try:
            resp = self._s3.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return self._info(bucket, key, resp)

    def delete_object(self, bucket: str, key: str) -> None:
        validate_bucket_name(bucket)
        validate_key(key)
        try:
            self._s3.delete_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, bucket, key)

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
        """Copy an object; giving ``metadata`` or ``content_type`` replaces both (S3's REPLACE
        directive), giving ``tags`` replaces the tag set."""
        for b, k in ((src_bucket, src_key), (bucket, key)):
            validate_bucket_name(b)
            validate_key(k)
        replace = metadata is not None or content_type is not None
        if (src_bucket, src_key) == (bucket, key) and not replace and tags is None:
            raise InvalidArgument(
                "this copy request is illegal because it copies an object to itself without changing "
                "its metadata, content type or tags",
                s3_code="InvalidRequest",
            )
        kwargs: dict[str, Any] = {
            "Bucket": bucket,
            "Key": key,
            "CopySource": {"Bucket": src_bucket, "Key": src_key},
        }
        if replace:
            kwargs["MetadataDirective"] = "REPLACE"
            kwargs["ContentType"] = content_type or DEFAULT_CONTENT_TYPE
            kwargs["Metadata"] = validate_metadata(metadata or {})
        if tags is not None:
            kwargs["TaggingDirective"] = "REPLACE"
            kwargs["Tagging"] = _tagging(validate_tags(tags))
        try:
            resp = self._s3.copy_object(**kwargs)
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return PutResult(normalise_etag(resp["CopyObjectResult"]["ETag"]))

    def get_object_tagging(self, bucket: str, key: str) -> dict[str, str]:
        validate_bucket_name(bucket)
        validate_key(key)
        try:
            resp = self._s3.get_object_tagging(Bucket=bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return {t["Key"]: t["Value"] for t in resp.get("TagSet", [])}

    def put_object_tagging(self, bucket: str, key: str, tags: Mapping[str, str]) -> None:
        validate_bucket_name(bucket)
        validate_key(key)
        tag_set = [{"Key": k, "Value": v} for k, v in validate_tags(tags).items()]
        try:
            if not tag_set:
                # An empty set removes every tag; DeleteObjectTagging says so in a form that every
                # S3 look-alike accepts (moto's server fails on an empty <TagSet/>).
                self._s3.delete_object_tagging(Bucket=bucket, Key=key)
                return
            self._s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tag_set})  # type: ignore[typeddict-item]
        except ClientError as exc:
            self._fail(exc, bucket, key)

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
        validate_bucket_name(bucket)
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": validate_max_keys(max_keys)}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        if continuation_token is not None:
            kwargs["ContinuationToken"] = continuation_token
        if start_after:
            kwargs["StartAfter"] = start_after
        try:
            resp = self._s3.list_objects_v2(**kwargs)
        except ClientError as exc:
            self._fail(exc, bucket)
        return ListResult(
            objects=tuple(
                ObjectSummary(o["Key"], int(o["Size"]), normalise_etag(o["ETag"]), o["LastModified"])
                for o in resp.get("Contents", [])
            ),
            common_prefixes=tuple(p["Prefix"] for p in resp.get("CommonPrefixes", [])),
            is_truncated=bool(resp.get("IsTruncated")),
            next_continuation_token=resp.get("NextContinuationToken"),
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
        validate_bucket_name(bucket)
        validate_key(key)
        kwargs: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "ContentType": content_type or DEFAULT_CONTENT_TYPE,
            "Metadata": validate_metadata(metadata or {}),
        }  # fmt: skip
        if tags:
            kwargs["Tagging"] = _tagging(validate_tags(tags))
        try:
            return self._s3.create_multipart_upload(**kwargs)["UploadId"]
        except ClientError as exc:
            self._fail(exc, bucket, key)

    def upload_part(self, bucket: str, key: str, upload_id: str, part_number: int, body: bytes) -> str:
        validate_part_number(part_number)
        try:
            resp = self._s3.upload_part(
                Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=part_number, Body=body
            )
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return normalise_etag(resp["ETag"])

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> PutResult:
        validate_completed_parts(parts)
        try:
            resp = self._s3.complete_multipart_upload(
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [
                        {"PartNumber": p.part_number, "ETag": f'"{normalise_etag(p.etag)}"'} for p in parts
                    ]
                },
            )
        except ClientError as exc:
            self._fail(exc, bucket, key)
        return PutResult(normalise_etag(resp["ETag"]))

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        try:
            self._s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        except ClientError as exc:
            self._fail(exc, bucket, key)
