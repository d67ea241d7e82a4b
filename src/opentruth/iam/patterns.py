"""Wildcard patterns for actions, ARNs and ``*Like`` condition values, with policy variables.

Patterns are compiled once. A pattern without variables becomes a fixed matcher (equality,
prefix, or a regular expression); one with variables is resolved against each request first.
Variables are substituted *before* wildcard matching, and the substituted text is literal:
a ``*`` that arrives in a variable's value is not a wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

ContextValue = str | Sequence[str]
Context = Mapping[str, ContextValue]  # keys already lower-cased

# Token kinds of a parsed pattern.
_LIT, _STAR, _QMARK, _VAR = 0, 1, 2, 3
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_VAR_RE = re.compile(r"^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$")

Token = tuple[int, str, str | None]  # (kind, text or key, default)


_SPLIT_VARS = re.compile(r"(\$\{[^}]*\}|\*|\?)")
_SPLIT_PLAIN = re.compile(r"(\*|\?)")


@lru_cache(maxsize=16384)
def tokenize(pattern: str, variables: bool) -> tuple[Token, ...]:
    """Split ``pattern`` into literals, ``*``, ``?`` and ``${var}`` tokens.

    With ``variables`` false (Version 2008-10-17) ``${...}`` is plain text, and so are the
    ``${*}`` escapes: only 2012-10-17 knows them.
    """
    out: list[Token] = []
    lit: list[str] = []
    for piece in (_SPLIT_VARS if variables else _SPLIT_PLAIN).split(pattern):
        if not piece:
            continue
        if piece == "*" or piece == "?":
            if lit:
                out.append((_LIT, "".join(lit), None))
                lit = []
            out.append((_STAR if piece == "*" else _QMARK, piece, None))
            continue
        if variables and piece.startswith("${") and piece.endswith("}") and len(piece) > 2:
            inner = piece[2:-1]
            if inner in _ESCAPES:
                lit.append(_ESCAPES[inner])
                continue
            m = _VAR_RE.match(inner)
            if m:
                if lit:
                    out.append((_LIT, "".join(lit), None))
                    lit = []
                out.append((_VAR, m.group(1).lower(), m.group(2)))
                continue
        lit.append(piece)
    if lit:
        out.append((_LIT, "".join(lit), None))
    return tuple(out)


def resolve(tokens: tuple[Token, ...], context: Context) -> tuple[Token, ...] | None:
    """Substitute variables; ``None`` when one is missing and has no default (no match)."""
    out: list[Token] = []
    for tok in tokens:
        if tok[0] != _VAR:
            out.append(tok)
            continue
        value = context.get(tok[1])
        if isinstance(value, str):
            text: str | None = value
        elif value is not None and len(value) == 1:
            text = value[0]
        else:
            text = tok[2]
        if text is None:
            return None
        out.append((_LIT, text, None))
    return tuple(out)


Matcher = Callable[[str], bool]

# Wildcards are written into a matcher's pattern string as private-use characters, so that the
# escapes ``${*}`` and ``${?}`` stay literal. The "segment" forms may not match ``:``.
_W_STAR, _W_Q, _S_STAR, _S_Q = "\ue000", "\ue001", "\ue002", "\ue003"
_WILD = frozenset((_W_STAR, _W_Q, _S_STAR, _S_Q))
# A glob is interpreted for its first uses and compiled to a regex once it proves hot: most
# patterns in a one-off evaluation are used once, and compiling a regex costs far more than that.
_HOT = 8
_RX = {_W_STAR: ".*", _W_Q: ".", _S_STAR: "[^:]*", _S_Q: "[^:]"}


def _full(rx: re.Pattern[str]) -> Matcher:
    fullmatch = rx.fullmatch
    return lambda s: fullmatch(s) is not None


class _Glob:
    """Full-string wildcard match over an encoded pattern."""

    __slots__ = ("_pat", "_rx", "_uses")

    def __init__(self, pat: str) -> None:
        self._pat = pat
        self._uses = 0
        self._rx: Matcher | None = None

    def __call__(self, s: str) -> bool:
        if self._rx is not None:
            return self._rx(s)
        self._uses += 1
        if self._uses > _HOT:
            parts = [_RX.get(c) or re.escape(c) for c in self._pat]
            self._rx = _full(re.compile("".join(parts), re.DOTALL))
        return _glob(self._pat, s)


def _glob(p: str, s: str) -> bool:
    """Linear-backtracking wildcard match.

    One backtrack point suffices: a segment star cannot cross ``:``, and the pattern's literal
    colons must meet the string's colons in order, so no earlier star ever needs to grow.
    """
    pi = si = 0
    star = -1
    mark = 0
    np_, ns = len(p), len(s)
    while si < ns:
        c = p[pi] if pi < np_ else ""
        if c == s[si] or c == _W_Q or (c == _S_Q and s[si] != ":"):
            pi += 1
            si += 1
        elif c in (_W_STAR, _S_STAR):
            star = pi
            mark = si
            pi += 1
        elif star != -1:
            if p[star] == _S_STAR and s[mark] == ":":
                return False
            pi = star + 1
            mark += 1
            si = mark
        else:
            return False
    while pi < np_ and p[pi] in (_W_STAR, _S_STAR):
        pi += 1
    return pi == np_


def _encode(tokens: Sequence[Token], arn: bool) -> str | None:
    """Encode tokens; for ARNs, wildcards before the pattern's last segment cannot cross ``:``.

    The last segment is the resource part (after the fifth colon) or, in a truncated pattern,
    whatever follows its last colon: there AWS lets a ``*`` run across colons, so that
    ``log-group:/aws/sagemaker/*`` matches the group's log streams.
    """
    colons = min(sum(t[1].count(":") for t in tokens if t[0] == _LIT), 5) if arn else 0
    seen = 0
    out: list[str] = []
    for kind, text, _ in tokens:
        if kind == _LIT:
            if not _WILD.isdisjoint(text):
                return None
            out.append(text)
            seen += text.count(":")
        elif seen >= colons:
            out.append(_W_STAR if kind == _STAR else _W_Q)
        else:
            out.append(_S_STAR if kind == _STAR else _S_Q)
    return "".join(out)


def _compile(tokens: tuple[Token, ...], arn: bool, ignore_case: bool) -> Matcher:
    """Build the matcher of a resolved pattern (see :func:`_encode` for ARN segments)."""
    if ignore_case:
        tokens = tuple((k, t.lower() if k == _LIT else t, d) for k, t, d in tokens)
        inner = _compile(tokens, arn, False)
        return lambda s: inner(s.lower())
    if not tokens:
        return "".__eq__
    kinds = [t[0] for t in tokens]
    if kinds == [_STAR]:
        return _always
    if _STAR not in kinds and _QMARK not in kinds:
        return "".join(t[1] for t in tokens).__eq__
    last = kinds[-1]
    if last == _STAR and _STAR not in kinds[:-1] and _QMARK not in kinds:
        # A trailing * is always in the last segment, so it may cross colons.
        prefix = "".join(t[1] for t in tokens[:-1])
        return lambda s: s.startswith(prefix)
    encoded = _encode(tokens, arn)
    if encoded is None:
        # A literal private-use character: rare enough to afford a regex at once.
        return _regex_of(tokens, arn)
    return _Glob(encoded)


def _regex_of(tokens: tuple[Token, ...], arn: bool) -> Matcher:
    colons = min(sum(t[1].count(":") for t in tokens if t[0] == _LIT), 5) if arn else 0
    seen = 0
    parts: list[str] = []
    for kind, text, _ in tokens:
        if kind == _LIT:
            parts.append(re.escape(text))
            seen += text.count(":")
        elif seen >= colons:
            parts.append(".*" if kind == _STAR else ".")
        else:
            parts.append("[^:]*" if kind == _STAR else "[^:]")
    return _full(re.compile("".join(parts), re.DOTALL))


def _always(_: str) -> bool:
    return True


@lru_cache(maxsize=8192)
def _cached(tokens: tuple[Token, ...], arn: bool, ignore_case: bool) -> Matcher:
    return _compile(tokens, arn, ignore_case)


def plain_matcher(text: str, arn: bool, ignore_case: bool = False) -> Matcher:
    """The matcher of a pattern without variables or escapes, built with string operations
    only: most patterns of a one-off evaluation are used once, so building must be cheap."""
    if ignore_case:
        inner = plain_matcher(text.lower(), arn)
        return lambda s: inner(s.lower())
    if "*" not in text and "?" not in text:
        return text.__eq__
    if text == "*":
        return _always
    if text[-1] == "*" and text.count("*") == 1 and "?" not in text:
        prefix = text[:-1]
        return lambda s: s.startswith(prefix)
    if _W_STAR in text or _W_Q in text or _S_STAR in text or _S_Q in text:
        return _regex_of(tokenize(text, False), arn)
    cut = 0
    if arn:
        # Wildcards before the last counted colon keep to their segment; see _encode.
        for _ in range(min(text.count(":"), 5)):
            cut = text.index(":", cut) + 1
    head = text[:cut].replace("*", _S_STAR).replace("?", _S_Q)
    return _Glob(head + text[cut:].replace("*", _W_STAR).replace("?", _W_Q))


@dataclass(slots=True, unsafe_hash=True)
class Pattern:
    """A compiled wildcard pattern.

    ``arn`` selects segment-aware matching; ``ignore_case`` is for actions. ``tokens`` is
    ``None`` for a pattern without variables or escapes, whose literal is its text.
    """

    text: str
    tokens: tuple[Token, ...] | None
    arn: bool
    ignore_case: bool
    fixed: Matcher | None  # set when the pattern has no variables

    @classmethod
    def compile(cls, text: str, *, arn: bool, variables: bool, ignore_case: bool = False) -> Pattern:
        return _compile_pattern(text, arn, variables, ignore_case)

    def match(self, value: str, context: Context) -> bool:
        """True when ``value`` matches; variables are resolved against ``context``."""
        if self.fixed is not None:
            return self.fixed(value)
        assert self.tokens is not None
        resolved = resolve(self.tokens, context)
        if resolved is None:
            return False
        return _cached(resolved, self.arn, self.ignore_case)(value)

    def literal(self, context: Context) -> str | None:
        """The pattern's text after variable substitution and escapes, for exact comparisons
        (``StringEquals``); ``None`` when a variable is missing."""
        if self.tokens is None:
            return self.text
        resolved = resolve(self.tokens, context)
        if resolved is None:
            return None
        return "".join(t[1] for t in resolved)


# Where AWS substitutes a variable in Resource and NotResource (IAM User Guide, "IAM policy
# elements: Variables and tags", section "Where you can use policy variables"): "only in the
# resource portion of the ARN. This portion of the ARN appears after the fifth colon (:). You
# can't use a variable to replace parts of the ARN before the fifth colon, such as the service
# or account." Before it, ``${...}`` stays literal text, so
# ``arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:q`` matches no real ARN: an Allow with it
# grants nothing and a Deny denies nothing. The colons are counted outside ``${...}`` (the
# colon of ``${aws:username}`` separates no segment). A resource with fewer than five such
# colons (``*``, a bare ``${aws:username}``, a truncated ``arn:aws:s3:*``) has no resource
# portion, so nothing in it is substituted. Condition values of the string and ARN operators
# take variables anywhere (same section); Action, NotAction and Principal never do.
_VAR_PIECE = re.compile(r"(\$\{[^}]*\})")


def resource_split(text: str) -> int:
    """The index where the resource portion of ``text`` begins (after its fifth colon outside
    ``${...}``), or ``-1`` when it has fewer than five such colons."""
    colons = 0
    at = 0
    for piece in _VAR_PIECE.split(text):
        if piece.startswith("${") and piece.endswith("}") and len(piece) > 2:
            at += len(piece)
            continue
        for i, ch in enumerate(piece):
            if ch == ":":
                colons += 1
                if colons == 5:
                    return at + i + 1
        at += len(piece)
    return -1


@lru_cache(maxsize=16384)
def tokenize_resource(text: str) -> tuple[Token, ...]:
    """Tokens of a Resource/NotResource pattern under 2012-10-17: variables and escapes only in
    the resource portion (see :func:`resource_split`), plain text with wildcards before it."""
    cut = resource_split(text)
    if cut < 0:
        return tokenize(text, False)
    head, tail = tokenize(text[:cut], False), tokenize(text[cut:], True)
    if head and tail and head[-1][0] == _LIT and tail[0][0] == _LIT:
        return (*head[:-1], (_LIT, head[-1][1] + tail[0][1], None), *tail[1:])
    return head + tail


@lru_cache(maxsize=16384)
def compile_resource(text: str, variables: bool) -> Pattern:
    """The matcher of one Resource/NotResource entry: segment-aware, variables only where AWS
    substitutes them (see :func:`resource_split`)."""
    cut = resource_split(text) if variables and "$" in text else -1
    if cut < 0 or "$" not in text[cut:]:
        # Nothing to substitute: ``${..}`` before the fifth colon is plain text.
        return Pattern(text, None, True, False, plain_matcher(text, True))
    tokens = tokenize_resource(text)
    has_vars = any(t[0] == _VAR for t in tokens)
    fixed = None if has_vars else _cached(tokens, True, False)
    return Pattern(text, tokens, True, False, fixed)


@lru_cache(maxsize=16384)
def _compile_pattern(text: str, arn: bool, variables: bool, ignore_case: bool) -> Pattern:
    if not variables or "$" not in text:
        # No variables and no escapes: under 2008-10-17, ``${..}`` is plain text.
        return Pattern(text, None, arn, ignore_case, plain_matcher(text, arn, ignore_case))
    tokens = tokenize(text, variables)
    has_vars = any(t[0] == _VAR for t in tokens)
    fixed = None if has_vars else _cached(tokens, arn, ignore_case)
    return Pattern(text, tokens, arn, ignore_case, fixed)
