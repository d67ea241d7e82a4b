"""The IAM policy grammar: parse a JSON policy document into an immutable :class:`Policy`.

Parsing checks the grammar only (what AWS refuses as ``MalformedPolicyDocument``). Richer checks
(unknown actions, ARN shapes, security warnings) are in :mod:`opentruth.iam.validate`.

The parsed objects, here and in :mod:`opentruth.iam.evaluate`, are values: never mutate them.
They are not ``frozen`` dataclasses only because a frozen dataclass's ``__init__`` costs about
four times a plain one, and a batch evaluation builds one per statement and condition (it was a
tenth of ``opentruth iam eval``'s time); ``unsafe_hash`` keeps them hashable as frozen ones were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from opentruth.errors import ValidationError
from opentruth.iam.findings import Finding, Severity

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"

#: The base condition operators. ``Null`` takes no ``IfExists`` suffix.
OPERATORS = frozenset(
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
        "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
        "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
        "Null",
    }
)  # fmt: skip
SET_QUALIFIERS = ("ForAnyValue", "ForAllValues")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
# A service prefix is letters, digits and hyphens; a wildcard there is refused by IAM.
_TOP_KEYS = frozenset({"Version", "Id", "Statement"})
# \Z, not $: "$" would also match before a trailing newline and let "s3:GetObject\n" through.
# A ``${...}`` in the name is stored (it has its ``service:``) but never substituted: it stays
# literal text and names no action (see opentruth.iam.variable_checks). No NUL: the action
# matcher joins a statement's actions with it.
_ACTION_RE = re.compile(r"[A-Za-z0-9-]+:(?:[A-Za-z0-9*?_.-]|\$\{[^}\s\x00]*\})+\Z")


# Action names already found well formed: a statement whose actions are all here (the usual
# case: policies reuse a small vocabulary) is checked with one set operation. The one cache of
# that fact; malformed names are rare and simply checked again.
_VALID_ACTIONS: set[str] = set()


def _action_ok(action: str) -> bool:
    if action in _VALID_ACTIONS:
        return True
    if action != "*" and _ACTION_RE.match(action) is None:
        return False
    if len(_VALID_ACTIONS) >= 65536:
        _VALID_ACTIONS.clear()
    _VALID_ACTIONS.add(action)
    return True


def _actions_ok(actions: tuple[str, ...]) -> bool:
    return _VALID_ACTIONS.issuperset(actions) or all(map(_action_ok, actions))


class PolicyError(ValidationError):
    """A policy document that IAM would refuse. ``findings`` name each problem and its path."""

    aws_code = "MalformedPolicyDocument"

    def __init__(self, findings: list[Finding], message: str | None = None) -> None:
        first = findings[0] if findings else Finding(Severity.ERROR, "MALFORMED", "malformed policy")
        extra = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(message or f"{first.message} at {first.path}{extra}")
        self.findings = findings


@dataclass(frozen=True, slots=True)
class ConditionOperator:
    """A parsed operator such as ``ForAllValues:StringLikeIfExists``."""

    text: str
    base: str
    qualifier: str | None
    if_exists: bool


@dataclass(slots=True, unsafe_hash=True)
class Condition:
    """One (operator, key) pair of a Condition block, with its policy values (ORed)."""

    operator: str
    key: str
    values: tuple[str, ...]
    op: ConditionOperator


@dataclass(slots=True, unsafe_hash=True)
class Statement:
    """One statement. ``resources`` is ``None`` when neither Resource nor NotResource is given."""

    index: int
    sid: str | None
    effect: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None
    not_resource: bool
    principals: dict[str, tuple[str, ...]] | None
    not_principal: bool
    conditions: tuple[Condition, ...]
    # Matchers that opentruth.iam.matching builds on first use and keeps with the statement:
    # no compiled copy of the policy, and no cache to look up, bound or clear.
    _actions: Any = field(default=None, init=False, repr=False, compare=False, hash=False)
    _resources: Any = field(default=None, init=False, repr=False, compare=False, hash=False)
    _conditions: Any = field(default=None, init=False, repr=False, compare=False, hash=False)


@dataclass(unsafe_hash=True)
class Policy:
    """A parsed policy document. ``document`` keeps the raw JSON."""

    name: str
    version: str
    statements: tuple[Statement, ...]
    document: Mapping[str, Any] = field(repr=False)
    version_given: bool = True

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under 2012-10-17; before, ``${..}`` is literal."""
        return self.version == VERSION_2012


