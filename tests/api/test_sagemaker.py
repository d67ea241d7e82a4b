"""The SageMaker JSON 1.1 API with real boto3 clients against the whole server (uvicorn on
127.0.0.1, background work on huey): Ground Truth's sample flow, errors and pagination."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from labsupport import TRUST, job_request, seed_policy
from obssupport import Full, create_execution_role, full_server


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    # The sample flow creates the work team itself, so the server starts without one.
    yield from full_server(tmp_path_factory.mktemp("data"), objects=4, workteam=False)


def _wait(sm: Any, name: str, status: set[str], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        d: dict[str, Any] = sm.describe_labeling_job(LabelingJobName=name)
        if d["LabelingJobStatus"] in status or time.monotonic() > deadline:
            return d
        time.sleep(0.1)


def _label(url: str, job: str, user: str) -> int:
    done = 0
    with httpx.Client(base_url=url, timeout=30) as http:
        token = http.post("/worker/api/login", json={"username": user, "password": "pw-" + user}).json()[
            "token"
        ]
        auth = {"Authorization": f"Bearer {token}"}
        while True:
            r = http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)
            if r.status_code == 204:
                return done
            task = r.json()
            ok = http.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=auth,
                json={"answerContent": {"crowd-classifier": {"label": "pos"}}},
            )
            assert ok.status_code == 200, ok.text
            done += 1


def test_ground_truth_flow_with_boto3(full: Full) -> None:
    create_execution_role(full, ["input-data", "output-data"])
    sm = full.client("sagemaker")
    team = sm.create_workteam(
        WorkteamName="labelers",
        MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["labelers"]}}],
        Description="the team",
    )
    assert team["WorkteamArn"].endswith(":workteam/private-crowd/labelers")
    described = sm.describe_workteam(WorkteamName="labelers")["Workteam"]
    assert described["MemberDefinitions"] == [{"OidcMemberDefinition": {"Groups": ["labelers"]}}]
    arn = sm.create_labeling_job(**job_request("boto-flow", "TextMultiClass", workers=2))["LabelingJobArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/boto-flow"
    assert _wait(sm, "boto-flow", {"InProgress", "Failed"})["LabelingJobStatus"] == "InProgress"
    assert _label(full.url, "boto-flow", "ann") == 4
    assert _label(full.url, "boto-flow", "bob") == 4
    d = _wait(sm, "boto-flow", {"Completed", "Failed"})
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    assert d["LabelCounters"]["HumanLabeled"] == 4
    assert d["CreationTime"].tzinfo is not None  # a real timestamp through botocore's parser
    out = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, _, key = out[len("s3://") :].partition("/")
    lines = full.runtime.res.store.get_object(bucket, key).body.decode().splitlines()
    assert [json.loads(x)["label-metadata"]["class-name"] for x in lines] == ["pos"] * 4
    for_team = sm.list_labeling_jobs_for_workteam(WorkteamArn=team["WorkteamArn"])["LabelingJobSummaryList"]
    assert [j["LabelingJobName"] for j in for_team] == ["boto-flow"]


def test_errors_use_the_modeled_codes(full: Full) -> None:
    sm = full.client("sagemaker")
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_human_task_ui(HumanTaskUiName="nope")
    with pytest.raises(ClientError) as info:
        sm.describe_labeling_job(LabelingJobName="does-not-exist")
    assert info.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as bad:
        sm.create_labeling_job(**job_request("bad name!", "TextMultiClass"))
    assert bad.value.response["Error"]["Code"] == "ValidationException"
    assert "labelingJobName" in bad.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as missing:
        sm.describe_model(ModelName="m")
    assert "DescribeModel" in missing.value.response["Error"]["Message"]


def test_caller_without_pass_role_is_denied(full: Full) -> None:
    iam = full.client("iam")
    iam.create_user(UserName="alice")
    iam.put_user_policy(
        UserName="alice",
        PolicyName="sm",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
            }
        ),
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    sm = full.client("sagemaker", key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as info:
        sm.create_labeling_job(**job_request("no-pass", "TextMultiClass"))
    err = info.value.response["Error"]
    assert err["Code"] == "AccessDeniedException"
    assert err["Message"] == (
        "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: iam:PassRole "
        "on resource: arn:aws:iam::000000000000:role/GroundTruthExecution"
    )


def test_workforce_and_human_task_uis(full: Full) -> None:
    sm = full.client("sagemaker")
    forces = sm.list_workforces()["Workforces"]
    assert [f["WorkforceName"] for f in forces] == ["default"]
    oidc = {
        "ClientId": "c",
        "ClientSecret": "s",
        "Issuer": "https://idp.example",
        "AuthorizationEndpoint": "https://idp.example/a",
        "TokenEndpoint": "https://idp.example/t",
        "UserInfoEndpoint": "https://idp.example/u",
        "LogoutEndpoint": "https://idp.example/l",
        "JwksUri": "https://idp.example/j",
    }
    sm.create_workforce(WorkforceName="mine", OidcConfig=oidc)
    with pytest.raises(sm.exceptions.ResourceLimitExceeded):
        sm.create_workforce(WorkforceName="again", OidcConfig=oidc)
    described = sm.describe_workforce(WorkforceName="mine")["Workforce"]
    assert "ClientSecret" not in described["OidcConfig"]
    teams = sm.list_workteams()["Workteams"]
    assert all(t["WorkforceArn"].endswith("workforce/mine") for t in teams)
    ui = sm.create_human_task_ui(HumanTaskUiName="my-ui", UiTemplate={"Content": "<crowd-form></crowd-form>"})
    assert ui["HumanTaskUiArn"].endswith(":human-task-ui/my-ui")
    with pytest.raises(sm.exceptions.ResourceInUse):
        sm.create_human_task_ui(HumanTaskUiName="my-ui", UiTemplate={"Content": "x"})
    assert sm.describe_human_task_ui(HumanTaskUiName="my-ui")["HumanTaskUiStatus"] == "Active"
    sm.delete_human_task_ui(HumanTaskUiName="my-ui")
    assert sm.list_human_task_uis()["HumanTaskUiSummaries"] == []


def test_list_labeling_jobs_paginates(full: Full) -> None:
    sm = full.client("sagemaker")
    for i in range(5):
        sm.create_labeling_job(**job_request(f"page-{i}", "TextMultiClass"))
    pages = sm.get_paginator("list_labeling_jobs").paginate(
        NameContains="page-", PaginationConfig={"PageSize": 2}
    )
    names = [j["LabelingJobName"] for page in pages for j in page["LabelingJobSummaryList"]]
    assert names == [f"page-{i}" for i in range(5)]


def test_full_sample_flow_through_s3_and_iam(full: Full, gt_schema: Any) -> None:
    """Ground Truth's sample flow, every step through boto3: buckets, uploads, role, team, job,
    labeling through the worker API, then the output manifest downloaded and validated."""
    s3 = full.client("s3")
    for bucket in ("sample-in", "sample-out"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(
        Bucket="sample-in",
        Key="m/input.manifest",
        Body=b'{"source": "a fine day"}\n{"source": "a bad day"}\n',
    )
    s3.put_object(
        Bucket="sample-in",
        Key="m/template.liquid",
        Body=b"<crowd-form><crowd-classifier></crowd-classifier></crowd-form>",
    )
    labels = {"document-version": "2018-11-28", "labels": [{"label": "neg"}, {"label": "pos"}]}
    s3.put_object(Bucket="sample-in", Key="m/labels.json", Body=json.dumps(labels).encode())
    iam = full.client("iam")
    for role, policy in (
        ("SampleRole", seed_policy(["sample-in", "sample-out"])),
        ("NoPutRole", seed_policy(["sample-in", "sample-out"], put=False)),
    ):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.put_role_policy(RoleName=role, PolicyName="execution", PolicyDocument=json.dumps(policy))
    sm = full.client("sagemaker")
    with contextlib.suppress(sm.exceptions.ResourceInUse):  # made by an earlier test of this module
        sm.create_workteam(
            WorkteamName="labelers",
            MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["labelers"]}}],
            Description="the team",
        )
    request = job_request(
        "sample-flow",
        "TextMultiClass",
        manifest="s3://sample-in/m/input.manifest",
        LabelCategoryConfigS3Uri="s3://sample-in/m/labels.json",
        OutputConfig={"S3OutputPath": "s3://sample-out/jobs/"},
        RoleArn="arn:aws:iam::000000000000:role/SampleRole",
    )
    request["HumanTaskConfig"]["UiConfig"] = {"UiTemplateS3Uri": "s3://sample-in/m/template.liquid"}
    sm.create_labeling_job(**request)
    denied = {
        **request,
        "LabelingJobName": "sample-no-put",
        "RoleArn": "arn:aws:iam::000000000000:role/NoPutRole",
    }
    sm.create_labeling_job(**denied)
    assert _wait(sm, "sample-flow", {"InProgress", "Failed"})["LabelingJobStatus"] == "InProgress"
    _label(full.url, "sample-flow", "ann")
    d = _wait(sm, "sample-flow", {"Completed", "Failed"})
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    body = s3.get_object(Bucket="sample-out", Key="jobs/sample-flow/manifests/output/output.manifest")[
        "Body"
    ].read()
    lines = [json.loads(x) for x in body.decode().splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert gt_schema("output-manifest-line.text-classification", line, "label") == []
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(
            Bucket="sample-out", Prefix="jobs/sample-flow/annotations/worker-response/"
        )["Contents"]
    ]
    assert len(keys) == 2
    failed = _wait(sm, "sample-no-put", {"Failed", "Completed"})
    assert failed["LabelingJobStatus"] == "Failed"
    assert failed["FailureReason"] == (
        "ClientError: User: arn:aws:sts::000000000000:assumed-role/NoPutRole/SageMaker is not authorized to "
        "perform: s3:PutObject on resource: "
        "arn:aws:s3:::sample-out/jobs/sample-no-put/manifests/output/output.manifest"
    )


def test_describe_answers_are_fresh_after_a_change_and_always_authorised(full: Full) -> None:
    iam = full.client("iam")
    iam.create_role(RoleName="StopRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(
        RoleName="StopRole",
        PolicyName="execution",
        PolicyDocument=json.dumps(seed_policy(["input-data", "output-data"])),
    )
    sm = full.client("sagemaker")
    request = job_request("stop-me", "TextMultiClass")
    request["RoleArn"] = "arn:aws:iam::000000000000:role/StopRole"
    sm.create_labeling_job(**request)
    before = sm.describe_labeling_job(LabelingJobName="stop-me")["LabelingJobStatus"]
    assert before in {"Initializing", "InProgress"}
    # The answer above may be served again, but not past a change this server made.
    sm.stop_labeling_job(LabelingJobName="stop-me")
    assert sm.describe_labeling_job(LabelingJobName="STOP-ME")["LabelingJobStatus"] in {"Stopping", "Stopped"}
    # A cached answer is still authorised per caller.
    iam.create_user(UserName="nosy")
    key = iam.create_access_key(UserName="nosy")["AccessKey"]
    nosy = full.client("sagemaker", key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as info:
        nosy.describe_labeling_job(LabelingJobName="stop-me")
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
