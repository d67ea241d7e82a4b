"""KMS keys: keys with their policy, versions of key material, aliases and grants.

Key material never sits in the database in the clear: each version's 32 bytes are sealed with
the deployment's root key (:class:`opentruth.db.iam_secrets.SecretBox`, the same root key that
seals IAM secrets, from ``$OPENTRUTH_ROOT_KEY`` or ``DATA/iam-root.key``), bound to the key id
and version, so a copied row does not open as another key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base


class KmsKey(Base):
    """A customer managed KMS key (symmetric, ``ENCRYPT_DECRYPT``)."""

    __tablename__ = "kms_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    region: Mapped[str] = mapped_column(String(32))
    #: The public key id (a UUID), unique across the deployment.
    key_id: Mapped[str] = mapped_column(String(36), unique=True)
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    key_usage: Mapped[str] = mapped_column(String(32))
    key_spec: Mapped[str] = mapped_column(String(32))
    #: ``Enabled`` or ``Disabled``.
    state: Mapped[str] = mapped_column(String(32))
    #: The key policy document (JSON text), authoritative for every use of the key.
    policy: Mapped[str] = mapped_column(Text)
    current_version: Mapped[int] = mapped_column(Integer)
    rotation_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    rotation_period_days: Mapped[int] = mapped_column(Integer, default=365)
    tags: Mapped[list[dict[str, Any]] | None]
    created_at: Mapped[datetime]


class KmsKeyVersion(Base):
    """One generation of a key's material; rotation adds one, old ones keep decrypting."""

    __tablename__ = "kms_key_versions"
    __table_args__ = (UniqueConstraint("key_pk", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_pk: Mapped[int] = mapped_column(ForeignKey("kms_keys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    #: The material sealed under the root key (context ``kms-key:<key id>:<version>``).
    sealed_material: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class KmsAlias(Base):
    """``alias/<name>`` pointing at a key of the same account and region."""

    __tablename__ = "kms_aliases"
    __table_args__ = (UniqueConstraint("account_id", "region", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    region: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(256))
    key_pk: Mapped[int] = mapped_column(ForeignKey("kms_keys.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class KmsGrant(Base):
    """A grant: another allow path to a key, for one grantee and a list of operations."""

    __tablename__ = "kms_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_pk: Mapped[int] = mapped_column(ForeignKey("kms_keys.id", ondelete="CASCADE"), index=True)
    grant_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(256))
    grantee_principal: Mapped[str] = mapped_column(String(256))
    retiring_principal: Mapped[str | None] = mapped_column(String(256))
    issuing_account: Mapped[str] = mapped_column(String(256))
    #: Operation names as KMS spells them (``Decrypt``, ``GenerateDataKey``...).
    operations: Mapped[list[str]]
    #: ``EncryptionContextEquals`` / ``EncryptionContextSubset``, as given.
    constraints: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
