"""Spans of JSON values in their text, and finding paths as Access Analyzer path elements."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.iam.analyzer import parse_path
from opentruth.iam.jsonspan import JsonPath, TextPositions, value_spans

KEYS = st.text(alphabet="abcAB01:.-_ ", min_size=1, max_size=8)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
DOCS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)
LAYOUTS = st.sampled_from([None, 0, 2, 4, "\t"])


def walk(value: Any, path: JsonPath = ()) -> list[tuple[JsonPath, Any]]:
    out = [(path, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            out += walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += walk(v, (*path, i))
    return out


@settings(max_examples=150, deadline=None)
@given(DOCS, LAYOUTS, st.booleans())
def test_every_value_is_found_where_the_text_holds_it(doc: Any, indent: Any, compact: bool) -> None:
    separators = (",", ":") if compact else None
    text = json.dumps(doc, indent=indent, separators=separators)
    spans = value_spans(text)
    assert spans is not None
    expected = walk(doc)
    assert set(spans) == {p for p, _ in expected}
    for path, value in expected:
        span = spans[path]
        assert json.loads(text[span.start : span.end]) == value
        # The lead is the end of the token before the value: only white space lies between.
        assert span.lead <= span.start and text[span.lead : span.start].strip() == ""
        if path:
            assert text[span.lead - 1] in "[,:"


@settings(max_examples=150, deadline=None)
@given(DOCS)
def test_finding_paths_read_back_as_the_documents_elements(doc: Any) -> None:
    def dotted(path: JsonPath) -> str:
        return "$" + "".join(f"[{e}]" if isinstance(e, int) else f".{e}" for e in path)

    paths = {p for p, _ in walk(doc)}
    for path in paths:
        # Written the way opentruth.iam.validate writes paths; keys may hold dots, so where two
        # paths read the same ("a.b" or "a" then "b") either is a right answer, but only those.
        parsed = tuple(parse_path(dotted(path), doc))
        assert parsed in paths and dotted(parsed) == dotted(path)
        quoted = "$" + "".join(f"[{e}]" if isinstance(e, int) else f'["{e}"]' for e in path)
        assert parse_path(quoted, doc) == list(path)
    assert parse_path("$.Statement[0].Action", None) == ["Statement", 0, "Action"]


def test_not_json_and_trailing_text() -> None:
    assert value_spans('{"a": [1, 2}') is None
    assert value_spans('{"a": 1} x') is None
    assert value_spans("") is None
    assert value_spans(' {"a": 1}\n') is not None


def test_lines_and_columns() -> None:
    text = '{\n  "a": [\n    "x"\n  ]\r\n}'
    spans = value_spans(text)
    assert spans is not None
    where = TextPositions(text)
    assert where.line_column(spans[("a", 0)].start) == (3, 4)
    assert where.line_column(spans[()].end) == (5, 1)
