"""Lint findings for policy variables that have no effect where they are written.

AWS substitutes ``${...}`` (IAM User Guide, "IAM policy elements: Variables and tags", section
"Where you can use policy variables") only

* under ``"Version": "2012-10-17"``;
* in ``Resource``/``NotResource``, and there only in the resource portion of the ARN, after the
  fifth colon (:func:`opentruth.iam.patterns.resource_split` is the one implementation);
* in ``Condition`` values of the string operators (``StringEquals``, ``StringLike``...) and the
  ARN operators (``ArnEquals``, ``ArnLike``...).

Anywhere else (an ARN's partition, service, region or account, ``Action``, ``NotAction``,
``Principal``, ``NotPrincipal``, the values of ``Numeric*``, ``Date*``, ``Bool``,
``BinaryEquals``, ``IpAddress`` and ``Null``) the text stays literal: it matches no real
action, ARN or value, so an Allow with it grants nothing and a Deny with it denies nothing. The
engine does the same; these findings say so at the element's JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from opentruth.iam.findings import Finding, Severity
from opentruth.iam.patterns import resource_split
from opentruth.iam.policy import parse_operator

_VAR = re.compile(r"\$\{[^}]*\}")
_SEGMENTS = ("arn", "partition", "service", "region", "account")
# The condition operators whose values take variables (the rest compare typed values).
_VARIABLE_OPERATORS = ("String", "Arn")
NOT_SUBSTITUTED = "POLICY_VARIABLE_NOT_SUBSTITUTED"
LITERAL = "LITERAL_POLICY_VARIABLE"


def _items(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield item, f"{path}[{i}]"
    else:
        yield value, path


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string with a ``${`` in an element (string, list, or Principal object)."""
    if isinstance(value, dict):
        for kind, names in value.items():
            yield from _strings(names, f"{path}.{kind}")
        return
    for item, p in _items(value, path):
        if isinstance(item, str) and "${" in item:
            yield item, p


def variable_findings(st: dict[str, Any], path: str, variables: bool) -> list[Finding]:
    """The findings on variables of one statement (a raw dict) at JSON path ``path``.

    ``variables`` says whether the policy's Version is 2012-10-17.
    """
    out: list[Finding] = []
    for key in ("Action", "NotAction", "Principal", "NotPrincipal"):
        for value, p in _strings(st.get(key), f"{path}.{key}"):
            what = "action" if "Action" in key else "principal"
            out.append(
                Finding(
                    Severity.WARNING,
                    NOT_SUBSTITUTED,
                    f"{value!r}: AWS does not substitute policy variables in {key}, so this is literal "
                    f"text and names no real {what}; write the {what} itself, or move the variable to "
                    "the resource part of a Resource ARN or to a string condition",
                    p,
                )
            )
    for key in ("Resource", "NotResource"):
        for value, p in _strings(st.get(key), f"{path}.{key}"):
            if not variables:
                out.append(_literal(value, p))
                continue
            problem = _resource_problem(value)
            if problem:
                out.append(Finding(Severity.WARNING, NOT_SUBSTITUTED, problem, p))
    cond = st.get("Condition")
    if isinstance(cond, dict):
        for op, block in cond.items():
            if not isinstance(block, dict):
                continue
            parsed = parse_operator(op) if isinstance(op, str) else None
            typed = parsed is not None and not parsed.base.startswith(_VARIABLE_OPERATORS)
            for ckey, values in block.items():
                for value, p in _strings(values, f'{path}.Condition.{op}["{ckey}"]'):
                    if not variables:
                        out.append(_literal(value, p))
                    elif typed:
                        out.append(
                            Finding(
                                Severity.WARNING,
                                NOT_SUBSTITUTED,
                                f"{value!r}: AWS substitutes policy variables only in the values of string "
                                f"and ARN condition operators, not {op}, so this value is literal text "
                                "and never matches",
                                p,
                            )
                        )
    return out


def _resource_problem(value: str) -> str | None:
    """Why a variable in the Resource pattern ``value`` is not substituted, or ``None``."""
    cut = resource_split(value)
    for m in _VAR.finditer(value):
        if cut >= 0 and m.start() >= cut:
            continue
        var = m.group(0)
        if cut < 0:
            return (
                f"{var!r} in {value!r} is not substituted: AWS substitutes variables only in the resource "
                "part of an ARN (after the fifth colon), and this entry has none, so it is literal text "
                "and matches no real ARN"
            )
        colons = _VAR.sub("", value[: m.start()]).count(":")
        segment = _SEGMENTS[min(colons, 4)]
        return (
            f"{var!r} is in the {segment} segment of {value!r}; AWS substitutes variables only in the "
            "resource part of an ARN (after the fifth colon), so here it is literal text and the entry "
            "matches no real ARN (an Allow grants nothing, a Deny denies nothing)"
        )
    return None


def _literal(value: str, path: str) -> Finding:
    return Finding(
        Severity.WARNING,
        LITERAL,
        f'{value!r} holds a policy variable, but variables work only under "Version": "2012-10-17"; '
        "here it is literal text. Set the Version to 2012-10-17",
        path,
    )
