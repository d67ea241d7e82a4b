"""The KMS port: what the rest of opentruth needs from KMS, its value types and errors.

:class:`KeyManager` is what the rest of opentruth needs from KMS (data keys for SSE-KMS, grants
for job volumes, resolving a key id for a job or a topic); whoever calls is a
:class:`KmsPrincipal`: a job's :class:`~opentruth.cloud.session.RoleSession` fits as it is, and
:class:`CallerPrincipal` adapts an API caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from opentruth.cloud.crypto import (
    EncryptionContext,
    InvalidCiphertextError,
)
from opentruth.db import repo_kms
from opentruth.db.models_kms import KmsGrant, KmsKey
from opentruth.db.repo_iam import Caller
from opentruth.db.repo_kms import KeyNotFoundError
from opentruth.errors import ConflictError, OpenTruthError, ValidationError
from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, Result
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy

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


def metadata_of(key: KmsKey) -> KeyMetadata:
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


def grant_info(key: KmsKey, grant: KmsGrant) -> GrantInfo:
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
