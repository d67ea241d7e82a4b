"""Temporary files, fsync and syncfs for the embedded adapters."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from opentruth.cloud.durable_files import fsync_path, open_temp, syncfs, unlink_quietly


def test_temporary_files_are_new_private_and_distinct(tmp_path: Path) -> None:
    names: list[str] = []
    lock = threading.Lock()

    def make() -> None:
        for _ in range(50):
            fd, path = open_temp(str(tmp_path), ".t-")
            os.close(fd)
            with lock:
                names.append(path)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(names)) == 200
    mode = stat.S_IMODE(os.stat(names[0]).st_mode)
    assert mode & 0o077 == 0  # readable by the owner only


def test_a_leftover_with_the_next_name_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools

    import opentruth.cloud.durable_files as df

    monkeypatch.setattr(df, "_counter", itertools.count(7))
    leftover = tmp_path / f".t-{os.getpid()}-{threading.get_ident()}-7"
    leftover.write_bytes(b"from a dead process")
    fd, path = open_temp(str(tmp_path), ".t-")
    os.close(fd)
    assert path.endswith("-8")
    assert leftover.read_bytes() == b"from a dead process"


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_temp(str(tmp_path / "gone"), ".t-")


def test_syncfs_and_fsync_run_on_this_machine(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"x")
    fsync_path(f)
    fsync_path(tmp_path)
    assert syncfs(str(tmp_path)) is True  # Linux with glibc has syncfs(2)
    unlink_quietly(str(f), str(tmp_path / "never-existed"))
    assert not f.exists()
