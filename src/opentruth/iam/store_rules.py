"""What IAM itself refuses when a policy is stored, in AWS's words.

IAM's ``PutRolePolicy``, ``PutUserPolicy``, ``CreatePolicy``, ``CreatePolicyVersion``,
``CreateRole`` and ``UpdateAssumeRolePolicy`` refuse only what breaks the policy grammar
(``MalformedPolicyDocument``) or a size quota (``LimitExceeded``). Everything else that
:func:`opentruth.iam.validate.validate_policy` finds (an unknown action such as the seed's
``sqs:SendMessageBatch``, a resource of the wrong type such as its ``arn:aws:sqs:`` topic ARNs,
an unknown condition key) IAM stores without a word: those are IAM Access Analyzer findings,
reported by ``opentruth iam lint``, never errors of the store.

This module picks the refusals out of the validator's findings (one implementation of the
grammar) and words them as IAM does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from opentruth.iam.findings import Finding, Severity
from opentruth.iam.validate import PolicyType, validate_policy

SYNTAX = "Syntax errors in policy."
# Finding code -> IAM's message for it. ``{value}`` is the offending element's value.
_MALFORMED: dict[str, str] = {
    "INVALID_JSON": "This policy contains invalid Json",
    "INVALID_DOCUMENT": SYNTAX,
    "MISSING_STATEMENT": SYNTAX,
    "EMPTY_STATEMENT": SYNTAX,
    "INVALID_STATEMENT": SYNTAX,
    "UNKNOWN_ELEMENT": SYNTAX,
    "INVALID_TYPE": SYNTAX,
    "EMPTY_ARRAY": SYNTAX,
    "INVALID_EFFECT": SYNTAX,
    "RESOURCE_CONFLICT": SYNTAX,
    "PRINCIPAL_CONFLICT": SYNTAX,
    "INVALID_CONDITION": SYNTAX,
    "INVALID_CONDITION_VALUE": SYNTAX,
    "UNKNOWN_OPERATOR": SYNTAX,
    "INVALID_VERSION": "The policy must contain a valid version string",
    "INVALID_ACTION": "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    "ACTION_REQUIRED": "Policy statement must contain actions.",
    "MISSING_RESOURCE": "Policy statement must contain resources.",
    "PRINCIPAL_NOT_ALLOWED": "Policy document should not specify a principal.",
    "MISSING_PRINCIPAL": "Missing required field Principal",
    "RESOURCE_NOT_ALLOWED": "Has prohibited field {key}",
    "INVALID_PRINCIPAL": "Invalid principal in policy: {principal}",
    "DUPLICATE_SID": "Statement IDs (SID) in a single policy must be unique.",
    "INVALID_SID": "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
    "regular expression [0-9A-Za-z]*",
}
_NOT_ARN = 'Resource {value} must be in ARN format or "*".'
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\"([^\"]*)\"\]")
_WS = re.compile(r"\s+")

# IAM quotas (IAM User Guide, "IAM and AWS STS quotas"); white space is not counted.
MANAGED_POLICY_SIZE = 6_144
ROLE_INLINE_SIZE = 10_240  # all inline policies of a role together
USER_INLINE_SIZE = 2_048  # all inline policies of a user together
TRUST_POLICY_SIZE = 2_048  # the default of an adjustable quota


def policy_size(doc: Mapping[str, Any]) -> int:
    """A document's size as IAM counts it against the quotas: characters without white space."""
    return len(_WS.sub("", json.dumps(doc, separators=(",", ":"), ensure_ascii=False)))


def size_refusal(
    policy_type: PolicyType, managed: bool, docs: Iterable[Mapping[str, Any]], entity: str = ""
) -> str | None:
    """IAM's ``LimitExceeded`` message when ``docs`` (a managed policy or trust policy, or all the
    inline policies of ``entity`` such as ``role R`` or ``user U``) break their quota."""
    size = sum(policy_size(d) for d in docs)
    if managed or policy_type is PolicyType.BOUNDARY:
        return (
            f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}"
            if size > MANAGED_POLICY_SIZE
            else None
        )
    if policy_type is PolicyType.TRUST:
        return (
            f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}"
            if size > TRUST_POLICY_SIZE
            else None
        )
    if policy_type is PolicyType.IDENTITY:
        limit = USER_INLINE_SIZE if entity.startswith("user ") else ROLE_INLINE_SIZE
        if size > limit:
            return f"Maximum policy size of {limit} bytes exceeded for {entity or 'role'}"
    return None


def _at(doc: object, path: str) -> object:
    """The value at a finding's JSON path (``$.Statement[0].Principal.AWS[1]``), or ``None``."""
    node: Any = doc
    for key, index, quoted in _PATH_PART.findall(path[1:]):
        try:
            node = node[int(index)] if index else node[key or quoted]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return node


def _principal_text(path: str, value: object) -> str:
    kind = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return f'"{kind.upper() if kind in ("AWS", "Service") else kind}":{json.dumps(value)}'


def iam_message(doc: object, finding: Finding) -> str:
    """IAM's own message for a finding that IAM refuses (see :func:`store_refusals`)."""
    if finding.code == "INVALID_ARN":
        return _NOT_ARN.format(value=_at(doc, finding.path))
    return _MALFORMED[finding.code].format(
        key=finding.path.rsplit(".", 1)[-1],
        principal=_principal_text(finding.path, _at(doc, finding.path)),
    )


def store_refusals(doc: object, policy_type: PolicyType, *, managed: bool = False) -> list[Finding]:
    """The validator's findings for which IAM refuses to store ``doc`` (a dict or JSON text), in
    document order; empty when IAM stores it. :func:`iam_message` words each as IAM does. Sizes
    are not checked here: see :func:`size_refusal`."""
    out: list[Finding] = []
    for f in validate_policy(doc, policy_type=policy_type, managed=managed):
        if f.severity is not Severity.ERROR:
            continue
        if f.code in _MALFORMED:
            out.append(f)
        elif f.code == "INVALID_ARN":
            value = _at(doc, f.path)
            # IAM refuses a resource that is not an ARN; the rest of INVALID_ARN (an unknown
            # service or region) it stores, so that is left to ``iam lint``.
            if isinstance(value, str) and value != "*" and not value.startswith("arn:"):
                out.append(f)
    return out
