"""IAM's policy simulator (``SimulatePrincipalPolicy``, ``SimulateCustomPolicy``) over the engine.

A :class:`Simulation` holds the policies in play, each with the identifier and type that IAM
reports for it (``SourcePolicyId``, ``SourcePolicyType``) and the text its statement positions
point into; :meth:`Simulation.run` decides every action on every resource with the same
:class:`~opentruth.iam.evaluate.Evaluator` as every API call, and answers in botocore's
``EvaluationResult`` shape. What the simulator does, as the IAM API reference describes it:

- Each action is evaluated on each resource (``ResourceArns``, ``*`` when none are given), one
  ``EvaluationResult`` per pair, action by action, in the order given.
- ``MatchedStatements`` are the statements that decided: on a deny only the explicit ``Deny``
  statements ("the deny statement is the only entry included"), on an allow the identity and
  resource statements that allow (the boundary is reported apart, in
  ``PermissionsBoundaryDecisionDetail``), on an implicit deny none.
- Only the keys of ``ContextEntries`` are in the request context: the simulator fills in no
  global key by itself. ``MissingContextValues`` lists the keys (condition keys and policy
  variables) of the statements that apply to the action and resource and that the context
  lacks: at the top level when the resource is ``*``, else under ``ResourceSpecificResults``.
- A resource whose ARN names no account (S3) belongs to ``ResourceOwner``, by default the
  caller's account; the resource policy, if any, is that resource's.
- Statement positions: AWS's own CLI example (a one-line policy, ``Statement`` an object at
  offset 36, closed at offset 165) reports ``StartPosition`` column 38 and ``EndPosition``
  column 167: columns count from 1, the start is the first character inside the statement's
  ``{`` and the end the character after its ``}``. Stored policies are positioned in the text
  that IAM's API returns for them (compact JSON, one line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentruth.errors import ValidationError
from opentruth.iam.arn import parse_arn
from opentruth.iam.evaluate import Decision, Evaluator, NamedPolicy, PolicySet, Request, Result, StatementRef
from opentruth.iam.jsonspan import JsonPath, Span, TextPositions, value_spans
from opentruth.iam.matching import action_matches, conditions_hold, resource_matches
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy, PolicyError, Statement, parse_policy

_DECISIONS = {
    Decision.ALLOWED: "allowed",
    Decision.EXPLICIT_DENY: "explicitDeny",
    Decision.IMPLICIT_DENY: "implicitDeny",
}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = frozenset({"*", "?", "$"})
_SINGLE_TYPES = frozenset({"string", "numeric", "boolean", "ip", "binary", "date"})


class InvalidInputError(ValidationError):
    """IAM's ``InvalidInput``: a simulation input that IAM refuses (the message names it)."""

    aws_code = "InvalidInput"


@dataclass
class SimPolicy:
    """A policy in a simulation: what IAM calls it, and the text its positions refer to."""

    source_id: str
    source_type: str | None
    policy: Policy
    text: str
    _spans: dict[JsonPath, Span] | None = field(default=None, init=False, repr=False)
    _lines: TextPositions | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_text(cls, text: str, source_id: str, source_type: str | None = None) -> SimPolicy:
        """A policy given as text (``PolicyInputList``…); ``InvalidInput`` if IAM cannot parse it."""
        try:
            policy = parse_policy(text, name=source_id)
        except PolicyError as exc:
            raise InvalidInputError(f"{source_id} is not a valid policy document: {exc.message}") from None
        return cls(source_id, source_type, policy, text)

    @classmethod
    def from_document(cls, document: Mapping[str, Any], source_id: str, source_type: str) -> SimPolicy:
        """A stored policy, positioned in the compact JSON text that IAM's API returns for it."""
        return cls.from_text(json.dumps(document, separators=(",", ":")), source_id, source_type)

    def named(self, key: str) -> NamedPolicy:
        return NamedPolicy(key, self.policy)

    def statement(self, index: int) -> dict[str, Any]:
        """A ``Statement`` of the simulator's output for the statement at ``index``."""
        out: dict[str, Any] = {"SourcePolicyId": self.source_id}
        if self.source_type is not None:
            out["SourcePolicyType"] = self.source_type
        if self._lines is None:
            self._spans = value_spans(self.text) or {}
            self._lines = TextPositions(self.text)
        body = self.policy.document.get("Statement")
        span = (
            self._spans.get(("Statement", index) if isinstance(body, list) else ("Statement",))
            if self._spans
            else None
        )
        if span is not None:
            # Columns from 1: the first character inside "{", and the character after "}".
            line, column = self._lines.line_column(span.start + 1)
            out["StartPosition"] = {"Line": line, "Column": column + 1}
            line, column = self._lines.line_column(span.end)
            out["EndPosition"] = {"Line": line, "Column": column + 1}
        return out


def context_entries(entries: Iterable[Mapping[str, Any]]) -> dict[str, ContextValue]:
    """The request context of ``ContextEntries``: a list type gives a list, others one value."""
    ctx: dict[str, ContextValue] = {}
    for entry in entries:
        name = str(entry.get("ContextKeyName", ""))
        values = [str(v) for v in entry.get("ContextKeyValues") or []]
        kind = entry.get("ContextKeyType")
        if kind in ("boolean", "booleanList"):
            values = [v.lower() for v in values]
        if kind in _SINGLE_TYPES:
            if len(values) != 1:
                raise InvalidInputError(
                    f"ContextEntries: {name} is of type {kind} and takes exactly one value, not {len(values)}"
                )
            ctx[name] = values[0]
        elif kind is None and len(values) == 1:
            ctx[name] = values[0]
        else:
            ctx[name] = tuple(values)
    return ctx


