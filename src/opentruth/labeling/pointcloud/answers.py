"""A worker's answer to a point cloud task: the ``crowd-point-cloud`` element's value.

Ground Truth does not publish what its 3D worker UI submits, so opentruth's element answers in
the output's own vocabulary, one entry per frame the worker labeled::

    {"pointCloudFrames": [
        {"frameNo": 300,
         "cuboids": [{"object-id": "…", "label": "Car",
                      "center-x": 1.0, "center-y": 2.0, "center-z": 0.5,
                      "length": 4.0, "width": 2.0, "height": 1.5,
                      "roll": 0, "pitch": 0, "yaw": 1.57,
                      "label-category-attributes": {"Occlusion": "Partial"}}],
         "frameAttributes": {"Weather": "Sunny"},
         "pointLabels": "<base64 of zlib(uint8 class per point)>"}]}

``cuboids`` for detection and tracking (``object-id`` ties a tracked object's cuboids across
frames), ``pointLabels`` for semantic segmentation (class 0 is unlabeled, class ``i`` is the
job's label ``i - 1``, as in the output's ``color-map``). :func:`check` runs before an answer is
stored, so a bad one is refused with the field that is wrong and nothing is kept.
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from collections.abc import Mapping
from typing import Any

from opentruth.errors import ValidationError

KEY = "pointCloudFrames"
DIMENSIONS = ("length", "width", "height")
CENTER = ("center-x", "center-y", "center-z")
ANGLES = ("roll", "pitch", "yaw")
#: Decompressed point labels are bounded (Ground Truth renders at most a few million points).
MAX_POINTS = 16 * 1024 * 1024


def _num(value: object, where: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{where}: must be a finite number")
    if positive and value <= 0:
        raise ValidationError(f"{where}: must be greater than 0")
    return float(value)


def _attributes(value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: must be an object of attribute name to value")
    for name, v in value.items():
        if not isinstance(v, str | int | float | list) or isinstance(v, bool):
            raise ValidationError(f"{where}.{name}: must be a string, a number or a list of strings")
    return dict(value)


def check_cuboid(raw: object, labels: tuple[str, ...], where: str) -> dict[str, Any]:
    """One cuboid, normalised: numbers as floats, angles as given, attributes an object."""
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: must be an object with label, center-x/y/z, length, width, height")
    label = raw.get("label")
    if not isinstance(label, str) or label not in labels:
        raise ValidationError(f"{where}.label: unknown label {label!r}; the job's labels are {list(labels)}")
    out: dict[str, Any] = {"label": label}
    object_id = raw.get("object-id")
    if object_id is not None:
        if not isinstance(object_id, str) or not object_id or len(object_id) > 128:
            raise ValidationError(f"{where}.object-id: must be a non-empty string of at most 128 characters")
        out["object-id"] = object_id
    for key in CENTER:
        out[key] = _num(raw.get(key), f"{where}.{key}")
    for key in DIMENSIONS:
        out[key] = _num(raw.get(key), f"{where}.{key}", positive=True)
    for key in ANGLES:
        out[key] = _num(raw.get(key, 0), f"{where}.{key}")
    out["label-category-attributes"] = _attributes(
        raw.get("label-category-attributes"), f"{where}.label-category-attributes"
    )
    return out


def point_labels(value: object, where: str) -> bytes:
    """The decompressed uint8 class per point of a ``pointLabels`` value."""
    if not isinstance(value, str):
        raise ValidationError(f"{where}: must be base64 of zlib-compressed uint8 classes, one per point")
    try:
        packed = base64.b64decode(value, validate=True)
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_POINTS + 1)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise ValidationError(f"{where}: not base64 of zlib data ({exc})") from None
    if len(raw) > MAX_POINTS or not d.eof:
        raise ValidationError(f"{where}: more than {MAX_POINTS:,} points (or truncated zlib data)")
    return raw


def check(
    value: dict[str, Any], labels: tuple[str, ...], element: str, task: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Check the element's answer; return it normalised (raises naming the wrong field).

    With the task's input (``task``), each frame must be one of the task's frames and its point
    labels must count the frame's points, so a bad answer is refused at submit rather than
    failing its object at consolidation.
    """
    frames = value.get(KEY)
    if not isinstance(frames, list):
        raise ValidationError(f"{element}.{KEY}: must be a list of labeled frames")
    points: dict[int, Any] = {
        f["frameNo"]: f.get("points")
        for f in (task or {}).get("frames") or []
        if isinstance(f, dict) and isinstance(f.get("frameNo"), int)
    }
    seen: set[int] = set()
    clean = []
    for i, frame in enumerate(frames):
        where = f"{element}.{KEY}[{i}]"
        if not isinstance(frame, dict):
            raise ValidationError(f"{where}: must be an object with frameNo")
        number = frame.get("frameNo")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValidationError(f"{where}.frameNo: must be the frame's number (an integer)")
        if number in seen:
            raise ValidationError(f"{where}.frameNo: frame {number} is given twice")
        if points and number not in points:
            raise ValidationError(f"{where}.frameNo: {number} is not a frame of this task ({sorted(points)})")
        seen.add(number)
        out: dict[str, Any] = {"frameNo": number}
        cuboids = frame.get("cuboids", [])
        if not isinstance(cuboids, list):
            raise ValidationError(f"{where}.cuboids: must be a list")
        out["cuboids"] = [check_cuboid(c, labels, f"{where}.cuboids[{n}]") for n, c in enumerate(cuboids)]
        ids = [c["object-id"] for c in out["cuboids"] if "object-id" in c]
        if len(set(ids)) != len(ids):
            raise ValidationError(f"{where}.cuboids: an object-id appears twice in one frame")
        out["frameAttributes"] = _attributes(frame.get("frameAttributes"), f"{where}.frameAttributes")
        if frame.get("pointLabels") is not None:
            classes = point_labels(frame["pointLabels"], f"{where}.pointLabels")
            expected = points.get(number)
            if isinstance(expected, int) and len(classes) != expected:
                raise ValidationError(
                    f"{where}.pointLabels: {len(classes):,} classes for a frame of {expected:,} points"
                )
            top = max(classes, default=0)
            if top > len(labels):
                raise ValidationError(
                    f"{where}.pointLabels: class {top} is not 0 (unlabeled) "
                    f"or 1..{len(labels)} (the job's labels)"
                )
            out["pointLabels"] = frame["pointLabels"]
        clean.append(out)
    return {**value, KEY: clean}
