"""IAM managed-policy operations: Create/Get/Delete/ListPolicies, Create/GetPolicyVersion.

AWS managed policies (``arn:aws:iam::aws:policy/...``) resolve from the documents shipped with
opentruth, so GetPolicy and GetPolicyVersion work for them as on AWS.
"""

from __future__ import annotations

from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.iam.common import encode_document, page, read, write
from opentruth.db import repo_iam_policies as policies
from opentruth.db.repo_iam_common import iam_arn
from opentruth.iam.managed import is_aws_managed


def _authorize(call: AwsCall, action: str, arn: str) -> None:
    # AWS managed policies live in the pseudo-account "aws" but every account may read them:
    # evaluate them as same-account resources, or the engine would demand a resource policy.
    account = call.account_id if is_aws_managed(arn) else None
    call.authorize(action, arn, resource_account=account)


def create_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    path = p.get("Path", "/")
    call.authorize("iam:CreatePolicy", iam_arn(call.account_id, "policy", path, p["PolicyName"]))
    info = write(
        call,
        lambda s: policies.create_policy(
            s,
            p["PolicyName"],
            p["PolicyDocument"],
            path=path,
            description=p.get("Description"),
            account_id=call.account_id,
        ),
    )
    return {"Policy": info.to_api()}


def get_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    _authorize(call, "iam:GetPolicy", p["PolicyArn"])
    return {"Policy": read(call, lambda s: policies.get_policy(s, p["PolicyArn"])).to_api()}


def delete_policy(call: AwsCall, p: dict[str, Any]) -> None:
    _authorize(call, "iam:DeletePolicy", p["PolicyArn"])
    write(call, lambda s: policies.delete_policy(s, p["PolicyArn"]))


def list_policies(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:ListPolicies", f"arn:aws:iam::{call.account_id}:policy/")
    found = read(
        call,
        lambda s: policies.list_policies(
            s,
            scope=p.get("Scope", "All"),
            only_attached=bool(p.get("OnlyAttached", False)),
            path_prefix=p.get("PathPrefix", "/"),
            account_id=call.account_id,
        ),
    )
    items, fields = page(found, p)
    return {"Policies": [i.to_api() for i in items], **fields}


def create_policy_version(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    _authorize(call, "iam:CreatePolicyVersion", p["PolicyArn"])
    version = write(
        call,
        lambda s: policies.create_policy_version(
            s, p["PolicyArn"], p["PolicyDocument"], bool(p.get("SetAsDefault", False))
        ),
    )
    return {
        "PolicyVersion": {
            "VersionId": version.version_id,
            "IsDefaultVersion": version.is_default,
            "CreateDate": version.created_at,
        }
    }


def get_policy_version(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    _authorize(call, "iam:GetPolicyVersion", p["PolicyArn"])
    version = read(call, lambda s: policies.get_policy_version(s, p["PolicyArn"], p["VersionId"]))
    return {
        "PolicyVersion": {
            "Document": encode_document(version.document),
            "VersionId": version.version_id,
            "IsDefaultVersion": version.is_default,
            "CreateDate": version.created_at,
        }
    }


OPERATIONS = {
    "CreatePolicy": create_policy,
    "GetPolicy": get_policy,
    "DeletePolicy": delete_policy,
    "ListPolicies": list_policies,
    "CreatePolicyVersion": create_policy_version,
    "GetPolicyVersion": get_policy_version,
}
