"""A cache of database reads of one table, dropped when this process writes the table.

For reads that clients poll (DescribeLabelingJob, every few seconds per job, by every script
waiting for a job): an answer is served again until this process commits a write to the table
(:mod:`opentruth.api.table_writes`), or ``ttl`` seconds pass, which bounds how long a write by
another process can go unseen. Authorisation is never cached here: callers decide before they
ask the cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from opentruth.api import table_writes

T = TypeVar("T")


class TableReadCache(Generic[T]):
    """Values read from ``table`` by key; see the module notes. Values must not be mutated."""

    def __init__(self, table: str, *, ttl: float = 1.0, max_entries: int = 1024) -> None:
        table_writes.install()
        self.table = table
        self.ttl = ttl
        self._max = max_entries
        #: key -> (table write count before the read, monotonic time of the read, value)
        self._entries: dict[Hashable, tuple[int, float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """The cached value of ``key`` if still valid, else ``read()`` (cached; errors are not)."""
        hit = self._entries.get(key)
        writes = table_writes.count(self.table)
        now = time.monotonic()
        if hit is not None and hit[0] == writes and now - hit[1] < self.ttl:
            return hit[2]
        # The count and the time are taken before the read: a write committed during the read
        # moves the count, so this value is never trusted past that write.
        value = read()
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (writes, now, value)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
