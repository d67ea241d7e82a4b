"""The IAM store: users, access keys, roles, customer managed policies and STS sessions.

Imported at the end of :mod:`opentruth.db.models`, so these tables share its metadata (and its
migrations). Conventions as there; in addition:

* IAM names are unique per account *case-insensitively* (AWS refuses ``Admin`` next to
  ``admin``), so each named table has a lower-cased ``name_key`` with the unique constraint.
* Secrets (access-key secrets, session secrets and tokens) are stored only as AES-GCM sealed
  blobs (:mod:`opentruth.db.iam_secrets`); SigV4 verification needs the plain secret back, so
  a one-way hash is not an option.
* A role row keeps the role as one ``RoleDetailList`` entry (``detail``), the shape that
  :meth:`opentruth.iam.roles.Role.from_detail` reads, so the runtime, the role tools and the
  API all see exactly the same role.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base, BigId


class IamState(Base):
    """Per-account IAM bookkeeping.

    ``generation`` is bumped by every IAM write, so that API processes can cache resolved callers
    and drop the cache the moment any policy, key or role changes (one cheap read per request
    instead of a policy reload). ``key_check`` is a value sealed under the root key, which tells
    a wrong root key apart from a damaged secret.
    """

    __tablename__ = "iam_state"

    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"), primary_key=True)
    generation: Mapped[int] = mapped_column(BigId, default=1)
    key_check: Mapped[bytes | None] = mapped_column(LargeBinary)


class IamUser(Base):
    """An IAM user, its policies and its (optional) console password, the login profile."""

    __tablename__ = "iam_users"
    __table_args__ = (UniqueConstraint("account_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(512))
    arn: Mapped[str] = mapped_column(String(2048), unique=True)
    #: ``AIDA…``: what ``aws:userid`` and GetCallerIdentity's ``UserId`` show.
    user_id: Mapped[str] = mapped_column(String(32), unique=True)
    tags: Mapped[list[dict[str, Any]]]
    #: Inline policies, ``{policy name: document}``.
    inline_policies: Mapped[dict[str, Any]]
    #: Attached managed policy ARNs, in attachment order.
    attached_policies: Mapped[list[str]]
    boundary_arn: Mapped[str | None] = mapped_column(String(2048))
    #: Argon2id hash (PHC string) of the console password; NULL when there is no login profile.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    password_reset_required: Mapped[bool] = mapped_column(Boolean, default=False)
    password_created_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class IamAccessKey(Base):
    """A long-term access key of a user: ``AKIA…`` and its sealed secret."""

    __tablename__ = "iam_access_keys"
    __table_args__ = (Index("ix_iam_access_keys_user", "user_pk"),)

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_users.id", ondelete="CASCADE"))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    #: ``Active`` or ``Inactive``, as IAM spells it.
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    #: The key's last signed request (GetAccessKeyLastUsed); NULL while it was never used.
    last_used_at: Mapped[datetime | None]
    last_used_service: Mapped[str | None] = mapped_column(String(64))
    last_used_region: Mapped[str | None] = mapped_column(String(32))


class IamRole(Base):
    """An IAM role, stored as its ``RoleDetailList`` entry."""

    __tablename__ = "iam_roles"
    __table_args__ = (UniqueConstraint("account_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(512))
    arn: Mapped[str] = mapped_column(String(2048), unique=True)
    role_id: Mapped[str] = mapped_column(String(32))
    #: The RoleDetailList entry, without ``ManagedPolicyDocuments`` (resolved when read).
    detail: Mapped[dict[str, Any]]
    description: Mapped[str | None] = mapped_column(String(1000))
    max_session_duration: Mapped[int] = mapped_column(Integer, default=3600)
    created_at: Mapped[datetime]


class IamPolicy(Base):
    """A customer managed policy; its documents are in :class:`IamPolicyVersion`."""

    __tablename__ = "iam_policies"
    __table_args__ = (UniqueConstraint("account_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(128))
    name_key: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512))
    arn: Mapped[str] = mapped_column(String(2048), unique=True)
    #: ``ANPA…``
    policy_id: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(String(1000))
    default_version_id: Mapped[str] = mapped_column(String(16))
    #: The number of the next version (IAM never reuses a version id).
    next_version: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class IamPolicyVersion(Base):
    """One version (``v1``, ``v2``…) of a customer managed policy."""

    __tablename__ = "iam_policy_versions"

    policy_pk: Mapped[int] = mapped_column(
        ForeignKey("iam_policies.id", ondelete="CASCADE"), primary_key=True
    )
    version_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    document: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class IamSession(Base):
    """Temporary credentials issued by AssumeRole: ``ASIA…``, sealed secret and token."""

    __tablename__ = "iam_sessions"
    __table_args__ = (Index("ix_iam_sessions_expires", "expires_at"),)

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    role_arn: Mapped[str] = mapped_column(String(2048))
    session_name: Mapped[str] = mapped_column(String(64))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    token_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    #: The ``Policy`` of AssumeRole (a session policy), if any.
    session_policy: Mapped[dict[str, Any] | None]
    #: The ARN of whoever assumed the role (for audit; AWS's ``SourceIdentity`` is not modelled).
    issued_to: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
