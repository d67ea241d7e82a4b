"""Advisory requests: a denial is recorded in the service's own log and the job goes on."""

from __future__ import annotations

import logging

import pytest

from opentruth.cloud.advisory import AdvisoryLog, advisory
from opentruth.cloud.logs import LABELING_JOBS_LOG_GROUP, InMemoryLogStore, LogEvent, log_stream_arn
from opentruth.cloud.metrics import PUT_METRIC_DATA_RESOURCE, InMemoryMetricStore, MetricDatum
from opentruth.cloud.session import RoleSession
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role

ACCOUNT = "000000000000"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def session(actions: list[str]) -> RoleSession:
    statements = [{"Effect": "Allow", "Action": actions, "Resource": "*"}] if actions else []
    role = Role.from_detail(
        {
            "RoleName": "R",
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/R",
            "AssumeRolePolicyDocument": TRUST,
            "RolePolicyList": [
                {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
            ],
        }
    )
    s = RoleSession(role, account=ACCOUNT, region="us-east-1", evaluator=Evaluator())
    return s.assume(f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/j")


def test_allowed_advisory_request_runs() -> None:
    logs = InMemoryLogStore()
    logs.create_log_group(LABELING_JOBS_LOG_GROUP)
    logs.create_log_stream(LABELING_JOBS_LOG_GROUP, "j")
    s = session(["logs:PutLogEvents"])
    arn = log_stream_arn("us-east-1", ACCOUNT, LABELING_JOBS_LOG_GROUP, "j")
    record = AdvisoryLog()
    advisory(
        s,
        "logs:PutLogEvents",
        arn,
        lambda: logs.put_log_events(LABELING_JOBS_LOG_GROUP, "j", [LogEvent(1, "hi")]),
        log=record,
    )
    assert [e.message for e in logs.get_log_events(LABELING_JOBS_LOG_GROUP, "j")] == ["hi"]
    assert record.entries() == []


def test_denied_advisory_request_is_recorded_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    metrics = InMemoryMetricStore()
    s = session([])  # a role without CloudWatch permissions
    record = AdvisoryLog()
    calls: list[int] = []

    def put() -> int:
        calls.append(1)
        metrics.put_metric_data("Custom", [MetricDatum("x", 1)])
        return 1

    with caplog.at_level(logging.WARNING, logger="opentruth.advisory"):
        result = advisory(
            s, "cloudwatch:PutMetricData", PUT_METRIC_DATA_RESOURCE, put,
            context={"cloudwatch:namespace": "Custom"}, log=record,
        )  # fmt: skip
    assert result is None and calls == [] and metrics.list_metrics() == []
    (denial,) = record.entries()
    assert denial.action == "cloudwatch:PutMetricData"
    assert denial.principal == s.arn
    assert denial.message == (
        f"User: {s.arn} is not authorized to perform: cloudwatch:PutMetricData on resource: *"
    )
    assert denial.message in caplog.text
    assert s.counts().denied == 1


def test_advisory_log_is_bounded() -> None:
    record = AdvisoryLog(max_entries=2)
    s = session([])
    for _ in range(3):
        advisory(s, "logs:CreateLogGroup", "arn:aws:logs:us-east-1:0:log-group:g", lambda: None, log=record)
    assert len(record.entries()) == 2
    record.clear()
    assert record.entries() == []
