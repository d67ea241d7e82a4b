"""The metrics port's in-memory adapter."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from opentruth.cloud.metrics import (
    JOB_METRICS,
    LABELING_JOBS_NAMESPACE,
    WORKER_METRICS,
    WORKTEAM_NAMESPACE,
    InMemoryMetricStore,
    MetricDatum,
    MetricStore,
)
from opentruth.errors import ValidationError

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_adapter_satisfies_the_port() -> None:
    assert isinstance(InMemoryMetricStore(), MetricStore)


def test_put_list_and_get() -> None:
    m = InMemoryMetricStore()
    job = {"LabelingJobName": "job-a"}
    m.put_metric_data(
        LABELING_JOBS_NAMESPACE,
        [
            MetricDatum("DatasetObjectsHumanAnnotated", 2, "Count", job, T0 + timedelta(minutes=1)),
            MetricDatum("DatasetObjectsHumanAnnotated", 1, "Count", job, T0),
            MetricDatum("JobsSucceeded", 1, "Count", job, T0),
        ],
    )
    m.put_metric_data(WORKTEAM_NAMESPACE, [MetricDatum("TasksSubmitted", 1, "Count", {"WorkerId": "w1"})])
    names = [x.name for x in m.list_metrics(namespace=LABELING_JOBS_NAMESPACE)]
    assert names == ["DatasetObjectsHumanAnnotated", "JobsSucceeded"]
    assert [x.namespace for x in m.list_metrics(dimensions={"WorkerId": "w1"})] == [WORKTEAM_NAMESPACE]
    assert m.list_metrics(dimensions={"LabelingJobName": "job-b"}) == []
    points = m.get_datapoints(LABELING_JOBS_NAMESPACE, "DatasetObjectsHumanAnnotated", job)
    assert [(p.timestamp, p.value) for p in points] == [(T0, 1), (T0 + timedelta(minutes=1), 2)]
    assert (
        m.get_datapoints(
            LABELING_JOBS_NAMESPACE, "DatasetObjectsHumanAnnotated", job, end=T0 + timedelta(seconds=1)
        )[0].value
        == 1
    )
    # Dimensions are part of the metric's identity.
    assert m.get_datapoints(LABELING_JOBS_NAMESPACE, "DatasetObjectsHumanAnnotated", {}) == []


def test_untimed_data_gets_the_current_time() -> None:
    m = InMemoryMetricStore()
    before = datetime.now(UTC)
    m.put_metric_data(WORKTEAM_NAMESPACE, [MetricDatum("ActiveWorkers", 1)])
    (p,) = m.get_datapoints(WORKTEAM_NAMESPACE, "ActiveWorkers", {})
    assert p.timestamp >= before and p.unit == "None"


@pytest.mark.parametrize(
    ("namespace", "datum"),
    [
        ("", MetricDatum("x", 1)),
        ("AWS/EC2", MetricDatum("x", 1)),
        ("Custom", MetricDatum("", 1)),
        ("Custom", MetricDatum("x", 1, unit="Apples")),
        ("Custom", MetricDatum("x", math.nan)),
        ("Custom", MetricDatum("x", 1, dimensions={f"d{i}": "v" for i in range(31)})),
    ],
    ids=["empty-ns", "aws-ns", "empty-name", "bad-unit", "nan", "too-many-dims"],
)
def test_invalid_data_is_refused_whole(namespace: str, datum: MetricDatum) -> None:
    m = InMemoryMetricStore()
    with pytest.raises(ValidationError):
        m.put_metric_data(namespace, [MetricDatum("good", 1), datum])
    assert m.list_metrics() == []


def test_spec_metric_names() -> None:
    assert "TasksSubmitted" in WORKER_METRICS and "TotalDatasetObjectsLabeled" in JOB_METRICS
