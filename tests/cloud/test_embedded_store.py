"""The embedded store's own promises: atomic writes, safe key mapping, bounded-memory reads."""

from __future__ import annotations

import io
import os
import tempfile
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.cloud import durable_files, embedded_files
from opentruth.cloud.embedded_files import RESERVED, key_segments
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.objectstore import (
    CompletedPart,
    InvalidObjectKey,
    KeyConflict,
    NoSuchKey,
    NoSuchUpload,
    iter_all_objects,
    iter_lines,
)
from opentruth.errors import ConflictError, ValidationError

B = "sagemaker-data"


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedObjectStore:
    s = EmbeddedObjectStore(tmp_path)
    s.create_bucket(B)
    return s


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_layout_is_the_documented_one(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    store.put_object(B, "in/manifest.json", b"{}")
    assert (tmp_path / "objects" / B / "in" / "manifest.json").read_bytes() == b"{}"
    assert (tmp_path / "objects-meta" / B / "in" / "manifest.json").is_file()


def test_data_survives_a_new_store_instance(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    store.put_object(B, "k", b"persisted", tags={"SageMaker": "true"})
    again = EmbeddedObjectStore(tmp_path)
    assert again.get_object(B, "k").body == b"persisted"
    assert again.get_object_tagging(B, "k") == {"SageMaker": "true"}
    assert [b.name for b in again.list_buckets()] == [B]


# ------------------------------------------------------------------------------ atomicity


def test_failed_rename_keeps_the_old_object_and_leaves_no_partial_file(
    store: EmbeddedObjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_object(B, "out/output.manifest", b"old contents\n")
    before = files_under(tmp_path)

    def crash(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        store.put_object(B, "out/output.manifest", b"new contents that must never be seen\n")
    with pytest.raises(OSError, match="simulated crash"):
        store.put_object(B, "out/new-object", b"never visible")
    monkeypatch.undo()

    assert store.get_object(B, "out/output.manifest").body == b"old contents\n"
    with pytest.raises(NoSuchKey):
        store.head_object(B, "out/new-object")
    assert [o.key for o in store.list_objects(B).objects] == ["out/output.manifest"]
    assert files_under(tmp_path) == before  # no temporary or partial file is left behind


def test_crash_between_data_and_metadata_hides_a_new_object(
    store: EmbeddedObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def second_rename_crashes(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError("simulated crash after the data rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_rename_crashes)
    with pytest.raises(OSError, match="after the data rename"):
        store.put_object(B, "half-written", b"data without metadata")
    monkeypatch.undo()
    assert "objects-meta" not in calls[0] and "objects-meta" in calls[1]  # data first, metadata last
    # The metadata is the commit point: without it the object does not exist.
    with pytest.raises(NoSuchKey):
        store.get_object(B, "half-written")
    assert store.list_objects(B).objects == ()
    store.put_object(B, "half-written", b"retried")
    assert store.get_object(B, "half-written").body == b"retried"


# ------------------------------------------------------------------------------ key safety

NASTY = [
    "../escape",
    "a/../../escape",
    "..",
    ".",
    "a/..",
    "a/./b",
    "/etc/passwd",
    "a//b",
    "a\\..\\..\\escape",
    "..\\escape",
    "nul\x00byte",
    "new\nline",
    f"{RESERVED}tmp-1234",
    f"a/{RESERVED}folder",
    "x" * 256,
]


@pytest.mark.parametrize("key", NASTY)
def test_unsafe_keys_are_refused_with_a_clear_error(
    store: EmbeddedObjectStore, tmp_path: Path, key: str
) -> None:
    before = files_under(tmp_path)
    with pytest.raises(InvalidObjectKey) as exc:
        store.put_object(B, key, b"x")
    assert isinstance(exc.value, ValidationError)
    assert repr(key) in exc.value.message
    assert exc.value.s3_code == "InvalidArgument"
    with pytest.raises(InvalidObjectKey):
        store.get_object(B, key)
    assert files_under(tmp_path) == before


def test_symlink_planted_in_the_tree_cannot_escape(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "objects" / B / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidObjectKey, match="outside"):
        store.put_object(B, "link/file", b"x")
    assert list(outside.iterdir()) == []


def test_reads_do_not_follow_a_planted_symlink_out_of_the_bucket(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"not yours")
    (tmp_path / "objects" / B / "link").symlink_to(outside, target_is_directory=True)
    meta = tmp_path / "objects-meta" / B / "link"
    meta.mkdir(parents=True)
    (meta / "secret").write_text('{"etag": "x", "size": 9, "last_modified": "2024-01-01T00:00:00+00:00"}')
    for read in (store.get_object, store.head_object, store.get_object_tagging):
        with pytest.raises(InvalidObjectKey, match="outside"):
            read(B, "link/secret")


def test_a_symlink_that_stays_inside_the_bucket_is_followed(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    store.put_object(B, "real/a", b"inside")
    (tmp_path / "objects" / B / "alias").symlink_to(
        tmp_path / "objects" / B / "real", target_is_directory=True
    )
    (tmp_path / "objects-meta" / B / "alias").symlink_to(
        tmp_path / "objects-meta" / B / "real", target_is_directory=True
    )
    assert store.get_object(B, "alias/a").body == b"inside"


KEY_ALPHABET = st.sampled_from(["a", "b", ".", "..", "/", "\\", "\x00", "~", " ", "é", "%2e", RESERVED])


@settings(max_examples=300, deadline=None)
@given(st.lists(KEY_ALPHABET, min_size=1, max_size=8).map("".join))
def test_any_key_is_refused_or_stays_inside_its_bucket(key: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = EmbeddedObjectStore(root / "data", durable=False)
        store.create_bucket(B)
        sentinel = root / "sentinel"
        sentinel.write_bytes(b"untouched")
        try:
            store.put_object(B, key, b"payload")
        except ValidationError:
            # Refused: nothing was written anywhere.
            assert all(p.name.startswith(RESERVED) for p in (root / "data").rglob("*") if p.is_file()), (
                "a refused key must not leave a file"
            )
            return
        bucket_dir = (root / "data" / "objects" / B).resolve()
        written = [p for p in (root / "data" / "objects").rglob("*") if p.is_file()]
        assert len(written) == 1
        assert written[0].resolve().is_relative_to(bucket_dir)
        assert sentinel.read_bytes() == b"untouched"
        assert store.get_object(B, key).body == b"payload"
        assert [o.key for o in store.list_objects(B).objects] == [key]


def test_key_segments() -> None:
    assert key_segments("a/b/c.png") == ["a", "b", "c.png"]
    assert key_segments("folder/") == ["folder", ""]
    assert key_segments("dots.in.name/..hidden") == ["dots.in.name", "..hidden"]


def test_file_and_folder_of_one_name_conflict(store: EmbeddedObjectStore) -> None:
    store.put_object(B, "a", b"file")
    with pytest.raises(KeyConflict) as exc:
        store.put_object(B, "a/b", b"x")
    assert isinstance(exc.value, ConflictError)
    assert "'a'" in exc.value.message
    store.put_object(B, "c/d", b"x")
    with pytest.raises(KeyConflict):
        store.put_object(B, "c", b"x")
    # Once the folder is empty again, the name is free.
    store.delete_object(B, "c/d")
    store.put_object(B, "c", b"now a file")
    assert store.get_object(B, "c").body == b"now a file"


def test_folder_marker_and_children_coexist(store: EmbeddedObjectStore) -> None:
    store.put_object(B, "p/", b"")
    store.put_object(B, "p/child", b"x")
    assert [o.key for o in store.list_objects(B).objects] == ["p/", "p/child"]


# ------------------------------------------------------------------------------ streaming


def test_a_100k_line_manifest_streams_in_bounded_memory(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "manifest.jsonl"
    with open(src, "wb") as f:
        for i in range(100_000):
            f.write(b'{"source-ref": "s3://sagemaker-data/images/%06d.jpg"}\n' % i)
    size = src.stat().st_size
    with open(src, "rb") as f:
        store.put_object(B, "manifest.jsonl", f)
    tracemalloc.start()
    try:
        count = 0
        with store.open_stream(B, "manifest.jsonl", chunk_size=64 * 1024) as stream:
            for line in iter_lines(stream):
                count += 1
                assert line.startswith(b'{"source-ref"')
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < size // 10  # the 5 MB file never sits in memory


def test_iter_lines_refuses_a_runaway_line(store: EmbeddedObjectStore) -> None:
    store.put_object(B, "binary", b"x" * 5000)
    with (
        store.open_stream(B, "binary", chunk_size=100) as stream,
        pytest.raises(ValidationError, match="line 1"),
    ):
        list(iter_lines(stream, max_line=1000))


# ------------------------------------------------------------------------------ multipart


def test_parts_cannot_be_added_to_an_aborted_upload(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    upload = store.create_multipart_upload(B, "k")
    etag = store.upload_part(B, "k", upload, 1, b"part")
    store.abort_multipart_upload(B, "k", upload)
    with pytest.raises(NoSuchUpload):
        store.upload_part(B, "k", upload, 2, b"more")
    with pytest.raises(NoSuchUpload):
        store.complete_multipart_upload(B, "k", upload, [CompletedPart(1, etag)])
    assert list((tmp_path / "objects-tmp").iterdir()) == []


@pytest.mark.parametrize("upload_id", ["../../objects", "", "ZZ" * 16])
def test_upload_ids_are_not_paths(store: EmbeddedObjectStore, upload_id: str) -> None:
    with pytest.raises(NoSuchUpload):
        store.upload_part(B, "k", upload_id, 1, b"x")


def test_upload_of_another_key_is_not_found(store: EmbeddedObjectStore) -> None:
    upload = store.create_multipart_upload(B, "k")
    with pytest.raises(NoSuchUpload):
        store.upload_part(B, "other", upload, 1, b"x")


def test_delete_bucket_drops_its_uploads(store: EmbeddedObjectStore, tmp_path: Path) -> None:
    store.create_multipart_upload(B, "k")
    store.delete_bucket(B)
    assert list((tmp_path / "objects-tmp").iterdir()) == []
    assert store.list_buckets() == []


# ------------------------------------------------------------------------------ batches


class _FailingBody(io.RawIOBase):
    """A body whose read fails half way, like a client that disconnects mid-upload."""

    def __init__(self) -> None:
        self.calls = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        self.calls += 1
        if self.calls > 1:
            raise OSError("simulated failure while reading the body")
        b[:5] = b"part-"
        return 5


def test_batch_writes_are_all_visible_and_whole_after_the_batch(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    keys = [f"job/worker-response/{i}/resp.json" for i in range(20)] + ["job/flat-a", "job/flat-b"]
    with store.batch():
        results = {k: store.put_object(B, k, f"body of {k}".encode(), content_type="application/json")
                   for k in keys}  # fmt: skip
        # Staged, not yet visible: the batch commits when it ends.
        with pytest.raises(NoSuchKey):
            store.head_object(B, keys[0])
    for k in keys:
        got = store.get_object(B, k)
        assert got.body == f"body of {k}".encode()
        assert got.info.etag == results[k].etag
        assert got.info.content_type == "application/json"
    assert sorted(o.key for o in iter_all_objects(store, B)) == sorted(keys)
    assert not [f for f in files_under(tmp_path) if RESERVED + "tmp-" in f]  # no temporary file left


def test_a_failure_inside_a_batch_keeps_earlier_writes_and_leaves_no_partial_object(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    store.put_object(B, "out/existing", b"old contents")

    def consolidate() -> None:
        with store.batch():
            store.put_object(B, "out/first", b"first")
            store.put_object(B, "out/second", b"second")
            store.put_object(B, "out/existing", _FailingBody())  # type: ignore[arg-type]

    with pytest.raises(OSError, match="simulated failure"):
        consolidate()
    assert store.get_object(B, "out/first").body == b"first"
    assert store.get_object(B, "out/second").body == b"second"
    assert store.get_object(B, "out/existing").body == b"old contents"  # the failed overwrite: no trace
    assert sorted(o.key for o in iter_all_objects(store, B)) == ["out/existing", "out/first", "out/second"]
    assert not [f for f in files_under(tmp_path) if RESERVED + "tmp-" in f]


def test_an_exception_in_the_callers_code_still_commits_the_staged_writes(store: EmbeddedObjectStore) -> None:

    def caller() -> None:
        with store.batch():
            store.put_object(B, "written", b"w")
            raise RuntimeError("the caller failed after one write")

    with pytest.raises(RuntimeError, match="caller"):
        caller()
    assert store.get_object(B, "written").body == b"w"


def test_batch_commit_syncs_content_before_names_and_data_before_metadata(
    store: EmbeddedObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = durable_files.fsync_path, os.replace

    def fsync(path: str | Path) -> None:
        events.append(("fsync", str(path)))
        real_fsync(path)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(embedded_files, "fsync_path", fsync)
    monkeypatch.setattr(os, "replace", replace)
    with store.batch():  # fewer objects than _SYNCFS_MIN: one fsync per file and folder
        for i in range(3):
            store.put_object(B, f"same-folder/{i}", b"x")
        assert events == []  # nothing synced or renamed while the batch is open
    kinds = [(op, "objects-meta" in path, RESERVED + "tmp-" in path) for op, path in events]
    # 1. every temporary file (3 data + 3 metadata) is synced before any rename
    assert kinds[:6] == [("fsync", meta, True) for meta in (False, True) * 3]
    # 2. data names, then their one folder synced once
    assert kinds[6:10] == [("rename", False, False)] * 3 + [("fsync", False, False)]
    # 3. metadata names (the commit point), then their one folder synced once
    assert kinds[10:] == [("rename", True, False)] * 3 + [("fsync", True, False)]
    assert events[9][1].endswith(os.path.join("objects", B, "same-folder"))


def test_a_larger_batch_syncs_the_file_system_once_per_step(
    store: EmbeddedObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_syncfs, real_replace = durable_files.syncfs, os.replace

    def syncfs(path: str) -> bool:
        events.append(("syncfs", path))
        return real_syncfs(path)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    def no_fsync(path: str | Path) -> None:
        raise AssertionError(f"fsync of {path}: a large batch syncs the file system instead")

    monkeypatch.setattr(embedded_files, "syncfs", syncfs)
    monkeypatch.setattr(embedded_files, "fsync_path", no_fsync)
    monkeypatch.setattr(os, "replace", replace)
    n = embedded_files._SYNCFS_MIN + 2
    with store.batch():
        for i in range(n):
            store.put_object(B, f"folder-{i}/k", b"x")  # one folder each, as worker responses
    kinds = [(op, "objects-meta" in path) for op, path in events]
    # content durable, then data names, durable, then metadata names (the commit point), durable
    assert kinds == (
        [("syncfs", False)]
        + [("rename", False)] * n
        + [("syncfs", False)]
        + [("rename", True)] * n
        + [("syncfs", False)]
    )
    assert [store.get_object(B, f"folder-{i}/k").body for i in range(n)] == [b"x"] * n


def test_without_syncfs_a_large_batch_fsyncs_file_by_file(
    store: EmbeddedObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = durable_files.fsync_path

    def fsync(path: str | Path) -> None:
        synced.append(str(path))
        real_fsync(path)

    monkeypatch.setattr(embedded_files, "syncfs", lambda path: False)
    monkeypatch.setattr(embedded_files, "fsync_path", fsync)
    n = embedded_files._SYNCFS_MIN + 1
    with store.batch():
        for i in range(n):
            store.put_object(B, f"f{i}/k", b"y")
    # two temporary files per object, then each data and each metadata folder
    assert len(synced) == 2 * n + 2 * n
    assert [store.get_object(B, f"f{i}/k").body for i in range(n)] == [b"y"] * n


def test_a_folder_removed_by_another_process_is_made_again(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    store.put_object(B, "shared/folder/a", b"1")  # this store now knows the folders
    other = EmbeddedObjectStore(tmp_path, durable=False)  # another process on the same data
    other.delete_object(B, "shared/folder/a")  # prunes the empty folders
    assert not (tmp_path / "objects" / B / "shared").exists()
    store.put_object(B, "shared/folder/b", b"2")
    assert store.get_object(B, "shared/folder/b").body == b"2"
    with store.batch():
        other.delete_object(B, "shared/folder/b")
        store.put_object(B, "shared/folder/c", b"3")
    assert store.get_object(B, "shared/folder/c").body == b"3"


def test_a_known_ancestor_removed_by_another_process_is_made_again(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    store.put_object(B, "deep/a/b/c/k", b"1")  # known: deep, deep/a, deep/a/b, deep/a/b/c
    other = EmbeddedObjectStore(tmp_path, durable=False)
    other.delete_object(B, "deep/a/b/c/k")  # prunes every one of them
    # A new folder under known (but now missing) ones: they are all made again.
    store.put_object(B, "deep/a/b/new/k", b"2")
    assert store.get_object(B, "deep/a/b/new/k").body == b"2"
    assert [o.key for o in store.list_objects(B, prefix="deep/").objects] == ["deep/a/b/new/k"]


def test_new_folders_under_known_ones_are_made_without_asking_for_the_known_ones(
    store: EmbeddedObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_object(B, "jobs/j/worker-response/0/r.json", b"{}")
    made: list[str] = []
    real_mkdir = os.mkdir

    def mkdir(path: str, *args: object, **kwargs: object) -> None:
        made.append(str(path))
        real_mkdir(path)

    monkeypatch.setattr(os, "mkdir", mkdir)
    store.put_object(B, "jobs/j/worker-response/1/r.json", b"{}")
    # Only the new object folder, once in the data tree and once in the metadata tree.
    assert sorted(p.rsplit("/", 1)[-1] for p in made) == ["1", "1"]
    assert store.get_object(B, "jobs/j/worker-response/1/r.json").body == b"{}"


def test_the_same_key_twice_in_a_batch_keeps_the_last_write(
    store: EmbeddedObjectStore, tmp_path: Path
) -> None:
    with store.batch():
        store.put_object(B, "k", b"first")
        store.put_object(B, "k", b"second")
    assert store.get_object(B, "k").body == b"second"
    assert not [f for f in files_under(tmp_path) if RESERVED + "tmp-" in f]


def test_a_delete_in_a_batch_follows_the_write_before_it(store: EmbeddedObjectStore) -> None:
    with store.batch():
        store.put_object(B, "k", b"written then deleted")
        store.delete_object(B, "k")
        store.put_object(B, "tagged", b"t")
        store.put_object_tagging(B, "tagged", {"SageMaker": "true"})
        store.put_object(B, "src", b"copied")
        store.copy_object(B, "src", B, "dst")
    with pytest.raises(NoSuchKey):
        store.head_object(B, "k")
    assert store.get_object_tagging(B, "tagged") == {"SageMaker": "true"}
    assert store.get_object(B, "dst").body == b"copied"


def test_nested_batches_commit_with_the_outermost(store: EmbeddedObjectStore) -> None:
    with store.batch():
        with store.batch():
            store.put_object(B, "inner", b"i")
        with pytest.raises(NoSuchKey):
            store.head_object(B, "inner")
    assert store.get_object(B, "inner").body == b"i"


def test_a_batch_does_not_hold_back_other_threads(store: EmbeddedObjectStore) -> None:
    with store.batch():
        store.put_object(B, "mine", b"m")
        other = threading.Thread(target=store.put_object, args=(B, "theirs", b"t"))
        other.start()
        other.join()
        assert store.get_object(B, "theirs").body == b"t"  # written and visible at once
        with pytest.raises(NoSuchKey):
            store.head_object(B, "mine")
    assert store.get_object(B, "mine").body == b"m"
