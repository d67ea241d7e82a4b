"""Tests of ``opentruth s3 mb|cp|ls`` on the embedded store of a data folder."""

from __future__ import annotations

import os
from pathlib import Path

from clisupport import Invoke, ok
from opentruth.cloud.embedded_store import EmbeddedObjectStore

BINARY = bytes(range(256)) * 64 + b"\x00\r\n\xff"  # every byte value, CR/LF and NUL included


def test_mb_then_ls_lists_the_bucket(ot: Invoke, cli_data: Path) -> None:
    assert ok(ot("s3", "mb", "s3://my-bucket")).stdout == "make_bucket: my-bucket\n"
    listed = ok(ot("s3", "ls")).stdout.splitlines()
    assert len(listed) == 1 and listed[0].endswith(" my-bucket")
    # It is a real bucket of the embedded store, under DATA/objects.
    assert [b.name for b in EmbeddedObjectStore(cli_data).list_buckets()] == ["my-bucket"]


def test_mb_twice_fails_with_the_s3_code(ot: Invoke) -> None:
    ok(ot("s3", "mb", "s3://my-bucket"))
    again = ot("s3", "mb", "s3://my-bucket")
    assert again.exit_code == 1
    assert "make_bucket: s3://my-bucket failed" in again.stderr
    assert "BucketAlreadyOwnedByYou" in again.stderr


def test_cp_round_trip_keeps_binary_content(ot: Invoke, tmp_path: Path) -> None:
    ok(ot("s3", "mb", "s3://bin"))
    src = tmp_path / "blob.bin"
    src.write_bytes(BINARY)
    up = ok(ot("s3", "cp", str(src), "s3://bin/some/dir/blob.bin"))
    assert up.stdout.strip() == f"upload: {src} to s3://bin/some/dir/blob.bin"
    back = tmp_path / "back.bin"
    down = ok(ot("s3", "cp", "s3://bin/some/dir/blob.bin", str(back)))
    assert down.stdout.strip() == f"download: s3://bin/some/dir/blob.bin to {back}"
    assert back.read_bytes() == BINARY
    # No temporary file is left next to the download.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back.bin", "blob.bin", "data"]


def test_cp_to_a_prefix_or_folder_keeps_the_file_name(ot: Invoke, tmp_path: Path) -> None:
    ok(ot("s3", "mb", "s3://bin"))
    src = tmp_path / "notes.txt"
    src.write_text("hello\n")
    ok(ot("s3", "cp", str(src), "s3://bin/docs/"))
    ok(ot("s3", "cp", str(src), "s3://bin"))
    listing = ok(ot("s3", "ls", "s3://bin", "--recursive")).stdout
    assert {line.split()[-1] for line in listing.splitlines()} == {"docs/notes.txt", "notes.txt"}
    folder = tmp_path / "down"
    folder.mkdir()
    ok(ot("s3", "cp", "s3://bin/docs/notes.txt", str(folder)))
    assert (folder / "notes.txt").read_text() == "hello\n"


def test_cp_between_keys_and_through_stdio(ot: Invoke) -> None:
    ok(ot("s3", "mb", "s3://a-bucket"))
    ok(ot("s3", "mb", "s3://b-bucket"))
    ok(ot("s3", "cp", "-", "s3://a-bucket/in.bin", input=BINARY))
    copied = ok(ot("s3", "cp", "s3://a-bucket/in.bin", "s3://b-bucket/out.bin"))
    assert copied.stdout.strip() == "copy: s3://a-bucket/in.bin to s3://b-bucket/out.bin"
    assert ok(ot("s3", "cp", "s3://b-bucket/out.bin", "-")).stdout_bytes == BINARY


def test_recursive_copy_of_a_folder_both_ways(ot: Invoke, tmp_path: Path) -> None:
    ok(ot("s3", "mb", "s3://tree"))
    src = tmp_path / "src"
    (src / "a" / "b").mkdir(parents=True)
    files = {"top.txt": b"top", "a/mid.json": b"{}", "a/b/deep.bin": BINARY}
    for rel, body in files.items():
        (src / rel).write_bytes(body)
    up = ok(ot("s3", "cp", str(src), "s3://tree/copy", "--recursive")).stdout
    assert len(up.splitlines()) == len(files)
    dst = tmp_path / "dst"
    ok(ot("s3", "cp", "s3://tree/copy/", str(dst), "--recursive"))
    got = {
        Path(root, name).relative_to(dst).as_posix(): Path(root, name).read_bytes()
        for root, _, names in os.walk(dst)
        for name in names
    }
    assert got == files


def test_ls_shows_prefixes_and_objects_like_the_aws_cli(ot: Invoke, tmp_path: Path) -> None:
    ok(ot("s3", "mb", "s3://tree"))
    src = tmp_path / "f.txt"
    src.write_bytes(b"12345")
    for key in ("top.txt", "dir/one.txt", "dir/two.txt", "dir/sub/three.txt"):
        ok(ot("s3", "cp", str(src), f"s3://tree/{key}"))
    root = ok(ot("s3", "ls", "s3://tree")).stdout.splitlines()
    assert root[0] == f"{'PRE':>30} dir/"
    assert root[1].endswith("          5 top.txt")
    inside = ok(ot("s3", "ls", "s3://tree/dir/")).stdout.splitlines()
    assert [line.split()[-1] for line in inside] == ["sub/", "one.txt", "two.txt"]
    assert ok(ot("s3", "ls", "s3://tree/dir")).stdout.split() == ["PRE", "dir/"]
    summary = ok(ot("s3", "ls", "s3://tree", "--recursive", "--summarize")).stdout
    assert "Total Objects: 4" in summary and "Total Size: 20" in summary


def test_errors_name_the_problem(ot: Invoke, tmp_path: Path) -> None:
    missing = ot("s3", "cp", str(tmp_path / "nope.txt"), "s3://b/k")
    assert missing.exit_code == 2
    assert "nope.txt does not exist" in missing.stderr

    not_uri = ot("s3", "ls", "bucket/key")
    assert not_uri.exit_code == 2
    assert "'bucket/key' is not an s3://bucket/key URI" in not_uri.stderr

    both_local = ot("s3", "cp", "a.txt", "b.txt")
    assert both_local.exit_code == 2
    assert "must be an s3:// URI" in both_local.stderr

    no_bucket = ot("s3", "ls", "s3://absent")
    assert no_bucket.exit_code == 1
    assert "NoSuchBucket" in no_bucket.stderr

    ok(ot("s3", "mb", "s3://there"))
    no_key = ot("s3", "cp", "s3://there/absent.txt", str(tmp_path / "x"))
    assert no_key.exit_code == 1
    assert "NoSuchKey" in no_key.stderr
    assert not (tmp_path / "x").exists()

    bad_name = ot("s3", "mb", "s3://Bad_Name")
    assert bad_name.exit_code == 1
    assert "Bad_Name" in bad_name.stderr

    folder = tmp_path / "folder"
    folder.mkdir()
    not_recursive = ot("s3", "cp", str(folder), "s3://there/x")
    assert not_recursive.exit_code == 2
    assert "--recursive" in not_recursive.stderr


def test_store_option_points_at_another_folder(ot: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    ok(ot("s3", "mb", "s3://moved", "--store", str(other), data=False))
    assert [b.name for b in EmbeddedObjectStore(other).list_buckets()] == ["moved"]
