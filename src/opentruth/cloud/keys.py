"""KMS keys: the port that SSE-KMS and the KMS API use, and the embedded adapter.

:class:`KeyManager` is what the rest of opentruth needs from KMS (data keys for SSE-KMS, grants
for job volumes, resolving a key id for a job or a topic). :class:`EmbeddedKeyManager` serves it,
and the whole KMS API subset, from the database: key material is AES-256 from ``cryptography``,
sealed under the deployment's root key (see :mod:`opentruth.db.repo_kms`), and ciphertexts are
the self-describing blobs of :mod:`opentruth.cloud.crypto`.

**Authorisation, as KMS does it** (KMS Developer Guide, "key policies", "grants"):

- The key policy is the resource policy of every decision, and it is *authoritative*: identity
  policies count only when the key policy delegates to the account (``Principal: {"AWS":
  "arn:aws:iam::<acct>:root"}``), which the default key policy does. The IAM engine implements
  this rule for ``kms:`` actions on ``arn:aws:kms:`` resources.
- A grant is a separate allow path: its grantee may perform the granted operations (within its
  encryption-context constraints) even where no policy allows them. An explicit deny in any
  policy still wins over a grant.
- Request keys: ``kms:CallerAccount``; ``kms:EncryptionContext:<k>`` and
  ``kms:EncryptionContextKeys`` when the request has a context; ``kms:ViaService`` when another
  service (S3 for SSE-KMS) calls on the principal's behalf; ``kms:RequestAlias`` when the key was
  named by an alias; the ``kms:Grant*`` keys on CreateGrant; ``kms:ReEncryptOnSameKey``.

Whoever calls is a :class:`KmsPrincipal`: a job's :class:`~opentruth.cloud.session.RoleSession`
fits as it is, and :class:`CallerPrincipal` adapts an API caller.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from opentruth.cloud.crypto import (
    EncryptionContext,
    InvalidCiphertextError,
    generate_key,
    open_blob,
    parse_blob,
    seal_blob,
)
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.db import repo_kms
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_kms import KmsGrant, KmsKey
from opentruth.db.repo_iam import Caller
from opentruth.db.repo_kms import KeyNotFoundError
from opentruth.errors import ConflictError, OpenTruthError, ValidationError
from opentruth.iam import Evaluator, NamedPolicy, PolicyError, PolicySet, Request, Result, parse_policy
from opentruth.iam.arn import role_arn_of_session
from opentruth.iam.evaluate import Decision
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy

__all__ = [
    "GRANT_OPERATIONS",
    "CallerPrincipal",
    "DataKey",
    "Decrypted",
    "DisabledKeyError",
    "EmbeddedKeyManager",
    "IncorrectKeyError",
    "KeyManager",
    "KeyMetadata",
    "KeyNotFoundError",
    "KmsPrincipal",
    "MalformedKeyPolicyError",
    "default_key_policy",
]

#: The operations a grant may allow (symmetric keys).
GRANT_OPERATIONS = frozenset(
    {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
        "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey",
    }
)  # fmt: skip
MAX_PLAINTEXT = 4096  # KMS Encrypt's limit


class MalformedKeyPolicyError(ValidationError):
    """A key policy that does not parse or lacks what a key policy needs."""

    aws_code = "MalformedPolicyDocumentException"


class DisabledKeyError(ConflictError):
    """A cryptographic operation with a disabled key."""

    aws_code = "DisabledException"


class IncorrectKeyError(ValidationError):
    """Decrypt named a key, and the ciphertext was made under another one."""

    aws_code = "IncorrectKeyException"


class KmsPrincipal(Protocol):
    """Who makes a KMS request: its ARN, account, and its side of the IAM decision."""

    @property
    def arn(self) -> str: ...

    @property
    def account(self) -> str: ...

    def evaluate(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        resource_policy: NamedPolicy | Policy | None = None,
    ) -> Result:
        """Decide ``action`` on ``resource`` with the principal's policies and ``resource_policy``."""
        ...


class CallerPrincipal:
    """An API caller (user or assumed-role session) as a :class:`KmsPrincipal`.

    ``base_context`` holds the request's global keys (``aws:SourceIp``, time, principal keys).
    """

    def __init__(
        self, caller: Caller, evaluator: Evaluator, base_context: Mapping[str, ContextValue]
    ) -> None:
        self.caller = caller
        self.evaluator = evaluator
        self.base_context = dict(base_context)

    @property
    def arn(self) -> str:
        return self.caller.arn

    @property
    def account(self) -> str:
        return self.caller.account

    @property
    def role_arn(self) -> str | None:
        return self.caller.role_arn

    def evaluate(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        resource_policy: NamedPolicy | Policy | None = None,
    ) -> Result:
        if isinstance(resource_policy, Policy):
            resource_policy = NamedPolicy(resource_policy.name, resource_policy)
        p = self.caller.policies
        policies = PolicySet(
            identity=p.identity, resource=resource_policy, boundary=p.boundary, session=p.session
        )
        ctx = {**self.base_context, **(context or {})}
        return self.evaluator.evaluate(policies, Request(self.caller.arn, action, resource, ctx))


