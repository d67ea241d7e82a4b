"""The SageMaker JSON 1.1 API (``X-Amz-Target: SageMaker.<Op>``) for Ground Truth.

Handlers are thin: botocore's model has already validated the input (:mod:`opentruth.api.dispatch`);
each operation authorises the caller with the operation's action on the resource's ARN, then
calls a labeling service (:class:`~opentruth.labeling.jobs.JobService`,
:class:`~opentruth.labeling.workteams.WorkteamService`,
:class:`~opentruth.labeling.workforces.WorkforceService`,
:class:`~opentruth.labeling.task_uis.HumanTaskUiService`), the same ones the CLI uses.
``CreateLabelingJob`` also needs ``iam:PassRole`` on ``RoleArn`` with ``iam:PassedToService`` =
``sagemaker.amazonaws.com``, as in AWS.

AWS checks permission before existence, so every operation authorises first: a caller without
permission learns nothing about which jobs, teams or UIs exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, Operation, json_service
from opentruth.api.read_cache import TableReadCache
from opentruth.db.models import LabelingJob
from opentruth.labeling.jobs import JobService
from opentruth.labeling.task_uis import HumanTaskUiService
from opentruth.labeling.workforces import WorkforceService
from opentruth.labeling.workteams import WorkteamService

SAGEMAKER = "sagemaker.amazonaws.com"


def _described() -> TableReadCache[dict[str, Any]]:
    # Scripts poll DescribeLabelingJob until a job completes; its answer is the job's row,
    # served again until this process writes a job row or a second passes (read_cache).
    return TableReadCache(LabelingJob.__tablename__, ttl=1.0)


@dataclass(frozen=True)
class Services:
    """The labeling services behind the operations (one set per handler)."""

    jobs: JobService
    teams: WorkteamService
    workforces: WorkforceService
    task_uis: HumanTaskUiService
    described: TableReadCache[dict[str, Any]] = field(default_factory=_described)

    @classmethod
    def of(cls, jobs: JobService) -> Services:
        """The services over the resources of ``jobs``."""
        return cls(jobs, WorkteamService(jobs.res), WorkforceService(jobs.res), HumanTaskUiService(jobs.res))


def _arn(call: AwsCall, kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{call.region}:{call.account_id}:{kind}/{name}"


def _team_arn(call: AwsCall, p: Mapping[str, Any]) -> str:
    return _arn(call, "workteam/private-crowd", p["WorkteamName"])


# ---------------------------------------------------------------------- labeling jobs


def create_labeling_job(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    human = p["HumanTaskConfig"]
    keys: dict[str, Any] = {
        "sagemaker:WorkteamArn": human["WorkteamArn"],
        "sagemaker:WorkteamType": "private-crowd",
    }
    if p.get("Tags"):
        keys["aws:TagKeys"] = [t["Key"] for t in p["Tags"]]
    call.authorize(
        "sagemaker:CreateLabelingJob", _arn(call, "labeling-job", p["LabelingJobName"]), extra=keys
    )
    call.require_pass_role(p["RoleArn"], SAGEMAKER)
    return {"LabelingJobArn": sm.jobs.create(p)}


def describe_labeling_job(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name = p["LabelingJobName"]
    call.authorize("sagemaker:DescribeLabelingJob", _arn(call, "labeling-job", name))
    # Names are unique without case; the answer is only serialised, never changed.
    return sm.described.get(name.lower(), lambda: sm.jobs.describe(name))


def list_labeling_jobs(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:ListLabelingJobs", "*")
    return sm.jobs.list(
        name_contains=p.get("NameContains"),
        status_equals=p.get("StatusEquals"),
        creation_time_after=p.get("CreationTimeAfter"),
        creation_time_before=p.get("CreationTimeBefore"),
        last_modified_time_after=p.get("LastModifiedTimeAfter"),
        last_modified_time_before=p.get("LastModifiedTimeBefore"),
        sort_by=p.get("SortBy", "CreationTime"),
        sort_order=p.get("SortOrder", "Ascending"),
        max_results=p.get("MaxResults", 10),
        next_token=p.get("NextToken"),
    )


def list_labeling_jobs_for_workteam(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:ListLabelingJobsForWorkteam", p["WorkteamArn"])
    return sm.teams.list_jobs(p)


def stop_labeling_job(sm: Services, call: AwsCall, p: dict[str, Any]) -> None:
    name = p["LabelingJobName"]
    call.authorize("sagemaker:StopLabelingJob", _arn(call, "labeling-job", name))
    sm.jobs.stop(name)  # a missing job is NotFound, and nothing is written


# ---------------------------------------------------------------------- work teams


def create_workteam(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:CreateWorkteam", _team_arn(call, p))
    return {"WorkteamArn": sm.teams.create(p)}


def describe_workteam(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:DescribeWorkteam", _team_arn(call, p))
    return sm.teams.describe(p["WorkteamName"])


def list_workteams(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:ListWorkteams", "*")
    return sm.teams.list(p)


def update_workteam(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:UpdateWorkteam", _team_arn(call, p))
    return sm.teams.update(p)


def delete_workteam(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:DeleteWorkteam", _team_arn(call, p))
    sm.teams.delete(p["WorkteamName"])
    return {"Success": True}


# ---------------------------------------------------------------------- workforces


def create_workforce(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:CreateWorkforce", _arn(call, "workforce", p["WorkforceName"]))
    return {"WorkforceArn": sm.workforces.create(p)}


def describe_workforce(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:DescribeWorkforce", _arn(call, "workforce", p["WorkforceName"]))
    return sm.workforces.describe(p["WorkforceName"])


def list_workforces(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:ListWorkforces", "*")
    return sm.workforces.list(p)


def update_workforce(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:UpdateWorkforce", _arn(call, "workforce", p["WorkforceName"]))
    return sm.workforces.update(p)


def delete_workforce(sm: Services, call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("sagemaker:DeleteWorkforce", _arn(call, "workforce", p["WorkforceName"]))
    sm.workforces.delete(p["WorkforceName"])


# ---------------------------------------------------------------------- human task UIs


def create_human_task_ui(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name = p["HumanTaskUiName"]
    call.authorize("sagemaker:CreateHumanTaskUi", _arn(call, "human-task-ui", name))
    return {"HumanTaskUiArn": sm.task_uis.create(name, p["UiTemplate"]["Content"])}


def describe_human_task_ui(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name = p["HumanTaskUiName"]
    call.authorize("sagemaker:DescribeHumanTaskUi", _arn(call, "human-task-ui", name))
    return sm.task_uis.describe(name)


def list_human_task_uis(sm: Services, call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("sagemaker:ListHumanTaskUis", "*")
    return sm.task_uis.list(p)


def delete_human_task_ui(sm: Services, call: AwsCall, p: dict[str, Any]) -> None:
    name = p["HumanTaskUiName"]
    call.authorize("sagemaker:DeleteHumanTaskUi", _arn(call, "human-task-ui", name))
    sm.task_uis.delete(name)


ServiceOperation = Callable[[Services, AwsCall, dict[str, Any]], Mapping[str, Any] | None]

#: Every SageMaker operation opentruth serves.
OPERATIONS: dict[str, ServiceOperation] = {
    "CreateLabelingJob": create_labeling_job,
    "DescribeLabelingJob": describe_labeling_job,
    "ListLabelingJobs": list_labeling_jobs,
    "ListLabelingJobsForWorkteam": list_labeling_jobs_for_workteam,
    "StopLabelingJob": stop_labeling_job,
    "CreateWorkteam": create_workteam,
    "DescribeWorkteam": describe_workteam,
    "ListWorkteams": list_workteams,
    "UpdateWorkteam": update_workteam,
    "DeleteWorkteam": delete_workteam,
    "CreateWorkforce": create_workforce,
    "DescribeWorkforce": describe_workforce,
    "ListWorkforces": list_workforces,
    "UpdateWorkforce": update_workforce,
    "DeleteWorkforce": delete_workforce,
    "CreateHumanTaskUi": create_human_task_ui,
    "DescribeHumanTaskUi": describe_human_task_ui,
    "ListHumanTaskUis": list_human_task_uis,
    "DeleteHumanTaskUi": delete_human_task_ui,
}


def operations(jobs: JobService) -> dict[str, Operation]:
    """The served operations, bound to the services over ``jobs``' resources."""
    sm = Services.of(jobs)
    return {name: functools.partial(op, sm) for name, op in OPERATIONS.items()}


def sagemaker_handler(jobs: JobService) -> Handler:
    """The SageMaker service handler, for :func:`opentruth.api.app.register_service`."""
    table = operations(jobs)
    # Describe* and List* are single indexed reads (paginated): quick enough for the event loop.
    quick = [name for name in table if name.startswith(("Describe", "List"))]
    return json_service("sagemaker", table, inline=quick)