@lru_cache(maxsize=1024)
def parse_operator(text: str) -> ConditionOperator | None:
    """Split an operator into qualifier, base and IfExists; ``None`` if it is unknown."""
    qualifier: str | None = None
    rest = text
    if ":" in text:
        qualifier, _, rest = text.partition(":")
        if qualifier not in SET_QUALIFIERS:
            return None
    if_exists = False
    base = rest
    if rest.endswith("IfExists"):
        base = rest[: -len("IfExists")]
        if_exists = True
    if base not in OPERATORS or (base == "Null" and (if_exists or qualifier)):
        return None
    return ConditionOperator(text, base, qualifier, if_exists)


def condition_value_text(value: Any) -> str | None:
    """Policy values are strings; JSON booleans and numbers are accepted as IAM does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return None


class _Parser:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def error(self, code: str, message: str, path: str) -> None:
        self.findings.append(Finding(Severity.ERROR, code, message, path))

    def strings(self, value: Any, path: str, what: str) -> tuple[str, ...]:
        # Fast paths for the well-formed shapes; the loop below explains what is wrong.
        if type(value) is str and value:
            return (value,)
        if type(value) is list and value and all(type(v) is str and v for v in value):
            return tuple(value)
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not value:
            self.error("EMPTY_ARRAY", f"{what} is an empty list; give at least one value", path)
        out: list[str] = []
        for i, item in enumerate(items):
            p = f"{path}[{i}]" if isinstance(value, list) else path
            if not isinstance(item, str) or not item:
                self.error("INVALID_TYPE", f"{what} values must be non-empty strings", p)
            else:
                out.append(item)
        return tuple(out)

    def principal(self, value: Any, path: str) -> dict[str, tuple[str, ...]]:
        if value == "*":
            return {"*": ("*",)}
        if not isinstance(value, dict) or not value:
            self.error("INVALID_PRINCIPAL", 'Principal must be "*" or an object such as {"AWS": ...}', path)
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for kind, names in value.items():
            if kind not in PRINCIPAL_TYPES:
                self.error(
                    "INVALID_PRINCIPAL",
                    f"unknown principal type {kind!r}; use one of {', '.join(PRINCIPAL_TYPES)}",
                    f"{path}.{kind}",
                )
                continue
            out[kind] = self.strings(names, f"{path}.{kind}", f"Principal {kind}")
        return out

    def conditions(self, value: Any, path: str) -> tuple[Condition, ...]:
        if not isinstance(value, dict):
            self.error("INVALID_CONDITION", "Condition must be an object of operator -> {key: values}", path)
            return ()
        out: list[Condition] = []
        for op_text, block in value.items():
            op_path = f"{path}.{op_text}"
            op = parse_operator(op_text)
            if op is None:
                self.error("UNKNOWN_OPERATOR", f"unknown condition operator {op_text!r}", op_path)
                continue
            if not isinstance(block, dict) or not block:
                self.error("INVALID_CONDITION", f"{op_text} must map condition keys to values", op_path)
                continue
            for key, raw in block.items():
                if type(raw) is str:
                    out.append(Condition(op_text, key, (raw,), op))
                    continue
                if type(raw) is list and raw and all(type(v) is str for v in raw):
                    out.append(Condition(op_text, key, tuple(raw), op))
                    continue
                key_path = f'{op_path}["{key}"]'
                raw_items = raw if isinstance(raw, list) else [raw]
                values: list[str] = []
                for i, item in enumerate(raw_items):
                    text = condition_value_text(item)
                    if text is None:
                        self.error(
                            "INVALID_CONDITION_VALUE",
                            "condition values must be strings, numbers or booleans",
                            f"{key_path}[{i}]" if isinstance(raw, list) else key_path,
                        )
                    else:
                        values.append(text)
                if isinstance(raw, list) and not raw:
                    self.error("EMPTY_ARRAY", f"condition key {key!r} has no values", key_path)
                out.append(Condition(op_text, key, tuple(values), op))
        return tuple(out)

    def statement(self, raw: Any, index: int, path: str) -> Statement | None:
        # The slow path: it explains what is wrong, with the JSON path of each element.
        if not isinstance(raw, dict):
            self.error("INVALID_STATEMENT", "each statement must be an object", path)
            return None
        if not raw.keys() <= _STATEMENT_KEYS:
            for key in raw:
                if key not in _STATEMENT_KEYS:
                    self.error("UNKNOWN_ELEMENT", f"unknown statement element {key!r}", f"{path}.{key}")
        sid = raw.get("Sid")
        if sid is not None and not isinstance(sid, str):
            self.error("INVALID_SID", "Sid must be a string", f"{path}.Sid")
            sid = None
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            self.error("INVALID_EFFECT", 'Effect must be "Allow" or "Deny"', f"{path}.Effect")
        if ("Action" in raw) == ("NotAction" in raw):
            self.error("ACTION_REQUIRED", "a statement needs exactly one of Action or NotAction", path)
        not_action = "NotAction" in raw
        action_key = "NotAction" if not_action else "Action"
        actions = self.strings(raw.get(action_key, []), f"{path}.{action_key}", action_key)
        for i, action in enumerate(actions):
            if not _action_ok(action):
                where = (
                    f"{path}.{action_key}[{i}]"
                    if isinstance(raw.get(action_key), list)
                    else f"{path}.{action_key}"
                )
                prefix = action.partition(":")[0]
                reason = (
                    "a wildcard is not allowed in the service prefix"
                    if any(c in prefix for c in "*?")
                    else 'write actions as "service:Action"'
                )
                self.error("INVALID_ACTION", f"invalid action {action!r}: {reason}", where)
        if "Resource" in raw and "NotResource" in raw:
            self.error("RESOURCE_CONFLICT", "a statement takes Resource or NotResource, not both", path)
        not_resource = "NotResource" in raw
        resources: tuple[str, ...] | None = None
        res_key = "NotResource" if not_resource else "Resource"
        if res_key in raw:
            resources = self.strings(raw[res_key], f"{path}.{res_key}", res_key)
        if "Principal" in raw and "NotPrincipal" in raw:
            self.error("PRINCIPAL_CONFLICT", "a statement takes Principal or NotPrincipal, not both", path)
        not_principal = "NotPrincipal" in raw
        pkey = "NotPrincipal" if not_principal else "Principal"
        principals = self.principal(raw[pkey], f"{path}.{pkey}") if pkey in raw else None
        conditions = self.conditions(raw["Condition"], f"{path}.Condition") if "Condition" in raw else ()
        return Statement(
            index=index,
            sid=sid,
            effect=str(effect),
            actions=actions,
            not_action=not_action,
            resources=resources,
            not_resource=not_resource,
            principals=principals,
            not_principal=not_principal,
            conditions=conditions,
        )


def _plain_strings(value: Any) -> tuple[str, ...] | None:
    """A non-empty string or non-empty list of non-empty strings, else ``None``."""
    if type(value) is str:
        return (value,) if value else None
    if type(value) is list and value:
        for v in value:
            if type(v) is not str or not v:
                return None
        return tuple(value)
    return None


def _plain_principal(value: Any) -> dict[str, tuple[str, ...]] | None:
    """A Principal that is "*" or an object of known principal types, else ``None``."""
    if value == "*":
        return {"*": ("*",)}
    if type(value) is not dict or not value:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for kind, names in value.items():
        if kind not in PRINCIPAL_TYPES:
            return None
        parsed = _plain_strings(names)
        if parsed is None:
            return None
        out[kind] = parsed
    return out


def _plain_conditions(value: Any) -> tuple[Condition, ...] | None:
    """The Condition block when every operator is known and every value a string."""
    if type(value) is not dict:
        return None
    out: list[Condition] = []
    for op_text, block in value.items():
        op = parse_operator(op_text)
        if op is None or type(block) is not dict or not block:
            return None
        for key, raw in block.items():
            if type(raw) is str:
                out.append(Condition(op_text, key, (raw,), op))
            elif type(raw) is list and raw and all(type(v) is str for v in raw):
                out.append(Condition(op_text, key, tuple(raw), op))
            else:
                return None
    return tuple(out)


def _well_formed_statement(raw: dict[str, Any], index: int) -> Statement | None:
    """Parse a statement in one pass when it is well formed; ``None`` sends it to the slow
    path, which names every problem. Most documents are well formed, and building the JSON
    paths of findings that never occur was most of the cost of parsing."""
    if not _STATEMENT_KEYS.issuperset(raw):
        return None
    sid = raw.get("Sid")
    effect = raw.get("Effect")
    if (sid is not None and type(sid) is not str) or (effect != "Allow" and effect != "Deny"):
        return None
    not_action = "NotAction" in raw
    if not_action == ("Action" in raw):
        return None
    actions = _plain_strings(raw["NotAction" if not_action else "Action"])
    if actions is None:
        return None
    if not _actions_ok(actions):
        return None
    not_resource = "NotResource" in raw
    resources: tuple[str, ...] | None = None
    if not_resource:
        if "Resource" in raw:
            return None
        resources = _plain_strings(raw["NotResource"])
        if resources is None:
            return None
    elif "Resource" in raw:
        resources = _plain_strings(raw["Resource"])
        if resources is None:
            return None
    principals: dict[str, tuple[str, ...]] | None = None
    not_principal = "NotPrincipal" in raw
    if not_principal or "Principal" in raw:
        if not_principal and "Principal" in raw:
            return None
        principals = _plain_principal(raw["NotPrincipal" if not_principal else "Principal"])
        if principals is None:
            return None
    conditions: tuple[Condition, ...] = ()
    if "Condition" in raw:
        parsed = _plain_conditions(raw["Condition"])
        if parsed is None:
            return None
        conditions = parsed
    return Statement(
        index,
        sid,
        effect,
        actions,
        not_action,
        resources,
        not_resource,
        principals,
        not_principal,
        conditions,
    )


def load_document(doc: object) -> dict[str, Any]:
    """Accept a dict or JSON text; raise :class:`PolicyError` for anything else."""
    if isinstance(doc, (str, bytes)):  # a tuple: no union object per call
        try:
            doc = json.loads(doc)
        except (ValueError, RecursionError) as exc:
            raise PolicyError(
                [Finding(Severity.ERROR, "INVALID_JSON", f"not valid JSON: {exc}", "$")]
            ) from None
    if not isinstance(doc, dict):
        raise PolicyError(
            [Finding(Severity.ERROR, "INVALID_DOCUMENT", "a policy must be a JSON object", "$")]
        )
    return doc


def parse_policy(doc: object, *, name: str = "policy") -> Policy:
    """Parse a policy document (a dict or JSON text).

    Raises :class:`PolicyError` with ERROR findings for anything IAM would refuse to store.
    """
    if type(doc) is dict and _TOP_KEYS.issuperset(doc):
        # The well-formed document in one pass; anything else takes the path that explains it.
        version = doc.get("Version", VERSION_2008)
        body = doc.get("Statement")
        if version in (VERSION_2012, VERSION_2008) and body is not None:
            items = body if type(body) is list else [body]
            statements: list[Statement] = []
            for i, item in enumerate(items):
                st = _well_formed_statement(item, i) if type(item) is dict else None
                if st is None:
                    break
                statements.append(st)
            else:
                return Policy(name, version, tuple(statements), doc, "Version" in doc)
    raw = load_document(doc)
    p = _Parser()
    for key in raw:
        if key not in ("Version", "Id", "Statement"):
            p.error("UNKNOWN_ELEMENT", f"unknown top-level element {key!r}", f"$.{key}")
    version_given = "Version" in raw
    version = raw.get("Version", VERSION_2008)
    if version not in (VERSION_2012, VERSION_2008):
        p.error(
            "INVALID_VERSION",
            f'Version must be "{VERSION_2012}" (or the legacy "{VERSION_2008}")',
            "$.Version",
        )
    if "Statement" not in raw:
        p.error("MISSING_STATEMENT", "a policy needs a Statement", "$")
    body = raw.get("Statement", [])
    items = body if isinstance(body, list) else [body]
    statements = []
    for i, item in enumerate(items):
        st = _well_formed_statement(item, i) if type(item) is dict else None
        if st is None:
            # The JSON path is built only here: most statements never need it.
            st = p.statement(item, i, f"$.Statement[{i}]" if isinstance(body, list) else "$.Statement")
        if st is not None:
            statements.append(st)
    if p.findings:
        raise PolicyError(p.findings)
    return Policy(name, str(version), tuple(statements), raw, version_given)
