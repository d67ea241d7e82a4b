"""Translate the Java regular expressions of AWS service models to Python's ``regex`` dialect.

AWS validates ``pattern`` constraints with Java's ``java.util.regex`` against the whole value
(``Matcher.matches``), and botocore copies those patterns verbatim. Python's ``re`` cannot read
them (``\\p{L}`` is not supported), so they run on the ``regex`` package, which reads Unicode
properties, after a translation of the places where Java's meaning differs:

- ``\\w``, ``\\d``, ``\\s`` and their negations are ASCII-only in Java (without
  ``UNICODE_CHARACTER_CLASS``) but Unicode-aware in Python: they become explicit ASCII sets.
- POSIX classes such as ``\\p{Alnum}`` or ``\\p{Punct}`` are ASCII-only in Java; ``regex`` reads
  ``\\p{Alnum}`` as the Unicode property. They also become explicit ASCII sets.
- Java strings are UTF-16, so models write astral characters as surrogate pairs
  (``\\uD800\\uDC00-\\uDBFF\\uDFFF`` means U+10000..U+10FFFF). Python strings hold code points,
  so a high+low surrogate pair becomes the one code point it encodes.
- ``\\Q...\\E`` quotes literally; nested classes ``[a[b]]`` are Java unions and are flattened.

The whole value must match (:func:`compile_java` returns a pattern to use with ``fullmatch``).
"""

from __future__ import annotations

import functools

import regex

# ASCII sets, written as the body of a character class so they can be used inside or outside one.
_WORD = "a-zA-Z0-9_"
_DIGIT = "0-9"
_SPACE = " \\t\\n\\x0B\\f\\r"
# Complements over all of Unicode, for the negated shorthands used inside a character class,
# where ``[^...]`` cannot be nested.
_NOT_WORD = "\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\U0010FFFF"
_NOT_DIGIT = "\\x00-\\x2F\\x3A-\\U0010FFFF"
_NOT_SPACE = "\\x00-\\x08\\x0E-\\x1F\\x21-\\U0010FFFF"

_SHORTHAND = {"w": _WORD, "d": _DIGIT, "s": _SPACE}
_NEGATED_SHORTHAND = {"W": _NOT_WORD, "D": _NOT_DIGIT, "S": _NOT_SPACE}

# Java's POSIX character classes (java.util.regex.Pattern docs): US-ASCII only.
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": _SPACE,
}


class JavaRegexError(ValueError):
    """A model pattern uses a Java construct this translator does not handle."""


def _hex4(pattern: str, i: int) -> int | None:
    """The code point of ``\\uXXXX`` starting at ``pattern[i]`` (the backslash), if any."""
    digits = pattern[i + 2 : i + 6]
    if pattern.startswith("\\u", i) and len(digits) == 4:
        try:
            return int(digits, 16)
        except ValueError:
            return None
    return None


def translate(pattern: str) -> str:
    """The ``regex``-dialect equivalent of the Java ``pattern``."""
    out: list[str] = []
    depth = 0  # how many '[' are open; Java allows nested classes (unions)
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            code = _hex4(pattern, i)
            if code is not None:
                low = _hex4(pattern, i + 6)
                if 0xD800 <= code <= 0xDBFF and low is not None and 0xDC00 <= low <= 0xDFFF:
                    astral = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    out.append(f"\\U{astral:08X}")
                    i += 12
                else:
                    out.append(pattern[i : i + 6])
                    i += 6
                continue
            if nxt in _SHORTHAND:
                out.append(_SHORTHAND[nxt] if depth else f"[{_SHORTHAND[nxt]}]")
                i += 2
                continue
            if nxt in _NEGATED_SHORTHAND:
                out.append(_NEGATED_SHORTHAND[nxt] if depth else f"[^{_SHORTHAND[nxt.lower()]}]")
                i += 2
                continue
            if nxt in "pP" and pattern.startswith("{", i + 2):
                end = pattern.find("}", i + 3)
                if end < 0:
                    raise JavaRegexError(f"unterminated \\{nxt}{{ in pattern {pattern!r}")
                name = pattern[i + 3 : end]
                if name in _POSIX:
                    body = _POSIX[name]
                    if nxt == "P" and depth:
                        raise JavaRegexError(f"negated POSIX class inside a set in {pattern!r}")
                    if depth:
                        out.append(body)
                    else:
                        out.append(f"[{'^' if nxt == 'P' else ''}{body}]")
                else:
                    out.append(pattern[i : end + 1])  # a Unicode property: regex reads it as Java
                i = end + 1
                continue
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
                out.append(regex.escape(literal))
                i = n if end < 0 else end + 2
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            if depth:
                # A nested class is a union in Java: flatten it into the enclosing one.
                if pattern.startswith("[^", i):
                    raise JavaRegexError(f"negated nested class in {pattern!r}")
                depth += 1
                i += 1
                continue
            depth = 1
            out.append("[")
            i += 1
            # A ']' right after '[' or '[^' is a literal in Java, as in Python.
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("\\]")
                i += 1
            continue
        if ch == "]" and depth:
            depth -= 1
            if depth == 0:
                out.append("]")
            i += 1
            continue
        if depth and ch == "&" and pattern.startswith("&&", i):
            raise JavaRegexError(f"class intersection '&&' in {pattern!r}")
        out.append(ch)
        i += 1
    return "".join(out)


@functools.cache
def compile_java(pattern: str) -> regex.Pattern[str]:
    """Compile a Java model pattern once; match values with ``.fullmatch`` (Java ``matches``)."""
    return regex.compile(translate(pattern))


def full_match(pattern: str, value: str) -> bool:
    """Whether all of ``value`` matches the Java ``pattern``, as AWS checks a constraint."""
    return compile_java(pattern).fullmatch(value) is not None
