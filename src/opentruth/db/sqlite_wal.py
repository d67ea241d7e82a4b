"""Keeping SQLite's write-ahead log small: checkpoints, WAL restarts, truncation.

How the WAL grows and shrinks (SQLite's ``wal.c``):

* Every commit appends each page it changed to ``opentruth.db-wal`` as a frame (4 KiB plus a
  header), even a page the previous commit already appended. A labeling loop (``next`` plus
  ``submit``) appends about 17 frames, so 8 workers at 400 loops/s add some 7,000 frames
  (28 MiB) a second.
* A *checkpoint* copies frames back into ``opentruth.db``. A ``PASSIVE`` one never waits: it
  copies what no reader still needs and returns.
* The file is only reused from its start (a *restart*) when a writer begins while every frame
  has been copied, and no reader still reads from the WAL when it commits. Until then commits
  append at its end, and the file never shrinks on its own: it keeps its largest size, unless
  ``journal_size_limit`` truncates it after a restart or a ``TRUNCATE`` checkpoint empties it.

What starved the checkpoints (measured on ``opentruth serve`` with 8 workers, by sampling the
WAL index in ``opentruth.db-shm`` every 10 ms: frames in the WAL, frames copied, read marks):
not a reader. Every read transaction of the server lasts milliseconds, no pooled connection
stays inside one, and huey keeps its queue in a database file of its own. The cause was a
race. The server's checkpoint thread ran ``PASSIVE`` checkpoints every 0.5 s *beside* the
writers, and a commit nearly always landed between its end and the next write, so the WAL was
never all copied when a writer began, and it never restarted: the frames copied rose every
0.5 s while the WAL kept growing. Only SQLite's autocheckpoint ended level with the writers,
because it runs inside a commit, while this process's write lock (see
:mod:`opentruth.db.engine`) keeps every other writer out. Its threshold was 10,000 pages, so
the WAL cycled up to 10,000 frames (the sampled counts climbed to 10,001, then fell to a few
hundred): the 39.3 MiB the issue measured.

The design, so the WAL stays small by construction rather than by a threshold:

1. :meth:`WalKeeper.round` (a thread of ``serve``, every 0.2 s) copies the bulk of the WAL with
   a ``PASSIVE`` checkpoint beside the writers (no one waits), then the few frames committed
   meanwhile with a ``RESTART`` checkpoint *under the write lock*: no commit of this process
   can land after it, and it waits (at most :data:`TRUNCATE_BUSY_MS`) for the readers still
   in the WAL, so the next commit starts the WAL from its beginning. The lock is held for a
   millisecond or two. The WAL then holds what 0.2 s of writes appends: 700 to 1,200 frames
   (3 to 5 MiB) for 8 workers as fast as they go, measured.
2. When the process has committed nothing since the last round, a ``TRUNCATE`` checkpoint
   empties the file instead (it waits for readers as ``RESTART`` does, or tries next round).
3. ``journal_size_limit`` (:data:`JOURNAL_SIZE_LIMIT_BYTES`) truncates the file at a restart
   after a burst (a long reader, a bulk import), so one spike does not keep its size forever.
4. ``wal_autocheckpoint`` (:data:`AUTOCHECKPOINT_PAGES`) is the backstop on the write path:
   a committing connection checkpoints itself once the WAL passes 16 MiB. In ``serve`` the
   thread keeps the WAL far below it, so the worker API's commits never pay for a checkpoint;
   a process without the thread (the command line) is bounded by it alone.

A reader that holds a snapshot for a long time still holds the WAL (SQLite cannot copy frames
it may need), and nothing can change that: opentruth's read transactions are short, and the
keeper truncates the WAL once such a reader has finished.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

__all__ = [
    "AUTOCHECKPOINT_PAGES",
    "JOURNAL_SIZE_LIMIT_BYTES",
    "TRUNCATE_BUSY_MS",
    "Checkpoint",
    "WalKeeper",
    "checkpoint",
]

logger = logging.getLogger(__name__)

#: WAL pages after which a committing connection checkpoints itself (SQLite's default is 1,000):
#: 16 MiB, the most the WAL may hold; the keeper's rounds keep it well below.
AUTOCHECKPOINT_PAGES = 4096
#: The size the WAL file is cut back to when it restarts after growing past it.
JOURNAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024
#: How long an idle ``TRUNCATE`` checkpoint waits for readers before giving up for this round.
TRUNCATE_BUSY_MS = 20


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """What ``PRAGMA wal_checkpoint`` said: ``busy`` when a reader or writer kept part of the WAL
    from being copied; ``frames`` in the WAL; ``copied`` of them in the database file."""

    busy: bool
    frames: int
    copied: int

    @property
    def level(self) -> bool:
        """Every frame of the WAL is in the database file (the next writer may restart it)."""
        return self.frames == self.copied


def checkpoint(engine: Engine, mode: str = "PASSIVE", *, busy_ms: int | None = None) -> Checkpoint:
    """Run ``PRAGMA wal_checkpoint(mode)`` on a pooled connection; ``busy_ms`` bounds its wait
    for readers (``FULL``, ``RESTART``, ``TRUNCATE`` wait for them; ``PASSIVE`` never does)."""
    if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
        raise ValueError(f"unknown checkpoint mode {mode!r}")
    # On the driver's connection, outside any transaction: a checkpoint cannot run inside
    # one, and SQLAlchemy's would begin with BEGIN IMMEDIATE, the write lock.
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        try:
            if busy_ms is not None:
                (saved,) = cur.execute("PRAGMA busy_timeout").fetchone()
                cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            try:
                row = tuple(cur.execute(f"PRAGMA wal_checkpoint({mode})").fetchone() or (0, 0, 0))
            finally:
                if busy_ms is not None:
                    cur.execute(f"PRAGMA busy_timeout={int(saved)}")
        finally:
            cur.close()
    finally:
        raw.close()
    # Outside WAL mode SQLite answers (0, -1, -1).
    return Checkpoint(busy=bool(row[0]), frames=max(int(row[1]), 0), copied=max(int(row[2]), 0))


class WalKeeper:
    """The checkpoint rounds of one process (see the module notes), and their thread.

    ``write_lock`` is the lock every writer of the process holds for its whole transaction;
    ``commits`` counts their commits, so that a round can tell that the process was idle.
    """

    def __init__(
        self,
        engine: Engine,
        write_lock: Callable[[], AbstractContextManager[object]],
        commits: Callable[[], int],
    ) -> None:
        self.engine = engine
        self._write_lock = write_lock
        self._commits = commits
        self._seen_commits = -1
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def round(self) -> Checkpoint:
        """One round: copy the bulk beside the writers, then the tail under the write lock
        (``RESTART``), or empty the file (``TRUNCATE``) if nothing was committed since the last
        round. Return the last checkpoint's figures."""
        commits = self._commits()
        idle = commits == self._seen_commits
        self._seen_commits = commits
        bulk = checkpoint(self.engine)
        if bulk.frames == 0:
            return bulk  # an empty WAL (just restarted or truncated): nothing to copy
        with self._write_lock():
            # No commit of this process can land now: the tail is copied level, and RESTART
            # waits (briefly) for readers still in the WAL, so the next commit restarts it.
            mode = "TRUNCATE" if idle else "RESTART"
            return checkpoint(self.engine, mode, busy_ms=TRUNCATE_BUSY_MS)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, every: float) -> None:
        """Run :meth:`round` every ``every`` seconds in a daemon thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(every):
                try:
                    self.round()
                except (DBAPIError, sqlite3.Error):  # busy or locked: the next round tries again
                    logger.warning("WAL checkpoint failed; retrying", exc_info=True)

        self._thread = threading.Thread(target=run, name="opentruth-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)
