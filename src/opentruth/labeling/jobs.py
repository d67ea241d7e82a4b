"""Labeling jobs as the SageMaker API sees them: create, describe, list, stop.

Creating a job stores it in ``Initializing`` and queues its first step; the steps themselves are
in :mod:`opentruth.labeling.runner`. The database is the source of truth: this module only
validates, records and reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from opentruth.awsmodel.labeling import check_create_labeling_job, is_public_workteam
from opentruth.awsmodel.validate import parse_input
from opentruth.db import repo_jobs, repo_tasks, repo_work, repo_workforce
from opentruth.db.models import JobStatus, LabelingJob
from opentruth.errors import NotFoundError, ValidationError
from opentruth.labeling.autolabel.checks import check_create as check_autolabel
from opentruth.labeling.encryption import check_keys_exist
from opentruth.labeling.output import OutputLayout
from opentruth.labeling.resources import Resources
from opentruth.labeling.tasks import behaviour_of

#: Kicks a work item by key (huey in the server; a no-op when a runner polls the database).
Kick = Callable[[str], None]

# The request members DescribeLabelingJob returns as given, in the model's order.
_ECHOED = (
    "LabelAttributeName",
    "InputConfig",
    "OutputConfig",
    "RoleArn",
    "LabelCategoryConfigS3Uri",
    "StoppingConditions",
    "LabelingJobAlgorithmsConfig",
    "HumanTaskConfig",
    "Tags",
)


def init_key(job_id: int) -> str:
    return f"init:{job_id}"


def stop_key(job_id: int) -> str:
    return f"stop:{job_id}"


def _jsonable(value: Any) -> Any:
    """The request as stored: timestamps become ISO text (the model has none here, but be safe)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _missing_workteam(team_arn: str) -> str:
    """Why ``team_arn`` cannot label: the public workforce is not a typo, it does not exist here."""
    create = "opentruth workteams create --name T --members a,b, or CreateWorkteam"
    if is_public_workteam(team_arn):
        return (
            f"HumanTaskConfig.WorkteamArn {team_arn} is the public Amazon Mechanical Turk workforce, "
            "which opentruth does not have: it has only private work teams. Create one "
            f"({create}) and give its ARN"
        )
    return f"Workteam {team_arn} does not exist; create it first ({create})"


