"""Work teams as the SageMaker API, the CLI and the demo see them: one path per operation.

A team's members are worker groups: SageMaker's ``MemberDefinitions`` name them (OIDC
``Groups``, or a Cognito ``UserGroup``), and ``opentruth workteams create --members a,b`` makes a
group of those workers named like the team. Responses have SageMaker's shapes (``Workteam``,
``LabelingJobSummaryList``), so the API handler only authorises and passes them on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.db import repo_jobs, repo_sagemaker, repo_workforce
from opentruth.db.models import Worker, WorkerGroup, WorkerGroupMember, Workforce, Workteam
from opentruth.errors import ValidationError
from opentruth.labeling.pages import page
from opentruth.labeling.resources import Resources

#: The request members a team keeps as given and describes back.
_KEPT = ("NotificationConfiguration", "WorkerAccessConfiguration")


def member_groups(definitions: list[dict[str, Any]]) -> list[str]:
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


def team_to_api(t: Workteam, force: Workforce | None, portal: str) -> dict[str, Any]:
    """The ``Workteam`` structure of DescribeWorkteam and ListWorkteams."""
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
    for key in _KEPT:
        if t.config and key in t.config:
            out[key] = t.config[key]
    return out


@dataclass(frozen=True, slots=True)
class TeamListing:
    """A team as ``opentruth workteams list`` shows it: its groups and their members."""

    name: str
    arn: str
    groups: list[str]
    description: str
    members: list[str]


class WorkteamService:
    """Create, describe, list, update and delete work teams; list a team's jobs."""

    def __init__(self, res: Resources) -> None:
        self.res = res

    def _workforce_of(self, s: Session, team: Workteam) -> Workforce | None:
        return s.get(Workforce, team.workforce_id)

    def create(self, request: Mapping[str, Any]) -> str:
        """CreateWorkteam (``WorkteamName``, ``MemberDefinitions``, ``Description``, optional
        ``WorkforceName``, ``NotificationConfiguration``, ``WorkerAccessConfiguration``,
        ``Tags``); returns the ``WorkteamArn``. Without ``WorkforceName`` the team joins the
        account's workforce."""
        p, account = request, self.res.account
        keys = (*_KEPT, "Tags")
        config: dict[str, Any] = {k: p[k] for k in keys if k in p}
        with self.res.db.transaction() as s:
            force_name = (
                p.get("WorkforceName") or repo_sagemaker.list_workforces(s, account_id=account)[0].name
            )
            team = repo_workforce.create_workteam(
                s,
                p["WorkteamName"],
                member_groups(p["MemberDefinitions"]),
                description=p["Description"],
                member_definitions=p["MemberDefinitions"],
                config=config or None,
                workforce_name=force_name,
                account_id=account,
            )
            return team.arn

    def create_of_workers(self, name: str, usernames: Sequence[str], *, description: str = "") -> str:
        """A worker group ``name`` of these workers (created if new) and a team ``name`` of that
        group, in one transaction; returns the team's ARN. The team is made first, so a taken
        name changes no group."""
        account = self.res.account
        with self.res.db.transaction() as s:
            team = repo_workforce.create_workteam(
                s, name, [name], description=description, account_id=account
            )
            if usernames:
                repo_workforce.add_workers_to_group(s, name, usernames, account_id=account)
            return team.arn

    def arn_of(self, name_or_arn: str) -> str:
        """The team's ARN; :class:`~opentruth.errors.NotFoundError` when there is no such team."""
        with self.res.db.read() as s:
            return repo_workforce.get_workteam(s, name_or_arn, account_id=self.res.account).arn

    def describe(self, name: str) -> dict[str, Any]:
        """The DescribeWorkteam response."""
        with self.res.db.read() as s:
            team = repo_workforce.get_workteam(s, name, account_id=self.res.account)
            return {"Workteam": team_to_api(team, self._workforce_of(s, team), self.res.portal_url)}

    def list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ListWorkteams response (``NameContains``, ``SortBy``, ``SortOrder``, paging)."""
        with self.res.db.read() as s:
            teams = repo_workforce.list_workteams(
                s, account_id=self.res.account, name_contains=params.get("NameContains")
            )
            items = [team_to_api(t, self._workforce_of(s, t), self.res.portal_url) for t in teams]
        if params.get("SortBy") == "CreateDate":
            items.sort(key=lambda t: t["CreateDate"])
        if params.get("SortOrder") == "Descending":
            items.reverse()
        return page(items, params, "Workteams")

    def listing(self) -> Sequence[TeamListing]:
        """Every team with its worker groups and their members, sorted by name."""
        account = self.res.account
        with self.res.db.read() as s:
            teams = repo_workforce.list_workteams(s, account_id=account)
            members: dict[str, list[str]] = {}
            rows = s.execute(
                select(WorkerGroup.name, Worker.username)
                .join(WorkerGroupMember, WorkerGroupMember.group_id == WorkerGroup.id)
                .join(Worker, Worker.id == WorkerGroupMember.worker_id)
                .where(WorkerGroup.account_id == account)
                .order_by(Worker.username)
            )
            for group, username in rows:
                members.setdefault(group, []).append(username)
        return [
            TeamListing(
                t.name,
                t.arn,
                list(t.member_groups),
                t.description or "",
                sorted({u for g in t.member_groups for u in members.get(g, [])}),
            )
            for t in teams
        ]

    def update(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """UpdateWorkteam: members, description, notification and access settings; returns the
        response with the team as it is afterwards."""
        p, account = request, self.res.account
        with self.res.db.transaction() as s:
            team = repo_workforce.get_workteam(s, p["WorkteamName"], account_id=account)
            config = dict(team.config or {})
            config.update({k: p[k] for k in _KEPT if k in p})
            defs = p.get("MemberDefinitions")
            team = repo_workforce.update_workteam(
                s,
                p["WorkteamName"],
                member_groups=member_groups(defs) if defs else None,
                member_definitions=defs,
                description=p.get("Description"),
                config=config,
                account_id=account,
            )
            return {"Workteam": team_to_api(team, self._workforce_of(s, team), self.res.portal_url)}

    def delete(self, name: str) -> None:
        """DeleteWorkteam (its groups and workers stay)."""
        with self.res.db.transaction() as s:
            repo_workforce.delete_workteam(s, name, account_id=self.res.account)

    def list_jobs(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """ListLabelingJobsForWorkteam: the team's jobs as its workers' portal sees them."""
        p, account = params, self.res.account
        team = p["WorkteamArn"]
        with self.res.db.read() as s:
            repo_workforce.get_workteam(s, team, account_id=account)
            found = repo_jobs.list_jobs(
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
                for j in found.jobs
                if not wanted or wanted in j.job_reference_code
            ]
        out: dict[str, Any] = {"LabelingJobSummaryList": summaries}
        if found.next_token:
            out["NextToken"] = found.next_token
        return out
