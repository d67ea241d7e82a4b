"""The logs port (CloudWatch Logs' model) and its in-memory adapter.

A labeling job writes to the log group ``/aws/sagemaker/LabelingJobs``, one log stream per job
named after it, as Ground Truth does. The database adapter (durable, readable from the CLI) comes
with the database layer; this module holds the port, the value types, the ARNs the job's session
is authorised on, and an in-memory adapter for tests and throw-away runs.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from opentruth.errors import ConflictError, NotFoundError, ValidationError

#: The log group of labeling jobs (one stream per job, named after it).
LABELING_JOBS_LOG_GROUP = "/aws/sagemaker/LabelingJobs"
#: The log group of private workforce activity.
WORKER_ACTIVITY_LOG_GROUP = "/aws/sagemaker/groundtruth/WorkerActivity"


class LogResourceNotFound(NotFoundError):
    """The log group or stream does not exist (CloudWatch's ResourceNotFoundException)."""

    aws_code = "ResourceNotFoundException"


class LogResourceAlreadyExists(ConflictError):
    """The log group or stream already exists (CloudWatch's ResourceAlreadyExistsException)."""

    aws_code = "ResourceAlreadyExistsException"


@dataclass(frozen=True, slots=True)
class LogEvent:
    """An event to write: milliseconds since the epoch and the message."""

    timestamp: int
    message: str


@dataclass(frozen=True, slots=True)
class StoredLogEvent:
    """An event as read back: where it is, when it happened and when it was ingested."""

    log_group: str
    log_stream: str
    timestamp: int
    message: str
    ingestion_time: int
    event_id: str


def log_group_arn(region: str, account: str, group: str) -> str:
    """The ARN IAM uses for a log group (``logs:CreateLogGroup``, ``logs:DescribeLogStreams``)."""
    return f"arn:aws:logs:{region}:{account}:log-group:{group}"


def log_stream_arn(region: str, account: str, group: str, stream: str) -> str:
    """The ARN IAM uses for a log stream (``logs:CreateLogStream``, ``logs:PutLogEvents``)."""
    return f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{stream}"


def validate_log_names(group: str, stream: str | None = None) -> None:
    """CloudWatch's name rules: group 1-512 characters of ``[.-_/#A-Za-z0-9]``, stream 1-512
    characters without ``:`` or ``*``."""
    if not 1 <= len(group) <= 512 or not all(
        ch.isascii() and (ch.isalnum() or ch in "._-/#") for ch in group
    ):
        raise ValidationError(
            f"log group name {group!r} must be 1 to 512 characters of letters, digits and . _ - / #"
        )
    if stream is not None and (not 1 <= len(stream) <= 512 or ":" in stream or "*" in stream):
        raise ValidationError(f"log stream name {stream!r} must be 1 to 512 characters without ':' or '*'")


@runtime_checkable
class LogStore(Protocol):
    """Log groups, streams and events."""

    def create_log_group(self, group: str) -> None: ...
    def create_log_stream(self, group: str, stream: str) -> None: ...
    def describe_log_streams(self, group: str, prefix: str = "") -> list[str]: ...
    def put_log_events(self, group: str, stream: str, events: Sequence[LogEvent]) -> None: ...
    def get_log_events(
        self,
        group: str,
        stream: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[StoredLogEvent]: ...
    def filter_log_events(
        self,
        group: str,
        *,
        streams: Sequence[str] | None = None,
        pattern: str = "",
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[StoredLogEvent]: ...


def _in_window(ts: int, start: int | None, end: int | None) -> bool:
    # CloudWatch: start inclusive, end exclusive.
    return (start is None or ts >= start) and (end is None or ts < end)


class InMemoryLogStore:
    """The logs port in memory (thread-safe). Events of a stream are kept in time order."""

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, list[StoredLogEvent]]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def create_log_group(self, group: str) -> None:
        validate_log_names(group)
        with self._lock:
            if group in self._groups:
                raise LogResourceAlreadyExists(f"log group {group!r} already exists")
            self._groups[group] = {}

    def _group(self, group: str) -> dict[str, list[StoredLogEvent]]:
        found = self._groups.get(group)
        if found is None:
            raise LogResourceNotFound(f"log group {group!r} does not exist; create it first")
        return found

    def create_log_stream(self, group: str, stream: str) -> None:
        validate_log_names(group, stream)
        with self._lock:
            streams = self._group(group)
            if stream in streams:
                raise LogResourceAlreadyExists(f"log stream {stream!r} already exists in {group!r}")
            streams[stream] = []

    def describe_log_streams(self, group: str, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted(s for s in self._group(group) if s.startswith(prefix))

    def put_log_events(self, group: str, stream: str, events: Sequence[LogEvent]) -> None:
        """Append events; empty messages are refused, as CloudWatch does."""
        for i, e in enumerate(events):
            if not e.message:
                raise ValidationError(f"log event {i} has an empty message")
            if e.timestamp < 0:
                raise ValidationError(f"log event {i} has a negative timestamp {e.timestamp}")
        ingested = int(time.time() * 1000)
        with self._lock:
            streams = self._group(group)
            if stream not in streams:
                raise LogResourceNotFound(
                    f"log stream {stream!r} does not exist in {group!r}; create it first"
                )
            stored = streams[stream]
            stored.extend(
                StoredLogEvent(group, stream, e.timestamp, e.message, ingested, str(next(self._ids)))
                for e in events
            )
            # A stable sort keeps events of equal timestamps in the order they were put.
            stored.sort(key=lambda ev: ev.timestamp)

    def get_log_events(
        self,
        group: str,
        stream: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[StoredLogEvent]:
        """A stream's events in time order, oldest first."""
        with self._lock:
            streams = self._group(group)
            if stream not in streams:
                raise LogResourceNotFound(f"log stream {stream!r} does not exist in {group!r}")
            out = [e for e in streams[stream] if _in_window(e.timestamp, start_time, end_time)]
        return out[:limit] if limit is not None else out

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
        """Events of the group (or of ``streams``) whose message contains ``pattern``, by time.

        ``pattern`` is a plain substring: CloudWatch's filter-pattern syntax is not modelled.
        """
        with self._lock:
            found = self._group(group)
            names = list(found) if streams is None else [s for s in streams if s in found]
            out = [
                e
                for name in names
                for e in found[name]
                if pattern in e.message and _in_window(e.timestamp, start_time, end_time)
            ]
        out.sort(key=lambda e: (e.timestamp, int(e.event_id)))
        return out[:limit] if limit is not None else out
