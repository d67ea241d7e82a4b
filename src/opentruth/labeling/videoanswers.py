"""A worker's answer to a video frame task, checked, and turned into Ground Truth's SeqLabel.

The worker UI (``ot-video-frames``) submits, under its element name::

    {"annotationType": "BoundingBox",
     "frameAnnotations": [
        {"frameNo": 0, "frameAttributes": {"weather": "clear"},
         "annotations": [{"label": "car", "objectId": "<uuid>", "left": 10, "top": 20,
                          "width": 30, "height": 40, "attributes": {"occluded": "no"}}]}]}

A polygon or polyline annotation has ``vertices: [{x, y}, ...]`` instead of the box, a keypoint
has ``x`` and ``y``. ``objectId`` names one object across frames (tracking keeps it; detection
may leave it out).

:func:`seq_label` writes the shape of DG ``sms-data-output.md``: ``detection-annotations`` or
``tracking-annotations``, one entry per frame that the worker annotated, with the frame's
``frame-no``, ``frame`` (file name), ``frame-attributes`` and its list of annotations named by
the annotation type (``annotations`` for boxes, ``polygons``, ``polylines``, ``keypoints``).
Each annotation has ``class-id`` (a string: the label's index in the label category file) and
``label-category-attributes``; tracking adds ``object-id`` and ``object-name`` (``<label>:<n>``,
numbered per label in order of first appearance, as Ground Truth's UI numbers instances).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from typing import Any

from opentruth.errors import ValidationError
from opentruth.labeling.labelattrs import (
    MAX_FRAME_TEXT,
    MAX_LABEL_TEXT,
    AttributeConfig,
    check_values,
    parse_attribute_config,
)

#: The name of each annotation type's list in SeqLabel.json (DG sms-data-output.md).
LIST_KEY = {
    "BoundingBox": "annotations",
    "Polygon": "polygons",
    "Polyline": "polylines",
    "Keypoint": "keypoints",
}
_MIN_VERTICES = {"Polygon": 3, "Polyline": 2}
MAX_VERTICES = 1000


def _num(value: object, where: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{where}: must be a number")
    if minimum is not None and value < minimum:
        raise ValidationError(f"{where}: must be >= {minimum:g}")
    return float(value)


def _coord(value: float) -> int | float:
    """Pixel coordinates: whole numbers stay integers, as in Ground Truth's examples."""
    return int(value) if value.is_integer() else round(value, 2)


def _shape(ann: Mapping[str, Any], kind: str, where: str) -> dict[str, Any]:
    if kind == "BoundingBox":
        return {
            "left": round(_num(ann.get("left"), f"{where}.left")),
            "top": round(_num(ann.get("top"), f"{where}.top")),
            "width": max(1, round(_num(ann.get("width"), f"{where}.width", 0.5))),
            "height": max(1, round(_num(ann.get("height"), f"{where}.height", 0.5))),
        }
    if kind == "Keypoint":
        return {"x": _coord(_num(ann.get("x"), f"{where}.x")), "y": _coord(_num(ann.get("y"), f"{where}.y"))}
    vertices = ann.get("vertices")
    need = _MIN_VERTICES[kind]
    if not isinstance(vertices, list) or not need <= len(vertices) <= MAX_VERTICES:
        raise ValidationError(
            f"{where}.vertices: a {kind.lower()} needs {need} to {MAX_VERTICES} points {{x, y}}"
        )
    clean = []
    for k, p in enumerate(vertices):
        if not isinstance(p, dict):
            raise ValidationError(f"{where}.vertices[{k}]: must be an object {{x, y}}")
        clean.append(
            {
                "x": _coord(_num(p.get("x"), f"{where}.vertices[{k}].x")),
                "y": _coord(_num(p.get("y"), f"{where}.vertices[{k}].y")),
            }
        )
    return {"vertices": clean}


