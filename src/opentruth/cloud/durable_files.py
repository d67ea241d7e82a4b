"""File primitives of the embedded adapters: temporary files, fsync and syncfs.

A batch of small objects used to cost four fsyncs per object (two files, two folders) and a
random temporary name each. Linux's ``syncfs(2)`` makes everything on one file system durable
in one call, whatever the number of files and folders; :func:`syncfs` uses it where the C
library has it and says so, so that callers fall back to per-file fsyncs elsewhere.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable

_counter = itertools.count()
_syncfs_fn: Callable[[int], int] | None = None
_syncfs_loaded = False
_load_lock = threading.Lock()


def fsync_path(path: str | os.PathLike[str]) -> None:
    """fsync a file or a folder by name (a folder's fsync makes the renames in it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unlink_quietly(*paths: str) -> None:
    """Remove files that may already be gone."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def open_temp(folder: str, prefix: str) -> tuple[int, str]:
    """Create a new private file in ``folder``; return (fd, path).

    The name is the process id, the thread id and a counter: unique without the random draws
    of :func:`tempfile.mkstemp` (a leftover of a dead process with the same id is skipped by
    ``O_EXCL``). Raises :class:`FileNotFoundError` when ``folder`` does not exist.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = f"{prefix}{os.getpid()}-{threading.get_ident()}-{next(_counter)}"
        path = os.path.join(folder, name)
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue


def _load_syncfs() -> Callable[[int], int] | None:
    global _syncfs_fn, _syncfs_loaded
    with _load_lock:
        if not _syncfs_loaded:
            _syncfs_loaded = True
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                fn = libc.syncfs  # ctypes releases the GIL for the call
                fn.argtypes = [ctypes.c_int]
                fn.restype = ctypes.c_int
                _syncfs_fn = fn
            except (OSError, AttributeError):
                _syncfs_fn = None
    return _syncfs_fn


def syncfs(path: str) -> bool:
    """Make the whole file system holding ``path`` durable (data, names and folders).

    Returns ``False``, having done nothing, where ``syncfs`` is unavailable or fails: the
    caller then fsyncs file by file. Raises nothing for a missing syncfs.
    """
    fn = _load_syncfs()
    if fn is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        return fn(fd) == 0
    finally:
        os.close(fd)
