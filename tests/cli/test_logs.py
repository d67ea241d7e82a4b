"""Tests of ``opentruth logs tail`` and ``opentruth metrics``."""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from datetime import datetime

import pytest

from clisupport import TEXTS, Invoke, TextLab, label_everything, ok
from opentruth.cli import logs as logs_cli
from opentruth.cloud.db_telemetry import DatabaseLogStore
from opentruth.cloud.logs import LogEvent
from opentruth.labeling.joblog import LOG_GROUP
from opentruth.runtime import Runtime


def _events(output: str) -> list[dict[str, object]]:
    """The JSON messages of ``logs tail`` lines (``<ISO time> <message>``)."""
    out = []
    for line in output.splitlines():
        stamp, _, message = line.partition(" ")
        assert datetime.fromisoformat(stamp).tzinfo is not None
        out.append(json.loads(message))
    return out


def test_tail_shows_the_state_changes(
    ot: Invoke, text_lab: TextLab, runtime_of: Callable[[], Runtime]
) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    events = _events(ok(ot("logs", "tail", "cli-text")).stdout)
    assert [e.get("status") for e in events if e["event"] == "StateChange"] == ["Initializing", "InProgress"]
    assert events[-1]["dataObjects"] == len(TEXTS)
    assert all(e["labelingJobName"] == "cli-text" for e in events)

    label_everything(runtime_of(), "cli-text")
    events = _events(ok(ot("logs", "tail", "CLI-Text")).stdout)
    assert events[-1] == {"event": "StateChange", "labelingJobName": "cli-text", "status": "Completed"}
    assert any(e["event"] == "Consolidation" for e in events)


def test_follow_prints_new_events_until_ctrl_c(
    ot: Invoke, text_lab: TextLab, runtime_of: Callable[[], Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    rt = runtime_of()
    logs = DatabaseLogStore(rt.db, rt.settings.account)
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        # Between polls the job writes an event; the second pause is the user's Ctrl-C.
        polls.append(seconds)
        if len(polls) == 1:
            ms = int(datetime.now().timestamp() * 1000)
            logs.put_log_events(LOG_GROUP, "cli-text", [LogEvent(ms, '{"event": "Later"}')])
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(logs_cli, "time", types.SimpleNamespace(sleep=sleep))
    followed = ok(ot("logs", "tail", "cli-text", "--follow", "--interval", "0.5"))
    events = _events(followed.stdout)
    assert [e["event"] for e in events] == ["StateChange", "StateChange", "Later"]  # each once
    assert polls == [0.5, 0.5]


def test_tail_errors_and_empty_stream(ot: Invoke, text_lab: TextLab) -> None:
    unknown = ot("logs", "tail", "ghost")
    assert unknown.exit_code == 1
    assert "ghost" in unknown.stderr
    ok(ot("jobs", "create", "--request", str(text_lab.request_file), "--no-wait"))
    empty = ok(ot("logs", "tail", "cli-text"))
    assert empty.stdout == ""
    assert "no log events for labeling job cli-text" in empty.stderr


def test_metrics_of_a_completed_job(ot: Invoke, text_lab: TextLab, runtime_of: Callable[[], Runtime]) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    assert "no metrics for labeling job cli-text" in ok(ot("metrics", "cli-text")).stdout
    label_everything(runtime_of(), "cli-text")
    rows = json.loads(ok(ot("metrics", "cli-text", "--json")).stdout)
    by_name = {r["MetricName"]: r for r in rows}
    assert by_name["JobsSucceeded"]["Sum"] == 1
    assert by_name["TotalDatasetObjectsLabeled"]["Latest"] == len(TEXTS)
    # Objects are consolidated in batches: the sum over the batches is every object.
    assert by_name["DatasetObjectsHumanAnnotated"]["Latest"] == len(TEXTS)
    assert all(r["Namespace"] == "AWS/Sagemaker/LabelingJobs" for r in rows)
    table = ok(ot("metrics", "cli-text")).stdout
    assert "JobsSucceeded" in table and "TotalDatasetObjectsLabeled" in table

    unknown = ot("metrics", "ghost")
    assert unknown.exit_code == 1
    assert "ghost" in unknown.stderr
