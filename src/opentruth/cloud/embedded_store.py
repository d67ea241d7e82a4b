"""The embedded object store: S3's model on a local folder (the default adapter).

Layout under the data directory ``DATA``::

    DATA/objects/<bucket>/<key>             the object's bytes, at its key's path
    DATA/objects-meta/<bucket>/<key>        its metadata: a small JSON document (see below)
    DATA/objects-meta/<bucket>/.opentruth~bucket   the bucket's creation date and region
    DATA/objects-meta/<bucket>/.opentruth~policy   the bucket policy, if any
    DATA/objects-tmp/<upload id>/           a multipart upload in progress

The metadata tree mirrors the data tree name for name, without a ``.json`` suffix: with a
suffix, the metadata of key ``a`` (``a.json``) would collide with the folder of key
``a.json/b``. A folder marker ``p/`` (a key ending in ``/``) is stored as the reserved file
``p/.opentruth~folder`` in both trees.

How files are written (atomically, and in batches) and how a key maps to a path are in
:mod:`opentruth.cloud.embedded_files`.

S3 allows both ``a`` and ``a/b``; a file system cannot hold a file and a folder of one name, so
the second of those raises :class:`KeyConflict` rather than losing data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from opentruth.cloud.durable_files import unlink_quietly
from opentruth.cloud.embedded_files import (
    BUCKET_META,
    CHUNK,
    FOLDER_MARK,
    POLICY_FILE,
    RESERVED,
    FolderGone,
    ObjectFiles,
    PutSpec,
    Staged,
    now_ms,
)
from opentruth.cloud.listing import Cursor, paginate
from opentruth.cloud.objectstore import (
    DEFAULT_CONTENT_TYPE,
    MIN_PART_SIZE,
    Body,
    BucketAlreadyOwnedByYou,
    BucketInfo,
    BucketNotEmpty,
    ByteRange,
    CompletedPart,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    ListResult,
    NoSuchBucket,
    NoSuchKey,
    ObjectData,
    ObjectInfo,
    ObjectStream,
    ObjectSummary,
    PutResult,
)
from opentruth.cloud.objectstore_checks import (
    normalise_etag,
    validate_bucket_name,
    validate_bucket_policy,
    validate_completed_parts,
    validate_max_keys,
    validate_metadata,
    validate_part_number,
    validate_tags,
)


class EmbeddedObjectStore(ObjectFiles):
    """The object-store port on a local folder. Safe for several processes on one folder."""

    # ---------------------------------------------------------------- buckets

    def create_bucket(self, bucket: str) -> None:
        """Create ``bucket``; :class:`BucketAlreadyOwnedByYou` if it exists."""
        validate_bucket_name(bucket)
        try:
            (self._objects / bucket).mkdir()
        except FileExistsError:
            raise BucketAlreadyOwnedByYou(f"bucket {bucket!r} already exists and is yours") from None
        meta = self._meta / bucket
        meta.mkdir(exist_ok=True)
        self._write_json(meta / BUCKET_META, {"created": now_ms().isoformat(), "region": self._region})

    def head_bucket(self, bucket: str) -> BucketInfo:
        bdir = self._bucket_dir(bucket)
        doc = self._read_json(self._meta / bucket / BUCKET_META) or {}
        created = doc.get("created")
        if isinstance(created, str):
            when = datetime.fromisoformat(created)
        else:  # a crash right after mkdir: fall back to the folder's time
            when = datetime.fromtimestamp(bdir.stat().st_mtime, UTC)
        return BucketInfo(bucket, when)

    def list_buckets(self) -> list[BucketInfo]:
        out = []
        for entry in sorted(os.scandir(self._objects), key=lambda e: e.name):
            if entry.is_dir():
                with contextlib.suppress(NoSuchBucket, InvalidArgument):
                    out.append(self.head_bucket(entry.name))
        return out

    def get_bucket_location(self, bucket: str) -> str:
        self._bucket_dir(bucket)
        doc = self._read_json(self._meta / bucket / BUCKET_META) or {}
        region = doc.get("region")
        return region if isinstance(region, str) else self._region

    def delete_bucket(self, bucket: str) -> None:
        """Delete an empty bucket (and any multipart uploads in progress in it)."""
        bdir = self._bucket_dir(bucket)
        page = self.list_objects(bucket, max_keys=1)
        if page.objects or page.common_prefixes:
            raise BucketNotEmpty(f"bucket {bucket!r} is not empty; delete its objects first")
        for upload in self._tmp.iterdir():
            doc = self._read_json(upload / "upload.json")
            if doc is not None and doc.get("bucket") == bucket:
                shutil.rmtree(upload, ignore_errors=True)
        shutil.rmtree(self._meta / bucket, ignore_errors=True)
        shutil.rmtree(bdir, ignore_errors=True)

    def get_bucket_policy(self, bucket: str) -> str | None:
        # Read on every authorised S3 request: plain strings, no pathlib.
        validate_bucket_name(bucket)
        if not os.path.isdir(os.path.join(self._objects_dir, bucket)):
            raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first")
        try:
            with open(os.path.join(self._meta_dir, bucket, POLICY_FILE), encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def put_bucket_policy(self, bucket: str, policy: str) -> None:
        self._bucket_dir(bucket)
        validate_bucket_policy(bucket, policy)
        self._atomic_write(self._meta / bucket / POLICY_FILE, [policy.encode("utf-8")])

    def delete_bucket_policy(self, bucket: str) -> None:
        self._bucket_dir(bucket)
        with contextlib.suppress(FileNotFoundError):
            (self._meta / bucket / POLICY_FILE).unlink()

    # ---------------------------------------------------------------- objects

    def _store(
        self,
        bucket: str,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str,
        metadata: Mapping[str, str],
        tags: Mapping[str, str],
        etag: str | None = None,
    ) -> PutResult:
        data, meta, parts = self._paths(bucket, key)
        spec = PutSpec(content_type, metadata, tags, etag)
        try:
            return self._store_at(data, meta, parts, bucket, key, chunks, spec)
        except FolderGone:
            # A folder this process knew was removed (by another process's delete): forget
            # them all and make them again. Nothing of ``chunks`` was read yet.
            self._known_dirs.clear()
            return self._store_at(data, meta, parts, bucket, key, chunks, spec)

    def _store_at(
        self,
        data: Path,
        meta: Path,
        parts: list[str],
        bucket: str,
        key: str,
        chunks: Iterable[bytes],
        spec: PutSpec,
    ) -> PutResult:
        self._make_parents(self._objects / bucket, parts, key)
        self._make_parents(self._meta / bucket, parts, key)
        staged: dict[str, Staged] | None = getattr(self._local, "staged", None)
        if staged is not None:
            return self._stage(staged, data, meta, chunks, spec)
        md5, size, _ = self._atomic_write(data, chunks)
        final, doc = spec.meta_doc(md5, size)
        self._write_json(meta, doc)  # the commit point
        return PutResult(final)

    def _stage(
        self, staged: dict[str, Staged], data: Path, meta: Path, chunks: Iterable[bytes], spec: PutSpec
    ) -> PutResult:
        """:meth:`_store` inside a batch: both files written, unsynced, under temporary names."""
        data_tmp, md5, size, _ = self._write_temp(data.parent, chunks, sync=False)
        final, doc = spec.meta_doc(md5, size)
        try:
            body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
            meta_tmp, *_ = self._write_temp(meta.parent, [body], sync=False)
        except BaseException:
            unlink_quietly(data_tmp)
            raise
        # The same key twice in one batch: the later write wins, the earlier is never synced.
        earlier = staged.pop(str(meta), None)
        if earlier is not None:
            unlink_quietly(earlier.data_tmp, earlier.meta_tmp)
        staged[str(meta)] = Staged(data_tmp, str(data), meta_tmp, str(meta))
        return PutResult(final)

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
        """Write an object atomically; ``body`` is bytes or a binary file read in chunks."""
        md = validate_metadata(metadata or {})
        tg = validate_tags(tags or {})
        chunks: Iterable[bytes] = [body] if isinstance(body, bytes) else _file_chunks(body)
        return self._store(
            bucket, key, chunks, content_type=content_type or DEFAULT_CONTENT_TYPE, metadata=md, tags=tg
        )

    def _load_meta(self, bucket: str, key: str) -> tuple[str, dict[str, object]]:
        data, meta = self._object_files(bucket, key)
        doc = self._read_json(meta)
        if doc is None:
            raise NoSuchKey(f"object {key!r} does not exist in bucket {bucket!r}")
        return data, doc

    @staticmethod
    def _info(bucket: str, key: str, doc: Mapping[str, object]) -> ObjectInfo:
        md = doc.get("metadata")
        return ObjectInfo(
            bucket=bucket,
            key=key,
            size=int(str(doc["size"])),
            etag=str(doc["etag"]),
            last_modified=datetime.fromisoformat(str(doc["last_modified"])),
            content_type=str(doc.get("content_type") or DEFAULT_CONTENT_TYPE),
            metadata={str(k): str(v) for k, v in md.items()} if isinstance(md, dict) else {},
        )

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        _, doc = self._load_meta(bucket, key)
        return self._info(bucket, key, doc)

    def _open(self, bucket: str, key: str) -> tuple[BinaryIO, ObjectInfo]:
        data, doc = self._load_meta(bucket, key)
        try:
            f = open(data, "rb")  # noqa: SIM115 - handed to the caller, closed by it
        except (FileNotFoundError, IsADirectoryError):
            raise NoSuchKey(f"object {key!r} does not exist in bucket {bucket!r}") from None
        return f, self._info(bucket, key, doc)

    def get_object(self, bucket: str, key: str, byte_range: ByteRange | None = None) -> ObjectData:
        f, info = self._open(bucket, key)
        with f:
            if byte_range is None:
                return ObjectData(info, f.read())
            first, last = byte_range.resolve(info.size)
            f.seek(first)
            return ObjectData(info, f.read(last - first + 1), (first, last, info.size))

    def open_stream(self, bucket: str, key: str, chunk_size: int = CHUNK) -> ObjectStream:
        """The object's bytes in chunks of ``chunk_size``: bounded memory for any size."""
        f, info = self._open(bucket, key)
        return ObjectStream(info, _file_chunks(f, chunk_size), f.close)

    def delete_object(self, bucket: str, key: str) -> None:
        """Delete an object; deleting a key that does not exist succeeds, as in S3."""
        self._settle()  # a write staged earlier in this thread's batch comes first
        data, meta, parts = self._paths(bucket, key)
        for path in (meta, data):  # metadata first: the object disappears atomically
            with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
                path.unlink()
        self._prune(self._meta / bucket, parts)
        self._prune(self._objects / bucket, parts)

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
        """Copy an object. Metadata and content type are copied unless either is given (S3's
        ``REPLACE`` directive replaces both); tags are copied unless ``tags`` is given."""
        replace = metadata is not None or content_type is not None
        if (src_bucket, src_key) == (bucket, key) and not replace and tags is None:
            raise InvalidArgument(
                "this copy request is illegal because it copies an object to itself without changing "
                "its metadata, content type or tags",
                s3_code="InvalidRequest",
            )
        self._bucket_dir(bucket)
        self._settle()  # the source may have been written earlier in this thread's batch
        f, info = self._open(src_bucket, src_key)
        with f:
            _, src_doc = self._load_meta(src_bucket, src_key)
            src_tags = src_doc.get("tags")
            new_tags = (
                validate_tags(tags)
                if tags is not None
                else ({str(k): str(v) for k, v in src_tags.items()} if isinstance(src_tags, dict) else {})
            )
            md = validate_metadata(metadata or {}) if replace else dict(info.metadata)
            ct = (content_type or DEFAULT_CONTENT_TYPE) if replace else info.content_type
            return self._store(bucket, key, _file_chunks(f), content_type=ct, metadata=md, tags=new_tags)

    def get_object_tagging(self, bucket: str, key: str) -> dict[str, str]:
        _, doc = self._load_meta(bucket, key)
        tags = doc.get("tags")
        return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}

    def put_object_tagging(self, bucket: str, key: str, tags: Mapping[str, str]) -> None:
        """Replace the object's whole tag set (as S3 does)."""
        tg = validate_tags(tags)
        self._settle()  # the object may have been written earlier in this thread's batch
        _, doc = self._load_meta(bucket, key)
        _, meta, _ = self._paths(bucket, key)
        self._write_json(meta, {**doc, "tags": tg})

    # ---------------------------------------------------------------- listing

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
        """One ListObjectsV2 page; walks only the folders the page can come from."""
        self._bucket_dir(bucket)
        limit = validate_max_keys(max_keys)
        root = self._meta / bucket

        def walk(cursor: Cursor) -> Iterator[tuple[str, ObjectSummary]]:
            yield from self._walk(root, "", cursor)

        page = paginate(
            walk, prefix=prefix, delimiter=delimiter, max_keys=limit,
            continuation_token=continuation_token, start_after=start_after,
        )  # fmt: skip
        return ListResult(
            objects=tuple(s for _, s in page.items),
            common_prefixes=tuple(page.common_prefixes),
            is_truncated=page.is_truncated,
            next_continuation_token=page.next_token,
        )

    def _walk(self, folder: Path, key_prefix: str, cursor: Cursor) -> Iterator[tuple[str, ObjectSummary]]:
        """Yield (key, summary) under ``folder`` in S3's key order, lazily.

        A folder ``x`` holds keys that all start with ``x/``, so sorting a folder's entries by
        ``name + "/"`` for folders and ``name`` for files yields keys in global order.
        """
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return
        ordered: list[tuple[str, os.DirEntry[str], bool]] = []
        for e in entries:
            if e.name == FOLDER_MARK:
                ordered.append((key_prefix, e, False))  # the folder marker is the folder's own key
            elif e.name.startswith(RESERVED):
                continue  # temporary files and the bucket's own records
            elif e.is_dir(follow_symlinks=False):
                ordered.append((key_prefix + e.name + "/", e, True))
            else:
                ordered.append((key_prefix + e.name, e, False))
        ordered.sort(key=lambda t: t[0])
        for key, e, is_dir in ordered:
            if is_dir:
                if cursor.wants_folder(key):
                    yield from self._walk(Path(e.path), key, cursor)
                continue
            if not cursor.wants_key(key):
                continue
            doc = self._read_json(Path(e.path))
            if doc is None:
                continue  # deleted while we walked
            yield (
                key,
                ObjectSummary(
                    key,
                    int(str(doc["size"])),
                    str(doc["etag"]),
                    datetime.fromisoformat(str(doc["last_modified"])),
                ),
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
        self._paths(bucket, key)  # validates the bucket and the key now, not at completion
        doc = {
            "bucket": bucket, "key": key, "content_type": content_type or DEFAULT_CONTENT_TYPE,
            "metadata": validate_metadata(metadata or {}), "tags": validate_tags(tags or {}),
            "initiated": now_ms().isoformat(),
        }  # fmt: skip
        upload_id = secrets.token_hex(16)
        d = self._tmp / upload_id
        d.mkdir()
        self._write_json(d / "upload.json", doc)
        return upload_id

    def upload_part(self, bucket: str, key: str, upload_id: str, part_number: int, body: bytes) -> str:
        validate_part_number(part_number)
        d, _ = self._upload_dir(bucket, key, upload_id)
        md5, size, _ = self._atomic_write(d / f"part-{part_number:05d}", [body])
        self._write_json(d / f"part-{part_number:05d}.json", {"etag": md5, "size": size})
        return md5

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> PutResult:
        """Assemble the parts; the ETag is md5(concatenated part digests) + ``-N``, as in S3."""
        d, doc = self._upload_dir(bucket, key, upload_id)
        validate_completed_parts(parts)
        digests = []
        for i, p in enumerate(parts):
            rec = self._read_json(d / f"part-{p.part_number:05d}.json")
            if rec is None or rec.get("etag") != normalise_etag(p.etag):
                raise InvalidPart(
                    f"part {p.part_number} was not uploaded, or its ETag is not {normalise_etag(p.etag)!r}"
                )
            if i < len(parts) - 1 and int(str(rec["size"])) < MIN_PART_SIZE:
                raise EntityTooSmall(
                    f"part {p.part_number} is {rec['size']} bytes; every part but the last must be at least "
                    f"{MIN_PART_SIZE} bytes"
                )
            digests.append(bytes.fromhex(str(rec["etag"])))
        etag = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest() + f"-{len(parts)}"

        def chunks() -> Iterator[bytes]:
            for p in parts:
                with open(d / f"part-{p.part_number:05d}", "rb") as f:
                    yield from _file_chunks(f)

        md = doc.get("metadata")
        tg = doc.get("tags")
        result = self._store(
            bucket, key, chunks(), content_type=str(doc.get("content_type") or DEFAULT_CONTENT_TYPE),
            metadata={str(k): str(v) for k, v in md.items()} if isinstance(md, dict) else {},
            tags={str(k): str(v) for k, v in tg.items()} if isinstance(tg, dict) else {},
            etag=etag,
        )  # fmt: skip
        shutil.rmtree(d, ignore_errors=True)
        return result

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        d, _ = self._upload_dir(bucket, key, upload_id)
        shutil.rmtree(d, ignore_errors=True)


def _file_chunks(f: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    while chunk := f.read(size):
        yield chunk
