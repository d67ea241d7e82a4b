"""STS through real boto3 clients: AssumeRole (trust policy, session policy, temporary
credentials), GetCallerIdentity, and expired session tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import botocore.auth
import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    # mypy knows the conftest as api.conftest; pytest never imports annotations.
    from api.conftest import MakeUser, Server

ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def trust(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}],
        }
    )


def test_get_caller_identity_of_a_user(server: Server) -> None:
    ident = server.client("sts").get_caller_identity()
    assert ident["Arn"] == "arn:aws:iam::000000000000:user/admin"
    assert ident["Account"] == "000000000000"
    assert ident["UserId"].startswith("AIDA")


def test_assume_role_and_use_the_temporary_credentials(server: Server) -> None:
    iam = server.client("iam")
    role = iam.create_role(RoleName="Worker", AssumeRolePolicyDocument=trust(server.admin.user_arn))["Role"]
    iam.put_role_policy(RoleName="Worker", PolicyName="all", PolicyDocument=json.dumps(ALL))
    out = server.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="job-1", DurationSeconds=900)
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/Worker/job-1"
    assert out["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:job-1"
    assert creds["Expiration"] > datetime.now(UTC) + timedelta(minutes=14)

    as_role = server.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    ident = as_role.get_caller_identity()
    assert ident["Arn"] == "arn:aws:sts::000000000000:assumed-role/Worker/job-1"
    assert ident["UserId"] == f"{role['RoleId']}:job-1"
    # The role's own policies apply to the session.
    role_iam = server.client("iam", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert role_iam.get_role(RoleName="Worker")["Role"]["Arn"] == role["Arn"]

    # Without the session token the key is refused; with a wrong token too.
    no_token = server.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"])
    with pytest.raises(ClientError) as exc:
        no_token.get_caller_identity()
    assert exc.value.response["Error"]["Code"] == "InvalidClientTokenId"
    bad_token = server.client(
        "sts", creds["AccessKeyId"], creds["SecretAccessKey"], "x" + creds["SessionToken"]
    )
    with pytest.raises(ClientError) as exc:
        bad_token.get_caller_identity()
    assert exc.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_session_policy_limits_the_session(server: Server) -> None:
    iam = server.client("iam")
    role = iam.create_role(RoleName="Limited", AssumeRolePolicyDocument=trust(server.admin.user_arn))["Role"]
    iam.put_role_policy(RoleName="Limited", PolicyName="all", PolicyDocument=json.dumps(ALL))
    only_get = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}],
    }
    creds = server.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="narrow", Policy=json.dumps(only_get)
    )["Credentials"]
    role_iam = server.client("iam", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    role_iam.get_role(RoleName="Limited")
    with pytest.raises(ClientError) as exc:
        role_iam.list_roles()
    assert exc.value.response["Error"]["Message"] == (
        "User: arn:aws:sts::000000000000:assumed-role/Limited/narrow is not authorized to perform: "
        "iam:ListRoles on resource: arn:aws:iam::000000000000:role/"
    )
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole"}]}
    with pytest.raises(ClientError) as exc2:
        server.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="bad", Policy=json.dumps(bad))
    assert exc2.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_trust_policy_decides(server: Server, make_user: MakeUser) -> None:
    iam = server.client("iam")
    key, secret = make_user("eve", ALL)
    # Named by nobody: even an identity allow of everything does not let eve assume the role.
    role = iam.create_role(RoleName="NotEve", AssumeRolePolicyDocument=trust(server.admin.user_arn))["Role"]
    eve_sts = server.client("sts", key, secret)
    with pytest.raises(ClientError) as exc:
        eve_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    assert exc.value.response["Error"]["Message"] == (
        "User: arn:aws:iam::000000000000:user/eve is not authorized to perform: sts:AssumeRole "
        f"on resource: {role['Arn']}"
    )
    # The account root delegates to identity policies: eve's allow of * now suffices...
    root = iam.create_role(
        RoleName="Delegated", AssumeRolePolicyDocument=trust("arn:aws:iam::000000000000:root")
    )
    eve_sts.assume_role(RoleArn=root["Role"]["Arn"], RoleSessionName="sess")
    # ...but not for a user with no identity allow.
    key2, secret2 = make_user("frank")
    with pytest.raises(ClientError) as exc:
        server.client("sts", key2, secret2).assume_role(RoleArn=root["Role"]["Arn"], RoleSessionName="sess")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    # A role that does not exist reads as the same denial.
    with pytest.raises(ClientError) as exc:
        eve_sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/Nope", RoleSessionName="sess")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"


def test_expired_session_token(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    iam = server.client("iam")
    role = iam.create_role(RoleName="Short", AssumeRolePolicyDocument=trust(server.admin.user_arn))["Role"]
    creds = server.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="sess", DurationSeconds=900
    )["Credentials"]
    # One hour later on both clocks (so the signature time is fine): the session has expired.
    later = datetime.now(UTC) + timedelta(hours=1)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: later.replace(tzinfo=None))
    server.skew[0] = timedelta(hours=1)
    try:
        with pytest.raises(ClientError) as exc:
            server.client(
                "sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
            ).get_caller_identity()
    finally:
        server.skew[0] = timedelta(0)
    assert exc.value.response["Error"]["Code"] == "ExpiredToken"
