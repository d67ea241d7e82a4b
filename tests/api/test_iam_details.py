"""GetAccountAuthorizationDetails through a real boto3 ``iam`` client against a running server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from opentruth.iam.roles import Role

if TYPE_CHECKING:
    from api.conftest import MakeUser, Server

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}
WRITE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}],
}
GT = "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"
LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


@pytest.fixture(scope="module")
def account(server: Server) -> dict[str, Any]:
    iam = server.client("iam")
    iam.create_role(RoleName="DetailRole", Path="/gt/", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="DetailRole", PolicyName="read", PolicyDocument=json.dumps(READ))
    policy = iam.create_policy(PolicyName="DetailWrite", PolicyDocument=json.dumps(READ))["Policy"]
    iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps(WRITE), SetAsDefault=True)
    iam.attach_role_policy(RoleName="DetailRole", PolicyArn=policy["Arn"])
    iam.attach_role_policy(RoleName="DetailRole", PolicyArn=GT)
    iam.create_user(UserName="detail-user")
    iam.put_user_policy(UserName="detail-user", PolicyName="read", PolicyDocument=json.dumps(READ))
    return {"policy": policy["Arn"]}


def merged(pages: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {name: [] for name in LISTS}
    for page in pages:
        for name in LISTS:
            out[name].extend(page[name])
    return out


def test_snapshot_of_users_roles_and_policies(server: Server, account: dict[str, Any]) -> None:
    details = server.client("iam").get_account_authorization_details()
    assert details["IsTruncated"] is False and details["GroupDetailList"] == []
    role = next(r for r in details["RoleDetailList"] if r["RoleName"] == "DetailRole")
    assert role["Arn"] == "arn:aws:iam::000000000000:role/gt/DetailRole"
    assert role["AssumeRolePolicyDocument"] == TRUST  # boto3 decodes the URL-encoded documents
    assert role["RolePolicyList"] == [{"PolicyName": "read", "PolicyDocument": READ}]
    assert [a["PolicyArn"] for a in role["AttachedManagedPolicies"]] == [account["policy"], GT]
    user = next(u for u in details["UserDetailList"] if u["UserName"] == "detail-user")
    assert (
        user["UserPolicyList"] == [{"PolicyName": "read", "PolicyDocument": READ}] and user["GroupList"] == []
    )
    mine = next(p for p in details["Policies"] if p["Arn"] == account["policy"])
    assert mine["DefaultVersionId"] == "v2" and mine["AttachmentCount"] == 1
    assert [(v["VersionId"], v["IsDefaultVersion"], v["Document"]) for v in mine["PolicyVersionList"]] == [
        ("v1", False, READ),
        ("v2", True, WRITE),
    ]
    # The AWS managed policies in use are listed; role check resolves the role from this output.
    assert GT in {p["Arn"] for p in details["Policies"]}
    loaded = Role.from_authorization_details(details, "DetailRole")
    names = [p.name for p in loaded.policy_set.identity]
    assert names == ["read", "DetailWrite", "AmazonSageMakerGroundTruthExecution"]
    assert loaded.policy_set.identity[1].policy.document == WRITE  # the default version


def test_filter_and_paging(server: Server, account: dict[str, Any]) -> None:
    iam = server.client("iam")
    roles = iam.get_account_authorization_details(Filter=["Role"])
    assert roles["RoleDetailList"] and not roles["UserDetailList"] and not roles["Policies"]
    local = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
    assert account["policy"] in {p["Arn"] for p in local} and GT not in {p["Arn"] for p in local}
    whole = iam.get_account_authorization_details()
    first = iam.get_account_authorization_details(MaxItems=1)
    assert first["IsTruncated"] and sum(len(first[n]) for n in LISTS) == 1
    pages = iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 2})
    assert merged(pages) == {n: whole[n] for n in LISTS}


def test_needs_permission(server: Server, make_user: MakeUser) -> None:
    key, secret = make_user("no-details", READ)
    with pytest.raises(ClientError) as exc:
        server.client("iam", key, secret).get_account_authorization_details()
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    assert "iam:GetAccountAuthorizationDetails" in exc.value.response["Error"]["Message"]
