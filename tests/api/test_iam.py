"""The IAM API through a real boto3 ``iam`` client against a running server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    # mypy knows the conftest as api.conftest; pytest never imports annotations.
    from api.conftest import MakeUser, Server

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
S3_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_role_lifecycle_with_inline_and_managed_policies(server: Server) -> None:
    iam = server.client("iam")
    created = iam.create_role(
        RoleName="GtRole", Path="/service/", AssumeRolePolicyDocument=json.dumps(TRUST), Description="d"
    )["Role"]
    assert created["Arn"] == "arn:aws:iam::000000000000:role/service/GtRole"
    assert created["RoleId"].startswith("AROA")
    assert iam.get_role(RoleName="GtRole")["Role"]["AssumeRolePolicyDocument"] == TRUST

    iam.put_role_policy(RoleName="GtRole", PolicyName="read", PolicyDocument=json.dumps(S3_READ))
    assert iam.get_role_policy(RoleName="GtRole", PolicyName="read")["PolicyDocument"] == S3_READ
    assert iam.list_role_policies(RoleName="GtRole")["PolicyNames"] == ["read"]

    policy = iam.create_policy(PolicyName="Mine", PolicyDocument=json.dumps(S3_READ))["Policy"]
    gt = "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"
    iam.attach_role_policy(RoleName="GtRole", PolicyArn=policy["Arn"])
    iam.attach_role_policy(RoleName="GtRole", PolicyArn=gt)
    attached = iam.list_attached_role_policies(RoleName="GtRole")["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == [policy["Arn"], gt]
    assert iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"] == 1

    # A role with policies cannot be deleted, as in IAM.
    with pytest.raises(ClientError) as exc:
        iam.delete_role(RoleName="GtRole")
    assert code(exc) == "DeleteConflict"
    with pytest.raises(ClientError) as exc:
        iam.delete_policy(PolicyArn=policy["Arn"])
    assert code(exc) == "DeleteConflict"

    iam.detach_role_policy(RoleName="GtRole", PolicyArn=policy["Arn"])
    iam.detach_role_policy(RoleName="GtRole", PolicyArn=gt)
    iam.delete_role_policy(RoleName="GtRole", PolicyName="read")
    iam.delete_role(RoleName="GtRole")
    with pytest.raises(ClientError) as exc:
        iam.get_role(RoleName="GtRole")
    assert code(exc) == "NoSuchEntity"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    iam.delete_policy(PolicyArn=policy["Arn"])


def test_duplicate_role_and_update_trust(server: Server) -> None:
    iam = server.client("iam")
    iam.create_role(RoleName="Dup", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="dup", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert code(exc) == "EntityAlreadyExists"
    new_trust = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Sid": "Gt"}]}  # type: ignore[dict-item]
    iam.update_assume_role_policy(RoleName="Dup", PolicyDocument=json.dumps(new_trust))
    assert iam.get_role(RoleName="Dup")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Sid"] == "Gt"


def test_list_roles_paginates(server: Server) -> None:
    iam = server.client("iam")
    for i in range(5):
        iam.create_role(RoleName=f"Page{i}", Path="/paged/", AssumeRolePolicyDocument=json.dumps(TRUST))
    pages = list(
        iam.get_paginator("list_roles").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 2})
    )
    assert len(pages) == 3
    assert [r["RoleName"] for p in pages for r in p["Roles"]] == [f"Page{i}" for i in range(5)]


def test_malformed_policy_is_refused_with_the_finding(server: Server) -> None:
    iam = server.client("iam")
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
    with pytest.raises(ClientError) as exc:
        iam.create_policy(PolicyName="Bad", PolicyDocument=json.dumps(bad))
    assert code(exc) == "MalformedPolicyDocument"
    assert "Resource" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="BadTrust", AssumeRolePolicyDocument="{not json")
    assert code(exc) == "MalformedPolicyDocument"


def test_model_validation_uses_the_query_code(server: Server) -> None:
    iam = server.client("iam")
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="x" * 65, AssumeRolePolicyDocument=json.dumps(TRUST))
    assert code(exc) == "ValidationError"
    assert "roleName" in exc.value.response["Error"]["Message"]


def test_aws_managed_policy_resolves_from_the_registry(server: Server) -> None:
    iam = server.client("iam")
    arn = "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"
    info = iam.get_policy(PolicyArn=arn)["Policy"]
    assert info["PolicyName"] == "AmazonSageMakerGroundTruthExecution"
    version = iam.get_policy_version(PolicyArn=arn, VersionId=info["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    assert any(s.get("Sid") == "CustomLabelingJobs" for s in version["Document"]["Statement"])
    listed = iam.list_policies(Scope="AWS")["Policies"]
    assert arn in [p["Arn"] for p in listed]


def test_policy_versions(server: Server) -> None:
    iam = server.client("iam")
    arn = iam.create_policy(PolicyName="Versioned", PolicyDocument=json.dumps(S3_READ))["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_READ), SetAsDefault=True)
    assert v2["PolicyVersion"]["VersionId"] == "v2"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["IsDefaultVersion"] is False
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_READ))
    with pytest.raises(ClientError) as exc:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_READ))
    assert code(exc) == "LimitExceeded"


def test_users_keys_and_login_profiles(server: Server) -> None:
    iam = server.client("iam")
    user = iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "x"}])["User"]
    assert user["Arn"] == "arn:aws:iam::000000000000:user/bob"
    assert user["UserId"].startswith("AIDA")
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    # The new key works, and GetUser without a name is the caller itself.
    bob_iam = server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    iam.put_user_policy(
        UserName="bob",
        PolicyName="self",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}],
            }
        ),
    )
    assert bob_iam.get_user()["User"]["UserName"] == "bob"

    profile = iam.create_login_profile(UserName="bob", Password="pw-1", PasswordResetRequired=False)
    assert profile["LoginProfile"]["UserName"] == "bob"
    with pytest.raises(ClientError) as exc:
        iam.create_login_profile(UserName="bob", Password="pw-2")
    assert code(exc) == "EntityAlreadyExists"
    iam.update_login_profile(UserName="bob", Password="pw-3")
    iam.delete_login_profile(UserName="bob")
    with pytest.raises(ClientError) as exc:
        iam.update_login_profile(UserName="bob", Password="pw-4")
    assert code(exc) == "NoSuchEntity"

    iam.delete_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as exc:
        bob_iam.get_user()
    assert code(exc) == "InvalidClientTokenId"


def test_user_without_permission_gets_aws_exact_denial(server: Server, make_user: MakeUser) -> None:
    key, secret = make_user("alice")
    alice = server.client("iam", key, secret)
    with pytest.raises(ClientError) as exc:
        alice.create_role(RoleName="R", AssumeRolePolicyDocument=json.dumps(TRUST))
    error: Any = exc.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: iam:CreateRole "
        "on resource: arn:aws:iam::000000000000:role/R"
    )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_attached_managed_policy_grants_and_changes_apply_at_once(
    server: Server, make_user: MakeUser
) -> None:
    iam = server.client("iam")
    key, secret = make_user("carol")
    carol = server.client("iam", key, secret)
    with pytest.raises(ClientError):
        carol.list_roles()
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
    }
    arn = iam.create_policy(PolicyName="Lister", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="carol", PolicyArn=arn)
    assert "Roles" in carol.list_roles()


def test_condition_keys_of_the_request_apply(server: Server, make_user: MakeUser) -> None:
    """aws:SecureTransport is false on plain HTTP, so a TLS-only policy denies; aws:username works."""
    tls_only = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/${aws:username}"},
            {
                "Effect": "Deny",
                "Action": "iam:ListRoles",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"},
        ],
    }
    key, secret = make_user("dave", tls_only)
    dave = server.client("iam", key, secret)
    assert dave.get_user()["User"]["UserName"] == "dave"
    with pytest.raises(ClientError) as exc:
        dave.list_roles()
    assert code(exc) == "AccessDenied"


def test_unimplemented_operation_is_named(server: Server) -> None:
    iam = server.client("iam")
    with pytest.raises(ClientError) as exc:
        iam.list_groups()
    assert code(exc) == "NotImplemented"
    assert "ListGroups" in exc.value.response["Error"]["Message"]