def check_answer(
    value: Mapping[str, Any], task: Mapping[str, Any], element: str, *, edits: bool = True
) -> dict[str, Any]:
    """Check a video answer against its task input (frames, labels, attributes); return it clean.

    Errors name the frame and the annotation. Nothing is stored unless this passes. In an
    adjustment job (``task["earlier"]``), labels and attributes with ``editsAllowed: "none"``
    must keep their earlier values (``edits=False`` skips that, to normalise the earlier labels).
    """
    config = config_of(task)
    kind = config.annotation_type
    given = value.get("annotationType", kind)
    if given != kind:
        raise ValidationError(f"{element}.annotationType: this job draws {kind}, not {given!r}")
    frames = {int(f["no"]) for f in task.get("sequence", {}).get("frames", [])}
    raw = value.get("frameAnnotations")
    if not isinstance(raw, list):
        raise ValidationError(f"{element}.frameAnnotations: must be a list of {{frameNo, annotations}}")
    tracking = bool(task.get("tracking"))
    object_labels: dict[str, str] = {}
    seen_frames: set[int] = set()
    out_frames: list[tuple[int, dict[str, Any]]] = []
    for i, fr in enumerate(raw):
        where = f"{element}.frameAnnotations[{i}]"
        if not isinstance(fr, dict):
            raise ValidationError(f"{where}: must be an object {{frameNo, annotations, frameAttributes}}")
        no = fr.get("frameNo")
        if isinstance(no, bool) or not isinstance(no, int) or no not in frames:
            raise ValidationError(f"{where}.frameNo: {no!r} is not a frame-no of this sequence")
        if no in seen_frames:
            raise ValidationError(f"{where}.frameNo: frame {no} is given twice")
        seen_frames.add(no)
        where = f"{element}: frame {no}"
        attrs = check_values(
            fr.get("frameAttributes"),
            config.frame_attributes,
            f"{where}.frameAttributes",
            text_limit=MAX_FRAME_TEXT,
        )
        anns = fr.get("annotations", [])
        if not isinstance(anns, list):
            raise ValidationError(f"{where}.annotations: must be a list")
        clean = []
        ids_here: set[str] = set()
        for k, ann in enumerate(anns):
            at = f"{where}.annotations[{k}]"
            if not isinstance(ann, dict):
                raise ValidationError(f"{at}: must be an object with label and its shape")
            label = ann.get("label")
            if label not in config.labels:
                raise ValidationError(
                    f"{at}: unknown label {label!r}; the job's labels are {list(config.labels)}"
                )
            assert isinstance(label, str)
            item: dict[str, Any] = {"label": label, **_shape(ann, kind, at)}
            oid = ann.get("objectId")
            if tracking or oid is not None:
                if not isinstance(oid, str) or not 1 <= len(oid) <= 128:
                    raise ValidationError(
                        f"{at}.objectId: each tracked object needs an id of 1 to 128 characters"
                    )
                if object_labels.setdefault(oid, label) != label:
                    raise ValidationError(
                        f"{at}.objectId: object {oid!r} is a {object_labels[oid]!r} in another frame, "
                        f"not a {label!r}; one object keeps its label across frames"
                    )
                if oid in ids_here:
                    raise ValidationError(f"{at}.objectId: object {oid!r} appears twice in frame {no}")
                ids_here.add(oid)
                item["objectId"] = oid
            item["attributes"] = check_values(
                ann.get("attributes"),
                config.attributes_of(label),
                f"{at}.attributes",
                text_limit=MAX_LABEL_TEXT,
            )
            clean.append(item)
        out_frames.append((no, {"frameNo": no, "annotations": clean, "frameAttributes": attrs}))
    out_frames.sort(key=lambda f: f[0])
    required = [a.name for a in config.frame_attributes if a.required]
    if required and edits and frames - seen_frames:
        # isRequired: "Workers cannot submit the job until all required attributes are annotated".
        missing = min(frames - seen_frames)
        raise ValidationError(f"{element}: frame {missing}: the frame attribute {required[0]!r} is required")
    clean_frames = [f for _no, f in out_frames]
    if edits and isinstance(task.get("earlier"), dict):
        before = check_answer(task["earlier"], task, "earlier", edits=False)["frameAnnotations"]
        _check_edits(clean_frames, before, config, element)
    return {**value, "annotationType": kind, "frameAnnotations": clean_frames}


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _locked_shapes(frames: list[dict[str, Any]], locked: set[str]) -> dict[tuple[int, str], Any]:
    return {
        (int(f["frameNo"]), str(a.get("objectId"))): (a["label"], _rounded(shapeof(a)))
        for f in frames
        for a in f["annotations"]
        if a["label"] in locked
    }


def shapeof(ann: Mapping[str, Any]) -> dict[str, Any]:
    """The geometry of an annotation (box, vertices or point)."""
    return {k: ann[k] for k in ("height", "width", "top", "left", "x", "y", "vertices") if k in ann}


