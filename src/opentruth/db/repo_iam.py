"""The IAM store: users, login profiles, STS sessions, and callers by access key.

Roles live in :mod:`opentruth.db.repo_iam_roles`, managed policies in
:mod:`opentruth.db.repo_iam_policies` and access keys in :mod:`opentruth.db.repo_iam_keys`;
the functions other layers need most are re-exported here (:func:`get_role`,
:func:`create_role_from_detail`, :func:`create_access_key`…).

:func:`principal_for_access_key` is what SigV4 verification calls: it turns an access key id
into a :class:`Caller` — its ARN, its secret (and session token), and the policy set the IAM
engine evaluates its requests under. Secrets are sealed with a
:class:`~opentruth.db.iam_secrets.SecretBox`.

Every function takes the caller's session and leaves committing to it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opentruth.db.iam_secrets import SecretBox, SecretStoreError
from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.models_iam import IamAccessKey, IamSession, IamState, IamUser
from opentruth.db.repo_iam_common import (
    DeleteConflictError,
    EntityAlreadyExistsError,
    ExpiredTokenError,
    NoSuchEntityError,
    UnknownAccessKeyError,
    bump_generation,
    check_document,
    check_inline_quota,
    check_name,
    check_path,
    generation,
    iam_arn,
    new_id,
    new_secret,
    new_session_token,
    tags_list,
    user_row,
)
from opentruth.db.repo_iam_keys import (
    MAX_ACCESS_KEYS,
    AccessKey,
    access_key_secret,
    create_access_key,
    delete_access_key,
    key_context,
    list_access_keys,
)
from opentruth.db.repo_iam_policies import customer_documents, policy_exists
from opentruth.db.repo_iam_roles import create_role_from_detail, get_role
from opentruth.db.types import utcnow
from opentruth.errors import ValidationError
from opentruth.iam.context import role_unique_id, session_arn
from opentruth.iam.evaluate import NamedPolicy, PolicySet
from opentruth.iam.managed import ManagedPolicyRegistry, policy_name_of
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import PolicyError, parse_policy
from opentruth.iam.validate import PolicyType

__all__ = [
    "MAX_ACCESS_KEYS",
    "AccessKey",
    "Caller",
    "TemporaryCredentials",
    "access_key_secret",
    "attach_user_policy",
    "check_root_key",
    "create_access_key",
    "create_role_from_detail",
    "create_session",
    "create_user",
    "delete_access_key",
    "delete_login_profile",
    "generation",
    "get_role",
    "get_user",
    "list_access_keys",
    "principal_for_access_key",
    "put_user_policy",
    "set_login_profile",
    "verify_password",
]

_KEY_CHECK = "opentruth-iam-root-key-check"


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    """AssumeRole's ``Credentials`` and ``AssumedRoleUser``."""

    key_id: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    expires_at: datetime
    arn: str
    assumed_role_id: str


@dataclass(frozen=True)
class Caller:
    """Who signed a request: the principal the IAM engine evaluates it as.

    ``policies`` is the identity layer (inline, attached managed), the boundary, and for an
    assumed role its session policy. ``secret``/``token`` are what the signature and the
    ``X-Amz-Security-Token`` are checked against.
    """

    arn: str
    account: str
    userid: str
    kind: Literal["user", "assumed-role"]
    key_id: str
    policies: PolicySet
    secret: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    user_name: str | None = None
    role_arn: str | None = None
    session_name: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    def context(self) -> dict[str, ContextValue]:
        """The principal's global condition keys, as AWS sets them for this kind of caller.

        For an assumed role ``aws:PrincipalArn`` is the *role* ARN, ``aws:userid`` is
        ``<role id>:<session name>`` and there is no ``aws:username`` (AWS documents it so).
        """
        ctx: dict[str, ContextValue] = {
            "aws:PrincipalArn": self.role_arn or self.arn,
            "aws:PrincipalAccount": self.account,
            "aws:userid": self.userid,
            "aws:PrincipalType": "User" if self.kind == "user" else "AssumedRole",
        }
        if self.user_name is not None:
            ctx["aws:username"] = self.user_name
        for key, value in self.tags:
            ctx[f"aws:PrincipalTag/{key}"] = value
        return ctx


# --------------------------------------------------------------------------- root key


