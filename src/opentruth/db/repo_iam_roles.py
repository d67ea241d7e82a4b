"""Roles of the IAM store.

A role is stored as its ``RoleDetailList`` entry, the shape that the role tools read from a
ROLE.json file. :func:`get_role` returns an :class:`opentruth.iam.roles.Role` with the documents
of its customer managed policies resolved into ``ManagedPolicyDocuments``, so the labeling
runtime evaluates exactly what IAM's API shows. The role id is derived from the ARN
(:func:`opentruth.iam.context.role_unique_id`), as ``role check`` and the runtime do, so
``aws:userid`` conditions agree everywhere.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.models_iam import IamRole
from opentruth.db.repo_iam_common import (
    DeleteConflictError,
    EntityAlreadyExistsError,
    NoSuchEntityError,
    bump_generation,
    check_document,
    check_inline_quota,
    check_name,
    check_path,
    iam_arn,
    tags_list,
)
from opentruth.db.repo_iam_policies import create_policy, customer_documents, policy_exists
from opentruth.db.types import utcnow
from opentruth.errors import ValidationError
from opentruth.iam.arn import parse_arn
from opentruth.iam.context import role_unique_id
from opentruth.iam.managed import is_aws_managed, policy_name_of
from opentruth.iam.roles import Role
from opentruth.iam.validate import PolicyType

#: IAM's default and maximum ``MaxSessionDuration`` (seconds).
DEFAULT_MAX_SESSION = 3600
MAX_SESSION_LIMIT = 43200


def _row_by_name(session: Session, name: str, account_id: str) -> IamRole:
    row = session.scalar(
        select(IamRole).where(IamRole.account_id == account_id, IamRole.name_key == name.lower())
    )
    if row is None:
        raise NoSuchEntityError(f"The role with name {name} cannot be found.")
    return row


def _role(session: Session, row: IamRole) -> Role:
    detail = copy.deepcopy(row.detail)
    arns = [p["PolicyArn"] for p in detail.get("AttachedManagedPolicies", [])]
    boundary = (detail.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary:
        arns.append(boundary)
    detail["ManagedPolicyDocuments"] = customer_documents(session, arns)
    return Role.from_detail(detail)


def role_info(
    session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> tuple[Role, dict[str, Any]]:
    """The role and IAM's extra fields of it (``CreateDate``, ``Description``, ``MaxSessionDuration``)."""
    row = _row_by_name(session, name, account_id)
    extra: dict[str, Any] = {"CreateDate": row.created_at, "MaxSessionDuration": row.max_session_duration}
    if row.description:
        extra["Description"] = row.description
    return _role(session, row), extra


def get_role(session: Session, arn: str) -> Role:
    """The role with ARN ``arn``, its customer managed policy documents resolved.

    Raises ``NoSuchEntity`` when there is no such role.
    """
    row = session.scalar(select(IamRole).where(IamRole.arn == arn))
    if row is None:
        parsed = parse_arn(arn)
        name = parsed.resource.rsplit("/", 1)[-1] if parsed else arn
        raise NoSuchEntityError(f"The role with name {name} cannot be found.")
    return _role(session, row)


