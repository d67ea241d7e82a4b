"""Logs and metrics kept in the database: what ``opentruth serve`` uses by default, so that
``opentruth logs tail`` and ``opentruth metrics`` in another process see the same data.

Log groups and streams exist implicitly here: creating one is idempotent and a stream is known
once it has an event. (CloudWatch's own ``ResourceAlreadyExists`` is the logs API's concern.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from opentruth.cloud.logs import LogEvent, StoredLogEvent, validate_log_names
from opentruth.cloud.metrics import Datapoint, MetricDatum, MetricId, validate_datum
from opentruth.db import repo_telemetry as tele
from opentruth.db.engine import Database
from opentruth.db.models import LogEvent as LogRow
from opentruth.db.models import MetricDatum as MetricRow
from opentruth.errors import ValidationError


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _stored(row: LogRow) -> StoredLogEvent:
    return StoredLogEvent(
        row.log_group, row.log_stream, _ms(row.timestamp), row.message, _ms(row.ingested_at), str(row.id)
    )


class DatabaseLogStore:
    """The logs port on the database."""

    def __init__(self, db: Database, account: str) -> None:
        self.db = db
        self.account = account

    def create_log_group(self, group: str) -> None:
        validate_log_names(group)

    def create_log_stream(self, group: str, stream: str) -> None:
        validate_log_names(group, stream)

    def describe_log_streams(self, group: str, prefix: str = "") -> list[str]:
        with self.db.read() as s:
            return [
                x for x in tele.list_log_streams(s, group, account_id=self.account) if x.startswith(prefix)
            ]

    def put_log_events(self, group: str, stream: str, events: Sequence[LogEvent]) -> None:
        for i, e in enumerate(events):
            if not e.message:
                raise ValidationError(f"log event {i} has an empty message")
        with self.db.transaction() as s:
            tele.put_log_events(
                s, group, stream, [(_at(e.timestamp), e.message) for e in events], account_id=self.account
            )

    def get_log_events(
        self,
        group: str,
        stream: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
        after_id: int | None = None,
    ) -> list[StoredLogEvent]:
        with self.db.read() as s:
            rows = tele.get_log_events(
                s,
                group,
                stream,
                since=None if start_time is None else _at(start_time),
                until=None if end_time is None else _at(end_time),
                after_id=after_id,
                limit=limit or 10_000,
                account_id=self.account,
            )
            return [_stored(r) for r in rows]

    def filter_log_events(
        self,
        group: str,
        *,
        streams: Sequence[str] | None = None,
        pattern: str = "",
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[StoredLogEvent]:
        names = streams if streams is not None else self.describe_log_streams(group)
        out = [
            e
            for name in names
            for e in self.get_log_events(group, name, start_time=start_time, end_time=end_time)
            if pattern in e.message
        ]
        out.sort(key=lambda e: (e.timestamp, int(e.event_id)))
        return out[:limit] if limit is not None else out


class DatabaseMetricStore:
    """The metrics port on the database."""

    def __init__(self, db: Database, account: str) -> None:
        self.db = db
        self.account = account

    def put_metric_data(self, namespace: str, data: Sequence[MetricDatum]) -> None:
        for d in data:
            validate_datum(namespace, d)
        now = datetime.now(UTC)
        points = [
            tele.MetricPoint(d.name, d.value, d.timestamp or now, dict(d.dimensions), d.unit) for d in data
        ]
        with self.db.transaction() as s:
            tele.put_metric_data(s, namespace, points, account_id=self.account)

    def list_metrics(
        self,
        namespace: str | None = None,
        name: str | None = None,
        dimensions: Mapping[str, str] | None = None,
    ) -> list[MetricId]:
        from sqlalchemy import select

        want = set((dimensions or {}).items())
        with self.db.read() as s:
            stmt = select(MetricRow.namespace, MetricRow.metric_name, MetricRow.dimensions).where(
                MetricRow.account_id == self.account
            )
            if namespace is not None:
                stmt = stmt.where(MetricRow.namespace == namespace)
            if name is not None:
                stmt = stmt.where(MetricRow.metric_name == name)
            rows = set(s.execute(stmt.distinct()).all())
        ids = [
            MetricId(ns, n, tuple(sorted((x["Name"], x["Value"]) for x in json.loads(d))))
            for ns, n, d in rows
        ]
        return sorted(
            (m for m in ids if want <= set(m.dimensions)), key=lambda m: (m.namespace, m.name, m.dimensions)
        )

    def get_datapoints(
        self,
        namespace: str,
        name: str,
        dimensions: Mapping[str, str],
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[Datapoint]:
        with self.db.read() as s:
            rows = tele.get_metric_data(
                s, namespace, name, dimensions=dimensions, start=start, end=end, account_id=self.account
            )
            return [Datapoint(r.timestamp, r.value, r.unit) for r in rows]
