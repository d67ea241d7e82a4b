"""Where each value of a JSON document sits in its text: the positions AWS reports in policies.

Two AWS APIs point into the text of a policy: Access Analyzer's ``ValidatePolicy`` gives each
finding a ``span`` (the value's first character and the character after it, as line, column and
offset), and IAM's policy simulator gives each matched statement a ``StartPosition`` and an
``EndPosition``. :func:`value_spans` scans a document once and returns, for every JSON path
(object keys and list indices), where its value starts and ends, and where the token before it
ends (the ``lead``), which is where IAM's simulator starts a statement.

The standard library's :mod:`json` reads the scalars; the scanner only walks the structure.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

#: A JSON path: object keys (str) and list indices (int) from the root.
JsonPath = tuple[str | int, ...]

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Span:
    """A value's place in the text: ``[start, end)`` and ``lead``, the end of the token before it
    (``[``, ``,`` or ``:``; 0 for the root). Offsets count characters from 0."""

    start: int
    end: int
    lead: int


class TextPositions:
    """Line and column of character offsets in one text (lines from 1, columns from 0)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line]


def value_spans(text: str) -> dict[JsonPath, Span] | None:
    """The span of every value of the JSON document ``text``; ``None`` if it is not JSON.

    A key given twice keeps its last value, as :func:`json.loads` does.
    """
    spans: dict[JsonPath, Span] = {}
    try:
        end = _value(text, 0, (), 0, spans)
    except (ValueError, IndexError, RecursionError):
        return None
    if _skip(text, end) != len(text):
        return None
    return spans


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _value(text: str, pos: int, path: JsonPath, lead: int, out: dict[JsonPath, Span]) -> int:
    pos = _skip(text, pos)
    start = pos
    ch = text[pos]
    if ch == "{":
        pos = _skip(text, pos + 1)
        if text[pos] == "}":
            pos += 1
        else:
            while True:
                if text[pos] != '"':
                    raise ValueError(f"expected a key at offset {pos}")
                key, pos = _DECODER.raw_decode(text, pos)
                pos = _skip(text, pos)
                if text[pos] != ":":
                    raise ValueError(f"expected ':' at offset {pos}")
                pos = _skip(text, _value(text, pos + 1, (*path, key), pos + 1, out))
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if text[pos] != "}":
                    raise ValueError(f"expected ',' or '}}' at offset {pos}")
                pos += 1
                break
    elif ch == "[":
        pos = _skip(text, pos + 1)
        if text[pos] == "]":
            pos += 1
        else:
            index = 0
            after = start + 1
            while True:
                pos = _skip(text, _value(text, pos, (*path, index), after, out))
                index += 1
                if text[pos] == ",":
                    after = pos + 1
                    pos = _skip(text, pos + 1)
                    continue
                if text[pos] != "]":
                    raise ValueError(f"expected ',' or ']' at offset {pos}")
                pos += 1
                break
    else:
        _, pos = _DECODER.raw_decode(text, pos)
    out[path] = Span(start, pos, lead)
    return pos
