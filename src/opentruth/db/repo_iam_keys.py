"""IAM users' long-term access keys: create, list, activate or deactivate, delete, last use.

IAM allows two keys per user, active or not, so rotating a key means creating the second one,
moving clients to it, deactivating the first (``UpdateAccessKey``: an inactive key no longer
signs) and then deleting it. ``GetAccessKeyLastUsed`` tells whether the old key is still in use:
SigV4 verification records the service and region of a key's requests through
:func:`record_key_use` (at most about once a minute per key; IAM's own figure is approximate too).

Every function takes the caller's session and leaves committing to it. Status changes bump the
account's IAM generation (cached callers are dropped); a recorded use does not, since it changes
nothing that authorises a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.models_iam import IamAccessKey, IamUser
from opentruth.db.repo_iam_common import (
    IamLimitExceededError,
    NoSuchEntityError,
    bump_generation,
    new_id,
    new_secret,
    user_row,
)
from opentruth.db.types import utcnow
from opentruth.errors import ValidationError

#: IAM allows two access keys per user (active and inactive ones alike).
MAX_ACCESS_KEYS = 2
#: The values of ``Status``, as IAM spells them.
STATUSES = ("Active", "Inactive")


@dataclass(frozen=True, slots=True)
class AccessKey:
    """An access key as CreateAccessKey returns it (the secret is shown only then)."""

    user_name: str
    key_id: str
    secret: str = field(repr=False)
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyLastUsed:
    """GetAccessKeyLastUsed's answer: ``N/A`` service and region for a key never used."""

    user_name: str
    last_used_at: datetime | None
    service: str
    region: str


def key_context(key_id: str) -> str:
    """The associated data a key's secret is sealed under (a secret opens only for its key)."""
    return f"access-key:{key_id}"


def create_access_key(
    session: Session, box: SecretBox, name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> AccessKey:
    """CreateAccessKey: a new ``AKIA…`` key and its 40-character secret (shown once)."""
    row = user_row(session, name, account_id)
    count = len(session.scalars(select(IamAccessKey.key_id).where(IamAccessKey.user_pk == row.id)).all())
    if count >= MAX_ACCESS_KEYS:
        raise IamLimitExceededError(f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}")
    key_id = new_id("AKIA", 20)
    secret = new_secret()
    now = utcnow()
    session.add(
        IamAccessKey(
            key_id=key_id,
            account_id=account_id,
            user_pk=row.id,
            secret_sealed=box.seal(secret, key_context(key_id)),
            status="Active",
            created_at=now,
        )
    )
    session.flush()
    bump_generation(session, account_id)
    return AccessKey(row.name, key_id, secret, "Active", now)


def list_access_keys(session: Session, name: str, account_id: str = DEFAULT_ACCOUNT_ID) -> list[IamAccessKey]:
    """The user's access keys, oldest first."""
    row = user_row(session, name, account_id)
    return list(
        session.scalars(
            select(IamAccessKey).where(IamAccessKey.user_pk == row.id).order_by(IamAccessKey.created_at)
        )
    )


def access_key_secret(session: Session, box: SecretBox, key_id: str) -> str:
    """The secret of an existing access key (``opentruth init`` prints the admin's again)."""
    row = session.get(IamAccessKey, key_id)
    if row is None:
        raise NoSuchEntityError(f"The Access Key with id {key_id} cannot be found.")
    return box.open(row.secret_sealed, key_context(key_id))


def _user_key(session: Session, name: str, key_id: str, account_id: str) -> IamAccessKey:
    row = user_row(session, name, account_id)
    key = session.get(IamAccessKey, key_id)
    if key is None or key.user_pk != row.id:
        raise NoSuchEntityError(f"The Access Key with id {key_id} cannot be found.")
    return key


def update_access_key(
    session: Session, name: str, key_id: str, status: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """UpdateAccessKey: make the key ``Active`` or ``Inactive`` (an inactive key signs nothing)."""
    if status not in STATUSES:
        raise ValidationError(f"Status {status!r}: must be one of Active, Inactive")
    key = _user_key(session, name, key_id, account_id)
    if key.status != status:
        key.status = status
        session.flush()
        bump_generation(session, account_id)


def delete_access_key(session: Session, name: str, key_id: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """DeleteAccessKey."""
    row = user_row(session, name, account_id)
    n = session.execute(
        delete(IamAccessKey).where(IamAccessKey.key_id == key_id, IamAccessKey.user_pk == row.id)
    )
    if not getattr(n, "rowcount", 0):
        raise NoSuchEntityError(f"The Access Key with id {key_id} cannot be found.")
    bump_generation(session, account_id)


def access_key_last_used(session: Session, key_id: str, account_id: str = DEFAULT_ACCOUNT_ID) -> KeyLastUsed:
    """GetAccessKeyLastUsed: when the key last signed a request, to which service, in which region."""
    key = session.get(IamAccessKey, key_id)
    user = session.get(IamUser, key.user_pk) if key is not None else None
    if key is None or user is None or key.account_id != account_id:
        raise NoSuchEntityError(f"The Access Key with id {key_id} cannot be found.")
    return KeyLastUsed(
        user.name, key.last_used_at, key.last_used_service or "N/A", key.last_used_region or "N/A"
    )


def record_key_use(session: Session, key_id: str, service: str, region: str, now: datetime) -> None:
    """Note that ``key_id`` signed a request to ``service`` in ``region`` at ``now``."""
    session.execute(
        update(IamAccessKey)
        .where(IamAccessKey.key_id == key_id)
        .values(last_used_at=now, last_used_service=service, last_used_region=region)
    )