class JobService:
    """Create, describe, list and stop labeling jobs."""

    def __init__(self, res: Resources, kick: Kick | None = None) -> None:
        self.res = res
        self.kick = kick or (lambda _key: None)

    def create(self, request: dict[str, Any]) -> str:
        """Validate a CreateLabelingJob request (botocore's model, then Ground Truth's own rules),
        store the job and queue its initialisation. Returns the ``LabelingJobArn``.

        Errors: ``ValidationException`` naming the member; ``ResourceInUse`` for a duplicate name.
        """
        parsed = parse_input("sagemaker", "CreateLabelingJob", request)
        check_create_labeling_job(parsed, region=self.res.region)
        behaviour_of(parsed)  # refuses task types opentruth does not run yet
        check_keys_exist(self.res, parsed)  # OutputConfig.KmsKeyId / VolumeKmsKeyId
        check_autolabel(self.res, parsed)  # self-PassRole, supported algorithm, initial model
        stored = _jsonable(copy.deepcopy(parsed))
        team_arn = stored["HumanTaskConfig"]["WorkteamArn"]
        with self.res.db.transaction() as s:
            try:
                repo_workforce.get_workteam(s, team_arn, account_id=self.res.account)
            except NotFoundError:
                raise ValidationError(_missing_workteam(team_arn)) from None
            job = repo_jobs.create_job(s, stored, account_id=self.res.account, now=self.res.clock())
            repo_work.enqueue_work(s, "init", init_key(job.id), job_id=job.id, now=self.res.clock())
            arn, key = job.arn, init_key(job.id)
        self.kick(key)
        return arn

    def describe(self, name: str) -> dict[str, Any]:
        """The DescribeLabelingJob response (timestamps as aware datetimes)."""
        with self.res.db.read() as s:
            return describe_job(repo_jobs.get_job(s, name, account_id=self.res.account))

    def list(
        self,
        *,
        name_contains: str | None = None,
        status_equals: str | None = None,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        sort_by: str = "CreationTime",
        sort_order: str = "Ascending",
        max_results: int = 10,
        next_token: str | None = None,
        workteam_arn: str | None = None,
    ) -> dict[str, Any]:
        """The ListLabelingJobs response: ``LabelingJobSummaryList`` and ``NextToken``."""
        with self.res.db.read() as s:
            page = repo_jobs.list_jobs(
                s,
                account_id=self.res.account,
                name_contains=name_contains,
                status_equals=status_equals,
                creation_time_after=creation_time_after,
                creation_time_before=creation_time_before,
                last_modified_time_after=last_modified_time_after,
                last_modified_time_before=last_modified_time_before,
                workteam_arn=workteam_arn,
                sort_by=sort_by,
                sort_order=sort_order,
                max_results=max_results,
                next_token=next_token,
            )
            out: dict[str, Any] = {"LabelingJobSummaryList": [summarize_job(j) for j in page.jobs]}
        if page.next_token:
            out["NextToken"] = page.next_token
        return out

    def stop(self, name: str) -> None:
        """StopLabelingJob: the job goes to ``Stopping``; results so far are written out, then
        it is ``Stopped``. Stopping a job that already ended does nothing (as in AWS)."""
        with self.res.db.transaction() as s:
            job = repo_jobs.get_job(s, name, account_id=self.res.account)
            if JobStatus(job.status) not in (JobStatus.INITIALIZING, JobStatus.IN_PROGRESS):
                return
            repo_jobs.transition_job(s, job.id, JobStatus.STOPPING, now=self.res.clock())
            repo_tasks.revoke_job_leases(s, job.id, now=self.res.clock())
            repo_work.enqueue_work(s, "stop", stop_key(job.id), job_id=job.id, now=self.res.clock())
            key = stop_key(job.id)
        self.kick(key)


def describe_job(job: LabelingJob) -> dict[str, Any]:
    """Build DescribeLabelingJob's response from a job row."""
    req = job.request
    out: dict[str, Any] = {
        "LabelingJobStatus": job.status,
        "LabelCounters": repo_jobs.label_counters(job),
    }
    if job.failure_reason:
        out["FailureReason"] = job.failure_reason
    out.update(
        {
            "CreationTime": job.created_at,
            "LastModifiedTime": job.last_modified_at,
            "JobReferenceCode": job.job_reference_code,
            "LabelingJobName": job.name,
            "LabelingJobArn": job.arn,
        }
    )
    for member in _ECHOED:
        if member in req:
            out[member] = copy.deepcopy(req[member])
    if job.output:
        out["LabelingJobOutput"] = dict(job.output)
    return out


def summarize_job(job: LabelingJob) -> dict[str, Any]:
    """One ``LabelingJobSummary`` of ListLabelingJobs."""
    req = job.request
    human = req.get("HumanTaskConfig", {})
    out: dict[str, Any] = {
        "LabelingJobName": job.name,
        "LabelingJobArn": job.arn,
        "CreationTime": job.created_at,
        "LastModifiedTime": job.last_modified_at,
        "LabelingJobStatus": job.status,
        "LabelCounters": repo_jobs.label_counters(job),
        "WorkteamArn": job.workteam_arn,
    }
    if "PreHumanTaskLambdaArn" in human:
        out["PreHumanTaskLambdaArn"] = human["PreHumanTaskLambdaArn"]
    acs = human.get("AnnotationConsolidationConfig", {}).get("AnnotationConsolidationLambdaArn")
    if acs:
        out["AnnotationConsolidationLambdaArn"] = acs
    if job.failure_reason:
        out["FailureReason"] = job.failure_reason
    if job.output:
        out["LabelingJobOutput"] = dict(job.output)
    out["InputConfig"] = copy.deepcopy(req.get("InputConfig", {}))
    return out


def output_layout(job: LabelingJob) -> OutputLayout:
    """Where the job's output goes."""
    return OutputLayout(job.request["OutputConfig"]["S3OutputPath"], job.name)
