"""Managed policies of the IAM store: customer managed policies with versions, and AWS's.

Customer managed policies (``arn:aws:iam::<account>:policy/<path><name>``) keep up to five
versions, one of them the default, which is the one in force (as in IAM). AWS managed policies
(``arn:aws:iam::aws:policy/...``) are read-only and resolve from the documents shipped with
opentruth (:mod:`opentruth.iam.managed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.models_iam import IamPolicy, IamPolicyVersion, IamRole, IamUser
from opentruth.db.repo_iam_common import (
    DeleteConflictError,
    EntityAlreadyExistsError,
    IamLimitExceededError,
    NoSuchEntityError,
    bump_generation,
    check_document,
    check_name,
    check_path,
    iam_arn,
    new_id,
)
from opentruth.db.types import utcnow
from opentruth.iam.managed import is_aws_managed, shipped_by_arn, shipped_document, shipped_policies
from opentruth.iam.validate import PolicyType

#: IAM keeps at most five versions of a managed policy.
MAX_POLICY_VERSIONS = 5


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """What GetPolicy/ListPolicies show of a managed policy."""

    arn: str
    name: str
    path: str
    policy_id: str
    default_version_id: str
    attachment_count: int
    description: str | None
    created_at: datetime
    updated_at: datetime
    aws_managed: bool

    def to_api(self) -> dict[str, Any]:
        """The ``Policy`` structure of IAM's API."""
        out: dict[str, Any] = {
            "PolicyName": self.name,
            "PolicyId": self.policy_id,
            "Arn": self.arn,
            "Path": self.path,
            "DefaultVersionId": self.default_version_id,
            "AttachmentCount": self.attachment_count,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": self.created_at,
            "UpdateDate": self.updated_at,
        }
        if self.description:
            out["Description"] = self.description
        return out


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of a managed policy."""

    document: dict[str, Any]
    version_id: str
    is_default: bool
    created_at: datetime


def _policy_row(session: Session, arn: str) -> IamPolicy:
    row = session.scalar(select(IamPolicy).where(IamPolicy.arn == arn))
    if row is None:
        raise NoSuchEntityError(f"Policy {arn} does not exist or is not attachable.")
    return row


def _attachments(session: Session, arn: str) -> int:
    """How many roles and users have ``arn`` attached (a scan: IAM data is small)."""
    count = 0
    for detail in session.scalars(select(IamRole.detail)):
        count += sum(1 for p in detail.get("AttachedManagedPolicies", []) if p.get("PolicyArn") == arn)
    for attached in session.scalars(select(IamUser.attached_policies)):
        count += attached.count(arn)
    return count


def _shipped(arn: str) -> str | None:
    found = shipped_by_arn(arn)
    return found.name if found is not None else None


def _aws_policy(session: Session, arn: str) -> ManagedPolicy:
    found = shipped_by_arn(arn)
    if found is None:
        raise NoSuchEntityError(f"Policy {arn} does not exist or is not attachable.")
    return ManagedPolicy(
        arn=arn,
        name=found.name,
        path=found.path,
        policy_id=found.policy_id,
        default_version_id=found.version_id,
        attachment_count=_attachments(session, arn),
        description=None,
        created_at=found.created_at,
        updated_at=found.updated_at,
        aws_managed=True,
    )


def _info(session: Session, row: IamPolicy) -> ManagedPolicy:
    return ManagedPolicy(
        arn=row.arn,
        name=row.name,
        path=row.path,
        policy_id=row.policy_id,
        default_version_id=row.default_version_id,
        attachment_count=_attachments(session, row.arn),
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
        aws_managed=False,
    )


def create_policy(
    session: Session,
    name: str,
    document: object,
    *,
    path: str = "/",
    description: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> ManagedPolicy:
    """Create a customer managed policy with ``document`` as its default version ``v1``."""
    check_name(name, "policy name", policy=True)
    check_path(path, "policy")
    doc = check_document(document, PolicyType.IDENTITY, f"policy {name}", managed=True)
    if session.scalar(
        select(IamPolicy.id).where(IamPolicy.account_id == account_id, IamPolicy.name_key == name.lower())
    ):
        raise EntityAlreadyExistsError(
            f"A policy called {name} already exists. Duplicate names are not allowed."
        )
    now = utcnow()
    row = IamPolicy(
        account_id=account_id,
        name=name,
        name_key=name.lower(),
        path=path,
        arn=iam_arn(account_id, "policy", path, name),
        policy_id=new_id("ANPA"),
        description=description,
        default_version_id="v1",
        next_version=2,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    session.add(IamPolicyVersion(policy_pk=row.id, version_id="v1", document=doc, created_at=now))
    session.flush()
    bump_generation(session, account_id)
    return _info(session, row)


def get_policy(session: Session, arn: str) -> ManagedPolicy:
    """GetPolicy: a customer managed policy, or a shipped AWS managed one."""
    if is_aws_managed(arn):
        return _aws_policy(session, arn)
    return _info(session, _policy_row(session, arn))


def policy_exists(session: Session, arn: str) -> bool:
    """True when ``arn`` names an attachable managed policy (customer or shipped AWS)."""
    if is_aws_managed(arn):
        return _shipped(arn) is not None
    return session.scalar(select(IamPolicy.id).where(IamPolicy.arn == arn)) is not None


def delete_policy(session: Session, arn: str) -> None:
    """DeletePolicy. Refused with ``DeleteConflict`` while the policy is attached anywhere."""
    if is_aws_managed(arn):
        raise NoSuchEntityError(f"Policy {arn} is an AWS managed policy and cannot be deleted.")
    row = _policy_row(session, arn)
    if _attachments(session, arn):
        raise DeleteConflictError("Cannot delete a policy attached to entities.")
    session.execute(delete(IamPolicyVersion).where(IamPolicyVersion.policy_pk == row.id))
    session.delete(row)
    session.flush()
    bump_generation(session, row.account_id)


def list_policies(
    session: Session,
    *,
    scope: str = "All",
    only_attached: bool = False,
    path_prefix: str = "/",
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> list[ManagedPolicy]:
    """ListPolicies: ``scope`` is ``All``, ``AWS`` or ``Local``; sorted by name."""
    out: list[ManagedPolicy] = []
    if scope in ("All", "AWS"):
        out.extend(_aws_policy(session, p.arn) for _, p in sorted(shipped_policies().items()))
    if scope in ("All", "Local"):
        rows = session.scalars(
            select(IamPolicy).where(IamPolicy.account_id == account_id).order_by(IamPolicy.name)
        )
        out.extend(_info(session, r) for r in rows)
    out = [p for p in out if p.path.startswith(path_prefix)]
    if only_attached:
        out = [p for p in out if p.attachment_count > 0]
    return out


def create_policy_version(
    session: Session, arn: str, document: object, set_as_default: bool = False
) -> PolicyVersion:
    """CreatePolicyVersion. IAM keeps five versions at most (``LimitExceeded`` beyond)."""
    if is_aws_managed(arn):
        raise NoSuchEntityError(f"Policy {arn} is an AWS managed policy and cannot be changed.")
    row = _policy_row(session, arn)
    doc = check_document(document, PolicyType.IDENTITY, f"policy {row.name}", managed=True)
    versions = session.scalars(
        select(IamPolicyVersion.version_id).where(IamPolicyVersion.policy_pk == row.id)
    ).all()
    if len(versions) >= MAX_POLICY_VERSIONS:
        raise IamLimitExceededError(
            f"A managed policy can have up to {MAX_POLICY_VERSIONS} versions. "
            "Before you create a new version, you must delete an existing version."
        )
    now = utcnow()
    version_id = f"v{row.next_version}"
    session.add(IamPolicyVersion(policy_pk=row.id, version_id=version_id, document=doc, created_at=now))
    row.next_version += 1
    row.updated_at = now
    if set_as_default:
        row.default_version_id = version_id
    session.flush()
    bump_generation(session, row.account_id)
    return PolicyVersion(doc, version_id, set_as_default, now)


def get_policy_version(session: Session, arn: str, version_id: str) -> PolicyVersion:
    """GetPolicyVersion, for customer and shipped AWS managed policies."""
    if is_aws_managed(arn):
        info = _aws_policy(session, arn)
        if version_id != info.default_version_id:
            raise NoSuchEntityError(f"Policy {arn} version {version_id} does not exist or is not attachable.")
        # The default version was created when the policy was last updated.
        return PolicyVersion(dict(shipped_document(info.name)), version_id, True, info.updated_at)
    row = _policy_row(session, arn)
    version = session.get(IamPolicyVersion, (row.id, version_id))
    if version is None:
        raise NoSuchEntityError(f"Policy {arn} version {version_id} does not exist or is not attachable.")
    return PolicyVersion(
        version.document, version_id, version_id == row.default_version_id, version.created_at
    )


def default_document(session: Session, arn: str) -> dict[str, Any]:
    """The document in force (the default version) of a managed policy."""
    if is_aws_managed(arn):
        info = _aws_policy(session, arn)
        return dict(shipped_document(info.name))
    row = _policy_row(session, arn)
    return get_policy_version(session, arn, row.default_version_id).document


def customer_documents(session: Session, arns: list[str]) -> dict[str, dict[str, Any]]:
    """``{arn: default document}`` of the customer managed policies among ``arns``."""
    return {arn: default_document(session, arn) for arn in dict.fromkeys(arns) if not is_aws_managed(arn)}
