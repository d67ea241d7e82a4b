"""The SageMaker JSON 1.1 API (``X-Amz-Target: SageMaker.<Op>``) for Ground Truth.

Handlers are thin: botocore's model has already validated the input (:mod:`opentruth.api.dispatch`);
each operation authorises the caller with the operation's action on the resource's ARN, then
calls the labeling services. ``CreateLabelingJob`` also needs ``iam:PassRole`` on ``RoleArn``
with ``iam:PassedToService`` = ``sagemaker.amazonaws.com``, as in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, Operation, json_service
from opentruth.api.read_cache import TableReadCache
from opentruth.db import repo_jobs, repo_sagemaker, repo_workforce
from opentruth.db.models import LabelingJob, Workforce, Workteam
from opentruth.db.models_sagemaker import HumanTaskUi
from opentruth.errors import ValidationError
from opentruth.labeling.jobs import JobService

SAGEMAKER = "sagemaker.amazonaws.com"


def _arn(call: AwsCall, kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{call.region}:{call.account_id}:{kind}/{name}"


def _page(items: list[dict[str, Any]], params: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Offset pagination for the small lists (teams, UIs, workforces)."""
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    out: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        out["NextToken"] = str(start + size)
    return out


def _groups(definitions: list[dict[str, Any]]) -> list[str]:
    """Worker groups named by MemberDefinitions (OIDC ``Groups`` or a Cognito ``UserGroup``)."""
    groups: list[str] = []
    for d in definitions:
        if "OidcMemberDefinition" in d:
            groups.extend(d["OidcMemberDefinition"].get("Groups", []))
        elif "CognitoMemberDefinition" in d:
            groups.append(d["CognitoMemberDefinition"]["UserGroup"])
    if not groups:
        raise ValidationError("MemberDefinitions must name at least one worker group")
    return list(dict.fromkeys(groups))


def _team(t: Workteam, force: Workforce | None, portal: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "WorkteamName": t.name,
        "MemberDefinitions": t.member_definitions,
        "WorkteamArn": t.arn,
        "Description": t.description,
        "SubDomain": portal,
        "CreateDate": t.created_at,
        "LastUpdatedDate": t.last_updated_at,
    }
    if force is not None:
        out["WorkforceArn"] = force.arn
    for key in ("NotificationConfiguration", "WorkerAccessConfiguration"):
        if t.config and key in t.config:
            out[key] = t.config[key]
    return out


def _force(f: Workforce, portal: str) -> dict[str, Any]:
    config = dict(f.config or {})
    out: dict[str, Any] = {
        "WorkforceName": f.name,
        "WorkforceArn": f.arn,
        "LastUpdatedDate": f.last_updated_at,
        "SourceIpConfig": config.get("SourceIpConfig", {"Cidrs": []}),
        "SubDomain": portal,
        "CreateDate": f.created_at,
        "Status": "Active",
    }
    if "OidcConfig" in config:
        oidc = {k: v for k, v in config["OidcConfig"].items() if k != "ClientSecret"}
        out["OidcConfig"] = oidc
    if "CognitoConfig" in config:
        out["CognitoConfig"] = config["CognitoConfig"]
    if "WorkforceVpcConfig" in config:
        out["WorkforceVpcConfig"] = config["WorkforceVpcConfig"]
    return out


def _ui(u: HumanTaskUi, portal: str) -> dict[str, Any]:
    return {
        "HumanTaskUiArn": u.arn,
        "HumanTaskUiName": u.name,
        "HumanTaskUiStatus": u.status,
        "CreationTime": u.created_at,
        "UiTemplate": {"Url": f"{portal}/worker/human-task-uis/{u.name}", "ContentSha256": u.content_sha256},
    }