def _check_edits(
    after: list[dict[str, Any]], before: list[dict[str, Any]], config: AttributeConfig, element: str
) -> None:
    """``editsAllowed: "none"`` (DG sms-label-cat-config-attributes.md): what the worker may not change."""
    locked = {label for label in config.labels if config.label_edits.get(label) == "none"}
    if locked:
        was, now = _locked_shapes(before, locked), _locked_shapes(after, locked)
        for key in sorted(set(was) ^ set(now) | {k for k in was.keys() & now.keys() if was[k] != now[k]}):
            label = (was.get(key) or now[key])[0]
            raise ValidationError(
                f"{element}: frame {key[0]}: the {label!r} annotation {key[1]!r} may not be added, moved or "
                f"removed; the label category file says editsAllowed none for {label!r}"
            )
    earlier = {(int(f["frameNo"]), str(a.get("objectId"))): a for f in before for a in f["annotations"]}
    earlier_frames = {int(f["frameNo"]): f.get("frameAttributes", {}) for f in before}
    for f in after:
        no = int(f["frameNo"])
        for attr in config.frame_attributes:
            old = earlier_frames.get(no, {}).get(attr.name)
            if attr.edits_allowed == "none" and f.get("frameAttributes", {}).get(attr.name) != old:
                raise ValidationError(
                    f"{element}: frame {no}: the frame attribute {attr.name!r} may not be edited"
                )
        for a in f["annotations"]:
            prev = earlier.get((no, str(a.get("objectId"))))
            if prev is None:
                continue
            for attr in config.attributes_of(a["label"]):
                old = prev["attributes"].get(attr.name)
                if attr.edits_allowed == "none" and a["attributes"].get(attr.name) != old:
                    raise ValidationError(
                        f"{element}: frame {no}: the attribute {attr.name!r} of "
                        f"{a.get('objectId')!r} may not be edited"
                    )


def config_of(task: Mapping[str, Any]) -> AttributeConfig:
    """The attribute configuration a task input carries (``labelConfig``)."""
    doc = task.get("labelConfig")
    if not isinstance(doc, dict):
        raise ValidationError("the task has no label configuration")
    return parse_attribute_config(doc, "the task's label configuration", video=True)


def seq_label(answer: Mapping[str, Any], task: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The SeqLabel.json document of a checked answer, and its class map (classes used)."""
    config = config_of(task)
    tracking = bool(task.get("tracking"))
    kind = config.annotation_type
    names = {int(f["no"]): str(f["name"]) for f in task.get("sequence", {}).get("frames", [])}
    index = {label: i for i, label in enumerate(config.labels)}
    numbers: dict[str, str] = {}  # object id -> "<label>:<n>"
    per_label: dict[str, int] = {}
    used: dict[str, str] = {}
    frames = []
    for fr in answer.get("frameAnnotations", []):
        anns = []
        for ann in fr.get("annotations", []):
            label = ann["label"]
            class_id = str(index[label])
            used[class_id] = label
            shape = {k: ann[k] for k in ("height", "width", "top", "left", "x", "y", "vertices") if k in ann}
            item: dict[str, Any] = {
                **shape,
                "class-id": class_id,
                "label-category-attributes": ann.get("attributes", {}),
            }
            if tracking:
                oid = ann["objectId"]
                if oid not in numbers:
                    per_label[label] = per_label.get(label, 0) + 1
                    numbers[oid] = f"{label}:{per_label[label]}"
                item["object-id"] = oid
                item["object-name"] = numbers[oid]
            anns.append(item)
        attrs = fr.get("frameAttributes", {})
        if not anns and not attrs:
            continue  # only the frames a worker annotated are written
        no = int(fr["frameNo"])
        frames.append(
            {LIST_KEY[kind]: anns, "frame-no": no, "frame": names.get(no, ""), "frame-attributes": attrs}
        )
    key = "tracking-annotations" if tracking else "detection-annotations"
    class_map = {k: used[k] for k in sorted(used, key=int)}
    return {key: frames}, class_map


def answer_of_seq_label(doc: Mapping[str, Any], task: Mapping[str, Any]) -> dict[str, Any]:
    """An earlier job's SeqLabel.json as an answer of this task (what an adjustment job shows).

    Objects without an ``object-id`` (detection output) get fresh ids so that the worker can
    edit them one by one.
    """
    config = config_of(task)
    kind = config.annotation_type
    key = LIST_KEY[kind]
    frames = []
    raw = doc.get("tracking-annotations", doc.get("detection-annotations", []))
    for fr in raw if isinstance(raw, list) else []:
        if not isinstance(fr, dict):
            continue
        anns = []
        for ann in fr.get(key, []) or []:
            try:
                label = config.labels[int(ann.get("class-id"))]
            except (TypeError, ValueError, IndexError):
                continue  # a class this job does not have: nothing to show
            shape = {k: ann[k] for k in ("height", "width", "top", "left", "x", "y", "vertices") if k in ann}
            anns.append(
                {
                    "label": label,
                    **shape,
                    "objectId": str(ann.get("object-id") or uuid.uuid4()),
                    "attributes": dict(ann.get("label-category-attributes") or {}),
                }
            )
        try:
            no = int(str(fr.get("frame-no", fr.get("frame-number", ""))))
        except (TypeError, ValueError):
            continue
        frames.append(
            {"frameNo": no, "annotations": anns, "frameAttributes": dict(fr.get("frame-attributes") or {})}
        )
    return {"annotationType": kind, "frameAnnotations": frames}