def get_role_by_name(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> Role:
    """The role named ``name`` (case-insensitively, as IAM matches names)."""
    return _role(session, _row_by_name(session, name, account_id))


def find_role_arn(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> str | None:
    """The ARN of the role named ``name``, or ``None``."""
    return session.scalar(
        select(IamRole.arn).where(IamRole.account_id == account_id, IamRole.name_key == name.lower())
    )


def _check_role_documents(session: Session, role: Role) -> None:
    check_document(role.trust_document, PolicyType.TRUST, f"role {role.name}: AssumeRolePolicyDocument")
    for inline in role.inline:
        check_document(inline.document, PolicyType.IDENTITY, f"role {role.name}: policy {inline.name}")
    check_inline_quota([p.document for p in role.inline], f"role {role.name}")
    for arn in [p.arn for p in role.attached] + ([role.boundary_arn] if role.boundary_arn else []):
        if not policy_exists(session, arn):
            raise NoSuchEntityError(f"Policy {arn} does not exist or is not attachable.")


def create_role(
    session: Session,
    name: str,
    trust_document: object,
    *,
    path: str = "/",
    description: str | None = None,
    max_session_duration: int = DEFAULT_MAX_SESSION,
    boundary_arn: str | None = None,
    tags: object = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> Role:
    """CreateRole: a new role with only its trust policy (and boundary and tags)."""
    check_name(name, "role name")
    check_path(path, "role")
    arn = iam_arn(account_id, "role", path, name)
    detail: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": role_unique_id(arn),
        "Arn": arn,
        "AssumeRolePolicyDocument": check_document(
            trust_document, PolicyType.TRUST, f"role {name}: AssumeRolePolicyDocument"
        ),
        "RolePolicyList": [],
        "AttachedManagedPolicies": [],
        "Tags": tags_list(tags, f"role {name}"),
    }
    if boundary_arn:
        detail["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": boundary_arn,
        }
    return _insert(session, Role.from_detail(detail), description, max_session_duration, replace=False)


def create_role_from_detail(
    session: Session, detail: Mapping[str, Any], *, replace: bool = False, account_id: str | None = None
) -> Role:
    """Store a role given as one ``RoleDetailList`` entry (the ROLE.json of ``opentruth iam create-role``).

    Every document is validated by the engine. Customer managed policies it attaches must exist,
    or have their document under ``ManagedPolicyDocuments``: those are created (as ``v1``). With
    ``replace`` an existing role of that name is overwritten; otherwise it is ``EntityAlreadyExists``.
    The role id is always the one derived from the ARN.
    """
    role = Role.from_detail(detail)
    account = account_id or role.account
    if role.account != account:
        raise ValidationError(f"role {role.name}: its ARN is in account {role.account}, not {account}")
    check_name(role.name, "role name")
    check_path(role.path, f"role {role.name}")
    if role.arn != iam_arn(account, "role", role.path, role.name):
        raise ValidationError(
            f"role {role.name}: Arn {role.arn} does not match its Path and RoleName "
            f"(expected {iam_arn(account, 'role', role.path, role.name)})"
        )
    for arn, document in role.managed_documents.items():
        if is_aws_managed(arn) or policy_exists(session, arn):
            continue
        parsed = parse_arn(arn)
        if parsed is None or parsed.account != account or not parsed.resource.startswith("policy/"):
            raise ValidationError(
                f"role {role.name}: ManagedPolicyDocuments key {arn!r} is not a policy ARN of {account}"
            )
        path = parsed.resource[len("policy") : -len(policy_name_of(arn))]
        create_policy(session, policy_name_of(arn), document, path=path or "/", account_id=account)
    return _insert(session, role, None, DEFAULT_MAX_SESSION, replace=replace)


def _insert(
    session: Session, role: Role, description: str | None, max_session: int, *, replace: bool
) -> Role:
    if not 3600 <= max_session <= MAX_SESSION_LIMIT:
        raise ValidationError(
            f"MaxSessionDuration {max_session} must be between 3600 and {MAX_SESSION_LIMIT} seconds"
        )
    _check_role_documents(session, role)
    detail = role.to_detail()
    detail.pop("ManagedPolicyDocuments", None)
    detail["RoleId"] = role_unique_id(role.arn)
    account = role.account
    existing = session.scalar(
        select(IamRole).where(IamRole.account_id == account, IamRole.name_key == role.name.lower())
    )
    if existing is not None and not replace:
        raise EntityAlreadyExistsError(f"Role with name {role.name} already exists.")
    now = utcnow()
    if existing is not None:
        existing.name, existing.path, existing.arn, existing.detail = role.name, role.path, role.arn, detail
        existing.role_id = detail["RoleId"]
    else:
        session.add(
            IamRole(
                account_id=account,
                name=role.name,
                name_key=role.name.lower(),
                path=role.path,
                arn=role.arn,
                role_id=detail["RoleId"],
                detail=detail,
                description=description,
                max_session_duration=max_session,
                created_at=now,
            )
        )
    session.flush()
    bump_generation(session, account)
    return get_role(session, role.arn)


def _update(session: Session, name: str, account_id: str, change: Any) -> None:
    row = _row_by_name(session, name, account_id)
    detail = copy.deepcopy(row.detail)
    change(detail)
    row.detail = detail  # a new object, so SQLAlchemy sees the JSON change
    session.flush()
    bump_generation(session, account_id)


def delete_role(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """DeleteRole. Like IAM, refused with ``DeleteConflict`` while policies remain on the role."""
    row = _row_by_name(session, name, account_id)
    if row.detail.get("RolePolicyList") or row.detail.get("AttachedManagedPolicies"):
        raise DeleteConflictError("Cannot delete entity, must remove policies from role first.")
    session.delete(row)
    session.flush()
    bump_generation(session, account_id)


def list_roles(
    session: Session, path_prefix: str = "/", account_id: str = DEFAULT_ACCOUNT_ID
) -> list[tuple[Role, datetime]]:
    """ListRoles: roles whose path starts with ``path_prefix``, by name, with their creation time."""
    rows = session.scalars(select(IamRole).where(IamRole.account_id == account_id).order_by(IamRole.name_key))
    return [(Role.from_detail(r.detail), r.created_at) for r in rows if r.path.startswith(path_prefix)]


def update_assume_role_policy(
    session: Session, name: str, document: object, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """UpdateAssumeRolePolicy."""
    doc = check_document(document, PolicyType.TRUST, f"role {name}: AssumeRolePolicyDocument")
    _update(session, name, account_id, lambda d: d.__setitem__("AssumeRolePolicyDocument", doc))


def put_role_policy(
    session: Session, name: str, policy_name: str, document: object, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """PutRolePolicy: add or replace an inline policy."""
    check_name(policy_name, "policy name", policy=True)
    doc = check_document(
        document, PolicyType.IDENTITY, f"role {name}: policy {policy_name}", entity=f"role {name}"
    )

    def change(detail: dict[str, Any]) -> None:
        kept = [p for p in detail.get("RolePolicyList", []) if p["PolicyName"] != policy_name]
        # The quota is on all the role's inline policies together (IAM's LimitExceeded).
        check_inline_quota([doc, *(p["PolicyDocument"] for p in kept)], f"role {name}")
        detail["RolePolicyList"] = [*kept, {"PolicyName": policy_name, "PolicyDocument": doc}]

    _update(session, name, account_id, change)


def get_role_policy(
    session: Session, name: str, policy_name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> dict[str, Any]:
    """GetRolePolicy: the inline policy's document."""
    for p in _row_by_name(session, name, account_id).detail.get("RolePolicyList", []):
        if p["PolicyName"] == policy_name:
            doc: dict[str, Any] = p["PolicyDocument"]
            return doc
    raise NoSuchEntityError(f"The role policy with name {policy_name} cannot be found.")


def delete_role_policy(
    session: Session, name: str, policy_name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """DeleteRolePolicy."""
    get_role_policy(session, name, policy_name, account_id)
    _update(
        session,
        name,
        account_id,
        lambda d: d.__setitem__(
            "RolePolicyList", [p for p in d["RolePolicyList"] if p["PolicyName"] != policy_name]
        ),
    )


def list_role_policies(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> list[str]:
    """ListRolePolicies: the inline policy names, sorted."""
    return sorted(
        p["PolicyName"] for p in _row_by_name(session, name, account_id).detail.get("RolePolicyList", [])
    )


def attach_role_policy(
    session: Session, name: str, policy_arn: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """AttachRolePolicy (attaching twice is a no-op, as in IAM)."""
    if not policy_exists(session, policy_arn):
        raise NoSuchEntityError(f"Policy {policy_arn} does not exist or is not attachable.")

    def change(detail: dict[str, Any]) -> None:
        attached = detail.setdefault("AttachedManagedPolicies", [])
        if all(p["PolicyArn"] != policy_arn for p in attached):
            attached.append({"PolicyName": policy_name_of(policy_arn), "PolicyArn": policy_arn})

    _update(session, name, account_id, change)


def detach_role_policy(
    session: Session, name: str, policy_arn: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """DetachRolePolicy."""
    attached = list_attached_role_policies(session, name, account_id)
    if all(arn != policy_arn for _, arn in attached):
        raise NoSuchEntityError(f"Policy {policy_arn} was not found.")
    _update(
        session,
        name,
        account_id,
        lambda d: d.__setitem__(
            "AttachedManagedPolicies",
            [p for p in d["AttachedManagedPolicies"] if p["PolicyArn"] != policy_arn],
        ),
    )


def list_attached_role_policies(
    session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> list[tuple[str, str]]:
    """ListAttachedRolePolicies: ``(name, arn)`` pairs in attachment order."""
    detail = _row_by_name(session, name, account_id).detail
    return [(p["PolicyName"], p["PolicyArn"]) for p in detail.get("AttachedManagedPolicies", [])]
