"""Tests of opentruth.db.engine: URLs, SQLite pragmas and locking, transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError

from opentruth.db.engine import (
    SQLITE_AUTOCHECKPOINT_PAGES,
    Database,
    default_url,
    is_retryable,
    make_engine,
)
from opentruth.db.models import Account
from opentruth.db.sqlite_wal import JOURNAL_SIZE_LIMIT_BYTES


def test_default_url_is_opentruth_db_under_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data" / "nested"
    engine = make_engine(data_dir=data)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert (data / "opentruth.db").exists()
        assert default_url(data) == f"sqlite:///{(data / 'opentruth.db').resolve()}"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "file database"),
        ("sqlite:///:memory:", "file database"),
        ("postgresql+psycopg2://postgres@127.0.0.1/x", "postgresql\\+psycopg"),
        ("mysql://root@localhost/x", "unsupported database URL"),
    ],
)
def test_unsupported_urls_are_refused_with_a_hint(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_engine(url)


def test_an_url_or_a_data_dir_is_required() -> None:
    with pytest.raises(ValueError, match="URL or a data directory"):
        make_engine()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == SQLITE_AUTOCHECKPOINT_PAGES
            assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == JOURNAL_SIZE_LIMIT_BYTES
    finally:
        engine.dispose()


def _try_write_lock(path: Path) -> bool:
    """Try to take SQLite's write lock from an independent connection without waiting."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    else:
        other.execute("ROLLBACK")
        return True
    finally:
        other.close()


def test_sqlite_writers_take_the_write_lock_up_front_and_readers_do_not(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    db = Database.from_url(f"sqlite:///{path}")
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with db.transaction() as session:
            # Only a read so far; BEGIN IMMEDIATE has nonetheless reserved the database.
            session.execute(text("SELECT count(*) FROM t"))
            assert _try_write_lock(path) is False
        assert _try_write_lock(path) is True
        with db.read() as session:
            session.execute(text("SELECT count(*) FROM t"))
            assert _try_write_lock(path) is True
    finally:
        db.dispose()


def test_transaction_commits_and_rolls_back(engine: Engine) -> None:
    from opentruth.db.types import utcnow

    db = Database(engine)
    with db.transaction() as session:
        session.add(Account(account_id="123456789012", region="us-east-1", created_at=utcnow()))

    def failing() -> None:
        with db.transaction() as session:
            session.add(Account(account_id="999999999999", region="us-east-1", created_at=utcnow()))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    with db.read() as session:
        assert session.scalars(select(Account.account_id)).all() == ["123456789012"]
    assert db.dialect == engine.dialect.name


def test_reader_sessions_do_not_keep_writes(engine: Engine) -> None:
    from opentruth.db.types import utcnow

    db = Database(engine)
    with db.read() as session:
        session.add(Account(account_id="555555555555", region="us-east-1", created_at=utcnow()))
        session.flush()
    with db.read() as session:
        assert session.get(Account, "555555555555") is None


def test_is_retryable_recognises_locked_sqlite_and_pg_conflicts() -> None:
    locked = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    other = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    assert is_retryable(locked)
    assert not is_retryable(other)
    assert not is_retryable(ValueError("database is locked"))


def test_run_retries_a_transient_failure_in_a_new_transaction(engine: Engine) -> None:
    from opentruth.db.types import utcnow

    db = Database(engine)
    calls: list[int] = []

    def work(session: object) -> str:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        calls.append(1)
        session.add(Account(account_id=f"77777777777{len(calls)}", region="r", created_at=utcnow()))
        session.flush()
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        return "done"

    assert db.run(work) == "done"
    with db.read() as session:
        # The first attempt was rolled back; only the second one's row is there.
        assert session.scalars(select(Account.account_id)).all() == ["777777777772"]


def test_run_does_not_retry_other_errors(engine: Engine) -> None:
    db = Database(engine)
    calls: list[int] = []

    def work(session: object) -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))

    with pytest.raises(OperationalError):
        db.run(work)
    assert len(calls) == 1


