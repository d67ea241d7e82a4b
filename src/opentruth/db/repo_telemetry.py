"""CloudWatch-like log events and metric data, stored in the database.

A labeling job logs to the group ``/aws/sagemaker/LabelingJobs`` with one stream per job, and
puts metrics in the namespaces of the spec. Whether the job's role may do so is decided by the
caller (through the IAM engine); this module only stores and reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID, LogEvent, MetricDatum
from opentruth.db.types import utcnow
from opentruth.errors import ValidationError

__all__ = [
    "LABELING_JOB_LOG_GROUP",
    "MetricPoint",
    "canonical_dimensions",
    "get_log_events",
    "get_metric_data",
    "list_log_streams",
    "put_log_events",
    "put_metric_data",
]

LABELING_JOB_LOG_GROUP = "/aws/sagemaker/LabelingJobs"


def put_log_events(
    session: Session,
    log_group: str,
    log_stream: str,
    events: Sequence[tuple[datetime, str]],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> int:
    """Append ``(timestamp, message)`` events to a stream; return how many were stored."""
    now = now or utcnow()
    session.add_all(
        LogEvent(
            account_id=account_id,
            log_group=log_group,
            log_stream=log_stream,
            timestamp=timestamp,
            ingested_at=now,
            message=message,
        )
        for timestamp, message in events
    )
    session.flush()
    return len(events)


def get_log_events(
    session: Session,
    log_group: str,
    log_stream: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    after_id: int | None = None,
    limit: int = 1000,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> list[LogEvent]:
    """Return a stream's events in time order: from ``since`` (inclusive), before ``until``.

    ``after_id`` continues a ``tail --follow``: pass the id of the last event already shown.
    """
    stmt = select(LogEvent).where(
        LogEvent.account_id == account_id, LogEvent.log_group == log_group, LogEvent.log_stream == log_stream
    )
    if since is not None:
        stmt = stmt.where(LogEvent.timestamp >= since)
    if until is not None:
        stmt = stmt.where(LogEvent.timestamp < until)
    if after_id is not None:
        stmt = stmt.where(LogEvent.id > after_id)
    return list(session.scalars(stmt.order_by(LogEvent.timestamp, LogEvent.id).limit(limit)))


def list_log_streams(session: Session, log_group: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> list[str]:
    """Return the names of the group's streams, sorted."""
    return sorted(
        session.scalars(
            select(LogEvent.log_stream)
            .where(LogEvent.account_id == account_id, LogEvent.log_group == log_group)
            .distinct()
        )
    )


def canonical_dimensions(dimensions: Mapping[str, str]) -> str:
    """Encode dimensions as CloudWatch lists them: ``[{"Name", "Value"}]`` sorted by name.

    One canonical text per dimension set lets both databases find a series by equality.
    """
    for name, value in dimensions.items():
        if not name or not isinstance(value, str):
            raise ValidationError(f"metric dimension {name!r}: names must be non-empty and values strings")
    return json.dumps(
        [{"Name": name, "Value": dimensions[name]} for name in sorted(dimensions)], separators=(",", ":")
    )


@dataclass(frozen=True)
class MetricPoint:
    """One data point to put."""

    metric_name: str
    value: float
    timestamp: datetime
    dimensions: Mapping[str, str]
    unit: str = "None"


def put_metric_data(
    session: Session, namespace: str, points: Sequence[MetricPoint], *, account_id: str = DEFAULT_ACCOUNT_ID
) -> int:
    """Store metric data points in a namespace; return how many."""
    session.add_all(
        MetricDatum(
            account_id=account_id,
            namespace=namespace,
            metric_name=point.metric_name,
            dimensions=canonical_dimensions(point.dimensions),
            value=float(point.value),
            unit=point.unit,
            timestamp=point.timestamp,
        )
        for point in points
    )
    session.flush()
    return len(points)


def get_metric_data(
    session: Session,
    namespace: str,
    metric_name: str,
    *,
    dimensions: Mapping[str, str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> list[MetricDatum]:
    """Return a metric's points in time order; with ``dimensions``, only that exact series."""
    stmt = select(MetricDatum).where(
        MetricDatum.account_id == account_id,
        MetricDatum.namespace == namespace,
        MetricDatum.metric_name == metric_name,
    )
    if dimensions is not None:
        stmt = stmt.where(MetricDatum.dimensions == canonical_dimensions(dimensions))
    if start is not None:
        stmt = stmt.where(MetricDatum.timestamp >= start)
    if end is not None:
        stmt = stmt.where(MetricDatum.timestamp < end)
    return list(session.scalars(stmt.order_by(MetricDatum.timestamp, MetricDatum.id)))
