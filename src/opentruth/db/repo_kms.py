"""KMS keys in the database: keys, sealed key material, aliases and grants.

No authorisation here (that is :mod:`opentruth.cloud.keys`): these functions store and find.
Key material is sealed with the deployment's root key (:class:`SecretBox`) under the context
``kms-key:<key id>:<version>``; it is unsealed only to encrypt or decrypt, never returned by an
API.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_kms import KmsAlias, KmsGrant, KmsKey, KmsKeyVersion
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError, ValidationError


class KeyNotFoundError(NotFoundError):
    """No key (or alias) of that id, ARN or name in this account and region."""

    aws_code = "NotFoundException"


class AliasExistsError(ConflictError):
    """CreateAlias for a name already in use."""

    aws_code = "AlreadyExistsException"


class InvalidArnError(ValidationError):
    """A key ARN of another service, account or region, or one that does not parse."""

    aws_code = "InvalidArnException"


def key_arn(region: str, account_id: str, key_id: str) -> str:
    """``arn:aws:kms:<region>:<account>:key/<key id>``."""
    return f"arn:aws:kms:{region}:{account_id}:key/{key_id}"


def alias_arn(region: str, account_id: str, name: str) -> str:
    """``arn:aws:kms:<region>:<account>:alias/<name>`` (``name`` includes ``alias/``)."""
    return f"arn:aws:kms:{region}:{account_id}:{name}"


def _material_context(key_id: str, version: int) -> str:
    return f"kms-key:{key_id}:{version}"


def create_key(
    session: Session,
    box: SecretBox,
    material: bytes,
    *,
    account_id: str,
    region: str,
    policy: str,
    description: str = "",
    key_usage: str = "ENCRYPT_DECRYPT",
    key_spec: str = "SYMMETRIC_DEFAULT",
    tags: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> KmsKey:
    """Store a new enabled key with its first version of ``material``."""
    now = now or utcnow()
    key_id = str(uuid.uuid4())
    key = KmsKey(
        account_id=account_id,
        region=region,
        key_id=key_id,
        arn=key_arn(region, account_id, key_id),
        description=description,
        key_usage=key_usage,
        key_spec=key_spec,
        state="Enabled",
        policy=policy,
        current_version=1,
        rotation_enabled=False,
        rotation_period_days=365,
        tags=tags or None,
        created_at=now,
    )
    session.add(key)
    session.flush()
    _add_version(session, box, key, 1, material, now)
    return key


def _add_version(
    session: Session, box: SecretBox, key: KmsKey, version: int, material: bytes, now: datetime
) -> None:
    sealed = box.seal(base64.b64encode(material).decode("ascii"), _material_context(key.key_id, version))
    session.add(KmsKeyVersion(key_pk=key.id, version=version, sealed_material=sealed, created_at=now))
    session.flush()


def rotate_key(
    session: Session, box: SecretBox, key: KmsKey, material: bytes, now: datetime | None = None
) -> int:
    """Add a new version of the key's material and make it current; return its number."""
    version = key.current_version + 1
    _add_version(session, box, key, version, material, now or utcnow())
    key.current_version = version
    session.flush()
    return version


def key_material(session: Session, box: SecretBox, key: KmsKey, version: int) -> bytes | None:
    """The unsealed material of one version; ``None`` if the key has no such version."""
    row = session.scalar(
        select(KmsKeyVersion).where(KmsKeyVersion.key_pk == key.id, KmsKeyVersion.version == version)
    )
    if row is None:
        return None
    return base64.b64decode(box.open(row.sealed_material, _material_context(key.key_id, version)))


def rotation_dates(session: Session, key: KmsKey) -> list[datetime]:
    """When each version after the first was created (ListKeyRotations)."""
    rows = session.scalars(
        select(KmsKeyVersion.created_at)
        .where(KmsKeyVersion.key_pk == key.id, KmsKeyVersion.version > 1)
        .order_by(KmsKeyVersion.version)
    )
    return list(rows)


def find_key(session: Session, ref: str, *, account_id: str, region: str) -> KmsKey:
    """A key by id, key ARN, ``alias/<name>`` or alias ARN; raises :class:`KeyNotFoundError`."""
    name = ref
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms":
            raise InvalidArnError(f"{ref} is not a valid KMS key or alias ARN")
        if parts[3] != region or parts[4] != account_id:
            raise KeyNotFoundError(f"Key '{ref}' does not exist (it is not in {account_id} / {region})")
        name = parts[5]
        if name.startswith("key/"):
            name = name[len("key/") :]
    if name.startswith("alias/"):
        key = session.scalar(
            select(KmsKey)
            .join(KmsAlias, KmsAlias.key_pk == KmsKey.id)
            .where(KmsAlias.account_id == account_id, KmsAlias.region == region, KmsAlias.name == name)
        )
        if key is None:
            raise KeyNotFoundError(f"Alias {alias_arn(region, account_id, name)} is not found.")
        return key
    key = session.scalar(
        select(KmsKey).where(KmsKey.key_id == name, KmsKey.account_id == account_id, KmsKey.region == region)
    )
    if key is None:
        raise KeyNotFoundError(f"Key '{key_arn(region, account_id, name)}' does not exist")
    return key