def test_a_checkpoint_copies_the_wal_back_without_blocking_a_reader(db: Database) -> None:
    if db.dialect != "sqlite":
        assert db.checkpoint() is None
        assert db.maintain_wal() is None
        return
    for i in range(20):
        with db.transaction() as s:
            s.execute(text("CREATE TABLE IF NOT EXISTS ckpt (n INTEGER)"))
            s.execute(text("INSERT INTO ckpt VALUES (:n)"), {"n": i})
    with db.read() as reader:
        assert reader.execute(text("SELECT count(*) FROM ckpt")).scalar() == 20  # holds a snapshot
        result = db.checkpoint()  # PASSIVE: returns at once, whatever the reader holds
        assert result is not None and result.frames > 0
    result = db.checkpoint()
    assert result is not None and result.level  # with no reader left, all of the WAL is in the file


def _wal_bytes(db: Database) -> int:
    database = db.engine.url.database
    assert database is not None
    wal = Path(database + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_after_a_burst_with_a_reader_open_the_wal_is_truncated_once_the_reader_ends(
    db: Database,
) -> None:
    if db.dialect != "sqlite":
        return  # PostgreSQL has no WAL file of its own per database (see the soak benchmark)
    with db.transaction() as s:
        s.execute(text("CREATE TABLE burst (n INTEGER, pad TEXT)"))
    round0 = db.maintain_wal()
    assert round0 is not None
    # A reader that holds a snapshot from before the burst: SQLite must keep every frame it
    # may need, so no round can copy the burst back or restart the WAL while it reads.
    reader = sqlite3.connect(db.engine.url.database or "", isolation_level=None)
    try:
        reader.execute("BEGIN")
        (before,) = reader.execute("SELECT count(*) FROM burst").fetchone()
        for i in range(200):
            with db.transaction() as s:
                s.execute(text("INSERT INTO burst VALUES (:n, :pad)"), {"n": i, "pad": "x" * 2000})
        held = db.maintain_wal()  # commits since the last round: copy, do not truncate
        assert held is not None and held.frames > 0 and not held.level
        again = db.maintain_wal()  # idle now, but the reader still holds its snapshot
        assert again is not None and not again.level
        assert _wal_bytes(db) > 0
        assert reader.execute("SELECT count(*) FROM burst").fetchone() == (before,)
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    done = db.maintain_wal()  # the reader has finished and nothing was committed since
    assert done is not None and done.level and done.frames == 0
    assert _wal_bytes(db) == 0
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM burst")).scalar() == 200


def test_a_round_under_load_ends_level_so_the_next_commit_restarts_the_wal(db: Database) -> None:
    if db.dialect != "sqlite":
        return
    with db.transaction() as s:
        s.execute(text("CREATE TABLE steady (n INTEGER, pad TEXT)"))
    stop = threading.Event()

    def write() -> None:  # another thread commits all the time, as the worker API does
        n = 0
        while not stop.is_set():
            with db.transaction() as s:
                s.execute(text("INSERT INTO steady VALUES (:n, :pad)"), {"n": n, "pad": "y" * 500})
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(5):
            result = db.maintain_wal()
            # The tail is copied under the write lock, so no commit can land after it.
            assert result is not None and result.level and not result.busy
    finally:
        stop.set()
        writer.join()


def test_the_checkpointer_runs_in_a_thread_until_stopped(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds = threading.Semaphore(0)
    if db._wal is not None:
        real = db._wal.round

        def counted() -> object:
            rounds.release()
            return real()

        monkeypatch.setattr(db._wal, "round", counted)
    db.start_checkpointer(every=0.01)
    try:
        if db.dialect != "sqlite":
            assert not db.checkpointer_running  # PostgreSQL checkpoints itself
            return
        assert db.checkpointer_running
        assert db._wal is not None and db._wal._thread is not None
        assert db._wal._thread.name == "opentruth-checkpointer"
        for _ in range(3):
            assert rounds.acquire(timeout=30)
    finally:
        db.stop_checkpointer()
    assert not db.checkpointer_running
