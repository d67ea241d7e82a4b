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
from functools import lru_cache
from typing import Literal

from opentruth.iam.arn import account_of, parse_arn, role_arn_of_session
from opentruth.iam.conditions import CompiledCondition
from opentruth.iam.patterns import Context, ContextValue, Pattern
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class NamedPolicy:
    """A policy with the name under which explanations cite it."""

    name: str
    policy: Policy


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that applies to one request, by layer."""

    identity: Sequence[NamedPolicy] = ()
    resource: NamedPolicy | None = None
    boundary: NamedPolicy | None = None
    session: NamedPolicy | None = None


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement cited in an explanation: the policy's name and the Sid or index."""

    policy: str
    layer: str
    sid: str | None
    index: int

    def __str__(self) -> str:
        return f"{self.policy}/{self.sid}" if self.sid else f"{self.policy}/#{self.index}"


@dataclass(frozen=True, slots=True)
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


_EMPTY: dict[str, ContextValue] = {}


@lru_cache(maxsize=65536)
def _action_match(pattern: str, action: str) -> bool:
    """Both sides lower-cased: actions compare case-insensitively. Actions take no variables."""
    return Pattern.compile(pattern, arn=False, variables=False).match(action, _EMPTY)


class CompiledStatement:
    """A statement with pre-built matchers."""

    __slots__ = (
        "_conditions",
        "_raw",
        "_raw_resources",
        "_resources",
        "_variables",
        "action_patterns",
        "actions_any",
        "actions_exact",
        "effect",
        "index",
        "not_action",
        "not_principal",
        "not_resource",
        "principals",
        "ref_sid",
    )  # fmt: skip

    def __init__(self, st: Statement, variables: bool) -> None:
        self.effect = st.effect
        self.ref_sid = st.sid
        self.index = st.index
        self.not_action = st.not_action
        # Compilation is deliberately lazy and cheap: actions are matched through a cache of
        # (pattern, action) pairs, resources and conditions compile on first use, because
        # most statements of a one-off evaluation never get past the action test.
        exact: set[str] = set()
        pats: list[str] = []
        self.actions_any = False
        for a in st.actions:
            low = a.lower()
            if low == "*":
                self.actions_any = True
            elif "*" in low or "?" in low:
                pats.append(low)
            else:
                exact.add(low)
        self.actions_exact = frozenset(exact)
        self.action_patterns = tuple(pats)
        self.not_resource = st.not_resource
        self._raw_resources = st.resources
        self._resources: tuple[Pattern, ...] | None = None
        self.principals = st.principals
        self.not_principal = st.not_principal
        self._raw = st.conditions
        self._variables = variables
        self._conditions: tuple[CompiledCondition, ...] | None = None

    def matches_action(self, action: str) -> bool:
        hit = self.actions_any or action in self.actions_exact
        if not hit:
            for p in self.action_patterns:
                if _action_match(p, action):
                    hit = True
                    break
        return hit != self.not_action

    def matches_resource(self, resource: str, ctx: Context) -> bool:
        if self._raw_resources is None:
            return True  # trust policies: the role itself is the implicit resource
        if self._resources is None:
            self._resources = tuple(
                Pattern.compile(r, arn=True, variables=self._variables) for r in self._raw_resources
            )
        hit = False
        for p in self._resources:
            if p.match(resource, ctx):
                hit = True
                break
        return hit != self.not_resource

    @property
    def conditions(self) -> tuple[CompiledCondition, ...]:
        if self._conditions is None:
            self._conditions = tuple(CompiledCondition.compile(c, self._variables) for c in self._raw)
        return self._conditions

    def conditions_hold(self, ctx: Context) -> bool:
        return not self._raw or all(c.holds(ctx) for c in self.conditions)


class CompiledPolicy:
    """A policy compiled once; cached by the :class:`Evaluator`."""

    __slots__ = ("name", "statements")

    def __init__(self, named: NamedPolicy) -> None:
        self.name = named.name
        variables = named.policy.variables_enabled
        self.statements = tuple(CompiledStatement(s, variables) for s in named.policy.statements)


def _principal_grant(cs: CompiledStatement, principal: str) -> Grant | None:
    """How the statement's Principal names the caller, or ``None`` if it does not."""
    specs = cs.principals
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
    if cs.not_principal:
        return None if grant is not None else "star"
    return grant


_RANK: dict[Grant, int] = {"exact": 0, "role": 1, "star": 2, "account": 3}


def _lower_context(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    return {k.lower(): v for k, v in context.items()}


class Evaluator:
    """Evaluates requests; compiles each policy once and caches it by fingerprint.

    The fingerprint is the identity of the immutable :class:`Policy` object plus its name, so a
    long-lived evaluator that sees the same role's policies for every request of a job compiles
    them exactly once.
    """

    def __init__(self, max_cached: int = 4096, max_decisions: int = 65536) -> None:
        self._cache: dict[tuple[int, str], tuple[Policy, CompiledPolicy]] = {}
        self._max = max_cached
        # Decisions are pure functions of (policy set, request): a job asks the same question
        # many times (every object under one prefix, every log write), so they are memoised.
        self._decisions: dict[tuple[object, ...], Result] = {}
        self._max_decisions = max_decisions

    def compiled(self, named: NamedPolicy) -> CompiledPolicy:
        key = (id(named.policy), named.name)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is named.policy:
            return hit[1]
        if len(self._cache) >= self._max:
            # Decision keys hold policy identities, valid only while the policies are cached.
            self._cache.clear()
            self._decisions.clear()
        cp = CompiledPolicy(named)
        # Keep a reference to the policy so its id cannot be reused while cached.
        self._cache[key] = (named.policy, cp)
        return cp

    def evaluate(self, policies: PolicySet, request: Request) -> Result:
        """Decide ``request`` under ``policies``."""
        key = _decision_key(policies, request)
        if key is not None:
            hit = self._decisions.get(key)
            if hit is not None:
                return hit
        result = self._evaluate(policies, request)
        if key is not None:
            if len(self._decisions) >= self._max_decisions:
                self._decisions.clear()
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
            cp = self.compiled(named)
            for cs in cp.statements:
                if not cs.matches_action(action) or not cs.matches_resource(resource, ctx):
                    continue
                grant: Grant | None = None
                if layer == "resource":
                    grant = _principal_grant(cs, principal)
                    if grant is None:
                        continue
                if not cs.conditions_hold(ctx):
                    continue
                ref = StatementRef(cp.name, layer, cs.ref_sid, cs.index)
                if cs.effect == "Deny":
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
