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

**Atomicity.** Every file is written to a temporary file in its final directory, flushed,
fsynced and moved into place with :func:`os.replace`, so that a reader sees the old file or the
new one, never a prefix. The data file is replaced first and the metadata file second: the
metadata file is the commit point. An object whose metadata is missing does not exist (a crash
between the two renames of a *new* object leaves only an invisible data file). A crash between
the renames of an *overwrite* leaves new bytes with the previous metadata until the next write;
readers serialise nothing, so a concurrent reader can see the same pair briefly.

**Batches.** Four fsyncs per object (data file, its folder, metadata file, its folder) dominate
the cost of writing many small objects. Inside ``with store.batch():`` a thread's object writes
are staged as temporary files and committed when the block ends, in an order that keeps every
guarantee above: all temporary files are fsynced, then every data file is renamed into place and
each data folder touched is fsynced once, then every metadata file (the commit point) is renamed
and each metadata folder fsynced once. So the content is on disk before any name points at it, a
metadata file is never durable before its data file, and each distinct folder costs one fsync per
batch instead of one per file. The price: objects written in a batch become visible when the
batch ends (reads inside it do not see them), and are durable only then. A write that fails
inside the batch leaves nothing behind; the writes before it are still committed when the block
exits, with or without an exception, exactly as they would have been one by one.