def check_root_key(session: Session, box: SecretBox, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Record a check value on first use, and afterwards fail early on a wrong root key."""
    state = session.get(IamState, account_id)
    if state is None:
        state = IamState(account_id=account_id, generation=1)
        session.add(state)
    if state.key_check is None:
        state.key_check = box.seal(_KEY_CHECK, f"key-check:{account_id}")
        session.flush()
        return
    box.open(state.key_check, f"key-check:{account_id}")


# --------------------------------------------------------------------------- users


def create_user(
    session: Session,
    name: str,
    *,
    path: str = "/",
    tags: object = None,
    boundary_arn: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> IamUser:
    """CreateUser."""
    check_name(name, "user name")
    check_path(path, "user")
    if session.scalar(
        select(IamUser.id).where(IamUser.account_id == account_id, IamUser.name_key == name.lower())
    ):
        raise EntityAlreadyExistsError(f"User with name {name} already exists.")
    if boundary_arn and not policy_exists(session, boundary_arn):
        raise NoSuchEntityError(f"Policy {boundary_arn} does not exist or is not attachable.")
    row = IamUser(
        account_id=account_id,
        name=name,
        name_key=name.lower(),
        path=path,
        arn=iam_arn(account_id, "user", path, name),
        user_id=new_id("AIDA"),
        tags=tags_list(tags, f"user {name}"),
        inline_policies={},
        attached_policies=[],
        boundary_arn=boundary_arn,
        password_hash=None,
        password_reset_required=False,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    bump_generation(session, account_id)
    return row


def get_user(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> IamUser:
    """GetUser by name (``NoSuchEntity`` if absent)."""
    return user_row(session, name, account_id)


def find_user(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> IamUser | None:
    """The user named ``name``, or ``None``."""
    return session.scalar(
        select(IamUser).where(IamUser.account_id == account_id, IamUser.name_key == name.lower())
    )


def put_user_policy(
    session: Session, name: str, policy_name: str, document: object, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """PutUserPolicy: add or replace an inline policy of the user."""
    check_name(policy_name, "policy name", policy=True)
    doc = check_document(
        document, PolicyType.IDENTITY, f"user {name}: policy {policy_name}", entity=f"user {name}"
    )
    row = user_row(session, name, account_id)
    # The quota is on all the user's inline policies together (IAM's LimitExceeded).
    check_inline_quota(
        [doc, *(d for n, d in row.inline_policies.items() if n != policy_name)], f"user {name}"
    )
    row.inline_policies = {**row.inline_policies, policy_name: doc}
    session.flush()
    bump_generation(session, account_id)


def attach_user_policy(
    session: Session, name: str, policy_arn: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """AttachUserPolicy (idempotent)."""
    if not policy_exists(session, policy_arn):
        raise NoSuchEntityError(f"Policy {policy_arn} does not exist or is not attachable.")
    row = user_row(session, name, account_id)
    if policy_arn not in row.attached_policies:
        row.attached_policies = [*row.attached_policies, policy_arn]
        session.flush()
        bump_generation(session, account_id)


# --------------------------------------------------------------------------- login profiles


def set_login_profile(
    session: Session,
    name: str,
    password: str,
    *,
    hasher: PasswordHasher | None = None,
    reset_required: bool = False,
    create: bool | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> IamUser:
    """Create (``create=True``), update (``False``) or set (``None``) the user's console password.

    CreateLoginProfile on a user that has one is ``EntityAlreadyExists``; UpdateLoginProfile
    without one is ``NoSuchEntity``, as in IAM.
    """
    if not password:
        raise ValidationError("the password must not be empty")
    row = user_row(session, name, account_id)
    if create is True and row.password_hash is not None:
        raise EntityAlreadyExistsError(f"Login Profile for user {name} already exists.")
    if create is False and row.password_hash is None:
        raise NoSuchEntityError(f"Login Profile for User {name} cannot be found.")
    row.password_hash = (hasher or PasswordHasher()).hash(password)
    row.password_reset_required = reset_required
    row.password_created_at = utcnow()
    session.flush()
    return row


def delete_login_profile(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """DeleteLoginProfile."""
    row = user_row(session, name, account_id)
    if row.password_hash is None:
        raise NoSuchEntityError(f"Login Profile for User {name} cannot be found.")
    row.password_hash = None
    row.password_created_at = None
    session.flush()


def verify_password(
    session: Session,
    name: str,
    password: str,
    *,
    hasher: PasswordHasher | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> IamUser | None:
    """The user if ``password`` is its console password, else ``None`` (for the dashboard login)."""
    row = session.scalar(
        select(IamUser).where(IamUser.account_id == account_id, IamUser.name_key == name.lower())
    )
    ph = hasher or PasswordHasher()
    if row is None or row.password_hash is None:
        # Hash anyway so that an unknown user costs as much time as a wrong password.
        ph.hash(password)
        return None
    try:
        ph.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return row


def delete_user(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """DeleteUser, refused while keys, policies or a login profile remain (as in IAM)."""
    row = user_row(session, name, account_id)
    keys = session.scalars(select(IamAccessKey.key_id).where(IamAccessKey.user_pk == row.id)).all()
    if keys or row.inline_policies or row.attached_policies or row.password_hash:
        raise DeleteConflictError("Cannot delete entity, must delete policies, keys and login profile first.")
    session.delete(row)
    session.flush()
    bump_generation(session, account_id)


# --------------------------------------------------------------------------- STS sessions


def create_session(
    session: Session,
    box: SecretBox,
    role_arn: str,
    session_name: str,
    *,
    issued_to: str,
    duration_seconds: int = 3600,
    session_policy: object = None,
    now: datetime | None = None,
) -> TemporaryCredentials:
    """Issue AssumeRole credentials for ``role_arn``: ``ASIA…``, secret, token and expiry.

    The caller has already been authorised (trust policy and identity). ``session_policy``
    (AssumeRole's ``Policy``) is validated as a session policy and limits the session.
    """
    role = get_role(session, role_arn)
    doc = None
    if session_policy is not None:
        doc = check_document(session_policy, PolicyType.SESSION, "session policy")
    now = now or utcnow()
    key_id = new_id("ASIA", 20)
    secret, token = new_secret(), new_session_token()
    expires = now + timedelta(seconds=duration_seconds)
    session.add(
        IamSession(
            key_id=key_id,
            account_id=role.account,
            role_arn=role.arn,
            session_name=session_name,
            secret_sealed=box.seal(secret, f"session-secret:{key_id}"),
            token_sealed=box.seal(token, f"session-token:{key_id}"),
            session_policy=doc,
            issued_to=issued_to,
            expires_at=expires,
            created_at=now,
        )
    )
    session.flush()
    return TemporaryCredentials(
        key_id,
        secret,
        token,
        expires,
        session_arn(role.arn, session_name),
        f"{role_unique_id(role.arn)}:{session_name}",
    )


def purge_expired_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete sessions that expired more than a day ago; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=1)
    result = session.execute(delete(IamSession).where(IamSession.expires_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


# --------------------------------------------------------------------------- callers


def _user_policies(session: Session, row: IamUser) -> PolicySet:
    def parse(doc: Any, name: str) -> NamedPolicy:
        try:
            return NamedPolicy(name, parse_policy(doc, name=name))
        except PolicyError as exc:  # stored documents were validated; this means a damaged row
            raise ValidationError(
                f"user {row.name}: stored policy {name} no longer parses: {exc.message}"
            ) from None

    identity = [parse(doc, name) for name, doc in row.inline_policies.items()]
    arns = list(row.attached_policies) + ([row.boundary_arn] if row.boundary_arn else [])
    registry = ManagedPolicyRegistry(customer_documents(session, arns))
    identity.extend(NamedPolicy(policy_name_of(arn), registry.resolve(arn)) for arn in row.attached_policies)
    boundary = None
    if row.boundary_arn:
        boundary = NamedPolicy(policy_name_of(row.boundary_arn), registry.resolve(row.boundary_arn))
    return PolicySet(identity=tuple(identity), boundary=boundary)


def principal_for_access_key(
    session: Session, box: SecretBox, key_id: str, now: datetime | None = None
) -> Caller:
    """The :class:`Caller` that signs with ``key_id``.

    Raises :class:`UnknownAccessKeyError` for an unknown or inactive key (and for a session whose
    role was deleted), :class:`ExpiredTokenError` for expired temporary credentials.
    """
    if key_id.startswith("ASIA"):
        return _session_caller(session, box, key_id, now or utcnow())
    key = session.get(IamAccessKey, key_id)
    if key is None or key.status != "Active":
        raise UnknownAccessKeyError("The security token included in the request is invalid.")
    user = session.get(IamUser, key.user_pk)
    assert user is not None  # the foreign key cascades
    return Caller(
        arn=user.arn,
        account=user.account_id,
        userid=user.user_id,
        kind="user",
        key_id=key_id,
        policies=_user_policies(session, user),
        secret=_open(box, key.secret_sealed, key_context(key_id)),
        user_name=user.name,
        tags=tuple((t["Key"], t["Value"]) for t in user.tags),
    )


def _open(box: SecretBox, blob: bytes, context: str) -> str:
    try:
        return box.open(blob, context)
    except SecretStoreError:
        raise
    except Exception as exc:  # pragma: no cover - defensive: a corrupt row is a server fault
        raise SecretStoreError(f"cannot open sealed secret {context}: {exc}") from None


def _session_caller(session: Session, box: SecretBox, key_id: str, now: datetime) -> Caller:
    row = session.get(IamSession, key_id)
    if row is None:
        raise UnknownAccessKeyError("The security token included in the request is invalid.")
    if row.expires_at <= now:
        raise ExpiredTokenError("The security token included in the request is expired")
    try:
        role = get_role(session, row.role_arn)
    except NoSuchEntityError:
        raise UnknownAccessKeyError("The security token included in the request is invalid.") from None
    base = role.policy_set
    policies = PolicySet(
        identity=base.identity,
        boundary=base.boundary,
        session=None
        if row.session_policy is None
        else NamedPolicy("session", parse_policy(row.session_policy, name="session")),
    )
    return Caller(
        arn=session_arn(role.arn, row.session_name),
        account=row.account_id,
        userid=f"{role_unique_id(role.arn)}:{row.session_name}",
        kind="assumed-role",
        key_id=key_id,
        policies=policies,
        secret=_open(box, row.secret_sealed, f"session-secret:{key_id}"),
        token=_open(box, row.token_sealed, f"session-token:{key_id}"),
        expires_at=row.expires_at,
        role_arn=role.arn,
        session_name=row.session_name,
        tags=role.tags,
    )


def new_password(length: int = 20) -> str:
    """A random console password (what ``opentruth init`` gives the admin)."""
    return secrets.token_urlsafe(length)[:length]
