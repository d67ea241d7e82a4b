"""IAM's policy simulator through a real boto3 ``iam`` client against a running server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from opentruth.cli import demo
from opentruth.iam.roles import Role
from opentruth.labeling.requirements import derive_requirements
from opentruth.labeling.rolecheck import check_role

if TYPE_CHECKING:
    from api.conftest import MakeUser, Server

ACCOUNT, REGION = "000000000000", "us-east-1"
DECISIONS = {"Allowed": "allowed", "ImplicitlyDenied": "implicitDeny", "ExplicitlyDenied": "explicitDeny"}
# The AWS CLI's own simulate-custom-policy example, verbatim.
DYNAMO = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",'
    '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
)
DENY_OUTPUT = {
    "Sid": "NoOverwrite",
    "Effect": "Deny",
    "Action": "s3:PutObject",
    "Resource": f"arn:aws:s3:::{demo.bucket_name(ACCOUNT)}/demo/output/*",
}


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    """ContextEntries for a role-check requirement's context."""
    out = []
    for key, value in context.items():
        many = not isinstance(value, str)
        out.append(
            {
                "ContextKeyName": key,
                "ContextKeyValues": list(value) if many else [value],
                "ContextKeyType": "stringList" if many else "string",
            }
        )
    return out


@pytest.fixture(scope="module")
def demo_role(server: Server) -> dict[str, Any]:
    """The demo's role, created through boto3 as ``opentruth demo`` shapes it, plus an inline
    policy that denies overwriting the output (so that the comparison sees every decision)."""
    iam = server.client("iam")
    detail = demo.role_detail(ACCOUNT, REGION, demo.bucket_name(ACCOUNT))
    iam.create_role(
        RoleName=detail["RoleName"],
        Path=detail["Path"],
        AssumeRolePolicyDocument=json.dumps(detail["AssumeRolePolicyDocument"]),
    )
    deny = {"Version": "2012-10-17", "Statement": [DENY_OUTPUT]}
    detail["RolePolicyList"].append({"PolicyName": "NoOverwrite", "PolicyDocument": deny})
    for inline in detail["RolePolicyList"]:
        iam.put_role_policy(
            RoleName=detail["RoleName"],
            PolicyName=inline["PolicyName"],
            PolicyDocument=json.dumps(inline["PolicyDocument"]),
        )
    return detail


def test_simulate_principal_policy_decides_as_role_check(server: Server, demo_role: dict[str, Any]) -> None:
    iam = server.client("iam")
    bucket = demo.bucket_name(ACCOUNT)
    job = demo.job_request("sim-1", account=ACCOUNT, region=REGION, bucket=bucket, per_object=1)
    # One object outside the role's bucket, which the role cannot read.
    sources = [f"s3://{bucket}/demo/texts/{i}.txt" for i in range(3)] + ["s3://elsewhere/text.txt"]
    reqs = derive_requirements(job, data_objects=sources)
    checked = check_role(Role.from_detail(demo_role), reqs)
    assert {r.decision for r in checked.results} == set(DECISIONS)  # every outcome is compared
    for row in checked.results:
        req = row.requirement
        kw: dict[str, Any] = {}
        if req.resource_account:
            kw["ResourceOwner"] = req.resource_account
        (result,) = iam.simulate_principal_policy(
            PolicySourceArn=demo_role["Arn"],
            ActionNames=[req.action],
            ResourceArns=[req.resource],
            ContextEntries=entries(dict(req.context)),
            **kw,
        )["EvaluationResults"]
        assert (result["EvalActionName"], result["EvalResourceName"]) == (req.action, req.resource)
        assert result["EvalDecision"] == DECISIONS[row.decision], req
        if req.resource != "*":
            (specific,) = result["ResourceSpecificResults"]
            assert specific["EvalResourceDecision"] == result["EvalDecision"]
        # The deciding statements are the ones role check names, in the role's inline policies.
        named = {f"{m['SourcePolicyId']}/{_sid(iam, demo_role, m)}" for m in result["MatchedStatements"]}
        expected = {str(r) for r in (row.result.denied_by or row.result.allowed_by)}
        assert named == expected
        assert all(m["SourcePolicyType"] == "role" for m in result["MatchedStatements"])


