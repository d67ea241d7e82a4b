"""Tests of opentruth.db.repo_telemetry: log events and metric data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from opentruth.db.engine import Database
from opentruth.db.repo_telemetry import (
    LABELING_JOB_LOG_GROUP,
    MetricPoint,
    canonical_dimensions,
    get_log_events,
    get_metric_data,
    list_log_streams,
    put_log_events,
    put_metric_data,
)
from opentruth.errors import ValidationError

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_log_events_are_read_back_by_stream_in_time_order(db: Database) -> None:
    with db.transaction() as session:
        put_log_events(
            session, LABELING_JOB_LOG_GROUP, "job-a", [(T0 + timedelta(seconds=2), "second"), (T0, "first")]
        )
        put_log_events(session, LABELING_JOB_LOG_GROUP, "job-b", [(T0, "other job")])
        put_log_events(session, "/other/group", "job-a", [(T0, "other group")])
    with db.read() as session:
        events = get_log_events(session, LABELING_JOB_LOG_GROUP, "job-a")
        assert [e.message for e in events] == ["first", "second"]
        since = get_log_events(session, LABELING_JOB_LOG_GROUP, "job-a", since=T0 + timedelta(seconds=1))
        assert [e.message for e in since] == ["second"]
        until = get_log_events(session, LABELING_JOB_LOG_GROUP, "job-a", until=T0 + timedelta(seconds=1))
        assert [e.message for e in until] == ["first"]
        follow = get_log_events(session, LABELING_JOB_LOG_GROUP, "job-a", after_id=max(e.id for e in events))
        assert follow == []
        assert list_log_streams(session, LABELING_JOB_LOG_GROUP) == ["job-a", "job-b"]
        assert events[0].timestamp == T0


def test_metrics_are_found_by_exact_dimensions_and_time(db: Database) -> None:
    dims = {"LabelingJobName": "job-a", "Workteam": "t"}
    with db.transaction() as session:
        put_metric_data(
            session,
            "AWS/SageMaker/LabelingJobs",
            [
                MetricPoint("DatasetObjectsHumanAnnotated", 1, T0, dims, "Count"),
                MetricPoint(
                    "DatasetObjectsHumanAnnotated", 3, T0 + timedelta(minutes=1), dict(reversed(dims.items()))
                ),
                MetricPoint("DatasetObjectsHumanAnnotated", 9, T0, {"LabelingJobName": "job-b"}),
            ],
        )
    with db.read() as session:
        series = get_metric_data(
            session, "AWS/SageMaker/LabelingJobs", "DatasetObjectsHumanAnnotated", dimensions=dims
        )
        assert [p.value for p in series] == [1.0, 3.0]
        assert series[0].unit == "Count"
        everything = get_metric_data(session, "AWS/SageMaker/LabelingJobs", "DatasetObjectsHumanAnnotated")
        assert sorted(p.value for p in everything) == [1.0, 3.0, 9.0]
        window = get_metric_data(
            session,
            "AWS/SageMaker/LabelingJobs",
            "DatasetObjectsHumanAnnotated",
            start=T0 + timedelta(seconds=30),
            end=T0 + timedelta(minutes=2),
        )
        assert [p.value for p in window] == [3.0]


def test_canonical_dimensions() -> None:
    assert canonical_dimensions({"b": "2", "a": "1"}) == '[{"Name":"a","Value":"1"},{"Name":"b","Value":"2"}]'
    with pytest.raises(ValidationError):
        canonical_dimensions({"": "x"})
