"""Tests of opentruth.labeling.joblog: the job's stream through its role, advisory denials
recorded on it, and the service's log when the role cannot write there."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from labsupport import ACCOUNT, REGION, ROLE_ARN, make_role
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.logs import InMemoryLogStore
from opentruth.cloud.metrics import InMemoryMetricStore
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.db.engine import Database
from opentruth.labeling.joblog import LOG_GROUP, JobLog, denial_fields
from opentruth.labeling.resources import InMemoryRoles, Resources

JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/j"


def _allow(*actions: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Logs", "Effect": "Allow", "Action": list(actions), "Resource": "*"}],
    }


def _log(tmp_path: Path, policy: dict[str, Any]) -> tuple[JobLog, InMemoryLogStore, InMemoryMetricStore]:
    logs, metrics = InMemoryLogStore(), InMemoryMetricStore()
    res = Resources(
        db=Database.from_url(f"sqlite:///{tmp_path / 'x.db'}"),
        store=EmbeddedObjectStore(tmp_path / "objects", durable=False),
        logs=logs,
        metrics=metrics,
        roles=InMemoryRoles(make_role(policy)),
        account=ACCOUNT,
        region=REGION,
    )
    return JobLog(res, res.session(ROLE_ARN, JOB_ARN), "j"), logs, metrics


def _events(logs: InMemoryLogStore) -> list[dict[str, Any]]:
    return [json.loads(e.message) for e in logs.get_log_events(LOG_GROUP, "j")]


def test_denied_metrics_are_recorded_once_on_the_stream(tmp_path: Path) -> None:
    log, logs, metrics = _log(tmp_path, _allow("logs:*"))
    log.event("StateChange", status="InProgress")
    log.metrics({"JobsSucceeded": 1})
    log.metrics({"JobsSucceeded": 1})
    events = _events(logs)
    assert [e["event"] for e in events] == ["StateChange", "AccessDenied"]
    denied = events[1]["accessDenied"]
    assert denied["action"] == "cloudwatch:PutMetricData"
    assert denied["decision"] == "ImplicitlyDenied"
    assert denied["missing"] and denied["advisory"] is True
    assert metrics.list_metrics() == []


def test_an_existing_group_is_enough_without_create_log_group(tmp_path: Path) -> None:
    log, logs, _ = _log(tmp_path, _allow("logs:CreateLogStream", "logs:PutLogEvents"))
    logs.create_log_group(LOG_GROUP)
    log.event("StateChange", status="Initializing")
    events = _events(logs)
    assert [e["event"] for e in events] == ["StateChange", "AccessDenied"]
    assert events[1]["accessDenied"]["action"] == "logs:CreateLogGroup"


def test_without_a_group_the_service_log_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="opentruth.jobs")
    log, _logs, _ = _log(tmp_path, _allow("logs:CreateLogStream", "logs:PutLogEvents"))
    log.event("StateChange", status="Initializing")  # the group cannot be created: no crash
    text = [r.getMessage() for r in caplog.records]
    assert any("j: no log group" in m and "this log only" in m for m in text), text
    assert any('"status": "Initializing"' in m for m in text)  # the event itself is in this log


def test_without_put_log_events_the_service_log_names_the_action(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="opentruth.jobs")
    log, logs, _ = _log(tmp_path, _allow("logs:CreateLogGroup", "logs:CreateLogStream"))
    log.event("StateChange", status="Initializing")
    assert logs.get_log_events(LOG_GROUP, "j") == []
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "logs:PutLogEvents" in warning and "labeling job j" in warning and "this log only" in warning


def test_denial_fields_name_the_deciding_statement(tmp_path: Path) -> None:
    policy = _allow("logs:*")
    policy["Statement"].append(
        {"Sid": "NoLogs", "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"}
    )
    log, _, _ = _log(tmp_path, policy)
    with pytest.raises(RoleAccessDeniedError) as info:
        log.session.authorize(
            "logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s"
        )
    fields = denial_fields(info.value)
    assert fields["decision"] == "ExplicitlyDenied"
    assert fields["deniedBy"] == ["execution/NoLogs"]
    assert "advisory" not in fields
