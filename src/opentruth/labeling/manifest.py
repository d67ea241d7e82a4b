"""Input manifests and label category files, read as Ground Truth reads them.

A manifest is UTF-8 JSON Lines (``\\n`` or ``\\r\\n``). It is read as a stream, one line at a
time, so a 100,000-line manifest needs no more memory than its longest line. Every error names
the line number (1-based, as an editor shows it) and the attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from opentruth.errors import ValidationError

MAX_LINE_CHARS = 100_000
MAX_ATTRIBUTE_CHARS = 20_000
MAX_LABEL_CHARS = 256
_S3_URI = re.compile(r"^(https|s3)://([^/]+)/?(.*)$")
_DEDUP_KEY = re.compile(r"^[$a-zA-Z0-9](-*[a-zA-Z0-9])*$")


@dataclass(frozen=True, slots=True)
class ManifestLine:
    """One data object: its 0-based dataset object id, its line number, and its JSON."""

    index: int
    lineno: int
    data: dict[str, Any]

    @property
    def source(self) -> str:
        """The object's ``source-ref`` URI, or its inline ``source`` text."""
        ref = self.data.get("source-ref")
        return ref if isinstance(ref, str) else str(self.data["source"])

    @property
    def is_reference(self) -> bool:
        return isinstance(self.data.get("source-ref"), str)


def parse_line(text: str, lineno: int) -> dict[str, Any]:
    """Parse and check one manifest line; raise :class:`ValidationError` naming the line."""
    where = f"manifest line {lineno}"
    if len(text) > MAX_LINE_CHARS:
        raise ValidationError(
            f"{where}: {len(text):,} characters; a line may have at most {MAX_LINE_CHARS:,}"
        )
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"{where}: not valid JSON ({exc}); each line must be one JSON object") from None
    if not isinstance(obj, dict):
        raise ValidationError(f'{where}: must be a JSON object such as {{"source-ref": "s3://bucket/key"}}')
    for key, value in obj.items():
        if key.startswith("$"):
            raise ValidationError(f"{where}: attribute {key!r} begins with '$', which Ground Truth reserves")
        if not key:
            raise ValidationError(f"{where}: an attribute has an empty name")
        if isinstance(value, str) and len(value) > MAX_ATTRIBUTE_CHARS:
            raise ValidationError(
                f"{where}: attribute {key!r} has {len(value):,} characters; at most {MAX_ATTRIBUTE_CHARS:,}"
            )
    ref, src = obj.get("source-ref"), obj.get("source")
    if ref is None and src is None:
        raise ValidationError(f"{where}: needs 'source-ref' (an s3:// URI) or 'source' (inline text)")
    if ref is not None and (not isinstance(ref, str) or not _S3_URI.match(ref) or len(ref) > 1024):
        raise ValidationError(f"{where}: 'source-ref' must be an s3:// URI of at most 1,024 characters")
    if src is not None and not isinstance(src, str):
        raise ValidationError(f"{where}: 'source' must be a string")
    dedup = obj.get("dataset-objectid-attribute-name")
    if dedup is not None:
        if not isinstance(dedup, str) or len(dedup) > 140 or not _DEDUP_KEY.match(dedup):
            raise ValidationError(
                f"{where}: 'dataset-objectid-attribute-name' must name an attribute (<= 140 chars)"
            )
        if dedup not in obj:
            raise ValidationError(
                f"{where}: 'dataset-objectid-attribute-name' names {dedup!r}, which the line lacks"
            )
        if len(str(obj[dedup])) > 1024:
            raise ValidationError(f"{where}: the object id in {dedup!r} has more than 1,024 characters")
    return obj


def iter_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    """Split a byte stream into (line number, text) pairs, decoding UTF-8 per line."""
    pending = b""
    lineno = 0
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            lineno += 1
            yield lineno, _decode(raw, lineno)
    if pending:
        lineno += 1
        yield lineno, _decode(pending, lineno)


def _decode(raw: bytes, lineno: int) -> str:
    try:
        return raw.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"manifest line {lineno}: not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None


def read_manifest(chunks: Iterable[bytes]) -> Iterator[ManifestLine]:
    """Stream the data objects of a manifest. Blank lines are skipped and not counted."""
    index = 0
    for lineno, text in iter_lines(chunks):
        if not text.strip():
            continue
        yield ManifestLine(index, lineno, parse_line(text, lineno))
        index += 1


@dataclass(frozen=True, slots=True)
class LabelConfig:
    """A label category configuration file (both dialects)."""

    labels: tuple[str, ...]
    short_names: dict[str, str]
    instructions: dict[str, str]
    document: dict[str, Any]


def parse_label_config(
    data: bytes | str, *, min_labels: int = 1, uri: str = "label category file"
) -> LabelConfig:
    """Parse ``LabelCategoryConfigS3Uri``'s content; errors name the file and the label."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"{uri}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValidationError(f'{uri}: must be a JSON object with "labels"')
    # "document-version" (or "documentVersion" for 3D and video) is optional: Ground Truth runs
    # a file of "labels" alone, as several of AWS's own notebooks write it. Only "labels" is
    # required (the label category schema's one required key).
    raw = doc.get("labels")
    if not isinstance(raw, list) or not raw:
        raise ValidationError(f'{uri}: "labels" must be a non-empty list of {{"label": ...}}')
    labels: list[str] = []
    short: dict[str, str] = {}
    for i, item in enumerate(raw):
        label = item.get("label") if isinstance(item, dict) else None
        if not isinstance(label, str) or not label:
            raise ValidationError(f'{uri}: labels[{i}] must be an object with a non-empty "label"')
        if len(label) > MAX_LABEL_CHARS:
            raise ValidationError(f"{uri}: label {label[:40]!r}… is longer than {MAX_LABEL_CHARS} characters")
        if label in labels:
            raise ValidationError(f"{uri}: label {label!r} appears twice; labels must be unique")
        labels.append(label)
        if isinstance(item.get("shortDisplayName"), str):
            short[label] = item["shortDisplayName"]
    if len(labels) < min_labels:
        raise ValidationError(
            f"{uri}: this task type needs at least {min_labels} labels, the file has {len(labels)}"
        )
    instructions = doc.get("instructions") if isinstance(doc.get("instructions"), dict) else {}
    return LabelConfig(tuple(labels), short, {k: str(v) for k, v in (instructions or {}).items()}, doc)
