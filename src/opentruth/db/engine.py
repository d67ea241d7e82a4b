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
* The write-ahead log is kept small by :class:`opentruth.db.sqlite_wal.WalKeeper`: ``serve``
  runs its checkpoint rounds in a thread (:meth:`Database.start_checkpointer`), so the worker
  API's commits, on the event loop, never wait for a checkpoint's disk writes; a process
  without the thread (the command line) checkpoints at ``wal_autocheckpoint``. Why it is done
  that way, and what starved the checkpoints before, is in that module's notes.
"""

from __future__ import annotations

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

from opentruth.db.sqlite_wal import (
    AUTOCHECKPOINT_PAGES,
    JOURNAL_SIZE_LIMIT_BYTES,
    Checkpoint,
    WalKeeper,
    checkpoint,
)

__all__ = [
    "DEFAULT_DB_FILENAME",
    "Database",
    "default_url",
    "is_retryable",
    "make_engine",
]

T = TypeVar("T")

DEFAULT_DB_FILENAME = "opentruth.db"
#: How long a SQLite writer waits for the write lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_READ_ONLY_OPTION = "opentruth_read_only"
#: WAL pages after which a committing connection checkpoints itself (see :mod:`.sqlite_wal`).
SQLITE_AUTOCHECKPOINT_PAGES = AUTOCHECKPOINT_PAGES


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
            cur.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
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
        # Commits of this process, counted so that a checkpoint round can tell it was idle.
        self._commits = 0
        self._wal: WalKeeper | None = None
        if self._write_lock is not None:
            self._wal = WalKeeper(engine, self._locked, lambda: self._commits)
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
        with self._write_lock:
            with self._writer() as session, session.begin():
                yield session
            self._commits += 1

    def _locked(self) -> threading.RLock:
        assert self._write_lock is not None
        return self._write_lock

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

    def checkpoint(self, mode: str = "PASSIVE") -> Checkpoint | None:
        """Copy the WAL back into the SQLite file (``PASSIVE``: without waiting for readers or
        writers); None on PostgreSQL, which checkpoints itself."""
        if self.dialect != "sqlite":
            return None
        return checkpoint(self.engine, mode)

    def maintain_wal(self) -> Checkpoint | None:
        """One round of WAL upkeep (:meth:`.WalKeeper.round`): what the checkpointer thread runs;
        None on PostgreSQL."""
        return self._wal.round() if self._wal is not None else None

    def start_checkpointer(self, every: float = 0.2) -> None:
        """Run :meth:`maintain_wal` every ``every`` seconds in a thread of this process (SQLite
        only); :meth:`dispose` stops it."""
        if self._wal is not None:
            self._wal.start(every)

    @property
    def checkpointer_running(self) -> bool:
        return self._wal is not None and self._wal.running

    def stop_checkpointer(self) -> None:
        """Stop the thread of :meth:`start_checkpointer`, if it runs."""
        if self._wal is not None:
            self._wal.stop()

    def dispose(self) -> None:
        """Stop the checkpointer and close every pooled connection (call before deleting the
        database)."""
        self.stop_checkpointer()
        self.engine.dispose()
