"""The embedded KMS adapter: the cryptographic operations and grants over :class:`KeyRegistry`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from opentruth.cloud.crypto import (
    EncryptionContext,
    InvalidCiphertextError,
    parse_blob,
)
from opentruth.cloud.keys.port import (
    GRANT_OPERATIONS,
    MAX_PLAINTEXT,
    DataKey,
    Decrypted,
    GrantInfo,
    IncorrectKeyError,
    KmsPrincipal,
    grant_info,
)
from opentruth.cloud.keys.registry import KeyRegistry
from opentruth.db import repo_kms
from opentruth.db.repo_kms import KeyNotFoundError
from opentruth.errors import ValidationError
from opentruth.iam.patterns import ContextValue


class EmbeddedKeyManager(KeyRegistry):
    """KMS on the database. Thread-safe; every method is one short transaction."""

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
            return grant_info(key, grant)

    def list_grants(self, principal: KmsPrincipal, key_ref: str) -> list[GrantInfo]:
        """ListGrants (``kms:ListGrants`` on the key)."""
        with self.db.read() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "ListGrants", key)
            return [grant_info(key, g) for g in repo_kms.grants_of(s, key)]

    def revoke_grant(self, principal: KmsPrincipal, key_ref: str, grant_id: str) -> None:
        """RevokeGrant (``kms:RevokeGrant`` on the key)."""
        with self.db.transaction() as s:
            key = self._find(s, key_ref)
            self._check(s, principal, "RevokeGrant", key)
            repo_kms.delete_grant(s, key, grant_id)
