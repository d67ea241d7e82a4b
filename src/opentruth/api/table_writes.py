"""Count the writes this process commits, per table, so in-process caches can drop stale reads.

The API keeps two caches of database reads: resolved callers (valid while the IAM generation
row, ``iam_state``, is unchanged; :class:`opentruth.api.call.CallerCache`) and
DescribeLabelingJob answers (:mod:`opentruth.api.sagemaker`). Each trusts what it read until
either this process commits a write to the table behind it, seen here at once, or a short
time-to-live passes, which bounds how long a write by *another* process (a second server on
the same database, ``opentruth ...`` on the command line) can go unseen.

How: SQLAlchemy session events, for every session of the process. A session that flushes a new,
changed or deleted row, or runs an ORM ``INSERT``/``UPDATE``/``DELETE`` statement, is marked with
the table's name; when that session commits, the table's count goes up. The count moves only
*after* the commit, so a reader that takes the count *before* it reads can never file a value
read before a write under a count taken after it. A mark left by a rolled back transaction only
causes a needless re-read later (a spurious bump is harmless, a missed one is not), so marks are
never cleared early. Statements run on a bare connection, outside any ORM session, are not seen;
the time-to-live covers them.
"""

from __future__ import annotations

import itertools
import threading

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

_MARK = "opentruth.written_tables"
_counts: dict[str, int] = {}
_lock = threading.Lock()
_installed = False


def count(table: str) -> int:
    """How many commits of this process have written ``table`` (only ever grows)."""
    return _counts.get(table, 0)


def _mark(session: Session, table: object) -> None:
    name = getattr(table, "name", None)
    if isinstance(name, str):
        session.info.setdefault(_MARK, set()).add(name)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _mark(state.session, getattr(state.statement, "table", None))


def _on_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        _mark(session, getattr(type(obj), "__table__", None))


def _on_commit(session: Session) -> None:
    tables = session.info.pop(_MARK, None)
    if tables:
        with _lock:
            for name in tables:
                _counts[name] = _counts.get(name, 0) + 1


def install() -> None:
    """Listen to every session of the process (idempotent; a few microseconds per statement)."""
    global _installed
    with _lock:
        if _installed:
            return
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "before_flush", _on_flush)
        event.listen(Session, "after_commit", _on_commit)
        _installed = True
