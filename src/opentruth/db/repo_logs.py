"""Log groups, log streams and event pages for the CloudWatch Logs API.

A group or stream exists when it has a row (:mod:`opentruth.db.models_logs`) *or* events: the
job log's adapter writes events without rows, and those groups must still be listed. Listings
merge both. Event pages use keyset positions on ``(timestamp, id)`` so that tokens stay valid
while new events arrive (an offset would shift).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from opentruth.db.models import LogEvent
from opentruth.db.models_logs import LogGroup, LogStream

__all__ = [
    "GroupInfo",
    "StreamInfo",
    "create_group",
    "create_stream",
    "event_position",
    "events_after",
    "events_before",
    "group_exists",
    "list_groups",
    "list_streams",
    "stream_exists",
]


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """A log group as DescribeLogGroups shows it."""

    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """A log stream with the times DescribeLogStreams shows (None when it has no event)."""

    name: str
    created_at: datetime
    first_event: datetime | None
    last_event: datetime | None
    last_ingestion: datetime | None


def create_group(session: Session, account_id: str, name: str, now: datetime) -> bool:
    """Create a group; False when it already exists (as a row or through its events)."""
    if group_exists(session, account_id, name):
        return False
    try:
        with session.begin_nested():
            session.add(LogGroup(account_id=account_id, name=name, created_at=now))
    except IntegrityError:  # created concurrently
        return False
    return True


def create_stream(session: Session, account_id: str, group: str, name: str, now: datetime) -> bool:
    """Create a stream in a group; False when it already exists."""
    if stream_exists(session, account_id, group, name):
        return False
    try:
        with session.begin_nested():
            session.add(LogStream(account_id=account_id, log_group=group, name=name, created_at=now))
    except IntegrityError:
        return False
    return True


def group_exists(session: Session, account_id: str, name: str) -> bool:
    """Whether the group has a row or at least one event."""
    row = session.scalar(select(LogGroup.id).where(LogGroup.account_id == account_id, LogGroup.name == name))
    if row is not None:
        return True
    return (
        session.scalar(
            select(LogEvent.id).where(LogEvent.account_id == account_id, LogEvent.log_group == name).limit(1)
        )
        is not None
    )


def stream_exists(session: Session, account_id: str, group: str, name: str) -> bool:
    """Whether the stream has a row or at least one event."""
    row = session.scalar(
        select(LogStream.id).where(
            LogStream.account_id == account_id, LogStream.log_group == group, LogStream.name == name
        )
    )
    if row is not None:
        return True
    return (
        session.scalar(
            select(LogEvent.id)
            .where(
                LogEvent.account_id == account_id, LogEvent.log_group == group, LogEvent.log_stream == name
            )
            .limit(1)
        )
        is not None
    )


def list_groups(session: Session, account_id: str, prefix: str = "") -> list[GroupInfo]:
    """Every group whose name starts with ``prefix``, sorted by name. A group known only by its
    events was created, as far as anyone can tell, when its first event was ingested."""
    found: dict[str, datetime] = {}
    rows = session.execute(
        select(LogGroup.name, LogGroup.created_at).where(
            LogGroup.account_id == account_id, LogGroup.name.startswith(prefix, autoescape=True)
        )
    )
    for name, created in rows:
        found[name] = created
    implicit = session.execute(
        select(LogEvent.log_group, func.min(LogEvent.ingested_at))
        .where(LogEvent.account_id == account_id, LogEvent.log_group.startswith(prefix, autoescape=True))
        .group_by(LogEvent.log_group)
    )
    for name, first in implicit:
        found[name] = min(found[name], first) if name in found else first
    return [GroupInfo(n, found[n]) for n in sorted(found)]


def list_streams(session: Session, account_id: str, group: str, prefix: str = "") -> list[StreamInfo]:
    """The group's streams starting with ``prefix``, sorted by name, with their event times."""
    created: dict[str, datetime] = {}
    for name, at in session.execute(
        select(LogStream.name, LogStream.created_at).where(
            LogStream.account_id == account_id,
            LogStream.log_group == group,
            LogStream.name.startswith(prefix, autoescape=True),
        )
    ):
        created[name] = at
    stats: dict[str, tuple[datetime | None, datetime | None, datetime | None, datetime | None]] = {}
    for name, lo, hi, lo_in, hi_in in session.execute(
        select(
            LogEvent.log_stream,
            func.min(LogEvent.timestamp),
            func.max(LogEvent.timestamp),
            func.min(LogEvent.ingested_at),
            func.max(LogEvent.ingested_at),
        )
        .where(
            LogEvent.account_id == account_id,
            LogEvent.log_group == group,
            LogEvent.log_stream.startswith(prefix, autoescape=True),
        )
        .group_by(LogEvent.log_stream)
    ):
        stats[name] = (lo, hi, lo_in, hi_in)
    out: list[StreamInfo] = []
    for name in sorted(set(created) | set(stats)):
        first, last, first_in, last_in = stats.get(name, (None, None, None, None))
        made = created.get(name) or first_in
        assert made is not None  # a stream is in one of the two maps
        out.append(StreamInfo(name, made, first, last, last_in))
    return out


def event_position(session: Session, account_id: str, event_id: int) -> tuple[datetime, int] | None:
    """The ``(timestamp, id)`` key of an event (a page token names an event by its id)."""
    at = session.scalar(
        select(LogEvent.timestamp).where(LogEvent.account_id == account_id, LogEvent.id == event_id)
    )
    return None if at is None else (at, event_id)


def _window(
    account_id: str,
    group: str,
    streams: Sequence[str] | None,
    prefix: str,
    start: datetime | None,
    end: datetime | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [LogEvent.account_id == account_id, LogEvent.log_group == group]
    if streams is not None:
        where.append(LogEvent.log_stream.in_(list(streams)))
    if prefix:
        where.append(LogEvent.log_stream.startswith(prefix, autoescape=True))
    # CloudWatch: startTime inclusive, endTime exclusive.
    if start is not None:
        where.append(LogEvent.timestamp >= start)
    if end is not None:
        where.append(LogEvent.timestamp < end)
    return where


def events_after(
    session: Session,
    account_id: str,
    group: str,
    *,
    streams: Sequence[str] | None = None,
    prefix: str = "",
    after: tuple[datetime, int] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
) -> list[LogEvent]:
    """Up to ``limit`` events after the position ``after`` (from the first one when None),
    oldest first."""
    where = _window(account_id, group, streams, prefix, start, end)
    if after is not None:
        at, ident = after
        where.append(or_(LogEvent.timestamp > at, and_(LogEvent.timestamp == at, LogEvent.id > ident)))
    stmt = select(LogEvent).where(*where).order_by(LogEvent.timestamp, LogEvent.id).limit(limit)
    return list(session.scalars(stmt))


def events_before(
    session: Session,
    account_id: str,
    group: str,
    *,
    streams: Sequence[str] | None = None,
    before: tuple[datetime, int] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
) -> list[LogEvent]:
    """Up to ``limit`` events just before the position ``before`` (the newest ones when None),
    returned oldest first."""
    where = _window(account_id, group, streams, "", start, end)
    if before is not None:
        at, ident = before
        where.append(or_(LogEvent.timestamp < at, and_(LogEvent.timestamp == at, LogEvent.id < ident)))
    stmt = select(LogEvent).where(*where).order_by(LogEvent.timestamp.desc(), LogEvent.id.desc()).limit(limit)
    return list(reversed(list(session.scalars(stmt))))
