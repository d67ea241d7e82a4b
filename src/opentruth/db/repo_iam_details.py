"""The IAM store read as documents: one entity's policies, or the whole account's snapshot.

:func:`entity_policies` is what the policy simulator reads for ``SimulatePrincipalPolicy``: the
inline, attached managed and boundary documents of a user or role, each with its name and ARN.
:func:`authorization_details` is ``GetAccountAuthorizationDetails``: users, roles and managed
policies (every version) in IAM's ``*DetailList`` shapes, documents as dicts (the API layer
URL-encodes them). opentruth has no groups, so ``GroupDetailList`` is always empty.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.models_iam import IamPolicy, IamPolicyVersion, IamRole, IamUser
from opentruth.db.repo_iam_common import NoSuchEntityError
from opentruth.db.repo_iam_policies import default_document, get_policy, list_policies
from opentruth.iam.arn import parse_arn
from opentruth.iam.managed import is_aws_managed, policy_name_of, shipped_document

#: The ``Filter`` values of GetAccountAuthorizationDetails.
ENTITY_TYPES = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")


@dataclass(frozen=True, slots=True)
class AttachedDocument:
    """A managed policy attached to an entity (or its boundary), with its document in force."""

    arn: str
    name: str
    document: dict[str, Any]

    @property
    def aws_managed(self) -> bool:
        return is_aws_managed(self.arn)


@dataclass(frozen=True, slots=True)
class EntityPolicies:
    """A user's or role's policies: ``kind`` is ``user`` or ``role`` (IAM's SourcePolicyType)."""

    kind: str
    name: str
    arn: str
    inline: tuple[tuple[str, dict[str, Any]], ...]
    attached: tuple[AttachedDocument, ...]
    boundary: AttachedDocument | None


def _document(session: Session, arn: str) -> AttachedDocument:
    doc = (
        dict(shipped_document(policy_name_of(arn))) if is_aws_managed(arn) else default_document(session, arn)
    )
    return AttachedDocument(arn, policy_name_of(arn), doc)


def entity_policies(session: Session, arn: str, account_id: str = DEFAULT_ACCOUNT_ID) -> EntityPolicies:
    """The policies of the user or role ``arn``; ``NoSuchEntity`` if there is none.

    Raises ``NoSuchEntity`` for a group too: opentruth has no groups.
    """
    parsed = parse_arn(arn)
    kind = parsed.resource.split("/", 1)[0] if parsed is not None and parsed.service == "iam" else ""
    name = arn.rsplit("/", 1)[-1]
    if kind == "role":
        role = session.scalar(select(IamRole).where(IamRole.account_id == account_id, IamRole.arn == arn))
        if role is None:
            raise NoSuchEntityError(f"The role with name {name} cannot be found.")
        detail = role.detail
        inline = tuple(
            (p["PolicyName"], copy.deepcopy(p["PolicyDocument"])) for p in detail.get("RolePolicyList", [])
        )
        attached = tuple(
            _document(session, p["PolicyArn"]) for p in detail.get("AttachedManagedPolicies", [])
        )
        boundary_arn = (detail.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    elif kind == "user":
        user = session.scalar(select(IamUser).where(IamUser.account_id == account_id, IamUser.arn == arn))
        if user is None:
            raise NoSuchEntityError(f"The user with name {name} cannot be found.")
        inline = tuple((k, copy.deepcopy(v)) for k, v in user.inline_policies.items())
        attached = tuple(_document(session, a) for a in user.attached_policies)
        boundary_arn = user.boundary_arn
    elif kind == "group":
        raise NoSuchEntityError(f"The group with name {name} cannot be found.")
    else:
        raise NoSuchEntityError(f"{arn} is not the ARN of a user, group or role of account {account_id}.")
    boundary = _document(session, boundary_arn) if boundary_arn else None
    return EntityPolicies(kind, name, arn, inline, attached, boundary)


def _boundary(arn: str | None) -> dict[str, str] | None:
    return (
        {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}
        if arn
        else None
    )


def _users(session: Session, account_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(IamUser).where(IamUser.account_id == account_id).order_by(IamUser.name_key))
    out = []
    for u in rows:
        item: dict[str, Any] = {
            "Path": u.path,
            "UserName": u.name,
            "UserId": u.user_id,
            "Arn": u.arn,
            "CreateDate": u.created_at,
            "UserPolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in u.inline_policies.items()],
            "GroupList": [],
            "AttachedManagedPolicies": [
                {"PolicyName": policy_name_of(a), "PolicyArn": a} for a in u.attached_policies
            ],
            "Tags": list(u.tags),
        }
        if u.boundary_arn:
            item["PermissionsBoundary"] = _boundary(u.boundary_arn)
        out.append(item)
    return out


def _roles(session: Session, account_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(IamRole).where(IamRole.account_id == account_id).order_by(IamRole.name_key))
    out = []
    for r in rows:
        d = r.detail
        item: dict[str, Any] = {
            "Path": r.path,
            "RoleName": r.name,
            "RoleId": r.role_id,
            "Arn": r.arn,
            "CreateDate": r.created_at,
            "AssumeRolePolicyDocument": d["AssumeRolePolicyDocument"],
            "InstanceProfileList": [],
            "RolePolicyList": list(d.get("RolePolicyList", [])),
            "AttachedManagedPolicies": list(d.get("AttachedManagedPolicies", [])),
            "Tags": list(d.get("Tags", [])),
            "RoleLastUsed": {},
        }
        boundary = (d.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if boundary:
            item["PermissionsBoundary"] = _boundary(boundary)
        out.append(item)
    return out


def _versions(session: Session, arn: str, default: str) -> list[dict[str, Any]]:
    if is_aws_managed(arn):
        info = get_policy(session, arn)
        document = dict(shipped_document(info.name))
        return [
            {
                "Document": document,
                "VersionId": default,
                "IsDefaultVersion": True,
                "CreateDate": info.created_at,
            }
        ]
    rows = session.scalars(
        select(IamPolicyVersion)
        .join(IamPolicy, IamPolicy.id == IamPolicyVersion.policy_pk)
        .where(IamPolicy.arn == arn)
    )
    versions = sorted(rows, key=lambda v: int(v.version_id.lstrip("v") or 0))
    return [
        {
            "Document": v.document,
            "VersionId": v.version_id,
            "IsDefaultVersion": v.version_id == default,
            "CreateDate": v.created_at,
        }
        for v in versions
    ]


def _policies(session: Session, account_id: str, local: bool, aws: bool) -> list[dict[str, Any]]:
    found = []
    if local:
        found += list_policies(session, scope="Local", account_id=account_id)
    if aws:
        # AWS lists the AWS managed policies the account uses, not the whole catalogue.
        found += list_policies(session, scope="AWS", only_attached=True, account_id=account_id)
    out = []
    for info in found:
        item = info.to_api()
        item["PolicyVersionList"] = _versions(session, info.arn, info.default_version_id)
        out.append(item)
    return out


def authorization_details(
    session: Session, filters: Collection[str] = (), account_id: str = DEFAULT_ACCOUNT_ID
) -> list[tuple[str, dict[str, Any]]]:
    """``(list name, item)`` pairs of the account's snapshot, in IAM's order: users, groups,
    roles, then managed policies. ``filters`` (``ENTITY_TYPES``) narrows it; none means all."""
    wanted = set(filters or ENTITY_TYPES)
    items: list[tuple[str, dict[str, Any]]] = []
    if "User" in wanted:
        items += [("UserDetailList", u) for u in _users(session, account_id)]
    if "Role" in wanted:
        items += [("RoleDetailList", r) for r in _roles(session, account_id)]
    local, aws = "LocalManagedPolicy" in wanted, "AWSManagedPolicy" in wanted
    if local or aws:
        items += [("Policies", p) for p in _policies(session, account_id, local, aws)]
    return items
