"""Policy evaluation with AWS's logic (IAM User Guide, "Policy evaluation logic").

Order does not matter; the decision is set-based:

1. an applicable ``Deny`` in any layer (identity, resource, boundary, session) wins;
2. same account: an identity allow that the boundary and session policy also allow, or a
   resource-policy grant that names the caller — a user or session ARN is not limited by the
   boundary or session policy, a role ARN (or ``*``) is, and a grant to the account only
   delegates to identity policies. Role trust policies and KMS key policies must themselves
   allow (or delegate), whatever the identity policies say;
3. cross account: both the identity side and the resource policy must allow;
4. a service principal (``sagemaker.amazonaws.com``) has no identity: the resource policy decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from opentruth.iam.arn import account_of, parse_arn, role_arn_of_session
from opentruth.iam.matching import action_matches, conditions_hold, resource_matches
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy, Statement

Layer = Literal["identity", "resource", "boundary", "session"]
# How a resource-policy principal matched the caller, which decides what the grant can do.
Grant = Literal["exact", "role", "star", "account"]

_TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
        "sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
    }
)  # fmt: skip


class Decision(StrEnum):
    """The three outcomes of an evaluation."""

    ALLOWED = "Allowed"
    EXPLICIT_DENY = "ExplicitlyDenied"
    IMPLICIT_DENY = "ImplicitlyDenied"


@dataclass(slots=True, unsafe_hash=True)
class Request:
    """One request: who, what, on which resource, with which context keys.

    ``context`` holds only the keys the request really has; the engine never invents keys.
    ``resource_account`` is needed where the ARN has no account (S3).
    """

    principal: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class NamedPolicy:
    """A policy with the name under which explanations cite it."""

    name: str
    policy: Policy


@dataclass(slots=True, unsafe_hash=True)
class PolicySet:
    """Every policy that applies to one request, by layer."""

    identity: Sequence[NamedPolicy] = ()
    resource: NamedPolicy | None = None
    boundary: NamedPolicy | None = None
    session: NamedPolicy | None = None


@dataclass(slots=True, unsafe_hash=True)
class StatementRef:
    """A statement cited in an explanation: the policy's name and the Sid or index."""

    policy: str
    layer: str
    sid: str | None
    index: int

    def __str__(self) -> str:
        return f"{self.policy}/{self.sid}" if self.sid else f"{self.policy}/#{self.index}"


@dataclass(slots=True, unsafe_hash=True)
class Result:
    """A decision with the statements that made it."""

    decision: Decision
    allowed_by: tuple[StatementRef, ...] = ()
    denied_by: tuple[StatementRef, ...] = ()
    missing: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    def to_dict(self) -> dict[str, object]:
        return {
            "decision": str(self.decision),
            "allowedBy": [str(r) for r in self.allowed_by],
            "deniedBy": [str(r) for r in self.denied_by],
            "missing": list(self.missing),
            "explanation": self.explanation,
        }


def _principal_grant(st: Statement, principal: str) -> Grant | None:
    """How the statement's Principal names the caller, or ``None`` if it does not."""
    specs = st.principals
    if specs is None:
        return None
    grant: Grant | None = None
    caller_account = account_of(principal)
    caller_role = role_arn_of_session(principal)
    for kind, names in specs.items():
        for name in names:
            found: Grant | None = None
            if name == "*" and kind in ("*", "AWS"):
                found = "star"
            elif kind == "AWS":
                if name == principal:
                    found = "exact"
                elif caller_role is not None and name == caller_role:
                    found = "role"
                elif caller_account is not None and name in (
                    caller_account,
                    f"arn:aws:iam::{caller_account}:root",
                ):
                    found = "account"
            elif name == principal:
                found = "exact"
            if found is not None and (grant is None or _RANK[found] < _RANK[grant]):
                grant = found
    if st.not_principal:
        return None if grant is not None else "star"
    return grant


