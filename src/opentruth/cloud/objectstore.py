"""The object-store port: what a labeling job needs from S3, and nothing more.

Two adapters implement :class:`ObjectStore`: :mod:`opentruth.cloud.embedded_store` (a folder, the
default) and :mod:`opentruth.cloud.s3_store` (S3 or any S3-compatible store). A shared test suite
runs against both so that they provably behave alike; the S3 API of opentruth will later sit on
top of this port, so its semantics follow S3's:

- ETags are the hex MD5 of the content, without S3's quotes; a multipart object's ETag is the
  MD5 of the concatenated binary part MD5s followed by ``-<number of parts>``.
- Listing follows ListObjectsV2: keys in UTF-8 binary order (the same as code-point order),
  ``CommonPrefixes`` for a delimiter, ``MaxKeys`` counting keys and prefixes together, and an
  opaque continuation token.
- User-metadata keys come back lower-cased, because S3 carries them as HTTP headers.
- Errors carry S3's error code in ``s3_code`` (and its HTTP status), and still derive from the
  one opentruth exception tree, so that a job or the SageMaker API can handle them generically.

Input checks that S3 makes on its side (bucket names, tag limits, key length) are made in the
shared helpers of :mod:`opentruth.cloud.objectstore_checks`, before any adapter is called: both
adapters then reject the same input with the same error, whichever peer is behind the S3 adapter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol, runtime_checkable

from opentruth.errors import ConflictError, NotFoundError, OpenTruthError, ValidationError

# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class S3Error(OpenTruthError):
    """Base of the object-store errors: carries S3's error code and HTTP status."""

    s3_code: str = "InternalError"
    http_status: int = 500

    def __init__(self, message: str, *, s3_code: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        if s3_code is not None:
            self.s3_code = s3_code
        if http_status is not None:
            self.http_status = http_status


class NoSuchBucket(S3Error, NotFoundError):
    """The bucket does not exist."""

    s3_code = "NoSuchBucket"
    http_status = 404


class NoSuchKey(S3Error, NotFoundError):
    """The object does not exist."""

    s3_code = "NoSuchKey"
    http_status = 404


class NoSuchUpload(S3Error, NotFoundError):
    """The multipart upload does not exist (never created, completed or aborted)."""

    s3_code = "NoSuchUpload"
    http_status = 404


class BucketAlreadyOwnedByYou(S3Error, ConflictError):
    """CreateBucket for a bucket that this account already owns."""

    s3_code = "BucketAlreadyOwnedByYou"
    http_status = 409


class BucketAlreadyExists(S3Error, ConflictError):
    """CreateBucket for a name that another account owns (real S3 only)."""

    s3_code = "BucketAlreadyExists"
    http_status = 409


class BucketNotEmpty(S3Error, ConflictError):
    """DeleteBucket on a bucket that still holds objects."""

    s3_code = "BucketNotEmpty"
    http_status = 409


class KeyConflict(S3Error, ConflictError):
    """The embedded store cannot hold a key because a file cannot also be a folder.

    S3 allows both ``a`` and ``a/b``; a file system does not. The embedded store refuses the
    second one with this error instead of silently losing data.
    """

    s3_code = "InvalidArgument"
    http_status = 409


class InvalidBucketName(S3Error, ValidationError):
    """The bucket name breaks S3's naming rules."""

    s3_code = "InvalidBucketName"
    http_status = 400


class InvalidObjectKey(S3Error, ValidationError):
    """The object key is empty, too long, or unsafe to map to a file."""

    s3_code = "InvalidArgument"
    http_status = 400


class KeyTooLong(InvalidObjectKey):
    """The key is longer than S3's 1024 bytes of UTF-8."""

    s3_code = "KeyTooLongError"


class InvalidTag(S3Error, ValidationError):
    """A tag set that breaks S3's limits (10 tags, key 1-128 and value 0-256 characters)."""

    s3_code = "InvalidTag"
    http_status = 400


class InvalidArgument(S3Error, ValidationError):
    """Any other bad argument (metadata, max-keys, part numbers, tokens)."""

    s3_code = "InvalidArgument"
    http_status = 400


class InvalidRange(S3Error, ValidationError):
    """A byte range that starts at or after the end of the object."""

    s3_code = "InvalidRange"
    http_status = 416


class InvalidPart(S3Error, ValidationError):
    """CompleteMultipartUpload names a part that was not uploaded or whose ETag differs."""

    s3_code = "InvalidPart"
    http_status = 400


class InvalidPartOrder(S3Error, ValidationError):
    """CompleteMultipartUpload lists parts out of ascending order."""

    s3_code = "InvalidPartOrder"
    http_status = 400


class EntityTooSmall(S3Error, ValidationError):
    """A part other than the last is smaller than 5 MiB."""

    s3_code = "EntityTooSmall"
    http_status = 400


class MalformedPolicy(S3Error, ValidationError):
    """PutBucketPolicy with a document that is not a valid policy."""

    s3_code = "MalformedPolicy"
    http_status = 400


# --------------------------------------------------------------------------------------------
# Value types
# --------------------------------------------------------------------------------------------

DEFAULT_CONTENT_TYPE = "binary/octet-stream"  # what S3 stores when PutObject has no Content-Type
MIN_PART_SIZE = 5 * 1024 * 1024  # every part but the last must be at least this big
MAX_PARTS = 10_000
DEFAULT_MAX_KEYS = 1000


@dataclass(frozen=True, slots=True)
class BucketInfo:
    """A bucket: its name and when it was created."""

    name: str
    creation_date: datetime


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What HeadObject returns."""

    bucket: str
    key: str
    size: int
    etag: str
    last_modified: datetime
    content_type: str = DEFAULT_CONTENT_TYPE
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectSummary:
    """One entry of a listing (ListObjectsV2 ``Contents``)."""

    key: str
    size: int
    etag: str
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class ListResult:
    """One page of ListObjectsV2."""

    objects: tuple[ObjectSummary, ...]
    common_prefixes: tuple[str, ...]
    is_truncated: bool
    next_continuation_token: str | None = None

    @property
    def key_count(self) -> int:
        """S3's ``KeyCount``: keys plus common prefixes on this page."""
        return len(self.objects) + len(self.common_prefixes)


@dataclass(frozen=True, slots=True)
class ByteRange:
    """An HTTP byte range, both ends inclusive; ``end=None`` reads to the end of the object."""

    start: int
    end: int | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or (self.end is not None and self.end < self.start):
            raise InvalidArgument(
                f"byte range {self.start}-{'' if self.end is None else self.end} is not valid: "
                "start must be >= 0 and end >= start"
            )

    def header(self) -> str:
        """The ``Range`` header value, e.g. ``bytes=0-99``."""
        return f"bytes={self.start}-{'' if self.end is None else self.end}"

    def resolve(self, size: int) -> tuple[int, int]:
        """The inclusive (first, last) byte for an object of ``size`` bytes.

        As in S3 (RFC 9110), an end past the object is clamped; a start at or past the end is
        unsatisfiable and raises :class:`InvalidRange`.
        """
        if self.start >= size:
            raise InvalidRange(f"the range {self.header()} is not satisfiable for an object of {size} bytes")
        last = size - 1 if self.end is None else min(self.end, size - 1)
        return self.start, last


@dataclass(frozen=True, slots=True)
class ObjectData:
    """GetObject's result: the object's head and the (possibly partial) body."""

    info: ObjectInfo
    body: bytes
    content_range: tuple[int, int, int] | None = None  # (first, last, total) for a range read


@dataclass(frozen=True, slots=True)
class PutResult:
    """The ETag of a newly written object."""

    etag: str


@dataclass(frozen=True, slots=True)
class CompletedPart:
    """A part named in CompleteMultipartUpload."""

    part_number: int
    etag: str


class ObjectStream:
    """An object's body as an iterator of chunks, read in bounded memory.

    Use it as a context manager so that the underlying file or connection is released even
    when the caller stops early::

        with store.open_stream("bucket", "manifest") as stream:
            for line in iter_lines(stream):
                ...
    """

    def __init__(self, info: ObjectInfo, chunks: Iterator[bytes], close: Callable[[], None]) -> None:
        self.info = info
        self._chunks = chunks
        self._close = close
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._closed:
            raise StopIteration
        return next(self._chunks)

    def close(self) -> None:
        """Release the underlying file or HTTP connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> ObjectStream:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def iter_lines(
    chunks: Iterator[bytes] | ObjectStream, *, max_line: int = 16 * 1024 * 1024
) -> Iterator[bytes]:
    """Split a chunk stream into lines (without their ``\\n``/``\\r\\n``), in bounded memory.

    A final line without a newline is yielded too. A line longer than ``max_line`` bytes raises
    :class:`opentruth.errors.ValidationError` naming its line number, rather than exhausting
    memory on a file that is not line-oriented.
    """
    buf = bytearray()
    number = 0
    for chunk in chunks:
        buf += chunk
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            number += 1
            line = bytes(buf[start:nl])
            yield line[:-1] if line.endswith(b"\r") else line
            start = nl + 1
        del buf[:start]
        if len(buf) > max_line:
            raise ValidationError(f"line {number + 1} is longer than {max_line} bytes; is this a text file?")
    if buf:
        yield bytes(buf[:-1]) if buf.endswith(b"\r") else bytes(buf)


Body = bytes | BinaryIO


# --------------------------------------------------------------------------------------------
# The port
# --------------------------------------------------------------------------------------------


@runtime_checkable
class ObjectStore(Protocol):
    """Buckets, objects, tags, bucket policies, listing and multipart uploads, as in S3.

    ``account`` owns every bucket of the store (it is the resource account for IAM decisions),
    and ``region`` is where new buckets are created.
    """

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...

    def batch(self) -> AbstractContextManager[None]:
        """A block whose object writes (by this thread) the store may make durable together at
        its end, for many small writes. Each object stays atomic; an adapter that batches may
        make the objects visible only when the block ends. The default batches nothing."""
        return contextlib.nullcontext()

    # Buckets
    def create_bucket(self, bucket: str) -> None: ...
    def head_bucket(self, bucket: str) -> BucketInfo: ...
    def list_buckets(self) -> list[BucketInfo]: ...
    def get_bucket_location(self, bucket: str) -> str: ...
    def delete_bucket(self, bucket: str) -> None: ...
    def get_bucket_policy(self, bucket: str) -> str | None: ...
    def put_bucket_policy(self, bucket: str, policy: str) -> None: ...
    def delete_bucket_policy(self, bucket: str) -> None: ...

    # Objects
    def put_object(
        self,
        bucket: str,
        key: str,
        body: Body,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PutResult: ...
    def get_object(self, bucket: str, key: str, byte_range: ByteRange | None = None) -> ObjectData: ...
    def open_stream(self, bucket: str, key: str, chunk_size: int = 1024 * 1024) -> ObjectStream: ...
    def head_object(self, bucket: str, key: str) -> ObjectInfo: ...
    def delete_object(self, bucket: str, key: str) -> None: ...
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
    ) -> PutResult: ...
    def get_object_tagging(self, bucket: str, key: str) -> dict[str, str]: ...
    def put_object_tagging(self, bucket: str, key: str, tags: Mapping[str, str]) -> None: ...
    def list_objects(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str | None = None,
        max_keys: int | None = None,
        continuation_token: str | None = None,
        start_after: str | None = None,
    ) -> ListResult: ...

    # Multipart uploads
    def create_multipart_upload(
        self,
        bucket: str,
        key: str,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str: ...
    def upload_part(self, bucket: str, key: str, upload_id: str, part_number: int, body: bytes) -> str: ...
    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> PutResult: ...
    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None: ...


def iter_all_objects(store: ObjectStore, bucket: str, prefix: str = "") -> Iterator[ObjectSummary]:
    """Every object under ``prefix``, following continuation tokens."""
    token: str | None = None
    while True:
        page = store.list_objects(bucket, prefix=prefix, continuation_token=token)
        yield from page.objects
        if not page.is_truncated or page.next_continuation_token is None:
            return
        token = page.next_continuation_token
