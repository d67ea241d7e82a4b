"""Background work on huey: the database decides what to do, huey only carries the kick.

Each kick is a work-item key (``init:7``); a huey worker thread claims the item in the database
and runs it (:meth:`opentruth.labeling.runner.JobRunner.run`). huey delivers at most once, so a
lost kick is harmless: the reconciler thread re-kicks due and expired items every second, and
also expires leases and queues consolidation. Embedded, huey keeps its queue in SQLite
(``DATA/huey.db``); at scale, in Redis (``--queue redis://...``) or PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from opentruth.labeling.runner import JobRunner

logger = logging.getLogger("opentruth.background")


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer that runs inside the server process and leaves its signals to uvicorn."""

    def _set_signal_handlers(self) -> None:
        return None


def make_huey(data_dir: Path, queue_url: str | None) -> Huey:
    """The huey instance: SQLite in the data folder, or Redis / PostgreSQL by URL."""
    if queue_url and queue_url.startswith(("redis://", "rediss://")):
        return RedisHuey("opentruth", url=queue_url)
    if queue_url and queue_url.startswith(("postgresql://", "postgres://")):
        import psycopg

        return PostgresHuey("opentruth", connection=psycopg.connect(queue_url, autocommit=True))
    return SqliteHuey("opentruth", filename=str(data_dir / "huey.db"))


class Background:
    """The huey task, its in-process consumer, and the reconciler thread."""

    def __init__(self, huey: Huey, *, workers: int = 2, reconcile_every: float = 1.0) -> None:
        self.huey = huey
        self.runner: JobRunner | None = None
        self.workers = workers
        self.reconcile_every = reconcile_every
        self._stop = threading.Event()
        self._consumer: Consumer | None = None
        self._thread: threading.Thread | None = None

        @huey.task(name="opentruth.run_work")  # type: ignore[untyped-decorator]
        def run_work(key: str) -> None:
            if self.runner is not None:
                self.runner.run(key)

        self._task: Any = run_work

    def kick(self, key: str) -> None:
        """Enqueue ``key`` for a worker thread (of this or any process sharing the queue)."""
        self._task(key)

    def start(self, runner: JobRunner) -> None:
        """Start the consumer threads and the reconciler."""
        self.runner = runner
        # Poll at most every 0.1 s even when idle: kicks should start promptly.
        self._consumer = _EmbeddedConsumer(self.huey, workers=self.workers, periodic=False, max_delay=0.1)
        self._consumer.start()
        self._thread = threading.Thread(target=self._reconcile_loop, name="opentruth-reconciler", daemon=True)
        self._thread.start()

    def _reconcile_loop(self) -> None:
        while not self._stop.wait(self.reconcile_every):
            try:
                assert self.runner is not None
                self.runner.reconcile()
            except Exception:  # the loop must survive a transient database error
                logger.exception("reconcile failed; retrying")

    def stop(self) -> None:
        """Stop the reconciler, then the workers (waiting for a running step)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
