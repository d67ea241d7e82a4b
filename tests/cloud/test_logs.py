"""The logs port's in-memory adapter and the ARNs a job's session is authorised on."""

from __future__ import annotations

import pytest

from opentruth.cloud.logs import (
    LABELING_JOBS_LOG_GROUP,
    InMemoryLogStore,
    LogEvent,
    LogResourceAlreadyExists,
    LogResourceNotFound,
    LogStore,
    log_group_arn,
    log_stream_arn,
)
from opentruth.errors import ConflictError, NotFoundError, ValidationError


@pytest.fixture
def logs() -> InMemoryLogStore:
    store = InMemoryLogStore()
    store.create_log_group(LABELING_JOBS_LOG_GROUP)
    store.create_log_stream(LABELING_JOBS_LOG_GROUP, "job-a")
    return store


def test_adapter_satisfies_the_port(logs: InMemoryLogStore) -> None:
    assert isinstance(logs, LogStore)


def test_events_come_back_in_time_order(logs: InMemoryLogStore) -> None:
    logs.put_log_events(LABELING_JOBS_LOG_GROUP, "job-a", [LogEvent(300, "third"), LogEvent(100, "first")])
    logs.put_log_events(LABELING_JOBS_LOG_GROUP, "job-a", [LogEvent(200, "second"), LogEvent(300, "fourth")])
    got = logs.get_log_events(LABELING_JOBS_LOG_GROUP, "job-a")
    assert [e.message for e in got] == ["first", "second", "third", "fourth"]
    assert all(e.log_stream == "job-a" and e.ingestion_time > 0 for e in got)
    assert len({e.event_id for e in got}) == 4
    window = logs.get_log_events(LABELING_JOBS_LOG_GROUP, "job-a", start_time=200, end_time=300)
    assert [e.message for e in window] == ["second"]  # start inclusive, end exclusive
    assert [e.message for e in logs.get_log_events(LABELING_JOBS_LOG_GROUP, "job-a", limit=2)] == [
        "first",
        "second",
    ]


def test_filter_across_streams(logs: InMemoryLogStore) -> None:
    logs.create_log_stream(LABELING_JOBS_LOG_GROUP, "job-b")
    logs.put_log_events(LABELING_JOBS_LOG_GROUP, "job-a", [LogEvent(1, "job-a started"), LogEvent(5, "done")])
    logs.put_log_events(LABELING_JOBS_LOG_GROUP, "job-b", [LogEvent(3, "job-b started")])
    started = logs.filter_log_events(LABELING_JOBS_LOG_GROUP, pattern="started")
    assert [(e.log_stream, e.message) for e in started] == [
        ("job-a", "job-a started"),
        ("job-b", "job-b started"),
    ]
    only_b = logs.filter_log_events(LABELING_JOBS_LOG_GROUP, streams=["job-b"])
    assert [e.message for e in only_b] == ["job-b started"]
    assert logs.describe_log_streams(LABELING_JOBS_LOG_GROUP, prefix="job-") == ["job-a", "job-b"]


def test_missing_and_duplicate_resources(logs: InMemoryLogStore) -> None:
    with pytest.raises(LogResourceAlreadyExists) as dup:
        logs.create_log_group(LABELING_JOBS_LOG_GROUP)
    assert isinstance(dup.value, ConflictError)
    assert dup.value.aws_code == "ResourceAlreadyExistsException"
    with pytest.raises(LogResourceAlreadyExists):
        logs.create_log_stream(LABELING_JOBS_LOG_GROUP, "job-a")
    with pytest.raises(LogResourceNotFound) as missing:
        logs.put_log_events(LABELING_JOBS_LOG_GROUP, "no-such-job", [LogEvent(1, "x")])
    assert isinstance(missing.value, NotFoundError)
    with pytest.raises(LogResourceNotFound):
        logs.create_log_stream("/aws/other", "s")


@pytest.mark.parametrize("group", ["", "bad group!", "x" * 513])
def test_invalid_group_names(group: str) -> None:
    with pytest.raises(ValidationError, match="log group name"):
        InMemoryLogStore().create_log_group(group)


@pytest.mark.parametrize("stream", ["", "a:b", "a*"])
def test_invalid_stream_names(logs: InMemoryLogStore, stream: str) -> None:
    with pytest.raises(ValidationError, match="log stream name"):
        logs.create_log_stream(LABELING_JOBS_LOG_GROUP, stream)


def test_empty_messages_are_refused(logs: InMemoryLogStore) -> None:
    with pytest.raises(ValidationError, match="event 1"):
        logs.put_log_events(LABELING_JOBS_LOG_GROUP, "job-a", [LogEvent(1, "ok"), LogEvent(2, "")])
    assert logs.get_log_events(LABELING_JOBS_LOG_GROUP, "job-a") == []


def test_arns() -> None:
    assert log_group_arn("us-east-1", "000000000000", LABELING_JOBS_LOG_GROUP) == (
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/sagemaker/LabelingJobs"
    )
    assert log_stream_arn("us-east-1", "000000000000", LABELING_JOBS_LOG_GROUP, "job-a") == (
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/sagemaker/LabelingJobs:log-stream:job-a"
    )