_RANK: dict[Grant, int] = {"exact": 0, "role": 1, "star": 2, "account": 3}


def _lower_context(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    return {k.lower(): v for k, v in context.items()}


class Evaluator:
    """Evaluates requests. Matchers are built on first use and kept on the immutable
    statements (see :mod:`opentruth.iam.matching`), so a long-lived evaluator that sees the
    same role's policies for every request of a job compiles them exactly once.
    """

    def __init__(self, max_cached: int = 4096, max_decisions: int = 65536) -> None:
        # Decisions are pure functions of (policy set, request): a job asks the same question
        # many times (every object under one prefix, every log write), so they are memoised.
        # Decision keys hold policy identities; ``_pinned`` keeps those policies alive so that
        # an identity cannot be reused while a decision refers to it.
        self._decisions: dict[tuple[object, ...], Result] = {}
        self._pinned: dict[int, Policy] = {}
        self._max = max_cached
        self._max_decisions = max_decisions

    def evaluate(self, policies: PolicySet, request: Request) -> Result:
        """Decide ``request`` under ``policies``."""
        if self._max_decisions <= 0:
            return self._evaluate(policies, request)
        key = _decision_key(policies, request)
        if key is not None:
            hit = self._decisions.get(key)
            if hit is not None:
                return hit
        result = self._evaluate(policies, request)
        if key is not None:
            if len(self._decisions) >= self._max_decisions or len(self._pinned) >= self._max:
                self._decisions.clear()
                self._pinned.clear()
            for named in (*policies.identity, policies.resource, policies.boundary, policies.session):
                if named is not None:
                    self._pinned[id(named.policy)] = named.policy
            self._decisions[key] = result
        return result

    def _evaluate(self, policies: PolicySet, request: Request) -> Result:
        action = request.action.lower()
        ctx = _lower_context(request.context)
        resource = request.resource
        principal = request.principal

        denied: list[StatementRef] = []
        allows: dict[str, list[StatementRef]] = {"identity": [], "boundary": [], "session": []}
        grants: list[tuple[StatementRef, Grant]] = []

        def scan(named: NamedPolicy, layer: Layer) -> None:
            variables = named.policy.variables_enabled
            for st in named.policy.statements:
                if not action_matches(st, action) or not resource_matches(st, resource, ctx, variables):
                    continue
                grant: Grant | None = None
                if layer == "resource":
                    grant = _principal_grant(st, principal)
                    if grant is None:
                        continue
                if not conditions_hold(st, ctx, variables):
                    continue
                ref = StatementRef(named.name, layer, st.sid, st.index)
                if st.effect == "Deny":
                    denied.append(ref)
                elif layer == "resource":
                    assert grant is not None
                    grants.append((ref, grant))
                else:
                    allows[layer].append(ref)

        for named in policies.identity:
            scan(named, "identity")
        if policies.resource is not None:
            scan(policies.resource, "resource")
        if policies.boundary is not None:
            scan(policies.boundary, "boundary")
        if policies.session is not None:
            scan(policies.session, "session")

        if denied:
            return Result(
                Decision.EXPLICIT_DENY,
                denied_by=tuple(denied),
                explanation="explicitly denied by " + ", ".join(str(r) for r in denied),
            )
        return _decide(policies, request, action, allows, grants)


def _decision_key(policies: PolicySet, request: Request) -> tuple[object, ...] | None:
    """A hashable fingerprint of (policy set, request); ``None`` if the context is unhashable.

    Policies are immutable and kept alive by the compile cache, so their identities are a
    sound fingerprint within one evaluator.
    """
    layers: list[object] = [(id(n.policy), n.name) for n in policies.identity]
    for named in (policies.resource, policies.boundary, policies.session):
        layers.append(None if named is None else (id(named.policy), named.name))
    try:
        ctx = tuple(
            sorted((k.lower(), v if isinstance(v, str) else tuple(v)) for k, v in request.context.items())
        )
    except TypeError:
        return None
    return (
        tuple(layers),
        request.principal,
        request.action.lower(),
        request.resource,
        request.resource_account,
        ctx,
    )


def _decide(
    policies: PolicySet,
    request: Request,
    action: str,
    allows: dict[str, list[StatementRef]],
    grants: list[tuple[StatementRef, Grant]],
) -> Result:
    principal = request.principal
    res_arn = parse_arn(request.resource)
    boundary_ok = policies.boundary is None or bool(allows["boundary"])
    session_ok = policies.session is None or bool(allows["session"])
    identity_side = bool(allows["identity"]) and boundary_ok and session_ok
    filters_ok = boundary_ok and session_ok
    kinds = {g for _, g in grants}

    caller_account = account_of(principal)
    resource_account = request.resource_account or (res_arn.account if res_arn else None) or None
    needs_resource_policy = (
        action in _TRUST_ACTIONS and res_arn is not None and res_arn.service == "iam"
    ) or (action.startswith("kms:") and res_arn is not None and res_arn.service == "kms")

    def grant_refs(*wanted: Grant) -> tuple[StatementRef, ...]:
        return tuple(r for r, g in grants if g in wanted)

    identity_refs = tuple(allows["identity"] + allows["boundary"] + allows["session"])
    if caller_account is None:
        # A service principal: only the resource policy can speak for it.
        refs = grant_refs("exact", "star")
        if refs:
            return Result(Decision.ALLOWED, allowed_by=refs, explanation="allowed by the resource policy")
        return _implicit(["resource"], "no resource-policy statement allows this service principal")

    same_account = resource_account is None or resource_account == caller_account
    if same_account:
        # Grants naming the user or session ARN stand alone; a role ARN or "*" is still
        # filtered by the boundary and session policy; an account grant only delegates.
        bypass = grant_refs("exact") + (grant_refs("role", "star") if filters_ok else ())
        if bypass:
            return Result(Decision.ALLOWED, allowed_by=bypass, explanation="allowed by the resource policy")
        if needs_resource_policy:
            if identity_side and "account" in kinds:
                return Result(
                    Decision.ALLOWED,
                    allowed_by=identity_refs + grant_refs("account"),
                    explanation="allowed by identity policies; the resource policy delegates to the account",
                )
            missing = ["resource"] + ([] if identity_side or not kinds else _missing(allows, policies))
            what = "trust policy" if action.startswith("sts:") else "key policy"
            return _implicit(missing, f"the {what} must allow the caller or delegate to its account")
        if identity_side:
            return Result(
                Decision.ALLOWED, allowed_by=identity_refs, explanation="allowed by identity policies"
            )
        return _implicit(_missing(allows, policies), "no statement allows this request")

    if identity_side and grants:
        return Result(
            Decision.ALLOWED,
            allowed_by=identity_refs + tuple(r for r, _ in grants),
            explanation="cross-account: allowed by both the identity policies and the resource policy",
        )
    missing = _missing(allows, policies) if not identity_side else []
    if not grants:
        missing.append("resource")
    return _implicit(missing, "cross-account access needs an allow on both sides")


def _missing(allows: dict[str, list[StatementRef]], policies: PolicySet) -> list[str]:
    out = []
    if not allows["identity"]:
        out.append("identity")
    if policies.boundary is not None and not allows["boundary"]:
        out.append("boundary")
    if policies.session is not None and not allows["session"]:
        out.append("session")
    return out


def _implicit(missing: list[str], why: str) -> Result:
    layers = ", ".join(missing) if missing else "none"
    return Result(
        Decision.IMPLICIT_DENY,
        missing=tuple(missing),
        explanation=f"implicitly denied: {why} (no allow in: {layers})",
    )


_DEFAULT = Evaluator()


def evaluate(policies: PolicySet, request: Request) -> Result:
    """Decide ``request`` under ``policies`` with a shared, caching :class:`Evaluator`."""
    return _DEFAULT.evaluate(policies, request)