def owner_account(value: str | None) -> str | None:
    """``ResourceOwner`` as an account id: AWS takes the id or ``arn:aws:iam::<id>:root``."""
    if not value:
        return None
    arn = parse_arn(value)
    if arn is not None and arn.account:
        return arn.account
    if value.isdigit() and len(value) == 12:
        return value
    raise InvalidInputError(
        f"ResourceOwner {value!r} is neither an account ID nor arn:aws:iam::<account>:root"
    )


@dataclass
class Simulation:
    """The policies and the request fields of one simulation."""

    caller: str
    owner: str
    identity: Sequence[SimPolicy] = ()
    boundary: SimPolicy | None = None
    resource_policy: SimPolicy | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Internal names are positions, unique even when two policies share a name.
        self._by_key: dict[str, SimPolicy] = {}
        identity = []
        for i, p in enumerate(self.identity):
            identity.append(self._register(f"identity.{i}", p))
        self._set = PolicySet(
            identity=tuple(identity),
            resource=self._register("resource", self.resource_policy) if self.resource_policy else None,
            boundary=self._register("boundary", self.boundary) if self.boundary else None,
        )
        self._lower = {k.lower(): v for k, v in self.context.items()}

    def _register(self, key: str, p: SimPolicy) -> NamedPolicy:
        self._by_key[key] = p
        return p.named(key)

    def run(
        self, actions: Sequence[str], resources: Sequence[str], evaluator: Evaluator | None = None
    ) -> list[dict[str, Any]]:
        """One ``EvaluationResult`` per action and resource, action by action."""
        ev = evaluator or Evaluator(max_decisions=0)
        return [self.result(a, r, ev) for a in actions for r in resources]

    def result(self, action: str, resource: str, evaluator: Evaluator) -> dict[str, Any]:
        arn = parse_arn(resource)
        owned = None if arn is not None and arn.account else self.owner
        request = Request(self.caller, action, resource, self.context, owned)
        result = evaluator.evaluate(self._set, request)
        decision = _DECISIONS[result.decision]
        matched = [self._statement(ref) for ref in _deciding(result)]
        missing = self._missing(action.lower(), resource)
        out: dict[str, Any] = {
            "EvalActionName": action,
            "EvalResourceName": resource,
            "EvalDecision": decision,
            "MatchedStatements": matched,
            "MissingContextValues": missing if resource == "*" else [],
        }
        boundary: dict[str, bool] | None = None
        if self._set.boundary is not None:
            boundary = {"AllowedByPermissionsBoundary": self._boundary_allows(action.lower(), resource)}
            out["PermissionsBoundaryDecisionDetail"] = boundary
        if resource != "*":
            specific: dict[str, Any] = {
                "EvalResourceName": resource,
                "EvalResourceDecision": decision,
                "MatchedStatements": matched,
                "MissingContextValues": missing,
            }
            if boundary is not None:
                specific["PermissionsBoundaryDecisionDetail"] = boundary
            out["ResourceSpecificResults"] = [specific]
        return out

    def _statement(self, ref: StatementRef) -> dict[str, Any]:
        return self._by_key[ref.policy].statement(ref.index)

    def _applies(self, st: Statement, action: str, resource: str, variables: bool) -> bool:
        if not action_matches(st, action):
            return False
        # A resource written with a variable the context lacks matches nothing, yet its key is
        # exactly what the simulation is missing.
        return resource_matches(st, resource, self._lower, variables) or any(
            "${" in r for r in st.resources or ()
        )

    def _missing(self, action: str, resource: str) -> list[str]:
        seen: dict[str, str] = {}
        for named in (*self._set.identity, self._set.resource, self._set.boundary):
            if named is None:
                continue
            variables = named.policy.variables_enabled
            for st in named.policy.statements:
                if not self._applies(st, action, resource, variables):
                    continue
                for key in statement_keys(st, variables):
                    if key.lower() not in self._lower:
                        seen.setdefault(key.lower(), key)
        return list(seen.values())

    def _boundary_allows(self, action: str, resource: str) -> bool:
        """The boundary has an Allow for the request and no Deny (AWS's
        ``AllowedByPermissionsBoundary``: true means the boundary does not deny it)."""
        named = self._set.boundary
        assert named is not None
        variables = named.policy.variables_enabled
        allowed = False
        for st in named.policy.statements:
            if (
                action_matches(st, action)
                and resource_matches(st, resource, self._lower, variables)
                and conditions_hold(st, self._lower, variables)
            ):
                if st.effect == "Deny":
                    return False
                allowed = True
        return allowed


def statement_keys(st: Statement, variables: bool) -> list[str]:
    """The context keys a statement reads: its condition keys, and (where variables are
    substituted) the keys of the variables in its resources and condition values."""
    keys = [c.key for c in st.conditions]
    if variables:
        texts = [*(st.resources or ()), *(v for c in st.conditions for v in c.values)]
        # ${key} or ${key, 'default'}; ${*}, ${?} and ${$} are escapes, not keys.
        keys += [m.split(",")[0].strip() for t in texts for m in _VARIABLE.findall(t)]
    return [k for k in keys if k not in _ESCAPES]


def context_keys(policies: Iterable[Policy]) -> list[str]:
    """``GetContextKeysFor*Policy``: every key the policies read, once (case-insensitively),
    in the order they first appear."""
    seen: dict[str, str] = {}
    for policy in policies:
        for st in policy.statements:
            for key in statement_keys(st, policy.variables_enabled):
                seen.setdefault(key.lower(), key)
    return list(seen.values())


def _deciding(result: Result) -> tuple[StatementRef, ...]:
    if result.decision is Decision.EXPLICIT_DENY:
        return result.denied_by
    if result.decision is Decision.ALLOWED:
        return tuple(r for r in result.allowed_by if r.layer in ("identity", "resource"))
    return ()
