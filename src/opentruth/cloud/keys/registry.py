"""KMS keys on the database: create, describe, key policies, rotation and aliases."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from opentruth.cloud.crypto import (
    EncryptionContext,
    InvalidCiphertextError,
    generate_key,
    open_blob,
    parse_blob,
    seal_blob,
)
from opentruth.cloud.keys.policy import (
    context_keys,
    default_key_policy,
    grant_constraints_hold,
    validate_key_policy,
)
from opentruth.cloud.keys.port import DisabledKeyError, KeyMetadata, KmsPrincipal, metadata_of
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.db import repo_kms
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_kms import KmsKey
from opentruth.errors import ValidationError
from opentruth.iam import NamedPolicy, parse_policy
from opentruth.iam.arn import role_arn_of_session
from opentruth.iam.evaluate import Decision
from opentruth.iam.patterns import ContextValue


class KeyRegistry:
    """The embedded adapter's keys, their policies, rotation and aliases, on the database.

    :class:`~opentruth.cloud.keys.embedded.EmbeddedKeyManager` adds the cryptography and the
    grants. Thread-safe; every method is one short transaction.
    """

    def __init__(self, db: Database, box: SecretBox, *, account: str, region: str) -> None:
        self.db = db
        self.box = box
        self.account = account
        self.region = region
        self._policies: dict[tuple[str, str], NamedPolicy] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ internals

    def _find(self, s: Session, key_ref: str) -> KmsKey:
        if not key_ref:
            raise ValidationError("KeyId must not be empty; give a key id, key ARN, alias name or alias ARN")
        return repo_kms.find_key(s, key_ref, account_id=self.account, region=self.region)

    def _policy(self, key: KmsKey) -> NamedPolicy:
        with self._lock:
            hit = self._policies.get((key.key_id, key.policy))
        if hit is not None:
            return hit
        name = f"key-policy:{key.key_id}"
        named = NamedPolicy(name, parse_policy(key.policy, name=name))
        with self._lock:
            if len(self._policies) > 1024:
                self._policies.clear()
            # Keyed by the text: a changed policy is parsed again, an unchanged one never.
            self._policies[(key.key_id, key.policy)] = named
        return named

    def _granted(
        self, s: Session, key: KmsKey, principal: KmsPrincipal, operation: str, enc: EncryptionContext | None
    ) -> bool:
        names = {principal.arn, role_arn_of_session(principal.arn), getattr(principal, "role_arn", None)}
        names.discard(None)
        for grant in repo_kms.grants_of(s, key):
            if (
                grant.grantee_principal in names
                and operation in grant.operations
                and grant_constraints_hold(grant.constraints, enc)
            ):
                return True
        return False

    def _check(
        self,
        s: Session,
        principal: KmsPrincipal,
        operation: str,
        key: KmsKey,
        *,
        context: Mapping[str, ContextValue] | None = None,
        enc: EncryptionContext | None = None,
        alias: str | None = None,
    ) -> None:
        """Authorise ``kms:<operation>`` on ``key``: policies first, then grants."""
        action = f"kms:{operation}"
        ctx: dict[str, ContextValue] = {"kms:CallerAccount": principal.account}
        ctx.update(context_keys(enc))
        if alias:
            ctx["kms:RequestAlias"] = alias
        if context:
            ctx.update(context)
        result = principal.evaluate(action, key.arn, context=ctx, resource_policy=self._policy(key))
        if result.allowed:
            return
        # A grant is another allow path, but never beats an explicit deny.
        if result.decision is not Decision.EXPLICIT_DENY and self._granted(s, key, principal, operation, enc):
            return
        raise RoleAccessDeniedError(principal.arn, action, key.arn, result)

    @staticmethod
    def _alias_of(key_ref: str) -> str | None:
        if key_ref.startswith("alias/"):
            return key_ref
        if key_ref.startswith("arn:") and ":alias/" in key_ref:
            return key_ref.split(":", 5)[5]
        return None

    @staticmethod
    def _via(via: str | None) -> dict[str, ContextValue]:
        return {"kms:ViaService": via} if via else {}

    def _usable(self, key: KmsKey) -> None:
        if key.state != "Enabled":
            raise DisabledKeyError(f"{key.arn} is disabled.")

    def _seal(self, s: Session, key: KmsKey, plaintext: bytes, enc: EncryptionContext | None) -> bytes:
        material = repo_kms.key_material(s, self.box, key, key.current_version)
        assert material is not None, "the current version of a key always has material"
        return seal_blob(material, key.key_id, key.current_version, plaintext, enc)

    def _open(self, s: Session, key: KmsKey, blob: bytes, enc: EncryptionContext | None) -> bytes:
        parsed = parse_blob(blob)
        material = repo_kms.key_material(s, self.box, key, parsed.key_version)
        if material is None:
            raise InvalidCiphertextError("The ciphertext names a key version that does not exist")
        return open_blob(material, parsed, enc)

    # ------------------------------------------------------------------ keys

    def create_key(
        self,
        principal: KmsPrincipal,
        *,
        policy: str | None = None,
        description: str = "",
        key_usage: str = "ENCRYPT_DECRYPT",
        key_spec: str = "SYMMETRIC_DEFAULT",
        tags: list[dict[str, Any]] | None = None,
    ) -> KeyMetadata:
        """CreateKey (symmetric only). Without ``policy``, the default key policy."""
        if key_usage != "ENCRYPT_DECRYPT" or key_spec != "SYMMETRIC_DEFAULT":
            raise ValidationError(
                f"KeySpec {key_spec} / KeyUsage {key_usage} is not supported by opentruth; "
                "use SYMMETRIC_DEFAULT with ENCRYPT_DECRYPT"
            )
        text = policy if policy is not None else default_key_policy(self.account)
        validate_key_policy(text)
        with self.db.transaction() as s:
            key = repo_kms.create_key(
                s,
                self.box,
                generate_key(),
                account_id=self.account,
                region=self.region,
                policy=text,
                description=description,
                tags=tags,
            )
            return metadata_of(key)

    def resolve(self, key_ref: str) -> KeyMetadata:
        with self.db.read() as s:
            return metadata_of(self._find(s, key_ref))

    def authorize(
        self,
        principal: KmsPrincipal,
        action: str,
        key_ref: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        encryption_context: EncryptionContext | None = None,
    ) -> KeyMetadata:
        operation = action.split(":", 1)[1] if action.lower().startswith("kms:") else action
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(
                s,
                principal,
                operation,
                key,
                context=context,
                enc=encryption_context,
                alias=self._alias_of(key_ref),
            )
            return metadata_of(key)

    def describe_key(self, principal: KmsPrincipal, key_ref: str) -> KeyMetadata:
        """DescribeKey (``kms:DescribeKey``)."""
        return self.authorize(principal, "kms:DescribeKey", key_ref)

    def list_keys(self) -> list[KeyMetadata]:
        """Every key of the account and region (ListKeys is authorised on ``*`` by the caller)."""
        with self.db.read() as s:
            return [
                metadata_of(k) for k in repo_kms.list_keys(s, account_id=self.account, region=self.region)
            ]

    def get_key_policy(self, principal: KmsPrincipal, key_ref: str) -> str:
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "GetKeyPolicy", key)
            return key.policy

    def put_key_policy(self, principal: KmsPrincipal, key_ref: str, policy: str) -> None:
        validate_key_policy(policy)
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "PutKeyPolicy", key)
            key.policy = policy

    def set_enabled(self, principal: KmsPrincipal, key_ref: str, enabled: bool) -> None:
        """EnableKey / DisableKey."""
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "EnableKey" if enabled else "DisableKey", key)
            key.state = "Enabled" if enabled else "Disabled"

    # ------------------------------------------------------------------ rotation

    def set_rotation(
        self, principal: KmsPrincipal, key_ref: str, enabled: bool, period_days: int = 365
    ) -> None:
        """EnableKeyRotation / DisableKeyRotation.

        Automatic rotation has no scheduler here; the flag and period are recorded and
        :meth:`rotate_now` (RotateKeyOnDemand) adds a version.
        """
        if not 90 <= period_days <= 2560:
            raise ValidationError(f"RotationPeriodInDays must be between 90 and 2560, not {period_days}")
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "EnableKeyRotation" if enabled else "DisableKeyRotation", key)
            self._usable(key)
            key.rotation_enabled = enabled
            key.rotation_period_days = period_days

    def rotation_status(self, principal: KmsPrincipal, key_ref: str) -> tuple[bool, int]:
        """GetKeyRotationStatus: (enabled, period in days)."""
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "GetKeyRotationStatus", key)
            return key.rotation_enabled, key.rotation_period_days

    def rotations(self, principal: KmsPrincipal, key_ref: str) -> list[datetime]:
        """ListKeyRotations: when each rotation happened."""
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "ListKeyRotations", key)
            return repo_kms.rotation_dates(s, key)

    def rotate_now(self, principal: KmsPrincipal, key_ref: str) -> KeyMetadata:
        """RotateKeyOnDemand: new material becomes current; old versions keep decrypting."""
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "RotateKeyOnDemand", key)
            self._usable(key)
            repo_kms.rotate_key(s, self.box, key, generate_key())
            return metadata_of(key)

    # ------------------------------------------------------------------ aliases

    def create_alias(self, principal: KmsPrincipal, name: str, target: str) -> None:
        """CreateAlias: ``kms:CreateAlias`` on the alias *and* on the key (as KMS checks)."""
        if not name.startswith("alias/") or name.startswith("alias/aws/") or len(name) <= len("alias/"):
            raise ValidationError(
                f"AliasName {name!r} must begin with 'alias/' followed by a name, and must not "
                "begin with 'alias/aws/' (reserved for AWS managed keys)"
            )
        with self.db.transaction() as s:
            key = self._find(s, target)
            if self._alias_of(target):
                raise ValidationError("TargetKeyId must be a key id or key ARN, not an alias")
            self._check_alias(principal, "CreateAlias", name)
            self._check(s, principal, "CreateAlias", key)
            repo_kms.create_alias(s, name, key, account_id=self.account, region=self.region)

    def delete_alias(self, principal: KmsPrincipal, name: str) -> None:
        """DeleteAlias: ``kms:DeleteAlias`` on the alias and on its key."""
        with self.db.transaction() as s:
            alias = repo_kms.get_alias(s, name, account_id=self.account, region=self.region)
            key = s.get(KmsKey, alias.key_pk)
            assert key is not None
            self._check_alias(principal, "DeleteAlias", name)
            self._check(s, principal, "DeleteAlias", key)
            repo_kms.delete_alias(s, name, account_id=self.account, region=self.region)

    def _check_alias(self, principal: KmsPrincipal, operation: str, name: str) -> None:
        # An alias has no policy of its own: IAM policies alone decide on the alias resource.
        # The engine demands a resource policy for every kms: action on a kms: ARN (right for
        # keys), so the alias is given the account-delegating policy, which means exactly that.
        arn = repo_kms.alias_arn(self.region, self.account, name)
        delegate = self._alias_policy()
        result = principal.evaluate(
            f"kms:{operation}",
            arn,
            context={"kms:CallerAccount": principal.account},
            resource_policy=delegate,
        )
        if not result.allowed:
            raise RoleAccessDeniedError(principal.arn, f"kms:{operation}", arn, result)

    def _alias_policy(self) -> NamedPolicy:
        name = "alias-iam-only"
        return NamedPolicy(name, parse_policy(default_key_policy(self.account), name=name))

    def list_aliases(self, key_ref: str | None = None) -> list[dict[str, Any]]:
        """ListAliases' entries (of one key when ``key_ref``)."""
        with self.db.read() as s:
            key = self._find(s, key_ref) if key_ref else None
            rows = repo_kms.list_aliases(s, account_id=self.account, region=self.region, key=key)
            return [
                {
                    "AliasName": a.name,
                    "AliasArn": repo_kms.alias_arn(self.region, self.account, a.name),
                    "TargetKeyId": k.key_id,
                    "CreationDate": a.created_at,
                }
                for a, k in rows
            ]
