"""What the repository modules share, and the ONE place where SQLite and PostgreSQL differ.

The domain functions live in ``repo_jobs``, ``repo_tasks``, ``repo_work``, ``repo_workforce`` and
``repo_telemetry``; they never test the dialect themselves. When they need something the two
databases do differently they call a helper here:

* **Row locks.** On PostgreSQL several processes write at once, so a row that a transaction
  reads and then changes is locked with ``SELECT ... FOR UPDATE``, and a queue-like pick uses
  ``FOR UPDATE SKIP LOCKED`` so that concurrent pickers take different rows instead of waiting
  on each other. On SQLite every writer runs under ``BEGIN IMMEDIATE`` (see
  :mod:`opentruth.db.engine`), so writers are already serialised and no lock clause is needed
  (SQLite has none).
* **Insert-or-ignore.** ``INSERT ... ON CONFLICT DO NOTHING`` exists in both, but SQLAlchemy
  builds it from a dialect-specific ``insert``. A large batch on PostgreSQL (an ingest's 1,000
  lines) goes through ``COPY`` into a temporary table and one ``INSERT ... SELECT``: a
  multi-row ``VALUES`` of 10,000 parameters costs psycopg more to parse on the client than the
  server spends inserting (profiled: 1.1 of the 1.8 s of a 10,000-line ingest).

It also holds the errors of the state layer and the opaque pagination tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from opentruth.errors import ConflictError, ValidationError

__all__ = [
    "InvalidTransitionError",
    "LeaseExpiredError",
    "StaleUpdateError",
    "decode_token",
    "encode_token",
    "escape_like",
    "for_update",
    "insert_ignoring_conflicts",
    "is_postgresql",
    "query_fingerprint",
]

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


class LeaseExpiredError(ConflictError):
    """A task was submitted (or declined) after its lease ended; the worker API answers 409."""

    http_status = 409


class InvalidTransitionError(ConflictError):
    """A status change that the state machine does not allow (e.g. Completed → InProgress)."""


class StaleUpdateError(ConflictError):
    """A compare-and-set update lost: the row changed since the caller read it. Re-read and retry."""


def is_postgresql(session: Session | Connection) -> bool:
    """Tell whether the session (or connection) talks to PostgreSQL (else it is SQLite)."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    return bind.dialect.name == "postgresql"


def for_update(session: Session | Connection, stmt: S, *, skip_locked: bool = False, of: Any = None) -> S:
    """Lock the selected rows until the end of the transaction, where the dialect needs it.

    PostgreSQL gets ``FOR UPDATE`` (``SKIP LOCKED`` for queue-like picks; ``OF`` limits the lock
    to one table of a join). SQLite's writers are serialised by ``BEGIN IMMEDIATE``, so the
    statement is returned unchanged.
    """
    if not is_postgresql(session):
        return stmt
    return stmt.with_for_update(skip_locked=skip_locked, of=of)


def insert_ignoring_conflicts(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict_columns: Sequence[str],
) -> int:
    """Insert ``rows``, silently skipping those that violate the unique ``conflict_columns``.

    Returns how many rows were actually inserted, so that callers can keep counters exact when
    an interrupted batch is inserted a second time.
    """
    if not rows:
        return 0
    if len(rows) >= _COPY_AT_LEAST and is_postgresql(session):
        return _copy_ignoring_conflicts(session, table, rows, conflict_columns)
    dialect_insert = postgresql.insert if is_postgresql(session) else sqlite.insert
    stmt = (
        dialect_insert(table)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(table.c[conflict_columns[0]])
    )
    result = session.execute(stmt, list(rows))
    return len(result.all())


#: From this many rows on, PostgreSQL's insert-or-ignore copies them in (one row: a plain INSERT).
_COPY_AT_LEAST = 64


def _copy_ignoring_conflicts(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], conflict_columns: Sequence[str]
) -> int:
    """PostgreSQL: ``COPY`` the rows into a temporary table shaped like ``table``'s columns,
    then ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; return how many were inserted.

    The temporary table lives as long as the pooled connection and empties at each commit
    (``ON COMMIT DELETE ROWS``; a rollback discards its rows too), so it is created once per
    connection, not once per batch (which would bloat the system catalogs).
    """
    from psycopg import sql  # only PostgreSQL comes here, and its driver is psycopg

    columns = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect
    # Each column's SQLAlchemy bind processing (aware datetimes to UTC, JSON to psycopg's Json).
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    digest = hashlib.sha256(",".join(columns).encode()).hexdigest()[:8]
    staging = sql.Identifier(f"opentruth_copy_{table.name}_{digest}")
    target = sql.Identifier(table.name)
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    conflict = sql.SQL(", ").join(sql.Identifier(c) for c in conflict_columns)
    raw = connection.connection.driver_connection
    assert raw is not None  # a checked-out connection
    with raw.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS AS"
                " SELECT {} FROM {} WITH NO DATA"
            ).format(staging, names, target)
        )
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for process, value in zip(processors, (row[c] for c in columns), strict=True)
                    ]
                )
        cursor.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT ({}) DO NOTHING").format(
                target, names, names, staging, conflict
            )
        )
        inserted = cursor.rowcount
        # Emptied now, not only at commit, so that a second batch in the same transaction starts
        # clean. DELETE, not TRUNCATE: TRUNCATE gives the table a new file (a catalog update per
        # batch); the deleted rows go at commit, which truncates the table in place.
        cursor.execute(sql.SQL("DELETE FROM {}").format(staging))
    return int(inserted)


def escape_like(text: str) -> str:
    """Escape ``%``, ``_`` and the escape character itself for a ``LIKE ... ESCAPE '\\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_fingerprint(params: Mapping[str, Any]) -> str:
    """A short digest of a listing's filters, stored in its NextToken.

    A token used with other filters than the ones that produced it would silently skip or
    repeat rows; the fingerprint lets :func:`decode_token` reject it instead.
    """
    canonical = json.dumps(params, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_token(position: Mapping[str, Any], fingerprint: str) -> str:
    """Encode a keyset position (the last row's sort value and id) as an opaque NextToken."""
    payload = json.dumps({"p": dict(position), "f": fingerprint}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> dict[str, Any]:
    """Decode a NextToken made by :func:`encode_token` for the same filters.

    Raises :class:`~opentruth.errors.ValidationError` for a token that is malformed or that
    belongs to a listing with other filters or another sort order.
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = data["p"]
        token_fingerprint = data["f"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValidationError(
            "Invalid NextToken: pass the NextToken of the previous response unchanged"
        ) from exc
    if not isinstance(position, dict) or token_fingerprint != fingerprint:
        raise ValidationError(
            "Invalid NextToken: it was issued for other filters or another sort order; "
            "repeat the request with the same parameters as the one that returned it"
        )
    return position
