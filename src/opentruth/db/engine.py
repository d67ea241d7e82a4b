"""Engines and transactions for the state layer, on SQLite (the default) and PostgreSQL.

The default database is SQLite in WAL mode at ``DATA/opentruth.db``; PostgreSQL is used with a
``postgresql+psycopg://`` URL. Everything that writes goes through :meth:`Database.transaction`.

SQLite notes (why the connection setup looks the way it does):

* WAL lets readers run while one writer writes, which is what a server with a worker API and a
  background runner needs.
* Python 3.11's ``sqlite3`` still opens transactions lazily ("deferred"). A deferred transaction
  that reads and then writes must upgrade its lock, and when two do that at once one of them
  fails with ``database is locked`` no matter the busy timeout. SQLAlchemy's documented recipe
  fixes it: switch the driver to autocommit (``isolation_level=None``) and emit the ``BEGIN``
  ourselves. Writers emit ``BEGIN IMMEDIATE``, which takes the write lock up front and waits
  ``busy_timeout`` for it, so SQLite serialises writers instead of failing them. Read-only
  sessions (:meth:`Database.read`) emit a plain ``BEGIN`` and never block writers.
* SQLite's busy handler does not wake a waiting writer when the lock is released: it sleeps
  and polls, in steps that grow to 100 ms. With a few threads writing at once, that turned
  millisecond transactions into waits of a second or more. So the writers of one process
  queue on a Python lock first (woken the moment it is free) and only the writers of other
  processes meet SQLite's busy handler. This costs no concurrency: SQLite admits one writer
  at a time anyway.
* SQLite copies the WAL back into the database file (a checkpoint, with two fsyncs) in
  whichever connection commits when the WAL has grown past ``wal_autocheckpoint`` pages. In a
  server that is nearly always the worker API's short transactions, on the event loop: every
  request in flight waited for the disk. So the threshold is set high
  (:data:`SQLITE_AUTOCHECKPOINT_PAGES`), and the server runs the checkpoints in a thread of
  their own (:meth:`Database.start_checkpointer`); a process without one (the command line)
  still checkpoints at that threshold.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DEFAULT_DB_FILENAME",
    "Database",
    "default_url",
    "is_retryable",
    "make_engine",
]

T = TypeVar("T")
logger = logging.getLogger(__name__)

DEFAULT_DB_FILENAME = "opentruth.db"
#: How long a SQLite writer waits for the write lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_READ_ONLY_OPTION = "opentruth_read_only"
#: WAL pages after which a committing connection checkpoints itself (SQLite's default: 1000).
SQLITE_AUTOCHECKPOINT_PAGES = 10_000


def default_url(data_dir: str | Path) -> str:
    """Return the URL of the embedded default database, ``DATA/opentruth.db``."""
    return f"sqlite:///{Path(data_dir).resolve() / DEFAULT_DB_FILENAME}"


def make_engine(url: str | None = None, *, data_dir: str | Path | None = None, echo: bool = False) -> Engine:
    """Create an engine for ``url``, or for the default SQLite file under ``data_dir``.

    SQLite URLs get WAL, a busy timeout, foreign keys and ``BEGIN IMMEDIATE`` writers; the
    folder of the database file is created if needed. PostgreSQL URLs must use the psycopg 3
    driver (``postgresql+psycopg://``), the one huey's PostgreSQL storage uses as well.
    """
    if url is None:
        if data_dir is None:
            raise ValueError("make_engine needs a database URL or a data directory")
        url = default_url(data_dir)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            # An in-memory database is private to one connection, so it cannot be shared by
            # the pool, the migrations and the threads that the service runs.
            raise ValueError(
                f"SQLite needs a file database, got {url!r}: pass --data DIR or a sqlite:///PATH URL"
            )
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ValueError(
                f"unsupported PostgreSQL driver in {url!r}: use a postgresql+psycopg://user@host/db URL"
            )
        return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql+psycopg://...")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" event below decides the BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            # NORMAL is durable across application crashes (kill -9) in WAL mode; only an OS
            # crash or power loss can roll back the last transactions.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_READ_ONLY_OPTION):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_retryable(exc: BaseException) -> bool:
    """Tell whether a database error is transient and the whole transaction may be retried.

    That is a PostgreSQL deadlock or serialization failure, or SQLite's ``database is locked``
    after the busy timeout ran out.
    """
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01"):
        return True
    return "database is locked" in str(orig)


class Database:
    """An engine plus its sessions: the handle the rest of opentruth passes around.

    Sessions keep their objects loaded after commit (``expire_on_commit=False``), so rows that a
    repository function returns can be read after the transaction ends, as plain snapshots.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One writer at a time per process on SQLite (see the module notes); re-entrant so a
        # thread that already writes is never blocked by itself.
        self._write_lock: threading.RLock | None = (
            threading.RLock() if engine.dialect.name == "sqlite" else None
        )
        self._checkpointer: threading.Thread | None = None
        self._stop_checkpoints = threading.Event()
        self._writer = sessionmaker(bind=engine, expire_on_commit=False)
        self._reader = sessionmaker(
            bind=engine.execution_options(**{_READ_ONLY_OPTION: True}), expire_on_commit=False
        )

    @classmethod
    def from_url(cls, url: str | None = None, *, data_dir: str | Path | None = None) -> Database:
        """Create a :class:`Database` from a URL or a data directory (see :func:`make_engine`)."""
        return cls(make_engine(url, data_dir=data_dir))

    @property
    def dialect(self) -> str:
        """The dialect name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Run a read-write transaction: commit on success, roll back on any exception."""
        if self._write_lock is None:
            with self._writer() as session, session.begin():
                yield session
            return
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Run a read-only transaction, which on SQLite does not take the write lock."""
        # Closing the session rolls its transaction back, so a stray write in a reader is
        # never saved.
        with self._reader() as session:
            yield session

    def run(self, fn: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Call ``fn(session)`` in a transaction, retrying it on transient errors.

        ``fn`` must be safe to run again from the start (it is: it runs in a new transaction).
        Deadlocks are rare here because locks are taken in a fixed order (job, object,
        assignment), but PostgreSQL can still pick a victim under load.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as session:
                    return fn(session)
            except DBAPIError as exc:
                if attempt == attempts or not is_retryable(exc):
                    raise
                # A short, growing pause lets the winner of the conflict finish first.
                time.sleep(0.01 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def checkpoint(self) -> tuple[int, int] | None:
        """Copy the WAL back into the SQLite file without blocking readers or writers (a
        ``PASSIVE`` checkpoint); return (WAL frames, frames copied), or None on PostgreSQL."""
        if self.dialect != "sqlite":
            return None
        # On the driver's connection, outside any transaction: a checkpoint cannot run inside
        # one, and SQLAlchemy's would begin with BEGIN IMMEDIATE, the write lock.
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            try:
                cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
                # (busy, WAL frames, frames copied): busy is 1 when a reader or a writer kept
                # part of the WAL from being copied; the next round copies it.
                row = tuple(cur.fetchone() or (0, 0, 0))
            finally:
                cur.close()
        finally:
            raw.close()
        return int(row[1]), int(row[2])

    def start_checkpointer(self, every: float = 0.5) -> None:
        """Checkpoint every ``every`` seconds in a thread of this process (SQLite only; see the
        module notes). :meth:`dispose` stops it."""
        if self.dialect != "sqlite" or self._checkpointer is not None:
            return
        self._stop_checkpoints.clear()

        def run() -> None:
            while not self._stop_checkpoints.wait(every):
                try:
                    self.checkpoint()
                except (DBAPIError, sqlite3.Error):  # busy or locked: the next round tries again
                    logger.warning("WAL checkpoint failed; retrying", exc_info=True)

        self._checkpointer = threading.Thread(target=run, name="opentruth-checkpointer", daemon=True)
        self._checkpointer.start()

    def stop_checkpointer(self) -> None:
        """Stop the thread of :meth:`start_checkpointer`, if it runs."""
        thread, self._checkpointer = self._checkpointer, None
        if thread is not None:
            self._stop_checkpoints.set()
            thread.join(timeout=10)

    def dispose(self) -> None:
        """Stop the checkpointer and close every pooled connection (call before deleting the
        database)."""
        self.stop_checkpointer()
        self.engine.dispose()
