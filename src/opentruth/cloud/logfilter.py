"""A subset of CloudWatch Logs' filter-pattern syntax, for FilterLogEvents.

Supported (matching is case-sensitive, as in CloudWatch):

- an empty pattern matches every event;
- terms: ``ERROR timeout`` matches events containing both words; a term in double quotes
  (``"access denied"``) may hold spaces and punctuation, and is matched as one substring;
- ``?ERROR ?WARN`` matches events containing at least one of the ``?`` terms (combined with
  plain terms by *and*);
- ``-DEBUG`` excludes events containing the term;
- JSON comparisons on events whose message is a JSON object: ``{ $.event = "StateChange" }``,
  ``{ $.objects >= 10 }``, ``{ $.accessDenied.action = "logs:*" }`` (``*`` at the end of a
  string value is a wildcard), with ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, joined by ``&&``
  or by ``||`` (not both in one pattern), and ``{ $.field EXISTS }``.

Not supported: space-delimited patterns (``[ip, user, ...]``), regular expressions
(``%...%``), parentheses in JSON patterns, and array indexes (``$.a[0]``). They are refused
with :class:`InvalidFilterPattern`, never silently matched as plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opentruth.errors import ValidationError

__all__ = ["InvalidFilterPattern", "compile_pattern"]

Matcher = Callable[[str], bool]

_SUPPORTED = (
    'terms (ERROR, "quoted text"), ?optional and -excluded terms, or JSON comparisons '
    'like { $.event = "StateChange" } joined by && or ||'
)


class InvalidFilterPattern(ValidationError):
    """A filter pattern opentruth cannot read (CloudWatch's InvalidParameterException)."""

    aws_code = "InvalidParameterException"


@dataclass(frozen=True, slots=True)
class _Terms:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    excluded: tuple[str, ...]

    def __call__(self, message: str) -> bool:
        if any(t in message for t in self.excluded):
            return False
        if not all(t in message for t in self.required):
            return False
        return not self.optional or any(t in message for t in self.optional)


_TERM = re.compile(r'\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))')


def _terms(pattern: str) -> _Terms:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    pos = 0
    text = pattern.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None or m.end() == pos:
            raise InvalidFilterPattern(
                f"filter pattern {pattern!r}: cannot read it at character {pos + 1}; use {_SUPPORTED}"
            )
        sign, quoted, bare = m.group(1), m.group(2), m.group(3)
        term = quoted.replace('\\"', '"') if quoted is not None else bare
        if not term:
            raise InvalidFilterPattern(f"filter pattern {pattern!r} has an empty term")
        {"": required, "?": optional, "-": excluded}[sign].append(term)
        pos = m.end()
    return _Terms(tuple(required), tuple(optional), tuple(excluded))


_COMPARISON = re.compile(
    r"""\s*\$((?:\.[A-Za-z0-9_@-]+)+)\s*
        (?:(=|!=|<=|>=|<|>)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s&|}]+))|(EXISTS|NOT\s+EXISTS))\s*""",
    re.VERBOSE,
)
_MISSING = object()


def _lookup(doc: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return _MISSING
        doc = doc[key]
    return doc


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(path: tuple[str, ...], op: str, value: str, quoted: bool) -> Callable[[Any], bool]:
    number = None if quoted else _as_number(value)
    if op in ("<", "<=", ">", ">=") and number is None:
        raise InvalidFilterPattern(f"filter pattern: {op} needs a number, not {value!r}")

    def test(doc: Any) -> bool:
        found = _lookup(doc, path)
        if found is _MISSING:
            return op == "!="
        if number is not None and isinstance(found, int | float) and not isinstance(found, bool):
            x = float(found)
            return {
                "=": x == number,
                "!=": x != number,
                "<": x < number,
                "<=": x <= number,
                ">": x > number,
                ">=": x >= number,
            }[op]
        if isinstance(found, bool):
            text = "true" if found else "false"
        elif found is None:
            text = "null"
        elif isinstance(found, str):
            text = found
        else:
            text = json.dumps(found)
        same = text.startswith(value[:-1]) if value.endswith("*") else text == value
        return same if op == "=" else (not same if op == "!=" else False)

    return test


def _exists(path: tuple[str, ...], wanted: bool) -> Callable[[Any], bool]:
    return lambda doc: (_lookup(doc, path) is not _MISSING) == wanted


def _json(pattern: str) -> Matcher:
    body = pattern.strip()[1:-1]
    if "&&" in body and "||" in body:
        raise InvalidFilterPattern(
            f"filter pattern {pattern!r}: mixing && and || needs parentheses, which opentruth does not read"
        )
    joiner = "||" if "||" in body else "&&"
    tests: list[Callable[[Any], bool]] = []
    for part in body.split(joiner):
        m = _COMPARISON.fullmatch(part)
        if m is None:
            raise InvalidFilterPattern(
                f"filter pattern {pattern!r}: cannot read {part.strip()!r}; use {_SUPPORTED}"
            )
        path = tuple(m.group(1)[1:].split("."))
        if m.group(5):
            tests.append(_exists(path, not m.group(5).startswith("NOT")))
            continue
        quoted = m.group(3) is not None
        value = m.group(3).replace('\\"', '"') if quoted else m.group(4)
        tests.append(_compare(path, m.group(2), value, quoted))
    combine = any if joiner == "||" else all

    def match(message: str) -> bool:
        try:
            doc = json.loads(message)
        except ValueError:
            return False
        return isinstance(doc, dict) and combine(t(doc) for t in tests)

    return match


def compile_pattern(pattern: str) -> Matcher:
    """A predicate on event messages for ``pattern`` (see the module notes for the syntax)."""
    text = pattern.strip()
    if not text:
        return lambda _message: True
    if text.startswith("{"):
        if not text.endswith("}"):
            raise InvalidFilterPattern(f"filter pattern {pattern!r}: a JSON pattern must end with }}")
        return _json(text)
    if text.startswith("[") or (text.startswith("%") and text.endswith("%") and len(text) > 1):
        raise InvalidFilterPattern(
            f"filter pattern {pattern!r}: space-delimited and regular-expression patterns are not "
            f"supported by opentruth; use {_SUPPORTED}"
        )
    return _terms(text)
