"""The KMS JSON 1.1 API (``X-Amz-Target: TrentService.<Op>``): keys, aliases, policies, grants,
rotation, and the cryptographic operations, over :class:`~opentruth.cloud.keys.EmbeddedKeyManager`.

Every key operation is decided as KMS decides it: the key policy (authoritative: IAM policies
count only when it delegates to the account), the caller's IAM policies, and grants; that is
the key manager's job, with the caller adapted by :class:`~opentruth.cloud.keys.CallerPrincipal`.
Operations without a key (CreateKey, ListKeys, ListAliases) are IAM-only, on ``*``.

Errors keep KMS's codes: ``NotFoundException``, ``InvalidCiphertextException``,
``IncorrectKeyException``, ``AlreadyExistsException``, ``MalformedPolicyDocumentException``,
``DisabledException``, ``AccessDeniedException``, ``ValidationException``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, Operation, json_service
from opentruth.cloud.keys import CallerPrincipal, EmbeddedKeyManager
from opentruth.errors import ValidationError

ALGORITHM = "SYMMETRIC_DEFAULT"
_KEY_SPEC_BYTES = {"AES_256": 32, "AES_128": 16}


def _principal(call: AwsCall) -> CallerPrincipal:
    return CallerPrincipal(call.caller, call.resources.evaluator, call.context())


def _page(items: Sequence[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    """KMS pagination: ``Limit`` (1-1000, default 100) and an opaque ``Marker``."""
    marker = params.get("Marker")
    try:
        start = int(marker) if marker else 0
    except ValueError:
        raise ValidationError(f"Marker {marker!r} is not a marker this API returned") from None
    limit = int(params.get("Limit") or 100)
    out: dict[str, Any] = {key: list(items[start : start + limit]), "Truncated": start + limit < len(items)}
    if out["Truncated"]:
        out["NextMarker"] = str(start + limit)
    return out


def _data_key_bytes(p: dict[str, Any]) -> int:
    spec, count = p.get("KeySpec"), p.get("NumberOfBytes")
    if count is None and spec is not None:
        return _KEY_SPEC_BYTES[spec]
    if count is not None and spec is None:
        return int(count)
    raise ValidationError("Specify exactly one of KeySpec (AES_256 or AES_128) and NumberOfBytes")


def operations(keys: EmbeddedKeyManager) -> dict[str, Operation]:
    """The served KMS operations over ``keys``."""

    def create_key(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if p.get("Tags"):
            extra["aws:TagKeys"] = [t["TagKey"] for t in p["Tags"]]
        call.authorize("kms:CreateKey", "*", extra=extra or None)
        meta = keys.create_key(
            _principal(call),
            policy=p.get("Policy"),
            description=p.get("Description", ""),
            key_usage=p.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=p.get("KeySpec") or p.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT",
            tags=p.get("Tags"),
        )
        return {"KeyMetadata": meta.to_api()}

    def describe_key(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        return {"KeyMetadata": keys.describe_key(_principal(call), p["KeyId"]).to_api()}

    def list_keys(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("kms:ListKeys", "*")
        items = [{"KeyId": k.key_id, "KeyArn": k.arn} for k in keys.list_keys()]
        return _page(items, p, "Keys")

    def enable_key(call: AwsCall, p: dict[str, Any]) -> None:
        keys.set_enabled(_principal(call), p["KeyId"], True)

    def disable_key(call: AwsCall, p: dict[str, Any]) -> None:
        keys.set_enabled(_principal(call), p["KeyId"], False)

    # ------------------------------------------------------------------ policies

    def get_key_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = p.get("PolicyName") or "default"
        if name != "default":
            raise ValidationError("PolicyName must be 'default' (a key has one key policy)")
        return {"Policy": keys.get_key_policy(_principal(call), p["KeyId"]), "PolicyName": name}

    def put_key_policy(call: AwsCall, p: dict[str, Any]) -> None:
        if (p.get("PolicyName") or "default") != "default":
            raise ValidationError("PolicyName must be 'default' (a key has one key policy)")
        keys.put_key_policy(_principal(call), p["KeyId"], p["Policy"])

    # ------------------------------------------------------------------ aliases

    def create_alias(call: AwsCall, p: dict[str, Any]) -> None:
        keys.create_alias(_principal(call), p["AliasName"], p["TargetKeyId"])

    def delete_alias(call: AwsCall, p: dict[str, Any]) -> None:
        keys.delete_alias(_principal(call), p["AliasName"])

    def list_aliases(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("kms:ListAliases", "*")
        return _page(keys.list_aliases(p.get("KeyId")), p, "Aliases")

    # ------------------------------------------------------------------ cryptography

    def encrypt(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        out = keys.encrypt(_principal(call), p["KeyId"], p["Plaintext"], p.get("EncryptionContext"))
        return {"CiphertextBlob": out.ciphertext, "KeyId": out.key_arn, "EncryptionAlgorithm": ALGORITHM}

    def decrypt(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        out = keys.decrypt(
            _principal(call), p["CiphertextBlob"], p.get("EncryptionContext"), key_ref=p.get("KeyId")
        )
        return {"KeyId": out.key_arn, "Plaintext": out.plaintext, "EncryptionAlgorithm": ALGORITHM}

    def generate_data_key(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        dk = keys.generate_data_key(
            _principal(call), p["KeyId"], p.get("EncryptionContext"), number_of_bytes=_data_key_bytes(p)
        )
        return {"CiphertextBlob": dk.ciphertext, "Plaintext": dk.plaintext, "KeyId": dk.key_arn}

    def generate_data_key_without_plaintext(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        dk = keys.generate_data_key(
            _principal(call),
            p["KeyId"],
            p.get("EncryptionContext"),
            number_of_bytes=_data_key_bytes(p),
            with_plaintext=False,
        )
        return {"CiphertextBlob": dk.ciphertext, "KeyId": dk.key_arn}

    def re_encrypt(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        source, out = keys.re_encrypt(
            _principal(call),
            p["CiphertextBlob"],
            p["DestinationKeyId"],
            source_context=p.get("SourceEncryptionContext"),
            destination_context=p.get("DestinationEncryptionContext"),
            source_key_ref=p.get("SourceKeyId"),
        )
        return {
            "CiphertextBlob": out.ciphertext,
            "SourceKeyId": source,
            "KeyId": out.key_arn,
            "SourceEncryptionAlgorithm": ALGORITHM,
            "DestinationEncryptionAlgorithm": ALGORITHM,
        }

    # ------------------------------------------------------------------ grants

    def create_grant(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        grant = keys.create_grant(
            _principal(call),
            p["KeyId"],
            grantee=p["GranteePrincipal"],
            operations=p["Operations"],
            retiring=p.get("RetiringPrincipal"),
            name=p.get("Name"),
            constraints=p.get("Constraints"),
        )
        return {"GrantToken": grant.grant_token, "GrantId": grant.grant_id}

    def list_grants(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        grants = [g.to_api() for g in keys.list_grants(_principal(call), p["KeyId"])]
        if p.get("GrantId"):
            grants = [g for g in grants if g["GrantId"] == p["GrantId"]]
        if p.get("GranteePrincipal"):
            grants = [g for g in grants if g["GranteePrincipal"] == p["GranteePrincipal"]]
        return _page(grants, p, "Grants")

    def revoke_grant(call: AwsCall, p: dict[str, Any]) -> None:
        keys.revoke_grant(_principal(call), p["KeyId"], p["GrantId"])

    # ------------------------------------------------------------------ rotation

    def enable_key_rotation(call: AwsCall, p: dict[str, Any]) -> None:
        keys.set_rotation(_principal(call), p["KeyId"], True, int(p.get("RotationPeriodInDays") or 365))

    def disable_key_rotation(call: AwsCall, p: dict[str, Any]) -> None:
        keys.set_rotation(_principal(call), p["KeyId"], False)

    def get_key_rotation_status(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        principal = _principal(call)
        enabled, days = keys.rotation_status(principal, p["KeyId"])
        out: dict[str, Any] = {"KeyRotationEnabled": enabled, "KeyId": keys.resolve(p["KeyId"]).arn}
        if enabled:
            out["RotationPeriodInDays"] = days
        return out

    def rotate_key_on_demand(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        return {"KeyId": keys.rotate_now(_principal(call), p["KeyId"]).key_id}

    def list_key_rotations(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        key_id = keys.resolve(p["KeyId"]).key_id
        dates = keys.rotations(_principal(call), p["KeyId"])
        items = [{"KeyId": key_id, "RotationDate": d, "RotationType": "ON_DEMAND"} for d in dates]
        return _page(items, p, "Rotations")

    return {
        "CreateKey": create_key,
        "DescribeKey": describe_key,
        "ListKeys": list_keys,
        "EnableKey": enable_key,
        "DisableKey": disable_key,
        "GetKeyPolicy": get_key_policy,
        "PutKeyPolicy": put_key_policy,
        "CreateAlias": create_alias,
        "DeleteAlias": delete_alias,
        "ListAliases": list_aliases,
        "Encrypt": encrypt,
        "Decrypt": decrypt,
        "GenerateDataKey": generate_data_key,
        "GenerateDataKeyWithoutPlaintext": generate_data_key_without_plaintext,
        "ReEncrypt": re_encrypt,
        "CreateGrant": create_grant,
        "ListGrants": list_grants,
        "RevokeGrant": revoke_grant,
        "EnableKeyRotation": enable_key_rotation,
        "DisableKeyRotation": disable_key_rotation,
        "GetKeyRotationStatus": get_key_rotation_status,
        "RotateKeyOnDemand": rotate_key_on_demand,
        "ListKeyRotations": list_key_rotations,
    }


def kms_handler(keys: EmbeddedKeyManager) -> Handler:
    """The KMS service handler, for :func:`opentruth.api.app.register_service`."""
    return json_service("kms", operations(keys))
