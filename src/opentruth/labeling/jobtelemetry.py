"""The metrics a job puts after each consolidation: Ground Truth's job and worker metrics.

Job metrics (namespace ``AWS/Sagemaker/LabelingJobs``, dimension ``LabelingJobName``):
``DatasetObjectsHumanAnnotated``, ``DatasetObjectsAutoAnnotated``,
``DatasetObjectsLabelingFailed`` and ``TotalDatasetObjectsLabeled`` are *running totals*, which
is why the spec's statistic for them is Maximum (groundtruth.md §11); they are read from the
job's LabelCounters, so a retried step puts the same totals again instead of counting twice.

Worker metrics (namespace ``AWS/SageMaker/Workteam``, dimensions ``LabelingJob``, ``Workteam``
and ``WorkerId``, the names third-party dashboards show for Ground Truth's worker metrics):
``TasksAccepted``, ``TasksSubmitted``, ``TasksDeclined``, ``TasksReturned`` (counts, statistic
Sum) and ``TimeSpent`` (seconds from taking a task to submitting it). They are put once per
consolidation batch, for the tasks of the objects that batch finished, in one
``PutMetricData`` through the job's role: the worker API's hot path (take, submit) does no
CloudWatch work at all, and each task is counted exactly once because an object is
consolidated once. (AWS documents the worker metrics' names, not their dimensions; these are
partly inferred, groundtruth.md §11.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from opentruth.cloud.metrics import MetricDatum
from opentruth.db import repo_jobs
from opentruth.db.models import Assignment, AssignmentState, LabelingJob, Worker
from opentruth.labeling.joblog import JOB_NAMESPACE, WORKTEAM_NAMESPACE, JobLog
from opentruth.labeling.resources import Resources

__all__ = ["WorkerTally", "job_totals", "record_consolidation", "worker_tallies"]


@dataclass
class WorkerTally:
    """One worker's tasks among a batch's objects."""

    accepted: int = 0
    submitted: int = 0
    declined: int = 0
    returned: int = 0
    seconds: float = 0.0


def job_totals(res: Resources, job_id: int) -> dict[str, float]:
    """The job's running totals under Ground Truth's metric names."""
    with res.db.read() as s:
        job = repo_jobs.get_job_by_id(s, job_id)
        return {
            "DatasetObjectsHumanAnnotated": float(job.human_labeled),
            "DatasetObjectsAutoAnnotated": float(job.machine_labeled),
            "DatasetObjectsLabelingFailed": float(job.failed_non_retryable),
            "TotalDatasetObjectsLabeled": float(job.total_labeled),
        }


def worker_tallies(res: Resources, object_ids: Sequence[int]) -> dict[str, WorkerTally]:
    """Per worker (public id): the tasks they took on these objects, and what became of them."""
    out: dict[str, WorkerTally] = {}
    if not object_ids:
        return out
    with res.db.read() as s:
        rows = s.execute(
            select(Worker.public_id, Assignment.state, Assignment.leased_at, Assignment.submitted_at)
            .join(Worker, Worker.id == Assignment.worker_id)
            .where(Assignment.object_id.in_(list(object_ids)))
        ).all()
    for public_id, state, leased_at, submitted_at in rows:
        t = out.setdefault(str(public_id), WorkerTally())
        t.accepted += 1
        if state == AssignmentState.SUBMITTED.value:
            t.submitted += 1
            if submitted_at is not None:
                t.seconds += max(0.0, (submitted_at - leased_at).total_seconds())
        elif state == AssignmentState.DECLINED.value:
            t.declined += 1
        elif state == AssignmentState.RELEASED.value:
            t.returned += 1
    return out


def record_consolidation(res: Resources, job: LabelingJob, log: JobLog, object_ids: Sequence[int]) -> None:
    """Put the job's running totals and the worker metrics of the objects just consolidated."""
    log.metrics(job_totals(res, job.id), JOB_NAMESPACE)
    team = job.workteam_arn.rsplit("/", 1)[-1]
    now = res.clock()
    data: list[MetricDatum] = []
    for worker, t in sorted(worker_tallies(res, object_ids).items()):
        dims = {"LabelingJob": job.name, "Workteam": team, "WorkerId": worker}
        for name, value, unit in (
            ("TasksAccepted", t.accepted, "Count"),
            ("TasksSubmitted", t.submitted, "Count"),
            ("TasksDeclined", t.declined, "Count"),
            ("TasksReturned", t.returned, "Count"),
            ("TimeSpent", t.seconds, "Seconds"),
        ):
            data.append(MetricDatum(name, float(value), unit, dims, now))
    log.put_metric_data(WORKTEAM_NAMESPACE, data)