**Key safety.** A key is mapped to a path segment by segment. Keys that could leave the
bucket's folder or alias another key are refused with :class:`InvalidObjectKey`: absolute keys,
``.``/``..`` segments, empty inner segments (``a//b`` would alias ``a/b``), NUL and other control
characters, backslashes (a separator on Windows), segments over 255 bytes, and segments that
start with the reserved ``.opentruth~`` prefix. As defence in depth, the resolved path must
still lie inside the bucket's folder (which also defeats symlinks planted in the tree).

S3 allows both ``a`` and ``a/b``; a file system cannot hold a file and a folder of one name, so
the second of those raises :class:`KeyConflict` rather than losing data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

from opentruth.cloud.durable_files import fsync_path, open_temp, syncfs, unlink_quietly
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
    InvalidObjectKey,
    InvalidPart,
    KeyConflict,
    ListResult,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    ObjectData,
    ObjectInfo,
    ObjectStream,
    ObjectSummary,
    PutResult,
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

RESERVED = ".opentruth~"
_FOLDER = RESERVED + "folder"
_BUCKET_META = RESERVED + "bucket"
_POLICY = RESERVED + "policy"
_TMP = RESERVED + "tmp-"
_UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_CHUNK = 1024 * 1024


def _now() -> datetime:
    # S3 keeps millisecond precision in listings.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def key_segments(key: str) -> list[str]:
    """The path segments for ``key``; the last is ``""`` for a folder marker.

    Raises :class:`InvalidObjectKey` (naming the key and the rule) for every unsafe key.
    """
    validate_key(key)
    if "\x00" in key:
        raise InvalidObjectKey(f"object key {key!r} contains a NUL character")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise InvalidObjectKey(f"object key {key!r} contains a control character; rename the object")
    if "\\" in key:
        raise InvalidObjectKey(
            f"object key {key!r} contains a backslash, which the embedded store refuses "
            "(it is a path separator on Windows); use '/' between folders"
        )
    if key.startswith("/"):
        raise InvalidObjectKey(f"object key {key!r} is absolute; remove the leading '/'")
    parts = key.split("/")
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        if seg in (".", ".."):
            raise InvalidObjectKey(
                f"object key {key!r} contains a {seg!r} segment, which could leave the bucket"
            )
        if not seg and not last:
            raise InvalidObjectKey(
                f"object key {key!r} contains an empty segment ('//'); remove the extra '/'"
            )
        if seg.startswith(RESERVED):
            raise InvalidObjectKey(f"object key {key!r} uses the reserved name prefix {RESERVED!r}")
        if len(seg.encode("utf-8")) > 255:
            raise InvalidObjectKey(
                f"object key {key!r} has a segment longer than 255 bytes, which no file system can hold; "
                "split it with '/'"
            )
    return parts


def _stays_inside(bdir: str, parts: list[str]) -> bool:
    """Whether ``bdir/parts`` resolves (symbolic links followed) to a path inside ``bdir``.

    The same answer as ``Path(bdir, *parts).resolve().is_relative_to(Path(bdir).resolve())``, for
    less: :func:`key_segments` admits no ``.``, ``..`` or empty segment, so only a symbolic link
    among the segments can lead out. When none is one (one ``lstat`` per segment), the path is
    inside; when one is, both paths are resolved and compared, as before. Resolving always would
    cost an ``lstat`` per component of the whole absolute path, twice, on every object read.
    """
    path = bdir
    for seg in parts:
        path = os.path.join(path, seg)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return True  # a name that is missing (or under a file) has nothing below to follow
        if stat.S_ISLNK(mode):
            return Path(bdir, *parts).resolve().is_relative_to(Path(bdir).resolve())
    return True


class _FolderGone(FileNotFoundError):
    """A folder that was known to exist is gone: the write is retried after making it again."""


# Below this many objects in a batch, per-file fsyncs cost less than three syncfs calls.
_SYNCFS_MIN = 4
_KNOWN_DIRS_MAX = 65536


class _PutSpec(NamedTuple):
    """What a write stores besides the bytes."""

    content_type: str
    metadata: Mapping[str, str]
    tags: Mapping[str, str]
    etag: str | None

    def meta_doc(self, md5: str, size: int) -> tuple[str, dict[str, object]]:
        """(the object's ETag, its metadata document) once its bytes are written."""
        final = self.etag or md5
        doc: dict[str, object] = {
            "etag": final, "size": size, "content_type": self.content_type,
            "metadata": dict(self.metadata), "tags": dict(self.tags),
            "last_modified": _now().isoformat(),
        }  # fmt: skip
        return final, doc


class _Staged(NamedTuple):
    """An object written inside a batch: its two temporary files and where they go."""

    data_tmp: str
    data: str
    meta_tmp: str
    meta: str


class EmbeddedObjectStore:
    """The object-store port on a local folder. Safe for several processes on one folder."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        account: str = "000000000000",
        region: str = "us-east-1",
        durable: bool = True,
    ) -> None:
        """``durable=False`` skips fsync (tests and throw-away data only)."""
        root = Path(data_dir)
        self._objects = root / "objects"
        self._meta = root / "objects-meta"
        self._objects_dir, self._meta_dir = str(self._objects), str(self._meta)
        self._tmp = root / "objects-tmp"
        for d in (self._objects, self._meta, self._tmp):
            d.mkdir(parents=True, exist_ok=True)
        self._account = account
        self._region = region
        self._durable = durable
        # Batches are per thread: the worker API writes through the same store from other
        # threads while a consolidation batch is open, and its writes must not wait for (or be
        # made durable by) someone else's batch.
        self._local = threading.local()
        # Folders this process made or found: a write into one skips the mkdir walk. Deletes
        # (which prune empty folders) clear it; another process's prune shows up as _FolderGone.
        self._known_dirs: set[str] = set()

    @property
    def account(self) -> str:
        return self._account

    @property
    def region(self) -> str:
        return self._region

    # ---------------------------------------------------------------- file primitives

    def _write_temp(
        self, folder: Path, chunks: Iterable[bytes], *, sync: bool
    ) -> tuple[str, str, int, bytes]:
        """Write ``chunks`` to a new temporary file in ``folder`` (fsynced if ``sync``); return
        (its path, md5 hex, size, md5 digest). The file is removed if anything fails."""
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        try:
            fd, tmp = open_temp(str(folder), _TMP)
        except FileNotFoundError:
            raise _FolderGone(str(folder)) from None
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
                    md5.update(chunk)
                    size += len(chunk)
                f.flush()
                if sync:
                    os.fsync(f.fileno())
        except BaseException:
            unlink_quietly(tmp)
            raise
        return tmp, md5.hexdigest(), size, md5.digest()

    def _atomic_write(self, path: Path, chunks: Iterable[bytes]) -> tuple[str, int, bytes]:
        """Write ``chunks`` to ``path`` atomically; return (md5 hex, size, md5 digest)."""
        tmp, md5, size, digest = self._write_temp(path.parent, chunks, sync=self._durable)
        try:
            os.replace(tmp, path)
        except BaseException:
            unlink_quietly(tmp)
            raise
        if self._durable:
            fsync_path(path.parent)
        return md5, size, digest

    def _write_json(self, path: Path, doc: object) -> None:
        self._atomic_write(path, [json.dumps(doc, separators=(",", ":")).encode("utf-8")])

    @staticmethod
    def _read_json(path: str | Path) -> dict[str, object] | None:
        try:
            with open(path, "rb") as f:
                doc = json.load(f)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        return doc if isinstance(doc, dict) else None

    # ---------------------------------------------------------------- batches

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's object writes: one fsync per distinct file and folder, at the end.

        Each object stays atomic; the objects become visible and durable when the block ends
        (see the module docstring for the order that keeps crash consistency). Nested batches
        join the outermost one. Writes staged before an exception are still committed.
        """
        if getattr(self._local, "staged", None) is not None:
            yield  # nested: the outermost batch commits
            return
        staged: dict[str, _Staged] = {}
        self._local.staged = staged
        try:
            yield
        finally:
            self._local.staged = None
            self._commit(staged)

    def _settle(self) -> None:
        """Commit this thread's staged writes now (the batch stays open): for operations that
        must follow them in program order, such as a delete of a key written in the batch."""
        staged: dict[str, _Staged] | None = getattr(self._local, "staged", None)
        if staged:
            pending = dict(staged)
            staged.clear()
            self._commit(pending)

    def _commit(self, staged: Mapping[str, _Staged]) -> None:
        """Move staged objects into place: content, then data names, then metadata names.

        An object whose step fails is dropped (its temporary files removed) and the others go
        on; the first error is raised at the end.
        """
        live = list(staged.values())
        if not live:
            return
        error: BaseException | None = None

        def drop(obj: _Staged, exc: BaseException) -> None:
            nonlocal error
            unlink_quietly(obj.data_tmp, obj.meta_tmp)
            error = error or exc

        # With several objects, one syncfs per step replaces an fsync per file and per folder
        # (the same guarantees, in the same order; see durable_files).
        wide = self._durable and len(live) >= _SYNCFS_MIN and syncfs(self._objects_dir)
        if self._durable and not wide:
            # The bytes reach the disk before any name points at them (else a crash could leave
            # a renamed, empty file).
            synced = []
            for obj in live:
                try:
                    fsync_path(obj.data_tmp)
                    fsync_path(obj.meta_tmp)
                except OSError as exc:
                    drop(obj, exc)
                else:
                    synced.append(obj)
            live = synced
        placed = []
        for obj in live:
            try:
                os.replace(obj.data_tmp, obj.data)
            except OSError as exc:  # e.g. a folder of that name appeared meanwhile
                drop(obj, exc)
            else:
                placed.append(obj)
        try:
            if wide:
                # Data names durable before any metadata name: the metadata is the commit point.
                self._sync_all()
            elif self._durable:
                for folder in dict.fromkeys(os.path.dirname(obj.data) for obj in placed):
                    fsync_path(folder)
            committed = []
            for obj in placed:
                try:
                    os.replace(obj.meta_tmp, obj.meta)
                except OSError as exc:
                    drop(obj, exc)  # its new data file stays invisible, as after a crash
                else:
                    committed.append(obj)
            if wide:
                self._sync_all()
            elif self._durable:
                for folder in dict.fromkeys(os.path.dirname(obj.meta) for obj in committed):
                    fsync_path(folder)
        except BaseException:
            unlink_quietly(*(obj.meta_tmp for obj in placed))
            raise
        if error is not None:
            raise error

    def _sync_all(self) -> None:
        if not syncfs(self._objects_dir):
            raise OSError(f"syncfs failed on {self._objects_dir}; the batch is not durable")

    # ---------------------------------------------------------------- paths

    def _bucket_dir(self, bucket: str) -> Path:
        validate_bucket_name(bucket)
        d = self._objects / bucket
        if not d.is_dir():
            raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first")
        return d

    def _rel(self, key: str) -> list[str]:
        parts = key_segments(key)
        if parts[-1] == "":
            parts[-1] = _FOLDER
        return parts

    def _paths(self, bucket: str, key: str) -> tuple[Path, Path, list[str]]:
        """(data path, metadata path, segments) for an object in an existing bucket."""
        bdir = self._bucket_dir(bucket)
        parts = self._rel(key)
        data = bdir.joinpath(*parts)
        # Defence in depth: whatever the checks above missed, the path must stay in the bucket.
        if not _stays_inside(str(bdir), parts):
            raise InvalidObjectKey(f"object key {key!r} resolves outside bucket {bucket!r}")
        return data, self._meta.joinpath(bucket, *parts), parts

    def _object_files(self, bucket: str, key: str) -> tuple[str, str]:
        """(data file, metadata file) of an object: :meth:`_paths` for readers, as plain strings
        (``pathlib`` would cost more than the read of a small object)."""
        validate_bucket_name(bucket)
        bdir = os.path.join(self._objects_dir, bucket)
        if not os.path.isdir(bdir):
            raise NoSuchBucket(f"bucket {bucket!r} does not exist; create it first")
        parts = self._rel(key)
        if not _stays_inside(bdir, parts):
            raise InvalidObjectKey(f"object key {key!r} resolves outside bucket {bucket!r}")
        return os.path.join(bdir, *parts), os.path.join(self._meta_dir, bucket, *parts)

    def _make_parents(self, root: Path, parts: list[str], key: str) -> None:
        parent = os.path.join(str(root), *parts[:-1])
        fresh = False if parent in self._known_dirs else self._make_folders(str(root), parts, key)
        # A folder this call made is empty, so the key cannot name a folder in it.
        if not fresh and os.path.isdir(os.path.join(parent, parts[-1])):
            raise KeyConflict(
                f"cannot store key {key!r}: it is a folder of other objects in the embedded store; "
                f"choose another key"
            )

    def _make_folders(self, root: str, parts: list[str], key: str) -> bool:
        """Make the folders of ``parts[:-1]`` under ``root``; return whether the last was new.

        Only folders below the deepest one known to exist are made: a job writes each worker
        response into a new folder six levels down, and asking for all six (twice, for the
        data and the metadata trees) made twelve ``mkdir`` calls per response where two do.
        """
        folders = [os.path.join(root, *parts[: i + 1]) for i in range(len(parts) - 1)]
        start = 0
        for i in range(len(folders) - 1, -1, -1):
            if folders[i] in self._known_dirs:
                start = i + 1
                break
        if len(self._known_dirs) + len(folders) >= _KNOWN_DIRS_MAX:
            self._known_dirs.clear()
        made = False
        for i in range(start, len(folders)):
            try:
                os.mkdir(folders[i])
                made = True
            except FileExistsError:
                made = False
                if not os.path.isdir(folders[i]):
                    folder = "/".join(parts[: i + 1])
                    raise KeyConflict(
                        f"cannot store key {key!r}: {folder!r} is an object, and the embedded store "
                        f"cannot also make it a folder; delete {folder!r} or choose another key"
                    ) from None
            except FileNotFoundError:
                # A folder known to exist was removed (by another process's delete).
                raise _FolderGone(folders[i]) from None
            self._known_dirs.add(folders[i])
        return made

    def _prune(self, root: Path, parts: list[str]) -> None:
        """Remove folders left empty by a delete, up to (not including) the bucket folder."""
        self._known_dirs.clear()
        for n in range(len(parts) - 1, 0, -1):
            try:
                root.joinpath(*parts[:n]).rmdir()
            except OSError:
                return  # not empty (or already gone): stop

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
        self._write_json(meta / _BUCKET_META, {"created": _now().isoformat(), "region": self._region})

    def head_bucket(self, bucket: str) -> BucketInfo:
        bdir = self._bucket_dir(bucket)
        doc = self._read_json(self._meta / bucket / _BUCKET_META) or {}
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
        doc = self._read_json(self._meta / bucket / _BUCKET_META) or {}
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
            with open(os.path.join(self._meta_dir, bucket, _POLICY), encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def put_bucket_policy(self, bucket: str, policy: str) -> None:
        self._bucket_dir(bucket)
        validate_bucket_policy(bucket, policy)
        self._atomic_write(self._meta / bucket / _POLICY, [policy.encode("utf-8")])

    def delete_bucket_policy(self, bucket: str) -> None:
        self._bucket_dir(bucket)
        with contextlib.suppress(FileNotFoundError):
            (self._meta / bucket / _POLICY).unlink()

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
        spec = _PutSpec(content_type, metadata, tags, etag)
        try:
            return self._store_at(data, meta, parts, bucket, key, chunks, spec)
        except _FolderGone:
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
        spec: _PutSpec,
    ) -> PutResult:
        self._make_parents(self._objects / bucket, parts, key)
        self._make_parents(self._meta / bucket, parts, key)
        staged: dict[str, _Staged] | None = getattr(self._local, "staged", None)
        if staged is not None:
            return self._stage(staged, data, meta, chunks, spec)
        md5, size, _ = self._atomic_write(data, chunks)
        final, doc = spec.meta_doc(md5, size)
        self._write_json(meta, doc)  # the commit point
        return PutResult(final)

    def _stage(
        self, staged: dict[str, _Staged], data: Path, meta: Path, chunks: Iterable[bytes], spec: _PutSpec
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
        staged[str(meta)] = _Staged(data_tmp, str(data), meta_tmp, str(meta))
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

    def open_stream(self, bucket: str, key: str, chunk_size: int = _CHUNK) -> ObjectStream:
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
            if e.name == _FOLDER:
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

    def _upload_dir(self, bucket: str, key: str, upload_id: str) -> tuple[Path, dict[str, object]]:
        self._bucket_dir(bucket)
        missing = NoSuchUpload(
            f"multipart upload {upload_id!r} for {key!r} in bucket {bucket!r} does not exist; it may have "
            "been completed or aborted"
        )
        if not _UPLOAD_ID_RE.match(upload_id):
            raise missing
        d = self._tmp / upload_id
        doc = self._read_json(d / "upload.json")
        if doc is None or doc.get("bucket") != bucket or doc.get("key") != key:
            raise missing
        return d, doc

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
            "initiated": _now().isoformat(),
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


def _file_chunks(f: BinaryIO, size: int = _CHUNK) -> Iterator[bytes]:
    while chunk := f.read(size):
        yield chunk