def _sid(iam: Any, role: dict[str, Any], matched: dict[str, Any]) -> str:
    """The Sid of a matched statement, read from its policy's text at the reported positions:
    the text GetRolePolicy returns, in which the start is just inside the statement's brace."""
    doc = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=matched["SourcePolicyId"])[
        "PolicyDocument"
    ]
    text = json.dumps(doc, separators=(",", ":"))
    start, end = matched["StartPosition"], matched["EndPosition"]
    assert start["Line"] == end["Line"] == 1
    assert text[start["Column"] - 2] == "{" and text[end["Column"] - 2] == "}"
    statement = json.loads(text[start["Column"] - 2 : end["Column"] - 1])
    assert statement in doc["Statement"]
    return str(statement["Sid"])


def test_custom_policy_as_in_the_aws_cli_example(server: Server) -> None:
    iam = server.client("iam")

    def run(when: str) -> dict[str, Any]:
        (result,) = iam.simulate_custom_policy(
            PolicyInputList=[DYNAMO],
            ActionNames=["dynamodb:CreateBackup"],
            ContextEntries=[
                {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": [when], "ContextKeyType": "date"}
            ],
        )["EvaluationResults"]
        return dict(result)

    allowed = run("2019-04-25T11:00:00Z")
    assert allowed["EvalResourceName"] == "*" and allowed["EvalDecision"] == "allowed"
    assert allowed["MatchedStatements"] == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "StartPosition": {"Line": 1, "Column": 38},
            "EndPosition": {"Line": 1, "Column": 167},
        }
    ]
    assert allowed["MissingContextValues"] == [] and "ResourceSpecificResults" not in allowed
    denied = run("2014-04-25T11:00:00Z")
    assert denied["EvalDecision"] == "implicitDeny" and denied["MatchedStatements"] == []


def test_missing_context_values_explicit_deny_and_boundary(server: Server) -> None:
    iam = server.client("iam")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::b/${aws:username}/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        ],
    }
    text = json.dumps(policy, indent=2)
    out = iam.simulate_custom_policy(PolicyInputList=[text], ActionNames=["s3:GetObject"])[
        "EvaluationResults"
    ]
    assert out[0]["EvalDecision"] == "implicitDeny"
    assert out[0]["MissingContextValues"] == ["aws:SourceIp", "aws:username"]

    ctx = [
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"},
        {"ContextKeyName": "aws:username", "ContextKeyValues": ["ann"], "ContextKeyType": "string"},
    ]
    arns = ["arn:aws:s3:::b/ann/k", "arn:aws:s3:::b/bob/k"]
    out = iam.simulate_custom_policy(
        PolicyInputList=[text],
        ActionNames=["s3:GetObject", "s3:DeleteObject"],
        ResourceArns=arns,
        ContextEntries=ctx,
    )["EvaluationResults"]
    decisions = [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in out]
    assert decisions == [
        ("s3:GetObject", arns[0], "allowed"),
        ("s3:GetObject", arns[1], "implicitDeny"),
        ("s3:DeleteObject", arns[0], "explicitDeny"),
        ("s3:DeleteObject", arns[1], "explicitDeny"),
    ]
    # On a deny, the deny statement is the only one reported, positioned in the given text.
    (deny,) = out[2]["MatchedStatements"]
    lines = text.splitlines()
    assert deny["SourcePolicyId"] == "PolicyInputList.1"
    assert (
        '"NoDelete"' in lines[deny["StartPosition"]["Line"] - 1]
        or '"NoDelete"' in lines[deny["StartPosition"]["Line"]]
    )
    # A resource list moves the missing keys under ResourceSpecificResults.
    partial = iam.simulate_custom_policy(
        PolicyInputList=[text], ActionNames=["s3:GetObject"], ResourceArns=arns[:1]
    )
    (result,) = partial["EvaluationResults"]
    assert result["MissingContextValues"] == []
    assert result["ResourceSpecificResults"][0]["MissingContextValues"] == ["aws:SourceIp", "aws:username"]

    # A boundary that does not allow S3 caps the allow.
    boundary = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    )
    capped = iam.simulate_custom_policy(
        PolicyInputList=[text],
        PermissionsBoundaryPolicyInputList=[boundary],
        ActionNames=["s3:GetObject"],
        ResourceArns=arns[:1],
        ContextEntries=ctx,
    )["EvaluationResults"][0]
    assert capped["EvalDecision"] == "implicitDeny"
    assert capped["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_resource_policy_and_resource_owner(server: Server) -> None:
    iam = server.client("iam")
    caller = f"arn:aws:iam::{ACCOUNT}:user/ann"
    allow = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    grant = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": caller},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::other/*",
                }
            ],
        }
    )
    base: dict[str, Any] = {"ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::other/k"]}
    # Another account's bucket: the identity allow is not enough, its policy must grant too.
    cross = {**base, "ResourceOwner": "111122223333", "CallerArn": caller}
    alone = iam.simulate_custom_policy(PolicyInputList=[allow], **cross)["EvaluationResults"][0]
    assert alone["EvalDecision"] == "implicitDeny"
    both = iam.simulate_custom_policy(PolicyInputList=[allow], ResourcePolicy=grant, **cross)[
        "EvaluationResults"
    ][0]
    assert both["EvalDecision"] == "allowed"
    assert {m["SourcePolicyId"] for m in both["MatchedStatements"]} == {"PolicyInputList.1", "ResourcePolicy"}
    assert [
        m.get("SourcePolicyType")
        for m in both["MatchedStatements"]
        if m["SourcePolicyId"] == "ResourcePolicy"
    ] == ["resource"]
    # In the caller's own account, the bucket policy alone grants to the user it names.
    unrelated = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}],
    }
    same = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(unrelated)], ResourcePolicy=grant, CallerArn=caller, **base
    )
    assert same["EvaluationResults"][0]["EvalDecision"] == "allowed"
    with pytest.raises(ClientError) as exc:
        iam.simulate_custom_policy(PolicyInputList=[allow], ResourcePolicy=grant, **base)
    assert code(exc) == "InvalidInput" and "CallerArn" in exc.value.response["Error"]["Message"]


