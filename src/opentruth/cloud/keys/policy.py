"""Key policies and grant constraints: KMS's own checks, shared by the embedded adapter."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opentruth.cloud.crypto import (
    EncryptionContext,
)
from opentruth.cloud.keys.port import MalformedKeyPolicyError
from opentruth.iam import PolicyError, parse_policy
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy


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


def grant_constraints_hold(constraints: Mapping[str, Any] | None, context: EncryptionContext | None) -> bool:
    if not constraints:
        return True
    ctx = dict(context or {})
    equals = constraints.get("EncryptionContextEquals")
    if equals is not None and dict(equals) != ctx:
        return False
    subset = constraints.get("EncryptionContextSubset")
    return subset is None or all(ctx.get(k) == v for k, v in dict(subset).items())
