"""Tests of opentruth.labeling.jobtelemetry: running totals and per-worker metrics put after
each consolidation, through the job's role (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from labsupport import Lab, job_request, label_all
from opentruth.labeling.joblog import JOB_NAMESPACE, WORKTEAM_NAMESPACE


def _sum(lab: Lab, ns: str, name: str, dims: dict[str, str]) -> float:
    return sum(p.value for p in lab.res.metrics.get_datapoints(ns, name, dims))


def _max(lab: Lab, ns: str, name: str, dims: dict[str, str]) -> float:
    return max(p.value for p in lab.res.metrics.get_datapoints(ns, name, dims))


def test_totals_and_worker_metrics(lab: Lab) -> None:
    lab.labels(["neg", "pos"])
    lab.manifest([{"source": f"text {i}"} for i in range(4)])
    lab.jobs.create(job_request("tele", "TextMultiClass", workers=2))
    lab.runner.run_pending()
    first, *others = lab.identities
    task = lab.workers.next_task(first, "tele")
    assert task is not None
    lab.workers.decline(first, task["taskId"])

    def answer(_w: Any, _t: dict[str, Any]) -> dict[str, Any]:
        return {"crowd-classifier": {"label": "pos"}}

    label_all(lab, "tele", answer, others)
    job = {"LabelingJobName": "tele"}
    assert _max(lab, JOB_NAMESPACE, "TotalDatasetObjectsLabeled", job) == 4
    assert _max(lab, JOB_NAMESPACE, "DatasetObjectsHumanAnnotated", job) == 4
    assert _max(lab, JOB_NAMESPACE, "DatasetObjectsLabelingFailed", job) == 0
    assert _sum(lab, JOB_NAMESPACE, "JobsSucceeded", job) == 1

    def worker(w: Any) -> dict[str, str]:
        return {"LabelingJob": "tele", "Workteam": "labelers", "WorkerId": w.public_id}

    assert _sum(lab, WORKTEAM_NAMESPACE, "TasksDeclined", worker(first)) == 1
    assert _sum(lab, WORKTEAM_NAMESPACE, "TasksSubmitted", worker(first)) == 0
    # A declined task uses one of the object's two slots: the others submitted 4 * 2 - 1 tasks.
    submitted = [_sum(lab, WORKTEAM_NAMESPACE, "TasksSubmitted", worker(w)) for w in others]
    assert sum(submitted) == 7
    for w, n in zip(others, submitted, strict=True):
        assert _sum(lab, WORKTEAM_NAMESPACE, "TasksAccepted", worker(w)) == n
        assert _sum(lab, WORKTEAM_NAMESPACE, "TimeSpent", worker(w)) >= 0
    units = {
        p.unit for p in lab.res.metrics.get_datapoints(WORKTEAM_NAMESPACE, "TimeSpent", worker(others[0]))
    }
    assert units == {"Seconds"}
