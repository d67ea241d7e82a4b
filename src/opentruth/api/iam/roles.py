"""IAM role operations: CreateRole … ListAttachedRolePolicies.

Each operation authorises ``iam:<Operation>`` on the role's ARN first (AWS checks permission
before existence, so a caller without permission learns nothing about which roles exist).
"""

from __future__ import annotations

from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.iam.common import encode_document, page, read, role_arn, role_to_api, tag_keys, write
from opentruth.db import repo_iam_roles as roles
from opentruth.iam.patterns import ContextValue


def create_role(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    name, path = p["RoleName"], p.get("Path", "/")
    boundary = p.get("PermissionsBoundary")
    extra: dict[str, ContextValue] = tag_keys(p.get("Tags"))
    if boundary:
        extra["iam:PermissionsBoundary"] = boundary
    call.authorize("iam:CreateRole", role_arn(call, name, path), extra=extra)

    def run(s: Any) -> dict[str, Any]:
        roles.create_role(
            s,
            name,
            p["AssumeRolePolicyDocument"],
            path=path,
            description=p.get("Description"),
            max_session_duration=p.get("MaxSessionDuration", roles.DEFAULT_MAX_SESSION),
            boundary_arn=boundary,
            tags=p.get("Tags"),
            account_id=call.account_id,
        )
        role, info = roles.role_info(s, name, call.account_id)
        return {"Role": role_to_api(role, info)}

    return write(call, run)


def get_role(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:GetRole", role_arn(call, p["RoleName"]))
    role, info = read(call, lambda s: roles.role_info(s, p["RoleName"], call.account_id))
    return {"Role": role_to_api(role, info)}


def delete_role(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:DeleteRole", role_arn(call, p["RoleName"]))
    write(call, lambda s: roles.delete_role(s, p["RoleName"], call.account_id))


def list_roles(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    prefix = p.get("PathPrefix", "/")
    call.authorize("iam:ListRoles", f"arn:aws:iam::{call.account_id}:role{prefix}")
    found = read(call, lambda s: roles.list_roles(s, prefix, call.account_id))
    items, fields = page(found, p)
    return {"Roles": [role_to_api(r, {"CreateDate": created}) for r, created in items], **fields}


def update_assume_role_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:UpdateAssumeRolePolicy", role_arn(call, p["RoleName"]))
    write(
        call,
        lambda s: roles.update_assume_role_policy(s, p["RoleName"], p["PolicyDocument"], call.account_id),
    )


def put_role_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:PutRolePolicy", role_arn(call, p["RoleName"]))
    write(
        call,
        lambda s: roles.put_role_policy(
            s, p["RoleName"], p["PolicyName"], p["PolicyDocument"], call.account_id
        ),
    )


def get_role_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:GetRolePolicy", role_arn(call, p["RoleName"]))
    doc = read(call, lambda s: roles.get_role_policy(s, p["RoleName"], p["PolicyName"], call.account_id))
    return {"RoleName": p["RoleName"], "PolicyName": p["PolicyName"], "PolicyDocument": encode_document(doc)}


def delete_role_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize("iam:DeleteRolePolicy", role_arn(call, p["RoleName"]))
    write(call, lambda s: roles.delete_role_policy(s, p["RoleName"], p["PolicyName"], call.account_id))


def list_role_policies(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:ListRolePolicies", role_arn(call, p["RoleName"]))
    names = read(call, lambda s: roles.list_role_policies(s, p["RoleName"], call.account_id))
    items, fields = page(names, p)
    return {"PolicyNames": items, **fields}


def attach_role_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize(
        "iam:AttachRolePolicy", role_arn(call, p["RoleName"]), extra={"iam:PolicyARN": p["PolicyArn"]}
    )
    write(call, lambda s: roles.attach_role_policy(s, p["RoleName"], p["PolicyArn"], call.account_id))


def detach_role_policy(call: AwsCall, p: dict[str, Any]) -> None:
    call.authorize(
        "iam:DetachRolePolicy", role_arn(call, p["RoleName"]), extra={"iam:PolicyARN": p["PolicyArn"]}
    )
    write(call, lambda s: roles.detach_role_policy(s, p["RoleName"], p["PolicyArn"], call.account_id))


def list_attached_role_policies(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:ListAttachedRolePolicies", role_arn(call, p["RoleName"]))
    attached = read(call, lambda s: roles.list_attached_role_policies(s, p["RoleName"], call.account_id))
    prefix = p.get("PathPrefix")
    if prefix:
        attached = [(n, a) for n, a in attached if a.split(":policy", 1)[-1].startswith(prefix)]
    items, fields = page(attached, p)
    return {"AttachedPolicies": [{"PolicyName": n, "PolicyArn": a} for n, a in items], **fields}


OPERATIONS = {
    "CreateRole": create_role,
    "GetRole": get_role,
    "DeleteRole": delete_role,
    "ListRoles": list_roles,
    "UpdateAssumeRolePolicy": update_assume_role_policy,
    "PutRolePolicy": put_role_policy,
    "GetRolePolicy": get_role_policy,
    "DeleteRolePolicy": delete_role_policy,
    "ListRolePolicies": list_role_policies,
    "AttachRolePolicy": attach_role_policy,
    "DetachRolePolicy": detach_role_policy,
    "ListAttachedRolePolicies": list_attached_role_policies,
}