def list_keys(session: Session, *, account_id: str, region: str) -> list[KmsKey]:
    """The account's keys in this region, oldest first."""
    return list(
        session.scalars(
            select(KmsKey)
            .where(KmsKey.account_id == account_id, KmsKey.region == region)
            .order_by(KmsKey.created_at, KmsKey.id)
        )
    )


# ------------------------------------------------------------------------------ aliases


def create_alias(
    session: Session, name: str, key: KmsKey, *, account_id: str, region: str, now: datetime | None = None
) -> KmsAlias:
    """Point ``alias/<name>`` at ``key``; a taken name is :class:`AliasExistsError`."""
    existing = session.scalar(
        select(KmsAlias).where(
            KmsAlias.account_id == account_id, KmsAlias.region == region, KmsAlias.name == name
        )
    )
    if existing is not None:
        raise AliasExistsError(f"An alias with the name {alias_arn(region, account_id, name)} already exists")
    alias = KmsAlias(
        account_id=account_id, region=region, name=name, key_pk=key.id, created_at=now or utcnow()
    )
    session.add(alias)
    session.flush()
    return alias


def delete_alias(session: Session, name: str, *, account_id: str, region: str) -> KmsAlias:
    """Remove an alias (returned, detached from the table); unknown is :class:`KeyNotFoundError`."""
    alias = get_alias(session, name, account_id=account_id, region=region)
    session.delete(alias)
    session.flush()
    return alias


def get_alias(session: Session, name: str, *, account_id: str, region: str) -> KmsAlias:
    """One alias by name; unknown is :class:`KeyNotFoundError`."""
    alias = session.scalar(
        select(KmsAlias).where(
            KmsAlias.account_id == account_id, KmsAlias.region == region, KmsAlias.name == name
        )
    )
    if alias is None:
        raise KeyNotFoundError(f"Alias {alias_arn(region, account_id, name)} is not found.")
    return alias


def list_aliases(
    session: Session, *, account_id: str, region: str, key: KmsKey | None = None
) -> list[tuple[KmsAlias, KmsKey]]:
    """The aliases (with their keys), by name; only ``key``'s when given."""
    q = (
        select(KmsAlias, KmsKey)
        .join(KmsKey, KmsAlias.key_pk == KmsKey.id)
        .where(KmsAlias.account_id == account_id, KmsAlias.region == region)
        .order_by(KmsAlias.name)
    )
    if key is not None:
        q = q.where(KmsAlias.key_pk == key.id)
    return [(a, k) for a, k in session.execute(q)]


# ------------------------------------------------------------------------------ grants


def create_grant(
    session: Session,
    key: KmsKey,
    *,
    grantee: str,
    operations: list[str],
    issuing_account: str,
    retiring: str | None = None,
    name: str | None = None,
    constraints: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> KmsGrant:
    """Record a grant. A repeated ``name`` with the same grantee and operations returns the
    existing grant (KMS's idempotent CreateGrant)."""
    if name:
        for g in grants_of(session, key):
            if (
                g.name == name
                and g.grantee_principal == grantee
                and sorted(g.operations) == sorted(operations)
            ):
                return g
    grant = KmsGrant(
        key_pk=key.id,
        grant_id=secrets.token_hex(32),
        name=name,
        grantee_principal=grantee,
        retiring_principal=retiring,
        issuing_account=issuing_account,
        operations=list(operations),
        constraints=constraints or None,
        created_at=now or utcnow(),
    )
    session.add(grant)
    session.flush()
    return grant


def grants_of(session: Session, key: KmsKey) -> list[KmsGrant]:
    """The key's grants, oldest first."""
    return list(session.scalars(select(KmsGrant).where(KmsGrant.key_pk == key.id).order_by(KmsGrant.id)))


def delete_grant(session: Session, key: KmsKey, grant_id: str) -> None:
    """Revoke/retire a grant; unknown is :class:`KeyNotFoundError` (KMS: NotFoundException)."""
    grant = session.scalar(select(KmsGrant).where(KmsGrant.key_pk == key.id, KmsGrant.grant_id == grant_id))
    if grant is None:
        raise KeyNotFoundError(f"Grant {grant_id} is not found for key {key.arn}")
    session.delete(grant)
    session.flush()
