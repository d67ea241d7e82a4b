"""IAM's policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and the two
GetContextKeysFor*Policy calls that say which ContextEntries a simulation needs.

Both run :class:`opentruth.iam.simulate.Simulation`, the engine that authorises every call.
SimulatePrincipalPolicy is authorised as ``iam:SimulatePrincipalPolicy`` on the user or role it
reads (the action's resource types are user, group and role), SimulateCustomPolicy as
``iam:SimulateCustomPolicy`` on ``*`` (it reads nothing stored). Results are paged with
``MaxItems`` (100 by default, as IAM) and ``Marker``, over the action x resource pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.iam.common import page, read
from opentruth.db.repo_iam_details import AttachedDocument, EntityPolicies, entity_policies
from opentruth.iam.arn import account_of, parse_arn
from opentruth.iam.context import session_arn
from opentruth.iam.evaluate import Evaluator
from opentruth.iam.simulate import (
    InvalidInputError,
    SimPolicy,
    Simulation,
    context_entries,
    context_keys,
    owner_account,
)


def _managed(doc: AttachedDocument) -> SimPolicy:
    return SimPolicy.from_document(
        doc.document, doc.name, "aws-managed" if doc.aws_managed else "user-managed"
    )


def _excluded(
    exclusions: Sequence[dict[str, Any]],
    entity: EntityPolicies,
    kind: str,
    arn: str | None,
    inline: str | None,
) -> bool:
    """Whether a ``PolicyExclusionList`` entry names this policy (by type, ARN or inline name)."""
    for ex in exclusions:
        ident = ex.get("InlinePolicyIdentifier")
        if ident is not None:
            if (
                inline is not None
                and ident["PolicyName"] == inline
                and ident["AttachmentType"] == entity.kind
                and ident["AttachmentName"].lower() == entity.name.lower()
            ):
                return True
        elif ex.get("PolicyArn"):
            if arn is not None and ex["PolicyArn"] == arn:
                return True
        elif ex.get("PolicyType") == kind:
            return True
    return False


def _caller(value: str | None, default: str) -> str:
    """The principal the requests are evaluated as.

    A role never signs a request itself: its sessions do. So a role is simulated as its session
    (named as Ground Truth names it, ``SageMaker``, as ``role check`` does), which is what makes
    a resource policy that names the role ARN subject to the role's boundary, as at run time.
    """
    value = value or default
    arn = parse_arn(value)
    kind = arn.resource.split("/", 1)[0] if arn is not None and arn.service == "iam" else ""
    if kind not in ("user", "group", "role"):
        raise InvalidInputError(
            f"CallerArn {value!r} must be the ARN of an IAM user, group or role (not an assumed role, "
            "a federated user or a service principal)"
        )
    return session_arn(value) if kind == "role" else value


def _inputs(p: dict[str, Any]) -> tuple[list[SimPolicy], SimPolicy | None, SimPolicy | None]:
    """The policies given as text: extra identity policies, the boundary, the resource policy."""
    identity = [
        SimPolicy.from_text(t, f"PolicyInputList.{i}")
        for i, t in enumerate(p.get("PolicyInputList") or [], 1)
    ]
    boundaries = p.get("PermissionsBoundaryPolicyInputList") or []
    if len(boundaries) > 1:
        raise InvalidInputError(
            f"PermissionsBoundaryPolicyInputList has {len(boundaries)} policies; an entity has one "
            "permissions boundary, so give at most one"
        )
    boundary = (
        SimPolicy.from_text(boundaries[0], "PermissionsBoundaryPolicyInputList.1") if boundaries else None
    )
    resource = (
        SimPolicy.from_text(p["ResourcePolicy"], "ResourcePolicy", "resource")
        if p.get("ResourcePolicy")
        else None
    )
    if p.get("ResourceHandlingOption"):
        raise InvalidInputError(
            f"ResourceHandlingOption {p['ResourceHandlingOption']!r}: opentruth simulates each resource "
            "on its own and has no EC2 scenarios; leave it out"
        )
    return identity, boundary, resource


def _run(call: AwsCall, sim: Simulation, p: dict[str, Any]) -> dict[str, Any]:
    resources = p.get("ResourceArns") or ["*"]
    pairs = [(a, r) for a in p["ActionNames"] for r in resources]
    chunk, fields = page(pairs, p)
    # A fresh, non-memoising evaluator: these policies live for one call, and the shared one
    # would keep them (and their decisions) alive long after it.
    evaluator = Evaluator(max_decisions=0)
    results = [sim.result(a, r, evaluator) for a, r in chunk]
    return {"EvaluationResults": results, **fields}


def simulate_principal_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    source = p["PolicySourceArn"]
    call.authorize("iam:SimulatePrincipalPolicy", source)
    entity = read(call, lambda s: entity_policies(s, source, call.account_id))
    exclusions = p.get("PolicyExclusionList") or []
    identity = [
        SimPolicy.from_document(doc, name, entity.kind)
        for name, doc in entity.inline
        if not _excluded(exclusions, entity, "inline", None, name)
    ]
    for doc in entity.attached:
        if not _excluded(
            exclusions, entity, "aws-managed" if doc.aws_managed else "user-managed", doc.arn, None
        ):
            identity.append(_managed(doc))
    extra, boundary, resource = _inputs(p)
    if (
        boundary is None
        and entity.boundary is not None
        and not _excluded(exclusions, entity, "permission-boundary", entity.boundary.arn, None)
    ):
        boundary = _managed(entity.boundary)
    caller = _caller(p.get("CallerArn"), source)
    sim = Simulation(
        caller=caller,
        owner=owner_account(p.get("ResourceOwner")) or account_of(caller) or call.account_id,
        identity=[*identity, *extra],
        boundary=boundary,
        resource_policy=resource,
        context=context_entries(p.get("ContextEntries") or []),
    )
    return _run(call, sim, p)


def simulate_custom_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:SimulateCustomPolicy", "*")
    if p.get("OrderedOrganizationPolicyInputList"):
        raise InvalidInputError(
            "OrderedOrganizationPolicyInputList: opentruth has no AWS Organizations, so it simulates no "
            "service control policies; leave it out"
        )
    identity, boundary, resource = _inputs(p)
    if resource is not None and not p.get("CallerArn"):
        raise InvalidInputError(
            "CallerArn is required with a ResourcePolicy: its Principal needs a caller to match"
        )
    # Without a CallerArn only the account of the caller matters (same- or cross-account).
    caller = _caller(p["CallerArn"], "") if p.get("CallerArn") else call.caller.arn
    sim = Simulation(
        caller=caller,
        owner=owner_account(p.get("ResourceOwner")) or account_of(caller) or call.account_id,
        identity=identity,
        boundary=boundary,
        resource_policy=resource,
        context=context_entries(p.get("ContextEntries") or []),
    )
    return _run(call, sim, p)


def get_context_keys_for_principal_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    source = p["PolicySourceArn"]
    call.authorize("iam:GetContextKeysForPrincipalPolicy", source)
    entity = read(call, lambda s: entity_policies(s, source, call.account_id))
    stored = [SimPolicy.from_document(doc, name, entity.kind) for name, doc in entity.inline]
    stored += [_managed(doc) for doc in (*entity.attached, *([entity.boundary] if entity.boundary else []))]
    extra = [
        SimPolicy.from_text(t, f"PolicyInputList.{i}")
        for i, t in enumerate(p.get("PolicyInputList") or [], 1)
    ]
    return {"ContextKeyNames": context_keys(sp.policy for sp in (*stored, *extra))}


def get_context_keys_for_custom_policy(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    call.authorize("iam:GetContextKeysForCustomPolicy", "*")
    given = [SimPolicy.from_text(t, f"PolicyInputList.{i}") for i, t in enumerate(p["PolicyInputList"], 1)]
    return {"ContextKeyNames": context_keys(sp.policy for sp in given)}


OPERATIONS = {
    "SimulatePrincipalPolicy": simulate_principal_policy,
    "SimulateCustomPolicy": simulate_custom_policy,
    "GetContextKeysForPrincipalPolicy": get_context_keys_for_principal_policy,
    "GetContextKeysForCustomPolicy": get_context_keys_for_custom_policy,
}
