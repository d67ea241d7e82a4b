"""``iam lint``'s findings in the shape of Access Analyzer's ``ValidatePolicy``.

A :class:`~opentruth.iam.findings.Finding` keeps opentruth's own code and a JSON path such as
``$.Statement[0].Condition.StringEquals["aws:SourceAccount"]``. Access Analyzer answers
``findingType`` (the same four severities), an ``issueCode``, a ``learnMoreLink`` into the IAM
User Guide's "Access Analyzer policy check reference", ``findingDetails`` and ``locations``: the
path as elements (``{"value": "Statement"}``, ``{"index": 0}``; AWS writes object keys as
``value`` elements) and the ``span`` of the value in the document's text (line from 1, column
from 0, offset from 0; the end is the character after the value), as the AWS CLI's own
``validate-policy`` example shows.

The issue codes are AWS's where a check of the reference covers the same problem (the code is
the anchor of its section, upper-cased: ``#access-analyzer-reference-policy-checks-error-
invalid-action`` is ``INVALID_ACTION``). Findings that AWS has no check for (opentruth's
resource-type mismatch, for one) keep opentruth's code and link to the reference page itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opentruth.iam.findings import Finding
from opentruth.iam.jsonspan import JsonPath, Span, TextPositions, value_spans
from opentruth.iam.validate import PolicyType

REFERENCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

# opentruth code -> the anchor of AWS's check, after "access-analyzer-reference-policy-checks-".
_ANCHORS: dict[str, str] = {
    "ACTION_REQUIRED": "error-missing-action",
    "ALLOW_WITH_NOT_PRINCIPAL": "security-warning-allow-with-not-principal",
    "CONDITION_KEY_NOT_APPLICABLE": "error-unsupported-action-for-condition-key",
    "DUPLICATE_SID": "error-unique-sids-required",
    "EMPTY_CONDITION": "suggestion-empty-object-condition",
    "EMPTY_SID": "suggestion-empty-sid-value",
    "EMPTY_STATEMENT": "error-missing-statement",
    "FOR_ALL_VALUES_SINGLE_VALUED_KEY": "security-warning-forallvalues-with-single-valued-key",
    "INVALID_ACTION": "error-invalid-action",
    "INVALID_CONDITION": "error-invalid-policy-element",
    "INVALID_CONDITION_VALUE": "error-data-type-mismatch",
    "INVALID_DOCUMENT": "error-json-syntax-error",
    "INVALID_EFFECT": "error-invalid-effect",
    "INVALID_JSON": "error-json-syntax-error",
    "INVALID_SID": "error-unsupported-sid",
    "INVALID_STATEMENT": "error-invalid-policy-element",
    "INVALID_TYPE": "error-data-type-mismatch",
    "INVALID_VERSION": "error-invalid-version",
    "LITERAL_POLICY_VARIABLE": "error-variable-unsupported-in-version",
    "MISSING_PRINCIPAL": "error-missing-principal",
    "MISSING_RESOURCE": "error-missing-resource",
    "MISSING_STATEMENT": "error-missing-statement",
    "MISSING_VERSION": "general-warning-missing-version",
    "NO_MATCHING_ACTION": "error-invalid-action",
    "PRINCIPAL_CONFLICT": "error-unsupported-element-combination",
    "PRINCIPAL_NOT_ALLOWED": "error-unsupported-principal",
    "RESOURCE_CONFLICT": "error-unsupported-element-combination",
    "RESOURCE_NOT_ALLOWED": "error-role-trust-policy-syntax-error-resource",
    "TRUST_POLICY_ACTION": "error-unsupported-action-in-policy",
    "UNKNOWN_ACTION": "error-invalid-action",
    "UNKNOWN_ELEMENT": "error-invalid-policy-element",
    "UNKNOWN_GLOBAL_CONDITION_KEY": "error-invalid-global-condition-key",
    "UNKNOWN_OPERATOR": "error-invalid-condition-operator",
    "UNKNOWN_SERVICE": "error-invalid-service-in-action",
}
# An empty list: AWS names the check after the element that holds it.
_EMPTY_ARRAY = {
    "Action": "suggestion-empty-array-action",
    "NotAction": "suggestion-empty-array-action",
    "Resource": "suggestion-empty-array-resource",
    "NotResource": "suggestion-empty-array-resource",
    "Principal": "suggestion-empty-array-principal",
    "NotPrincipal": "suggestion-empty-array-principal",
    "Condition": "suggestion-empty-array-condition",
}
# A malformed ARN: the words of opentruth.iam.arn_checks.arn_problem -> AWS's ARN check.
_ARN_PROBLEMS = (
    ("is not an ARN", "error-invalid-arn-prefix"),
    ("of the six ARN fields", "error-missing-arn-field"),
    ("unknown partition", "error-invalid-partition"),
    ("ARN service names are lower case", "error-invalid-arn-service-case"),
    ("unknown service", "error-invalid-service"),
    ("is not an AWS region", "error-invalid-arn-region"),
    ("12-digit account", "error-invalid-arn-account"),
)
_SIZE = {
    PolicyType.TRUST: "general-warning-policy-size-exceeds-role-trust-policy-quota",
    PolicyType.RESOURCE: "general-warning-policy-size-exceeds-resource-policy-quota",
}
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser", "*"})
_ARN_DEFAULT = "error-invalid-arn-resource"
_PRINCIPAL_KEY = "error-invalid-principal-key"
_SERVICE_PRINCIPAL = "error-invalid-service-principal-format"
_PRINCIPAL_FORMAT = "error-invalid-principal-format"
_IDENTITY_SIZE = "general-warning-policy-size-exceeds-identity-policy-quota"
# iam:PassRole on any role: AWS names the check after how the statement reaches every role.
_PASSROLE = "security-warning-pass-role-with-"
_PASSROLE_STAR = _PASSROLE + "star-in-resource"
_PASSROLE_ANCHORS = {
    # (NotAction, NotResource, Action "*") -> the check
    (True, True, False): _PASSROLE + "not-action-and-not-resource",
    (False, True, False): _PASSROLE + "not-resource",
    (False, True, True): _PASSROLE + "star-in-action-and-not-resource",
    (True, False, False): _PASSROLE + "star-in-resource-and-not-action",
    (False, False, True): _PASSROLE + "star-in-action-and-resource",
    (False, False, False): _PASSROLE_STAR,
}
_OTHER_ANCHORS = (
    _ARN_DEFAULT,
    _PRINCIPAL_KEY,
    _SERVICE_PRINCIPAL,
    _PRINCIPAL_FORMAT,
    _IDENTITY_SIZE,
)


def known_anchors() -> frozenset[str]:
    """Every anchor :func:`anchor_of` can give (the tests check each against AWS's reference)."""
    return frozenset(
        {
            *_ANCHORS.values(),
            *_EMPTY_ARRAY.values(),
            *(a for _, a in _ARN_PROBLEMS),
            *_SIZE.values(),
            *_PASSROLE_ANCHORS.values(),
            *_OTHER_ANCHORS,
        }
    )


def parse_path(path: str, document: Any = None) -> list[str | int]:
    """The elements of a finding's JSON path (``$.Statement[0].Action[1]``).

    ``document`` (the parsed policy) settles names that hold a dot: ``.a.b`` is the key ``a.b``
    only where the document has it and the rest of the path goes on from there.
    """
    if not path.startswith("$"):
        raise ValueError(f"not a JSON path: {path!r}")
    found = _elements(path, 1, document)
    if found is None:
        found = _elements(path, 1, None)  # not in the document: split at every dot
    assert found is not None  # without a document every step has its one reading
    return found


def _elements(path: str, i: int, node: Any) -> list[str | int] | None:
    """The elements of ``path[i:]`` that exist under ``node`` (any, when it is ``None``)."""
    if i == len(path):
        return []
    for key, end in _steps(path, i, node):
        child = _child(node, key)
        if node is not None and child is _MISSING:
            continue
        rest = _elements(path, end, None if node is None else child)
        if rest is not None:
            return [key, *rest]
    return None


_MISSING = object()


def _steps(path: str, i: int, node: Any) -> list[tuple[str | int, int]]:
    """The readings of the element at ``path[i]``, longest name first."""
    if path.startswith('["', i):
        close = path.index('"]', i + 2)
        return [(path[i + 2 : close], close + 2)]
    if path[i] == "[":
        close = path.index("]", i)
        return [(int(path[i + 1 : close]), close + 1)]
    if path[i] != ".":
        raise ValueError(f"unexpected {path[i]!r} at {i} in {path!r}")
    start = i + 1
    steps: list[tuple[str | int, int]] = []
    if isinstance(node, Mapping):
        fits = [
            k
            for k in node
            if isinstance(k, str)
            and path.startswith(k, start)
            and (start + len(k) == len(path) or path[start + len(k)] in ".[")
        ]
        steps = [(k, start + len(k)) for k in sorted(fits, key=len, reverse=True)]
    end = start
    while end < len(path) and path[end] not in ".[":
        end += 1
    if (path[start:end], end) not in steps:
        steps.append((path[start:end], end))
    return steps


def _child(node: Any, key: str | int) -> Any:
    if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
        return node[key]
    if isinstance(key, str) and isinstance(node, Mapping) and key in node:
        return node[key]
    return _MISSING


def _pass_role_anchor(statement: Any) -> str:
    if not isinstance(statement, Mapping):
        return _PASSROLE_STAR
    actions = statement.get("Action")
    star = actions == "*" or (isinstance(actions, list) and "*" in actions)
    return _PASSROLE_ANCHORS[("NotAction" in statement, "NotResource" in statement, star)]


def anchor_of(
    finding: Finding, elements: list[str | int], policy_type: PolicyType, document: Any = None
) -> str | None:
    """The anchor of AWS's check for ``finding`` in the reference, or ``None`` if it has none.

    ``document`` (the parsed policy) tells apart the variants of a check that AWS names after
    the statement's shape (PassRole with NotAction, NotResource or ``*``).
    """
    code = finding.code
    if code == "EMPTY_ARRAY":
        names = [e for e in elements if isinstance(e, str) and e in _EMPTY_ARRAY]
        return _EMPTY_ARRAY[names[0]] if names else None
    if code == "INVALID_ARN":
        return next(
            (a for words, a in _ARN_PROBLEMS if words in finding.message), "error-invalid-arn-resource"
        )
    if code == "INVALID_PRINCIPAL":
        kind = next((e for e in reversed(elements) if isinstance(e, str)), "")
        if kind not in _PRINCIPAL_TYPES:
            return "error-invalid-principal-key"
        return (
            "error-invalid-service-principal-format"
            if kind == "Service"
            else "error-invalid-principal-format"
        )
    if code == "POLICY_SIZE_EXCEEDED":
        return _SIZE.get(policy_type, _IDENTITY_SIZE)
    if code == "PASS_ROLE_WITH_STAR":
        statement = _child(document, "Statement")  # $.Statement[i]... or $.Statement...
        if len(elements) > 1 and isinstance(elements[1], int):
            statement = _child(statement, elements[1])
        return _pass_role_anchor(statement)
    return _ANCHORS.get(code)


def issue_code(anchor: str | None, finding: Finding) -> str:
    """AWS's issue code: the anchor without its category, upper-cased; else opentruth's code."""
    if anchor is None:
        return finding.code
    for category in ("error-", "security-warning-", "general-warning-", "suggestion-"):
        if anchor.startswith(category):
            return anchor[len(category) :].replace("-", "_").upper()
    return finding.code


class PolicyText:
    """One policy document's text, read once for the spans of all its findings."""

    def __init__(self, text: str, policy_type: PolicyType) -> None:
        self.text = text
        self.policy_type = policy_type
        self.spans: dict[JsonPath, Span] | None = value_spans(text)
        self.document: Any = json.loads(text) if self.spans is not None else None
        self.positions = TextPositions(text)

    def _position(self, offset: int) -> dict[str, int]:
        line, column = self.positions.line_column(offset)
        return {"line": line, "column": column, "offset": offset}

    def locations(self, elements: list[str | int]) -> list[dict[str, Any]]:
        """The ``locations`` of a finding at ``elements``: empty if the text has no such value."""
        if self.spans is None:
            return []
        span = self.spans.get(tuple(elements))
        if span is None:
            return []
        path = [{"index": e} if isinstance(e, int) else {"value": e} for e in elements]
        return [
            {"path": path, "span": {"start": self._position(span.start), "end": self._position(span.end)}}
        ]

    def finding(self, finding: Finding) -> dict[str, Any]:
        """One ``ValidatePolicyFinding``."""
        try:
            elements = parse_path(finding.path, self.document)
        except ValueError:
            elements = []
        anchor = anchor_of(finding, elements, self.policy_type, self.document)
        return {
            "findingDetails": finding.message,
            "findingType": str(finding.severity),
            "issueCode": issue_code(anchor, finding),
            "learnMoreLink": f"{REFERENCE}#access-analyzer-reference-policy-checks-{anchor}"
            if anchor
            else REFERENCE,
            "locations": self.locations(elements),
        }


def analyzer_findings(text: str, findings: list[Finding], policy_type: PolicyType) -> list[dict[str, Any]]:
    """``findings`` of the policy ``text`` as ValidatePolicy's ``findings`` list, in order."""
    doc = PolicyText(text, policy_type)
    return [doc.finding(f) for f in findings]
