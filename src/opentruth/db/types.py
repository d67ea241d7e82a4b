"""Column types shared by the models: timezone-aware UTC timestamps and the clock.

SQLite has no timestamp type with a zone: SQLAlchemy stores ``DateTime`` there as an ISO-like
string and hands back naive datetimes. PostgreSQL stores ``timestamptz``. :class:`UTCDateTime`
makes both behave the same for the rest of the code: it only accepts aware datetimes, stores
them as UTC, and always returns aware UTC datetimes. Because every SQLite value is written in
the same UTC format, string comparison there orders the same as time does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (the one clock of the state layer)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is aware UTC in Python on every dialect.

    Binding a naive datetime raises ``ValueError``: a naive value is ambiguous, and silently
    guessing its zone is how lease deadlines end up hours off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive UTC for SQLite, which cannot keep a zone)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return stored values as aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def copy(self, **kw: Any) -> UTCDateTime:
        """Return a copy (SQLAlchemy clones types when building tables)."""
        return UTCDateTime()
