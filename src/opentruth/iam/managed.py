"""Managed policies: the AWS managed policies opentruth ships, and customer managed documents.

A role's ``AttachedManagedPolicies`` only name policies by ARN; their documents live elsewhere.
AWS managed policies (``arn:aws:iam::aws:policy/...``) are shipped as package data, verbatim:
the ones Ground Truth users attach (``AmazonSageMakerGroundTruthExecution``,
``AmazonSageMakerFullAccess``, S3, CloudWatch Logs, Lambda basic execution, SNS, SQS). Each
document is ``data/managed/<name>.json``; ``data/managed_policies.json`` gives its ARN (with its
path), policy id, default version id and dates, and where the document came from. An ARN
resolves only when it is exactly the shipped one (``AWSLambdaBasicExecutionRole`` lives under
``/service-role/``, as in IAM). Customer managed policies
(``arn:aws:iam::<account>:policy/...``) come from the user, keyed by ARN: the
``ManagedPolicyDocuments`` key of a ROLE.json file, or the ``Policies`` list of
``aws iam get-account-authorization-details``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources

from opentruth.errors import ValidationError
from opentruth.iam.policy import Policy, parse_policy

#: The ARN prefix of policies that AWS owns (the account segment is the literal ``aws``).
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"

GROUND_TRUTH_EXECUTION_ARN = "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"


@dataclass(frozen=True, slots=True)
class ShippedPolicy:
    """An AWS managed policy shipped with opentruth, as ``ListPolicies --scope AWS`` shows it."""

    name: str
    arn: str
    path: str
    policy_id: str
    version_id: str
    created_at: datetime
    updated_at: datetime


@lru_cache(maxsize=1)
def shipped_policies() -> dict[str, ShippedPolicy]:
    """The shipped AWS managed policies by name (``data/managed_policies.json``)."""
    text = resources.files("opentruth.iam").joinpath("data", "managed_policies.json").read_text("utf-8")
    return {
        name: ShippedPolicy(
            name=name,
            arn=meta["Arn"],
            path=meta["Path"],
            policy_id=meta["PolicyId"],
            version_id=meta["DefaultVersionId"],
            created_at=datetime.fromisoformat(meta["CreateDate"]),
            updated_at=datetime.fromisoformat(meta["UpdateDate"]),
        )
        for name, meta in json.loads(text)["policies"].items()
    }


def shipped_policy_names() -> frozenset[str]:
    """The names of the AWS managed policies shipped as package data."""
    return frozenset(shipped_policies())


def shipped_by_arn(arn: str) -> ShippedPolicy | None:
    """The shipped AWS managed policy whose ARN is exactly ``arn`` (path included), if any."""
    found = shipped_policies().get(policy_name_of(arn))
    return found if found is not None and found.arn == arn else None


@cache
def shipped_document(name: str) -> dict[str, object]:
    """The verbatim document of the shipped AWS managed policy ``name`` (a fresh parse, cached)."""
    text = resources.files("opentruth.iam").joinpath("data", "managed", f"{name}.json").read_text("utf-8")
    doc = json.loads(text)
    if not isinstance(doc, dict):  # pragma: no cover - package data is checked by the tests
        raise ValidationError(f"shipped managed policy {name} is not a JSON object")
    return doc


@cache
def _shipped_policy(name: str) -> Policy:
    return parse_policy(shipped_document(name), name=name)


def is_aws_managed(arn: str) -> bool:
    """True for ``arn:aws:iam::aws:policy/...`` (any path), the policies that AWS owns."""
    return arn.startswith(AWS_MANAGED_PREFIX)


def policy_name_of(arn: str) -> str:
    """The policy name: the last path segment of a policy ARN."""
    return arn.rsplit("/", 1)[-1]


class ManagedPolicyRegistry:
    """Resolves managed policy ARNs to parsed policies.

    AWS managed policies resolve from the shipped files; customer managed policies from the
    documents given at construction (``{arn: document}``; a document is a dict or JSON text).
    """

    def __init__(self, customer: Mapping[str, object] | None = None) -> None:
        self._documents: dict[str, object] = dict(customer or {})
        self._parsed: dict[str, Policy] = {}

    def add(self, arn: str, document: object) -> None:
        """Register (or replace) the document of a customer managed policy."""
        self._documents[arn] = document
        self._parsed.pop(arn, None)

    def __contains__(self, arn: object) -> bool:
        if not isinstance(arn, str):
            return False
        if arn in self._documents:
            return True
        return shipped_by_arn(arn) is not None

    def document(self, arn: str) -> object:
        """The raw document of ``arn`` (dict or JSON text), as given or as shipped."""
        if arn in self._documents:
            return self._documents[arn]
        if shipped_by_arn(arn) is not None:
            return shipped_document(policy_name_of(arn))
        raise self._unknown(arn)

    def resolve(self, arn: str) -> Policy:
        """The parsed policy for ``arn``.

        A user-supplied document wins over a shipped one of the same ARN (a user may pin an
        older version). Raises :class:`ValidationError` naming the ARN when there is no document.
        """
        if arn in self._parsed:
            return self._parsed[arn]
        if arn in self._documents:
            policy = parse_policy(self._documents[arn], name=policy_name_of(arn))
        elif shipped_by_arn(arn) is not None:
            policy = _shipped_policy(policy_name_of(arn))
        else:
            raise self._unknown(arn)
        self._parsed[arn] = policy
        return policy

    @staticmethod
    def _unknown(arn: str) -> ValidationError:
        if is_aws_managed(arn):
            shipped = ", ".join(sorted(p.arn for p in shipped_policies().values()))
            return ValidationError(
                f"attached AWS managed policy {arn} is not shipped with opentruth (shipped: {shipped}); "
                f'put its document under "ManagedPolicyDocuments" in the role file, '
                f'as {{"{arn}": {{"Version": "2012-10-17", "Statement": [...]}}}}'
            )
        return ValidationError(
            f"attached customer managed policy {arn} has no document; put it under "
            f'"ManagedPolicyDocuments" in the role file, keyed by its ARN '
            f"(aws iam get-policy-version --policy-arn {arn} --version-id <default version>)"
        )
