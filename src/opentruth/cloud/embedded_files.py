"""The files under the embedded object store: atomic writes, batches, and key-to-path mapping.

:class:`ObjectFiles` is the base of :class:`~opentruth.cloud.embedded_store.EmbeddedObjectStore`:
the store's operations (buckets, objects, listing, multipart) are written over it.

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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from opentruth.cloud.durable_files import fsync_path, open_temp, syncfs, unlink_quietly
from opentruth.cloud.objectstore import (
    InvalidObjectKey,
    KeyConflict,
    NoSuchBucket,
    NoSuchUpload,
)
from opentruth.cloud.objectstore_checks import (
    validate_bucket_name,
    validate_key,
)

RESERVED = ".opentruth~"
FOLDER_MARK = RESERVED + "folder"
BUCKET_META = RESERVED + "bucket"
POLICY_FILE = RESERVED + "policy"
TMP_PREFIX = RESERVED + "tmp-"
UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1024 * 1024


def now_ms() -> datetime:
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


class FolderGone(FileNotFoundError):
    """A folder that was known to exist is gone: the write is retried after making it again."""


# Below this many objects in a batch, per-file fsyncs cost less than three syncfs calls.
_SYNCFS_MIN = 4
_KNOWN_DIRS_MAX = 65536


class PutSpec(NamedTuple):
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
            "last_modified": now_ms().isoformat(),
        }  # fmt: skip
        return final, doc


class Staged(NamedTuple):
    """An object written inside a batch: its two temporary files and where they go."""

    data_tmp: str
    data: str
    meta_tmp: str
    meta: str


class ObjectFiles:
    """The object files of one data directory: writing, batching and locating them."""

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
        # (which prune empty folders) clear it; another process's prune shows up as FolderGone.
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
            fd, tmp = open_temp(str(folder), TMP_PREFIX)
        except FileNotFoundError:
            raise FolderGone(str(folder)) from None
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
        staged: dict[str, Staged] = {}
        self._local.staged = staged
        try:
            yield
        finally:
            self._local.staged = None
            self._commit(staged)

    def _settle(self) -> None:
        """Commit this thread's staged writes now (the batch stays open): for operations that
        must follow them in program order, such as a delete of a key written in the batch."""
        staged: dict[str, Staged] | None = getattr(self._local, "staged", None)
        if staged:
            pending = dict(staged)
            staged.clear()
            self._commit(pending)

    def _commit(self, staged: Mapping[str, Staged]) -> None:
        """Move staged objects into place: content, then data names, then metadata names.

        An object whose step fails is dropped (its temporary files removed) and the others go
        on; the first error is raised at the end.
        """
        live = list(staged.values())
        if not live:
            return
        error: BaseException | None = None

        def drop(obj: Staged, exc: BaseException) -> None:
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
            parts[-1] = FOLDER_MARK
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
                raise FolderGone(folders[i]) from None
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

    def _upload_dir(self, bucket: str, key: str, upload_id: str) -> tuple[Path, dict[str, object]]:
        self._bucket_dir(bucket)
        missing = NoSuchUpload(
            f"multipart upload {upload_id!r} for {key!r} in bucket {bucket!r} does not exist; it may have "
            "been completed or aborted"
        )
        if not UPLOAD_ID_RE.match(upload_id):
            raise missing
        d = self._tmp / upload_id
        doc = self._read_json(d / "upload.json")
        if doc is None or doc.get("bucket") != bucket or doc.get("key") != key:
            raise missing
        return d, doc