def test_paging_and_one_hundred_pairs(server: Server) -> None:
    iam = server.client("iam")
    allow = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
    )
    actions = [f"s3:{verb}Object{n}" for verb in ("Get", "Put") for n in range(5)]
    arns = [f"arn:aws:s3:::b/k{i}" for i in range(10)]
    whole = iam.simulate_custom_policy(PolicyInputList=[allow], ActionNames=actions, ResourceArns=arns)
    assert len(whole["EvaluationResults"]) == 100 and not whole["IsTruncated"]
    assert [r["EvalDecision"] == "allowed" for r in whole["EvaluationResults"]] == [
        a.startswith("s3:Get") for a in actions for _ in arns
    ]
    first = iam.simulate_custom_policy(
        PolicyInputList=[allow], ActionNames=actions, ResourceArns=arns, MaxItems=30
    )
    assert first["IsTruncated"] and len(first["EvaluationResults"]) == 30
    pages = iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[allow], ActionNames=actions, ResourceArns=arns, PaginationConfig={"PageSize": 30}
    )
    assert [r for p in pages for r in p["EvaluationResults"]] == whole["EvaluationResults"]


def test_bad_input_and_unknown_entities(server: Server) -> None:
    iam = server.client("iam")
    with pytest.raises(ClientError) as exc:
        iam.simulate_custom_policy(
            PolicyInputList=['{"Statement": [{"Effect": "Maybe"}]}'], ActionNames=["s3:GetObject"]
        )
    assert code(exc) == "InvalidInput" and "PolicyInputList.1" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/Nobody", ActionNames=["s3:GetObject"]
        )
    assert code(exc) == "NoSuchEntity"
    with pytest.raises(ClientError) as exc:
        iam.simulate_custom_policy(
            PolicyInputList=[DYNAMO],
            ActionNames=["dynamodb:GetItem"],
            ContextEntries=[
                {
                    "ContextKeyName": "aws:SourceIp",
                    "ContextKeyValues": ["1.1.1.1", "2.2.2.2"],
                    "ContextKeyType": "ip",
                }
            ],
        )
    assert code(exc) == "InvalidInput" and "aws:SourceIp" in exc.value.response["Error"]["Message"]


