"""IAM user operations: users, access keys, inline/attached policies and login profiles.

Where ``UserName`` is optional (GetUser and the access-key operations) it defaults to the
calling user, as in IAM; a role session must name the user.
"""

from __future__ import annotations

from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.iam.common import read, tag_keys, write
from opentruth.db import repo_iam, repo_iam_keys
from opentruth.db.models_iam import IamUser
from opentruth.db.repo_iam_common import iam_arn
from opentruth.errors import ValidationError


def _user_name(call: AwsCall, p: dict[str, Any]) -> str:
    name = p.get("UserName") or call.caller.user_name
    if not name:
        raise ValidationError("Must specify userName when calling with non-User credentials")
    return str(name)


def _user_arn(call: AwsCall, name: str, path: str | None = None) -> str:
    if path is None:
        row = read(call, lambda s: repo_iam.find_user(s, name, call.account_id))
        if row is not None:
            return row.arn
        path = "/"
    return iam_arn(call.account_id, "user", path, name)


def _user_api(row: IamUser) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": row.path,
        "UserName": row.name,
        "UserId": row.user_id,
        "Arn": row.arn,
        "CreateDate": row.created_at,
    }
    if row.tags:
        out["Tags"] = row.tags
    if row.boundary_arn:
        out["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": row.boundary_arn,
        }
    return out


def create_user(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name, path = p["UserName"], p.get("Path", "/")
    extra = tag_keys(p.get("Tags"))
    if p.get("PermissionsBoundary"):
        extra["iam:PermissionsBoundary"] = p["PermissionsBoundary"]
    call.authorize("iam:CreateUser", _user_arn(call, name, path), extra=extra)
    row = write(
        call,
        lambda s: repo_iam.create_user(
            s,
            name,
            path=path,
            tags=p.get("Tags"),
            boundary_arn=p.get("PermissionsBoundary"),
            account_id=call.account_id,
        ),
    )
    return {"User": _user_api(row)}


def get_user(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(call, p)
    call.authorize("iam:GetUser", _user_arn(call, name))
    return {"User": _user_api(read(call, lambda s: repo_iam.get_user(s, name, call.account_id)))}


def create_access_key(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(call, p)
    call.authorize("iam:CreateAccessKey", _user_arn(call, name))
    key = write(call, lambda s: repo_iam.create_access_key(s, call.resources.box, name, call.account_id))
    return {
        "AccessKey": {
            "UserName": key.user_name,
            "AccessKeyId": key.key_id,
            "Status": key.status,
            "SecretAccessKey": key.secret,
            "CreateDate": key.created_at,
        }
    }


def delete_access_key(call: AwsCall, p: dict[str, Any]) -> None:
    name = _user_name(call, p)
    call.authorize("iam:DeleteAccessKey", _user_arn(call, name))
    write(call, lambda s: repo_iam.delete_access_key(s, name, p["AccessKeyId"], call.account_id))


def list_access_keys(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    # At most two keys per user: one page always holds them all.
    name = _user_name(call, p)
    call.authorize("iam:ListAccessKeys", _user_arn(call, name))
    rows = read(call, lambda s: repo_iam_keys.list_access_keys(s, name, call.account_id))
    user = read(call, lambda s: repo_iam.get_user(s, name, call.account_id)).name
    return {
        "AccessKeyMetadata": [
            {"UserName": user, "AccessKeyId": k.key_id, "Status": k.status, "CreateDate": k.created_at}
            for k in rows
        ],
        "IsTruncated": False,
    }


def update_access_key(call: AwsCall, p: dict[str, Any]) -> None:
    name = _user_name(call, p)
    call.authorize("iam:UpdateAccessKey", _user_arn(call, name))
    write(
        call,
        lambda s: repo_iam_keys.update_access_key(s, name, p["AccessKeyId"], p["Status"], call.account_id),
    )


def get_access_key_last_used(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    key_id = p["AccessKeyId"]
    used = read(call, lambda s: repo_iam_keys.access_key_last_used(s, key_id, call.account_id))
    # IAM authorises this on the key's user, which only the key names.
    call.authorize("iam:GetAccessKeyLastUsed", _user_arn(call, used.user_name))
    last: dict[str, Any] = {"ServiceName": used.service, "Region": used.region}
    if used.last_used_at is not None:
        last["LastUsedDate"] = used.last_used_at
    return {"UserName": used.user_name, "AccessKeyLastUsed": last}


def put_user_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:PutUserPolicy", _user_arn(call, p["UserName"]))
    write(
        call,
        lambda s: repo_iam.put_user_policy(
            s, p["UserName"], p["PolicyName"], p["PolicyDocument"], call.account_id
        ),
    )


def attach_user_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize(
        "iam:AttachUserPolicy", _user_arn(call, p["UserName"]), extra={"iam:PolicyARN": p["PolicyArn"]}
    )
    write(call, lambda s: repo_iam.attach_user_policy(s, p["UserName"], p["PolicyArn"], call.account_id))


def _login_profile(call: AwsCall, p: dict[str, Any], create: bool) -> IamUser:
    return write(
        call,
        lambda s: repo_iam.set_login_profile(
            s,
            p["UserName"],
            p["Password"],
            hasher=call.resources.hasher,
            reset_required=bool(p.get("PasswordResetRequired", False)),
            create=create,
            account_id=call.account_id,
        ),
    )


def create_login_profile(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:CreateLoginProfile", _user_arn(call, p["UserName"]))
    row = _login_profile(call, p, True)
    assert row.password_created_at is not None
    return {
        "LoginProfile": {
            "UserName": row.name,
            "CreateDate": row.password_created_at,
            "PasswordResetRequired": row.password_reset_required,
        }
    }


def update_login_profile(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:UpdateLoginProfile", _user_arn(call, p["UserName"]))
    if not p.get("Password"):
        raise ValidationError("UpdateLoginProfile needs Password: opentruth keeps no other profile setting")
    _login_profile(call, p, False)


def delete_login_profile(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:DeleteLoginProfile", _user_arn(call, p["UserName"]))
    write(call, lambda s: repo_iam.delete_login_profile(s, p["UserName"], call.account_id))


OPERATIONS = {
    "CreateUser": create_user,
    "GetUser": get_user,
    "CreateAccessKey": create_access_key,
    "DeleteAccessKey": delete_access_key,
    "ListAccessKeys": list_access_keys,
    "UpdateAccessKey": update_access_key,
    "GetAccessKeyLastUsed": get_access_key_last_used,
    "PutUserPolicy": put_user_policy,
    "AttachUserPolicy": attach_user_policy,
    "CreateLoginProfile": create_login_profile,
    "UpdateLoginProfile": update_login_profile,
    "DeleteLoginProfile": delete_login_profile,
}
