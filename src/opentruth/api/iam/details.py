"""IAM GetAccountAuthorizationDetails: the account's users, roles and managed policies.

Authorised as ``iam:GetAccountAuthorizationDetails`` on ``*`` (the action has no resource type).
``Filter`` narrows the snapshot to entity types; ``MaxItems`` (100 by default) and ``Marker``
page over all its items in IAM's order (users, groups, roles, policies), so a page may hold
entries of several lists. Policy documents go out URL-encoded, as IAM sends them (boto3 and
the AWS CLI decode them), which is the shape that ``opentruth role check --role`` reads.
"""

from __future__ import annotations

from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.iam.common import encode_document, page, read
from opentruth.db.repo_iam_details import authorization_details

_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


def _encoded(name: str, item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    if name == "UserDetailList":
        out["UserPolicyList"] = [
            {**p, "PolicyDocument": encode_document(p["PolicyDocument"])} for p in item["UserPolicyList"]
        ]
    elif name == "RoleDetailList":
        out["AssumeRolePolicyDocument"] = encode_document(item["AssumeRolePolicyDocument"])
        out["RolePolicyList"] = [
            {**p, "PolicyDocument": encode_document(p["PolicyDocument"])} for p in item["RolePolicyList"]
        ]
    elif name == "Policies":
        out["PolicyVersionList"] = [
            {**v, "Document": encode_document(v["Document"])} for v in item["PolicyVersionList"]
        ]
    return out


def get_account_authorization_details(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:GetAccountAuthorizationDetails", "*")
    items = read(call, lambda s: authorization_details(s, p.get("Filter") or (), call.account_id))
    chunk, fields = page(items, p)
    out: dict[str, Any] = {name: [] for name in _LISTS}
    for name, item in chunk:
        out[name].append(_encoded(name, item))
    return {**out, **fields}


OPERATIONS = {"GetAccountAuthorizationDetails": get_account_authorization_details}