def test_user_source_exclusions_and_permission(server: Server, make_user: MakeUser) -> None:
    iam = server.client("iam")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:SimulateCustomPolicy", "Resource": "*"}],
    }
    key, secret = make_user("sim-only-custom", policy)
    user_arn = iam.get_user(UserName="sim-only-custom")["User"]["Arn"]
    own = iam.simulate_principal_policy(
        PolicySourceArn=user_arn, ActionNames=["iam:SimulateCustomPolicy", "iam:GetUser"]
    )
    assert [r["EvalDecision"] for r in own["EvaluationResults"]] == ["allowed", "implicitDeny"]
    assert own["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] == "user"
    excluded = iam.simulate_principal_policy(
        PolicySourceArn=user_arn,
        ActionNames=["iam:SimulateCustomPolicy"],
        PolicyExclusionList=[{"PolicyType": "inline"}],
    )
    assert excluded["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"

    client = server.client("iam", key, secret)
    assert client.simulate_custom_policy(PolicyInputList=[DYNAMO], ActionNames=["dynamodb:GetItem"])[
        "EvaluationResults"
    ]
    with pytest.raises(ClientError) as exc:
        client.simulate_principal_policy(PolicySourceArn=user_arn, ActionNames=["s3:GetObject"])
    assert code(exc) == "AccessDenied"
    assert f"iam:SimulatePrincipalPolicy on resource: {user_arn}" in exc.value.response["Error"]["Message"]


def test_role_boundary_filters_a_grant_to_the_role_and_can_be_excluded(server: Server) -> None:
    iam = server.client("iam")
    sqs_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}],
    }
    boundary = iam.create_policy(PolicyName="SqsOnlyBoundary", PolicyDocument=json.dumps(sqs_only))["Policy"]
    detail = demo.role_detail(ACCOUNT, REGION, "unused")
    role = iam.create_role(
        RoleName="Bounded",
        AssumeRolePolicyDocument=json.dumps(detail["AssumeRolePolicyDocument"]),
        PermissionsBoundary=boundary["Arn"],
    )["Role"]["Arn"]
    grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": role},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}  # fmt: skip
    kw: dict[str, Any] = {
        "PolicySourceArn": role,
        "CallerArn": role,
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::b/k"],
        "ResourcePolicy": json.dumps(grant),
    }
    # The bucket policy names the role, and a role's sessions stay within its boundary.
    (capped,) = iam.simulate_principal_policy(**kw)["EvaluationResults"]
    assert capped["EvalDecision"] == "implicitDeny"
    assert capped["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    (free,) = iam.simulate_principal_policy(
        **kw, PolicyExclusionList=[{"PolicyType": "permission-boundary"}]
    )["EvaluationResults"]
    assert free["EvalDecision"] == "allowed" and "PermissionsBoundaryDecisionDetail" not in free
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in free["MatchedStatements"]] == [
        ("ResourcePolicy", "resource")
    ]
    # A boundary given as input replaces the role's own.
    s3_too = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    (replaced,) = iam.simulate_principal_policy(**kw, PermissionsBoundaryPolicyInputList=[s3_too])[
        "EvaluationResults"
    ]
    assert replaced["EvalDecision"] == "allowed"
    assert replaced["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_context_keys_that_a_simulation_needs(server: Server, demo_role: dict[str, Any]) -> None:
    iam = server.client("iam")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/${aws:username}/${*}",
                "Condition": {
                    "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                    "Bool": {"aws:SecureTransport": "true"},
                },
            },
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Null": {"AWS:SOURCEIP": "true"}},
            },
        ],
    }
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[json.dumps(policy)])["ContextKeyNames"]
    assert keys == ["aws:SourceIp", "aws:SecureTransport", "aws:username"]
    # The demo role's own policies test no key; an extra policy adds its keys.
    role = demo_role["Arn"]
    assert iam.get_context_keys_for_principal_policy(PolicySourceArn=role)["ContextKeyNames"] == []
    extra = iam.get_context_keys_for_principal_policy(
        PolicySourceArn=role, PolicyInputList=[json.dumps(policy)]
    )
    assert extra["ContextKeyNames"] == keys