def operations(jobs: JobService) -> dict[str, Operation]:
    """The served operations over a :class:`JobService`."""
    db = jobs.res.db
    account = jobs.res.account
    portal = jobs.res.portal_url

    def create_labeling_job(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
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
        return {"LabelingJobArn": jobs.create(p)}

    # Scripts poll DescribeLabelingJob until a job completes; its answer is the job's row,
    # served again until this process writes a job row or a second passes (read_cache).
    described: TableReadCache[dict[str, Any]] = TableReadCache(LabelingJob.__tablename__, ttl=1.0)

    def describe_labeling_job(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["LabelingJobName"]
        call.authorize("sagemaker:DescribeLabelingJob", _arn(call, "labeling-job", name))
        # Names are unique without case; the answer is only serialised, never changed.
        return described.get(name.lower(), lambda: jobs.describe(name))

    def list_labeling_jobs(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sagemaker:ListLabelingJobs", "*")
        return jobs.list(
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

    def list_for_workteam(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        team = p["WorkteamArn"]
        call.authorize("sagemaker:ListLabelingJobsForWorkteam", team)
        with db.read() as s:
            repo_workforce.get_workteam(s, team, account_id=account)
            page = repo_jobs.list_jobs(
                s,
                account_id=account,
                workteam_arn=team,
                creation_time_after=p.get("CreationTimeAfter"),
                creation_time_before=p.get("CreationTimeBefore"),
                sort_by="CreationTime",
                sort_order=p.get("SortOrder", "Ascending"),
                max_results=p.get("MaxResults", 10),
                next_token=p.get("NextToken"),
            )
            wanted = p.get("JobReferenceCodeContains")
            summaries = [
                {
                    "LabelingJobName": j.name,
                    "JobReferenceCode": j.job_reference_code,
                    "WorkRequesterAccountId": j.account_id,
                    "CreationTime": j.created_at,
                    "LabelCounters": {
                        "HumanLabeled": j.human_labeled,
                        "PendingHuman": j.unlabeled,
                        "Total": j.total_labeled + j.unlabeled + j.failed_non_retryable,
                    },
                    "NumberOfHumanWorkersPerDataObject": j.workers_per_object,
                }
                for j in page.jobs
                if not wanted or wanted in j.job_reference_code
            ]
        out: dict[str, Any] = {"LabelingJobSummaryList": summaries}
        if page.next_token:
            out["NextToken"] = page.next_token
        return out

    def stop_labeling_job(call: AwsCall, p: dict[str, Any]) -> None:
        call.authorize("sagemaker:StopLabelingJob", _arn(call, "labeling-job", p["LabelingJobName"]))
        with db.read() as s:
            repo_jobs.get_job(s, p["LabelingJobName"], account_id=account)
        jobs.stop(p["LabelingJobName"])
        return

    # ------------------------------------------------------------------ work teams

    def _workforce_of(s: Any, team: Workteam) -> Workforce | None:
        return s.get(Workforce, team.workforce_id)  # type: ignore[no-any-return]

    def create_workteam(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkteamName"]
        call.authorize("sagemaker:CreateWorkteam", _arn(call, "workteam/private-crowd", name))
        keys = ("NotificationConfiguration", "WorkerAccessConfiguration", "Tags")
        config: dict[str, Any] = {k: p[k] for k in keys if k in p}
        with db.transaction() as s:
            force_name = (
                p.get("WorkforceName") or repo_sagemaker.list_workforces(s, account_id=account)[0].name
            )
            team = repo_workforce.create_workteam(
                s,
                name,
                _groups(p["MemberDefinitions"]),
                description=p["Description"],
                member_definitions=p["MemberDefinitions"],
                config=config or None,
                workforce_name=force_name,
                account_id=account,
            )
            return {"WorkteamArn": team.arn}

    def describe_workteam(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkteamName"]
        call.authorize("sagemaker:DescribeWorkteam", _arn(call, "workteam/private-crowd", name))
        with db.read() as s:
            team = repo_workforce.get_workteam(s, name, account_id=account)
            return {"Workteam": _team(team, _workforce_of(s, team), portal)}

    def list_workteams(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sagemaker:ListWorkteams", "*")
        with db.read() as s:
            teams = repo_workforce.list_workteams(s, account_id=account, name_contains=p.get("NameContains"))
            items = [_team(t, _workforce_of(s, t), portal) for t in teams]
        if p.get("SortBy") == "CreateDate":
            items.sort(key=lambda t: t["CreateDate"])
        if p.get("SortOrder") == "Descending":
            items.reverse()
        return _page(items, p, "Workteams")

    def update_workteam(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkteamName"]
        call.authorize("sagemaker:UpdateWorkteam", _arn(call, "workteam/private-crowd", name))
        with db.transaction() as s:
            team = repo_workforce.get_workteam(s, name, account_id=account)
            config = dict(team.config or {})
            config.update(
                {k: p[k] for k in ("NotificationConfiguration", "WorkerAccessConfiguration") if k in p}
            )
            defs = p.get("MemberDefinitions")
            team = repo_workforce.update_workteam(
                s,
                name,
                member_groups=_groups(defs) if defs else None,
                member_definitions=defs,
                description=p.get("Description"),
                config=config,
                account_id=account,
            )
            return {"Workteam": _team(team, _workforce_of(s, team), portal)}

    def delete_workteam(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkteamName"]
        call.authorize("sagemaker:DeleteWorkteam", _arn(call, "workteam/private-crowd", name))
        with db.transaction() as s:
            repo_workforce.delete_workteam(s, name, account_id=account)
        return {"Success": True}

    # ------------------------------------------------------------------ workforces

    def create_workforce(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkforceName"]
        call.authorize("sagemaker:CreateWorkforce", _arn(call, "workforce", name))
        keys = ("CognitoConfig", "OidcConfig", "SourceIpConfig", "WorkforceVpcConfig")
        config: dict[str, Any] = {k: p[k] for k in keys if k in p}
        with db.transaction() as s:
            return {"WorkforceArn": repo_sagemaker.create_workforce(s, name, config, account_id=account).arn}

    def describe_workforce(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkforceName"]
        call.authorize("sagemaker:DescribeWorkforce", _arn(call, "workforce", name))
        with db.read() as s:
            return {"Workforce": _force(repo_sagemaker.get_workforce(s, name, account_id=account), portal)}

    def list_workforces(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sagemaker:ListWorkforces", "*")
        with db.read() as s:
            items = [_force(f, portal) for f in repo_sagemaker.list_workforces(s, account_id=account)]
        return _page(items, p, "Workforces")

    def update_workforce(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["WorkforceName"]
        call.authorize("sagemaker:UpdateWorkforce", _arn(call, "workforce", name))
        keys = ("OidcConfig", "SourceIpConfig", "WorkforceVpcConfig")
        config: dict[str, Any] = {k: p[k] for k in keys if k in p}
        with db.transaction() as s:
            return {
                "Workforce": _force(
                    repo_sagemaker.update_workforce(s, name, config, account_id=account), portal
                )
            }

    def delete_workforce(call: AwsCall, p: dict[str, Any]) -> None:
        name = p["WorkforceName"]
        call.authorize("sagemaker:DeleteWorkforce", _arn(call, "workforce", name))
        with db.transaction() as s:
            repo_sagemaker.delete_workforce(s, name, account_id=account)
        return

    # ------------------------------------------------------------------ human task UIs

    def create_human_task_ui(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["HumanTaskUiName"]
        call.authorize("sagemaker:CreateHumanTaskUi", _arn(call, "human-task-ui", name))
        with db.transaction() as s:
            ui = repo_sagemaker.create_human_task_ui(s, name, p["UiTemplate"]["Content"], account_id=account)
            return {"HumanTaskUiArn": ui.arn}

    def describe_human_task_ui(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p["HumanTaskUiName"]
        call.authorize("sagemaker:DescribeHumanTaskUi", _arn(call, "human-task-ui", name))
        with db.read() as s:
            return _ui(repo_sagemaker.get_human_task_ui(s, name, account_id=account), portal)

    def list_human_task_uis(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sagemaker:ListHumanTaskUis", "*")
        with db.read() as s:
            items = [
                {"HumanTaskUiName": u.name, "HumanTaskUiArn": u.arn, "CreationTime": u.created_at}
                for u in repo_sagemaker.list_human_task_uis(s, account_id=account)
            ]
        if p.get("SortOrder", "Descending") == "Descending":
            items.reverse()
        return _page(items, p, "HumanTaskUiSummaries")

    def delete_human_task_ui(call: AwsCall, p: dict[str, Any]) -> None:
        name = p["HumanTaskUiName"]
        call.authorize("sagemaker:DeleteHumanTaskUi", _arn(call, "human-task-ui", name))
        with db.transaction() as s:
            repo_sagemaker.delete_human_task_ui(s, name, account_id=account)
        return

    return {
        "CreateLabelingJob": create_labeling_job,
        "DescribeLabelingJob": describe_labeling_job,
        "ListLabelingJobs": list_labeling_jobs,
        "ListLabelingJobsForWorkteam": list_for_workteam,
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


def sagemaker_handler(jobs: JobService) -> Handler:
    """The SageMaker service handler, for :func:`opentruth.api.app.register_service`."""
    table = operations(jobs)
    # Describe* and List* are single indexed reads (paginated): quick enough for the event loop.
    quick = [name for name in table if name.startswith(("Describe", "List"))]
    return json_service("sagemaker", table, inline=quick)
