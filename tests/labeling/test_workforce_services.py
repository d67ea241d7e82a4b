"""The work team, workforce and human task UI services: the one path the API, CLI and demo share."""

from __future__ import annotations

import functools
import inspect

import pytest

from labsupport import ACCOUNT, REGION, TEAM_ARN, Lab
from opentruth.api import sagemaker
from opentruth.errors import ConflictError, NotFoundError, ValidationError
from opentruth.labeling.task_uis import HumanTaskUiService
from opentruth.labeling.workforces import WorkforceService
from opentruth.labeling.workteams import WorkteamService, member_groups

OIDC = {"OidcMemberDefinition": {"Groups": ["labelers"]}}


def test_a_team_of_workers_is_a_group_of_them_and_lists_its_members(lab: Lab) -> None:
    teams = WorkteamService(lab.res)
    arn = teams.create_of_workers("reviewers", ["worker2", "worker0"], description="second looks")
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/reviewers"
    assert teams.arn_of("reviewers") == arn
    assert teams.arn_of(arn) == arn
    listed = {t.name: t for t in teams.listing()}
    assert listed["reviewers"].groups == ["reviewers"]
    assert listed["reviewers"].members == ["worker0", "worker2"]
    assert listed["reviewers"].description == "second looks"
    assert listed["labelers"].members == ["worker0", "worker1", "worker2"]


def test_a_taken_team_name_changes_no_group(lab: Lab) -> None:
    teams = WorkteamService(lab.res)
    with pytest.raises(ConflictError):
        teams.create_of_workers("labelers", ["nobody-of-this-name"])
    # The worker who does not exist was never looked up: the team failed first, nothing written.
    assert [t.name for t in teams.listing()] == ["labelers"]


def test_create_describe_update_delete_through_the_service(lab: Lab) -> None:
    teams = WorkteamService(lab.res)
    notify = {"NotificationTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:work"}
    arn = teams.create(
        {
            "WorkteamName": "api-team",
            "MemberDefinitions": [OIDC],
            "Description": "from the API",
            "NotificationConfiguration": notify,
        }
    )
    described = teams.describe("api-team")["Workteam"]
    assert described["WorkteamArn"] == arn
    assert described["NotificationConfiguration"] == notify
    assert described["SubDomain"] == lab.res.portal_url
    assert described["WorkforceArn"].endswith(":workforce/default")
    updated = teams.update({"WorkteamName": "api-team", "Description": "changed"})["Workteam"]
    assert updated["Description"] == "changed"
    assert updated["NotificationConfiguration"] == notify  # kept when the update does not name it
    teams.delete("api-team")
    with pytest.raises(NotFoundError):
        teams.describe("api-team")


def test_member_definitions_must_name_a_group() -> None:
    assert member_groups([OIDC, {"CognitoMemberDefinition": {"UserGroup": "g"}}, OIDC]) == ["labelers", "g"]
    with pytest.raises(ValidationError, match="MemberDefinitions"):
        member_groups([{"OidcMemberDefinition": {"Groups": []}}])


def test_team_list_sorts_and_pages(lab: Lab) -> None:
    teams = WorkteamService(lab.res)
    for name in ("b-team", "a-team"):
        teams.create_of_workers(name, ["worker0"])
    names = [t["WorkteamName"] for t in teams.list({})["Workteams"]]
    assert names == ["a-team", "b-team", "labelers"]
    first = teams.list({"MaxResults": 2, "SortOrder": "Descending"})
    assert [t["WorkteamName"] for t in first["Workteams"]] == ["labelers", "b-team"]
    rest = teams.list({"MaxResults": 2, "SortOrder": "Descending", "NextToken": first["NextToken"]})
    assert [t["WorkteamName"] for t in rest["Workteams"]] == ["a-team"]
    assert "NextToken" not in rest


def test_jobs_of_a_team_need_the_team(lab: Lab) -> None:
    teams = WorkteamService(lab.res)
    assert teams.list_jobs({"WorkteamArn": TEAM_ARN}) == {"LabelingJobSummaryList": []}
    with pytest.raises(NotFoundError):
        teams.list_jobs({"WorkteamArn": TEAM_ARN.replace("labelers", "nobody")})


def test_workforce_hides_the_client_secret(lab: Lab) -> None:
    forces = WorkforceService(lab.res)
    oidc = {"ClientId": "c", "ClientSecret": "s3cret", "Issuer": "https://idp.example"}
    arn = forces.create({"WorkforceName": "mine", "OidcConfig": oidc})
    described = forces.describe("mine")["Workforce"]
    assert described["WorkforceArn"] == arn
    assert described["OidcConfig"] == {"ClientId": "c", "Issuer": "https://idp.example"}
    cidrs = {"Cidrs": ["10.0.0.0/8"]}
    assert (
        forces.update({"WorkforceName": "mine", "SourceIpConfig": cidrs})["Workforce"]["SourceIpConfig"]
        == cidrs
    )
    assert [f["WorkforceName"] for f in forces.list({})["Workforces"]] == ["mine"]
    with pytest.raises(ConflictError, match="still has work teams"):
        forces.delete("mine")  # the lab's team moved to it
    WorkteamService(lab.res).delete("labelers")
    forces.delete("mine")
    assert [f["WorkforceName"] for f in forces.list({})["Workforces"]] == ["default"]


def test_task_uis_list_newest_first_unless_asked(lab: Lab) -> None:
    uis = HumanTaskUiService(lab.res)
    for name in ("first", "second"):
        uis.create(name, f"<crowd-form>{name}</crowd-form>")
    assert [u["HumanTaskUiName"] for u in uis.list({})["HumanTaskUiSummaries"]] == ["second", "first"]
    ascending = uis.list({"SortOrder": "Ascending"})["HumanTaskUiSummaries"]
    assert [u["HumanTaskUiName"] for u in ascending] == ["first", "second"]
    described = uis.describe("first")
    assert described["UiTemplate"]["Url"] == f"{lab.res.portal_url}/worker/human-task-uis/first"
    uis.delete("first")
    with pytest.raises(NotFoundError):
        uis.describe("first")


def test_the_sagemaker_handler_is_a_table_of_module_functions(lab: Lab) -> None:
    table = sagemaker.operations(lab.jobs)
    assert table.keys() == sagemaker.OPERATIONS.keys()
    for name, op in table.items():
        assert isinstance(op, functools.partial)
        assert op.func is sagemaker.OPERATIONS[name]
        assert inspect.getmodule(op.func) is sagemaker  # defined once, at module level
        # Thin: authorise, then one call into a labeling service.
        assert len(inspect.getsource(op.func).splitlines()) <= 15, name