@dataclass(frozen=True, slots=True)
class KeyMetadata:
    """DescribeKey's ``KeyMetadata``, as values."""

    key_id: str
    arn: str
    account: str
    description: str
    state: str
    key_usage: str
    key_spec: str
    created_at: datetime
    rotation_enabled: bool
    current_version: int

    @property
    def enabled(self) -> bool:
        return self.state == "Enabled"

    def to_api(self) -> dict[str, Any]:
        """The ``KeyMetadata`` structure of the KMS API."""
        return {
            "AWSAccountId": self.account,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.created_at,
            "Enabled": self.enabled,
            "Description": self.description,
            "KeyUsage": self.key_usage,
            "KeyState": self.state,
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": self.key_spec,
            "KeySpec": self.key_spec,
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }


def _metadata(key: KmsKey) -> KeyMetadata:
    return KeyMetadata(
        key.key_id,
        key.arn,
        key.account_id,
        key.description,
        key.state,
        key.key_usage,
        key.key_spec,
        key.created_at,
        key.rotation_enabled,
        key.current_version,
    )


@dataclass(frozen=True, slots=True)
class DataKey:
    """GenerateDataKey's result: the plaintext key (keep it in memory only) and its blob."""

    key_arn: str
    plaintext: bytes = b""
    ciphertext: bytes = b""


@dataclass(frozen=True, slots=True)
class Decrypted:
    """Decrypt's result: the plaintext and the ARN of the key that opened it."""

    key_arn: str
    plaintext: bytes


@dataclass(frozen=True, slots=True)
class GrantInfo:
    """A grant as ListGrants shows it."""

    grant_id: str
    grant_token: str
    key_arn: str
    name: str | None
    grantee: str
    retiring: str | None
    issuing_account: str
    operations: tuple[str, ...]
    constraints: Mapping[str, Any] | None
    created_at: datetime

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "KeyId": self.key_arn,
            "GrantId": self.grant_id,
            "CreationDate": self.created_at,
            "GranteePrincipal": self.grantee,
            "IssuingAccount": self.issuing_account,
            "Operations": list(self.operations),
        }
        if self.name:
            out["Name"] = self.name
        if self.retiring:
            out["RetiringPrincipal"] = self.retiring
        if self.constraints:
            out["Constraints"] = dict(self.constraints)
        return out


def default_key_policy(account: str) -> str:
    """KMS's default key policy: the account (and so IAM policies) may do ``kms:*``."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        indent=2,
    )


def validate_key_policy(text: str) -> Policy:
    """Parse a key policy as PutKeyPolicy does; raise :class:`MalformedKeyPolicyError`."""
    try:
        policy = parse_policy(text, name="key-policy")
    except PolicyError as exc:
        raise MalformedKeyPolicyError(f"The key policy is not valid: {exc.message}") from None
    for st in policy.statements:
        where = f"statement {st.sid or st.index}"
        if st.principals is None:
            raise MalformedKeyPolicyError(
                f"The key policy's {where} has no Principal; a key policy must say whom it applies to"
            )
        if st.resources is None:
            raise MalformedKeyPolicyError(f'The key policy\'s {where} has no Resource; use "Resource": "*"')
    return policy


def context_keys(context: EncryptionContext | None) -> dict[str, ContextValue]:
    """``kms:EncryptionContext:<k>`` per pair and ``kms:EncryptionContextKeys`` (if any)."""
    if not context:
        return {}
    out: dict[str, ContextValue] = {f"kms:EncryptionContext:{k}": v for k, v in context.items()}
    out["kms:EncryptionContextKeys"] = list(context)
    return out


def _grant_constraints_hold(constraints: Mapping[str, Any] | None, context: EncryptionContext | None) -> bool:
    if not constraints:
        return True
    ctx = dict(context or {})
    equals = constraints.get("EncryptionContextEquals")
    if equals is not None and dict(equals) != ctx:
        return False
    subset = constraints.get("EncryptionContextSubset")
    return subset is None or all(ctx.get(k) == v for k, v in dict(subset).items())


class KeyManager(Protocol):
    """What opentruth's services need from KMS (SSE-KMS, job volumes, topics, jobs)."""

    def resolve(self, key_ref: str) -> KeyMetadata:
        """The key named by id, ARN, alias or alias ARN, without authorisation (internal)."""
        ...

    def authorize(
        self,
        principal: KmsPrincipal,
        action: str,
        key_ref: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        encryption_context: EncryptionContext | None = None,
    ) -> KeyMetadata:
        """Decide ``action`` on the key as KMS would (key policy, IAM, grants), or raise."""
        ...

    def generate_data_key(
        self,
        principal: KmsPrincipal,
        key_ref: str,
        context: EncryptionContext | None = None,
        *,
        via: str | None = None,
        number_of_bytes: int = 32,
        with_plaintext: bool = True,
    ) -> DataKey: ...

    def decrypt(
        self,
        principal: KmsPrincipal,
        blob: bytes,
        context: EncryptionContext | None = None,
        *,
        key_ref: str | None = None,
        via: str | None = None,
    ) -> Decrypted: ...

    def create_grant(
        self,
        principal: KmsPrincipal,
        key_ref: str,
        *,
        grantee: str,
        operations: Sequence[str],
        retiring: str | None = None,
        name: str | None = None,
        constraints: Mapping[str, Any] | None = None,
        for_aws_resource: bool = False,
    ) -> GrantInfo: ...


