"""Manifest streaming and label category files: bad input names its line and attribute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opentruth.errors import ValidationError
from opentruth.labeling.manifest import iter_lines, parse_label_config, parse_line, read_manifest

EXAMPLES = Path(__file__).parent.parent / "data" / "groundtruth" / "examples"


def test_streams_lines_across_chunk_boundaries() -> None:
    data = b'{"source": "a"}\r\n\n{"source-ref": "s3://b/k.jpg", "x": 1}\n{"source": "\xc3\xa9t\xc3\xa9"}'
    for size in (1, 2, 7, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        lines = list(read_manifest(chunks))
        assert [(m.index, m.lineno) for m in lines] == [(0, 1), (1, 3), (2, 4)]
        assert lines[1].is_reference and lines[1].source == "s3://b/k.jpg"
        assert lines[2].source == "été"
        assert lines[1].data["x"] == 1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[1]", "must be a JSON object"),
        ("{", "not valid JSON"),
        ('{"text": "x"}', "needs 'source-ref'"),
        ('{"source": "x", "$y": 1}', "'$y'"),
        ('{"source-ref": "http://x/y"}', "s3:// URI"),
        ('{"source": 1}', "'source' must be a string"),
        ('{"source": "x", "dataset-objectid-attribute-name": "k"}', "names 'k'"),
        ('{"source": "' + "a" * 20001 + '"}', "'source' has 20,001 characters"),
    ],
)
def test_bad_lines_name_line_and_attribute(text: str, needle: str) -> None:
    with pytest.raises(ValidationError) as info:
        list(read_manifest([b'{"source": "ok"}\n', text.encode()]))
    assert "manifest line 2" in str(info.value)
    assert needle in str(info.value)


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(ValidationError, match="manifest line 1: not UTF-8"):
        list(iter_lines([b"\xff\n"]))


def test_shared_examples_agree() -> None:
    index = json.loads((EXAMPLES / "index.json").read_text())
    entries = index if isinstance(index, list) else index.get("examples", [])
    checked = 0
    for entry in entries:
        if entry.get("schema") != "input-manifest-line.schema.json":
            continue
        text = json.dumps(json.loads((EXAMPLES / entry["file"]).read_text()))
        if entry["valid"]:
            parse_line(text, 1)
        else:
            with pytest.raises(ValidationError):
                parse_line(text, 1)
        checked += 1
    assert checked >= 6


def test_label_config() -> None:
    cfg = parse_label_config(
        b'{"document-version": "2018-11-28", '
        b'"labels": [{"label": "a", "shortDisplayName": "A"}, {"label": "b"}],'
        b' "instructions": {"shortInstruction": "s"}}'
    )
    assert cfg.labels == ("a", "b") and cfg.short_names == {"a": "A"}
    assert cfg.instructions == {"shortInstruction": "s"}
    with pytest.raises(ValidationError, match="appears twice"):
        parse_label_config(b'{"document-version": "2018-11-28", "labels": [{"label": "a"}, {"label": "a"}]}')
    with pytest.raises(ValidationError, match="at least 2 labels"):
        parse_label_config(b'{"document-version": "2018-11-28", "labels": [{"label": "a"}]}', min_labels=2)
    # Without "document-version", as several of AWS's notebooks write it: Ground Truth runs it.
    assert parse_label_config(b'{"labels": [{"label": "a"}, {"label": "b"}]}').labels == ("a", "b")
    with pytest.raises(ValidationError, match='"labels" must be a non-empty list'):
        parse_label_config(b'{"document-version": "2018-11-28"}')
    with pytest.raises(ValidationError, match=r"labels\[1\]"):
        parse_label_config(b'{"document-version": "2018-11-28", "labels": [{"label": "a"}, {}]}')
