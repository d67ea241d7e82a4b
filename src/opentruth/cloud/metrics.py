"""The metrics port (CloudWatch's ``PutMetricData`` model) and its in-memory adapter.

Ground Truth publishes worker metrics under ``AWS/SageMaker/Workteam`` and job metrics with the
dimension ``LabelingJobName``; the names are those of the spec (groundtruth.md §11). The
database adapter comes with the database layer; this module keeps the port small.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from opentruth.errors import ValidationError

#: Worker metrics (DG workteam-private-tracking).
WORKTEAM_NAMESPACE = "AWS/SageMaker/Workteam"
#: Job metrics. The DG does not state the namespace; third-party lists give this spelling.
LABELING_JOBS_NAMESPACE = "AWS/Sagemaker/LabelingJobs"

WORKER_METRICS = (
    "ActiveWorkers",
    "TasksAccepted",
    "TasksDeclined",
    "TasksReturned",
    "TasksSubmitted",
    "TimeSpent",
)
JOB_METRICS = (
    "DatasetObjectsAutoAnnotated",
    "DatasetObjectsHumanAnnotated",
    "DatasetObjectsLabelingFailed",
    "TotalDatasetObjectsLabeled",
    "JobsFailed",
    "JobsSucceeded",
    "JobsStopped",
)

#: CloudWatch's StandardUnit values.
UNITS = frozenset(
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
        "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
        "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    }
)  # fmt: skip

#: ``cloudwatch:PutMetricData`` has no resource type: IAM decides it on ``*``.
PUT_METRIC_DATA_RESOURCE = "*"


@dataclass(frozen=True, slots=True)
class MetricDatum:
    """One value of one metric, with its dimensions."""

    name: str
    value: float
    unit: str = "None"
    dimensions: Mapping[str, str] = field(default_factory=dict)
    timestamp: datetime | None = None  # the time it is put, if not given


@dataclass(frozen=True, slots=True)
class MetricId:
    """A metric: namespace, name and dimensions (as ListMetrics returns it)."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Datapoint:
    """A stored value."""

    timestamp: datetime
    value: float
    unit: str


def validate_datum(namespace: str, d: MetricDatum) -> None:
    """CloudWatch's limits: names 1-255 characters, at most 30 dimensions, a known unit, a
    finite value, and no namespace starting with ``AWS/`` unless it is one of Ground Truth's."""
    if not 1 <= len(namespace) <= 255:
        raise ValidationError(f"metric namespace {namespace!r} must be 1 to 255 characters")
    if namespace.startswith("AWS/") and namespace not in (WORKTEAM_NAMESPACE, LABELING_JOBS_NAMESPACE):
        raise ValidationError(f"metric namespace {namespace!r} is reserved for AWS services")
    if not 1 <= len(d.name) <= 255:
        raise ValidationError(f"metric name {d.name!r} must be 1 to 255 characters")
    if d.unit not in UNITS:
        raise ValidationError(
            f"metric {d.name!r}: unit {d.unit!r} is not a CloudWatch unit (e.g. Count, Seconds)"
        )
    if not math.isfinite(d.value):
        raise ValidationError(f"metric {d.name!r}: value {d.value!r} must be a finite number")
    if len(d.dimensions) > 30:
        raise ValidationError(f"metric {d.name!r} has {len(d.dimensions)} dimensions; at most 30 are allowed")
    for k, v in d.dimensions.items():
        if not 1 <= len(k) <= 255 or not 1 <= len(v) <= 1024:
            raise ValidationError(
                f"metric {d.name!r}: dimension {k!r}={v!r} has an empty or too long name/value"
            )


def _dims(dimensions: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(dimensions.items()))


@runtime_checkable
class MetricStore(Protocol):
    """Metric data points, by namespace, name and dimensions."""

    def put_metric_data(self, namespace: str, data: Sequence[MetricDatum]) -> None: ...
    def list_metrics(
        self,
        namespace: str | None = None,
        name: str | None = None,
        dimensions: Mapping[str, str] | None = None,
    ) -> list[MetricId]: ...
    def get_datapoints(
        self,
        namespace: str,
        name: str,
        dimensions: Mapping[str, str],
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[Datapoint]: ...


class InMemoryMetricStore:
    """The metrics port in memory (thread-safe)."""

    def __init__(self) -> None:
        self._series: dict[MetricId, list[Datapoint]] = {}
        self._lock = threading.Lock()

    def put_metric_data(self, namespace: str, data: Sequence[MetricDatum]) -> None:
        """Store every datum of the call, or none of them if one is invalid."""
        for d in data:
            validate_datum(namespace, d)
        now = datetime.now(UTC)
        with self._lock:
            for d in data:
                mid = MetricId(namespace, d.name, _dims(d.dimensions))
                self._series.setdefault(mid, []).append(Datapoint(d.timestamp or now, d.value, d.unit))

    def list_metrics(
        self,
        namespace: str | None = None,
        name: str | None = None,
        dimensions: Mapping[str, str] | None = None,
    ) -> list[MetricId]:
        """Metrics matching all given filters; ``dimensions`` must all be present with their values."""
        want = set((dimensions or {}).items())
        with self._lock:
            ids = list(self._series)
        return sorted(
            (
                m
                for m in ids
                if (namespace is None or m.namespace == namespace)
                and (name is None or m.name == name)
                and want <= set(m.dimensions)
            ),
            key=lambda m: (m.namespace, m.name, m.dimensions),
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
        """The values of exactly this metric (same dimensions), oldest first; ``end`` exclusive."""
        with self._lock:
            points = list(self._series.get(MetricId(namespace, name, _dims(dimensions)), []))
        return sorted(
            (
                p
                for p in points
                if (start is None or p.timestamp >= start) and (end is None or p.timestamp < end)
            ),
            key=lambda p: p.timestamp,
        )