class EmbeddedKeyManager:
    """KMS on the database. Thread-safe; every method is one short transaction."""

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
                and _grant_constraints_hold(grant.constraints, enc)
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
            return _metadata(key)

    def resolve(self, key_ref: str) -> KeyMetadata:
        with self.db.read() as s:
            return _metadata(self._find(s, key_ref))

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
            return _metadata(key)

    def describe_key(self, principal: KmsPrincipal, key_ref: str) -> KeyMetadata:
        """DescribeKey (``kms:DescribeKey``)."""
        return self.authorize(principal, "kms:DescribeKey", key_ref)

    def list_keys(self) -> list[KeyMetadata]:
        """Every key of the account and region (ListKeys is authorised on ``*`` by the caller)."""
        with self.db.read() as s:
            return [_metadata(k) for k in repo_kms.list_keys(s, account_id=self.account, region=self.region)]

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
            return _metadata(key)

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

    # ------------------------------------------------------------------ cryptography

    def encrypt(
        self,
        principal: KmsPrincipal,
        key_ref: str,
        plaintext: bytes,
        context: EncryptionContext | None = None,
        *,
        via: str | None = None,
    ) -> DataKey:
        """Encrypt up to 4 KiB; returns the blob (``ciphertext``) and the key ARN."""
        if not 1 <= len(plaintext) <= MAX_PLAINTEXT:
            raise ValidationError(f"Plaintext must be 1 to {MAX_PLAINTEXT} bytes, not {len(plaintext)}")
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(
                s,
                principal,
                "Encrypt",
                key,
                context=self._via(via),
                enc=context,
                alias=self._alias_of(key_ref),
            )
            self._usable(key)
            return DataKey(key.arn, ciphertext=self._seal(s, key, plaintext, context))

    def generate_data_key(
        self,
        principal: KmsPrincipal,
        key_ref: str,
        context: EncryptionContext | None = None,
        *,
        via: str | None = None,
        number_of_bytes: int = 32,
        with_plaintext: bool = True,
    ) -> DataKey:
        """GenerateDataKey(WithoutPlaintext): a fresh random key and its blob under ``key_ref``."""
        if not 1 <= number_of_bytes <= 1024:
            raise ValidationError(f"NumberOfBytes must be 1 to 1024, not {number_of_bytes}")
        operation = "GenerateDataKey" if with_plaintext else "GenerateDataKeyWithoutPlaintext"
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(
                s,
                principal,
                operation,
                key,
                context=self._via(via),
                enc=context,
                alias=self._alias_of(key_ref),
            )
            self._usable(key)
            plain = secrets.token_bytes(number_of_bytes)
            blob = self._seal(s, key, plain, context)
        return DataKey(key.arn, plain if with_plaintext else b"", blob)

    def decrypt(
        self,
        principal: KmsPrincipal,
        blob: bytes,
        context: EncryptionContext | None = None,
        *,
        key_ref: str | None = None,
        via: str | None = None,
    ) -> Decrypted:
        """Decrypt a blob; the key comes from the blob (``key_ref`` must agree if given)."""
        parsed = parse_blob(blob)
        with self.db.read() as s:
            try:
                key = self._find(s, parsed.key_id)
            except KeyNotFoundError:
                # KMS cannot tell a foreign blob from a damaged one: both are invalid ciphertext.
                raise InvalidCiphertextError(
                    "The ciphertext refers to a key that does not exist here"
                ) from None
            if key_ref is not None:
                named = self._find(s, key_ref)
                if named.id != key.id:
                    raise IncorrectKeyError(
                        "The key ID in the request does not identify the key that encrypted it"
                    )
            self._check(s, principal, "Decrypt", key, context=self._via(via), enc=context)
            self._usable(key)
            return Decrypted(key.arn, self._open(s, key, blob, context))

    def re_encrypt(
        self,
        principal: KmsPrincipal,
        blob: bytes,
        destination: str,
        *,
        source_context: EncryptionContext | None = None,
        destination_context: EncryptionContext | None = None,
        source_key_ref: str | None = None,
    ) -> tuple[str, DataKey]:
        """ReEncrypt: (source key ARN, new blob under ``destination``).

        Needs ``kms:ReEncryptFrom`` on the source key and ``kms:ReEncryptTo`` on the
        destination, each with ``kms:ReEncryptOnSameKey``; the plaintext never leaves.
        """
        parsed = parse_blob(blob)
        with self.db.read() as s:
            try:
                src = self._find(s, parsed.key_id)
            except KeyNotFoundError:
                raise InvalidCiphertextError(
                    "The ciphertext refers to a key that does not exist here"
                ) from None
            if source_key_ref is not None and self._find(s, source_key_ref).id != src.id:
                raise IncorrectKeyError("SourceKeyId does not identify the key that encrypted the ciphertext")
            dst = self._find(s, destination)
            same: dict[str, ContextValue] = {
                "kms:ReEncryptOnSameKey": "true" if src.id == dst.id else "false"
            }
            self._check(s, principal, "ReEncryptFrom", src, context=same, enc=source_context)
            self._check(
                s, principal, "ReEncryptTo", dst, context=same, enc=destination_context,
                alias=self._alias_of(destination),
            )  # fmt: skip
            self._usable(src)
            self._usable(dst)
            plain = self._open(s, src, blob, source_context)
            return src.arn, DataKey(dst.arn, ciphertext=self._seal(s, dst, plain, destination_context))

    # ------------------------------------------------------------------ grants

    def create_grant(
        self,
        principal: KmsPrincipal,
        key_ref: str,
        *,
        grantee: str,
        operations: Sequence[str],
        retiring: str | None = None,
        name: str | None = None,
        constraints: Mapping[str, Any] | None = None,
        for_aws_resource: bool = False,
    ) -> GrantInfo:
        """CreateGrant. ``for_aws_resource`` marks a grant an AWS service creates for a
        resource of the principal (``kms:GrantIsForAWSResource``), as for a job's volume."""
        unknown = sorted(set(operations) - GRANT_OPERATIONS)
        if not operations or unknown:
            raise ValidationError(
                f"Operations must name grant operations ({', '.join(sorted(GRANT_OPERATIONS))}); "
                f"not valid: {', '.join(unknown) or '(none given)'}"
            )
        ctx: dict[str, ContextValue] = {
            "kms:GranteePrincipal": grantee,
            "kms:GrantOperations": list(operations),
            "kms:GrantIsForAWSResource": "true" if for_aws_resource else "false",
        }
        if retiring:
            ctx["kms:RetiringPrincipal"] = retiring
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "CreateGrant", key, context=ctx, alias=self._alias_of(key_ref))
            self._usable(key)
            grant = repo_kms.create_grant(
                s,
                key,
                grantee=grantee,
                operations=list(operations),
                issuing_account=f"arn:aws:iam::{principal.account}:root",
                retiring=retiring,
                name=name,
                constraints=dict(constraints) if constraints else None,
            )
            return _grant_info(key, grant)

    def list_grants(self, principal: KmsPrincipal, key_ref: str) -> list[GrantInfo]:
        """ListGrants (``kms:ListGrants`` on the key)."""
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "ListGrants", key)
            return [_grant_info(key, g) for g in repo_kms.grants_of(s, key)]

    def revoke_grant(self, principal: KmsPrincipal, key_ref: str, grant_id: str) -> None:
        """RevokeGrant (``kms:RevokeGrant`` on the key)."""
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "RevokeGrant", key)
            repo_kms.delete_grant(s, key, grant_id)


def _grant_info(key: KmsKey, grant: KmsGrant) -> GrantInfo:
    return GrantInfo(
        grant.grant_id,
        # A grant token would let a grant be used before it is "eventually consistent"; here a
        # grant works at once, so the token is only an opaque handle derived from the id.
        f"ot-grant-{grant.grant_id}",
        key.arn,
        grant.name,
        grant.grantee_principal,
        grant.retiring_principal,
        grant.issuing_account,
        tuple(grant.operations),
        grant.constraints,
        grant.created_at,
    )


def kms_error_types() -> tuple[type[OpenTruthError], ...]:
    """The KMS-specific error classes (for the API's documentation and tests)."""
    return (
        KeyNotFoundError,
        InvalidCiphertextError,
        MalformedKeyPolicyError,
        DisabledKeyError,
        IncorrectKeyError,
        repo_kms.AliasExistsError,
        repo_kms.InvalidArnError,
    )
