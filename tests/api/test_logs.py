"""The CloudWatch Logs API with real boto3 against the whole server: a labeling job's log, the
advisory denials of its role, and the API's own rules (tokens, filter patterns, errors)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from labsupport import seed_policy
from obssupport import Full, full_server, run_job

GROUP = "/aws/sagemaker/LabelingJobs"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    yield from full_server(tmp_path_factory.mktemp("data"))


def _messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(e["message"]) for e in events]


def _code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def test_job_log_is_readable_with_boto3(full: Full) -> None:
    d = run_job(full, "log-job", "LogRole", seed_policy(["input-data", "output-data"]))
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    logs = full.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/sagemaker/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == [GROUP]
    assert groups[0]["logGroupArn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{GROUP}"
    streams = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix="log-")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["log-job"]
    assert streams[0]["lastEventTimestamp"] >= streams[0]["firstEventTimestamp"]

    events = logs.get_log_events(logGroupName=GROUP, logStreamName="log-job", startFromHead=True)["events"]
    body = _messages(events)
    states = [m["status"] for m in body if m["event"] == "StateChange"]
    assert states == ["Initializing", "InProgress", "Completed"]
    consolidation = [m for m in body if m["event"] == "Consolidation"]
    # Every consolidation pass reports how many objects it handled and what became of them.
    assert consolidation and all(m["objects"] > 0 and "consolidated" in m["summary"] for m in consolidation)
    assert all(m["labelingJobName"] == "log-job" for m in body)

    found = logs.filter_log_events(
        logGroupName=GROUP, logStreamNames=["log-job"], filterPattern='{ $.event = "StateChange" }'
    )["events"]
    assert [m["status"] for m in _messages(found)] == states
    assert {e["logStreamName"] for e in found} == {"log-job"}
    completed = logs.filter_log_events(logGroupName=GROUP, filterPattern='"Completed"')["events"]
    assert [m["status"] for m in _messages(completed)] == ["Completed"]


def test_advisory_denial_of_the_role_is_in_the_job_log(full: Full) -> None:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append(
        {"Sid": "NoMetrics", "Effect": "Deny", "Action": "cloudwatch:PutMetricData", "Resource": "*"}
    )
    d = run_job(full, "deny-metrics", "NoMetricsRole", policy)
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    logs = full.client("logs")
    denied = logs.filter_log_events(
        logGroupName=GROUP, logStreamNames=["deny-metrics"], filterPattern='{ $.event = "AccessDenied" }'
    )["events"]
    assert denied
    first = _messages(denied)[0]["accessDenied"]
    assert first["action"] == "cloudwatch:PutMetricData"
    assert first["resource"] == "*"
    assert first["decision"] == "ExplicitlyDenied"
    assert first["deniedBy"] == ["execution/NoMetrics"]
    assert first["advisory"] is True
    metrics = full.client("cloudwatch").list_metrics(
        Dimensions=[{"Name": "LabelingJobName", "Value": "deny-metrics"}]
    )["Metrics"]
    assert metrics == []


def test_role_without_logs_still_runs_and_the_service_log_says_so(
    full: Full, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="opentruth.jobs")
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "CloudWatch"]
    d = run_job(full, "no-logs", "NoLogsRole", policy)
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    with pytest.raises(ClientError) as info:
        full.client("logs").get_log_events(logGroupName=GROUP, logStreamName="no-logs")
    assert _code(info) == "ResourceNotFoundException"
    said = [r.getMessage() for r in caplog.records if r.name == "opentruth.jobs"]
    assert any(
        "no-logs" in m and "logs:CreateLogStream" in m and "written to this log only" in m for m in said
    ), said


def test_tokens_page_forward_and_backward(full: Full) -> None:
    logs = full.client("logs")
    logs.create_log_group(logGroupName="/test/paging")
    logs.create_log_stream(logGroupName="/test/paging", logStreamName="s")
    base = int(time.time() * 1000) - 60_000
    logs.put_log_events(
        logGroupName="/test/paging",
        logStreamName="s",
        logEvents=[{"timestamp": base + i, "message": f"event {i}"} for i in range(5)],
    )

    def page(**kw: Any) -> tuple[list[str], dict[str, Any]]:
        out = logs.get_log_events(logGroupName="/test/paging", logStreamName="s", limit=2, **kw)
        return [e["message"] for e in out["events"]], out

    newest, out = page()  # no token, not from head: the newest page, in time order
    assert newest == ["event 3", "event 4"]
    older, out = page(nextToken=out["nextBackwardToken"])
    assert older == ["event 1", "event 2"]
    oldest, out = page(nextToken=out["nextBackwardToken"])
    assert oldest == ["event 0"]
    nothing, again = page(nextToken=out["nextBackwardToken"])
    assert nothing == [] and again["nextBackwardToken"] == out["nextBackwardToken"]

    head, out = page(startFromHead=True)
    assert head == ["event 0", "event 1"]
    seen = list(head)
    while True:
        more, nxt = page(nextToken=out["nextForwardToken"])
        if nxt["nextForwardToken"] == out["nextForwardToken"]:
            assert more == []
            break
        seen += more
        out = nxt
    assert seen == [f"event {i}" for i in range(5)]

    window = logs.get_log_events(
        logGroupName="/test/paging",
        logStreamName="s",
        startTime=base + 1,
        endTime=base + 3,
        startFromHead=True,
    )
    assert [e["message"] for e in window["events"]] == ["event 1", "event 2"]


def test_create_and_put_rules(full: Full) -> None:
    logs = full.client("logs")
    logs.create_log_group(logGroupName="/test/rules")
    with pytest.raises(ClientError) as twice:
        logs.create_log_group(logGroupName="/test/rules")
    assert _code(twice) == "ResourceAlreadyExistsException"
    with pytest.raises(ClientError) as no_group:
        logs.create_log_stream(logGroupName="/test/missing", logStreamName="s")
    assert _code(no_group) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as no_stream:
        logs.put_log_events(
            logGroupName="/test/rules", logStreamName="nope", logEvents=[{"timestamp": 1, "message": "x"}]
        )
    assert _code(no_stream) == "ResourceNotFoundException"
    # The group is listed before it has any event.
    listed = logs.describe_log_groups(logGroupNamePrefix="/test/rules")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["/test/rules"]

    logs.create_log_stream(logGroupName="/test/rules", logStreamName="s")
    now = int(time.time() * 1000)
    with pytest.raises(ClientError) as unordered:
        logs.put_log_events(
            logGroupName="/test/rules",
            logStreamName="s",
            logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 5, "message": "a"}],
        )
    assert _code(unordered) == "InvalidParameterException"
    old = now - 15 * 24 * 3600 * 1000
    out = logs.put_log_events(
        logGroupName="/test/rules",
        logStreamName="s",
        logEvents=[{"timestamp": old, "message": "too old"}, {"timestamp": now, "message": "kept"}],
    )
    assert out["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 0}
    kept = logs.get_log_events(logGroupName="/test/rules", logStreamName="s")["events"]
    assert [e["message"] for e in kept] == ["kept"]
    with pytest.raises(ClientError) as bad_limit:
        logs.describe_log_groups(limit=100)
    assert _code(bad_limit) == "InvalidParameterException"
    assert "1 validation error detected" in bad_limit.value.response["Error"]["Message"]


def test_filter_patterns(full: Full) -> None:
    logs = full.client("logs")
    logs.create_log_group(logGroupName="/test/filter")
    now = int(time.time() * 1000)
    lines = {
        "a": ["ERROR disk full", "WARN disk slow"],
        "b": ["INFO all good", json.dumps({"level": "error", "code": 5})],
    }
    for stream, messages in lines.items():
        logs.create_log_stream(logGroupName="/test/filter", logStreamName=stream)
        logs.put_log_events(
            logGroupName="/test/filter",
            logStreamName=stream,
            logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(messages)],
        )

    def find(pattern: str, **kw: Any) -> list[str]:
        out = logs.filter_log_events(logGroupName="/test/filter", filterPattern=pattern, **kw)
        return sorted(e["message"] for e in out["events"])

    assert find("ERROR") == ["ERROR disk full"]
    assert find("disk") == ["ERROR disk full", "WARN disk slow"]
    assert find("?ERROR ?WARN") == ["ERROR disk full", "WARN disk slow"]
    assert find("disk -WARN") == ["ERROR disk full"]
    assert find('"all good"') == ["INFO all good"]
    assert find("{ $.code > 3 }") == [json.dumps({"level": "error", "code": 5})]
    assert find("", logStreamNames=["b"]) == sorted(lines["b"])
    assert len(find("")) == 4
    with pytest.raises(ClientError) as bad:
        find("[ip, user]")
    assert _code(bad) == "InvalidParameterException"

    walked: list[str] = []
    kw: dict[str, Any] = {}
    while True:
        out = logs.filter_log_events(logGroupName="/test/filter", limit=1, **kw)
        walked += [e["message"] for e in out["events"]]
        if "nextToken" not in out:
            break
        kw = {"nextToken": out["nextToken"]}
    assert sorted(walked) == sorted(lines["a"] + lines["b"])


def test_describe_pages_and_orders(full: Full) -> None:
    logs = full.client("logs")
    for name in ("/p/a", "/p/b", "/p/c"):
        logs.create_log_group(logGroupName=name)
    pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/p/", limit=2)
    sizes = []
    names = []
    for p in pages:
        sizes.append(len(p["logGroups"]))
        names += [g["logGroupName"] for g in p["logGroups"]]
    assert names == ["/p/a", "/p/b", "/p/c"] and sizes == [2, 1]

    now = int(time.time() * 1000)
    for i, stream in enumerate(("late", "early")):
        logs.create_log_stream(logGroupName="/p/a", logStreamName=stream)
        logs.put_log_events(
            logGroupName="/p/a",
            logStreamName=stream,
            logEvents=[{"timestamp": now - 1000 * i, "message": "x"}],
        )
    by_time = logs.describe_log_streams(logGroupName="/p/a", orderBy="LastEventTime", descending=True)
    assert [s["logStreamName"] for s in by_time["logStreams"]] == ["late", "early"]
    by_name = logs.describe_log_streams(logGroupName="/p/a")
    assert [s["logStreamName"] for s in by_name["logStreams"]] == ["early", "late"]
    with pytest.raises(ClientError) as info:
        logs.describe_log_streams(logGroupName="/p/a", orderBy="LastEventTime", logStreamNamePrefix="l")
    assert _code(info) == "InvalidParameterException"


def test_callers_are_authorised(full: Full) -> None:
    key, secret = full.user(
        "reader",
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
        },
    )
    logs = full.client("logs", key, secret)
    assert logs.describe_log_groups()["logGroups"]
    with pytest.raises(ClientError) as info:
        logs.get_log_events(logGroupName=GROUP, logStreamName="log-job")
    assert _code(info) == "AccessDeniedException"
    assert info.value.response["Error"]["Message"] == (
        "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: logs:GetLogEvents "
        f"on resource: arn:aws:logs:us-east-1:000000000000:log-group:{GROUP}:log-stream:log-job"
    )
