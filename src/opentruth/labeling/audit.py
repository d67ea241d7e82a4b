"""Verification and adjustment of image labels: the metadata Ground Truth adds to their output.

``VerificationBoundingBox`` and ``VerificationSemanticSegmentation`` are single-label
classification of an earlier label (the worker picks one of the job's labels, e.g. "good" or
"bad", and may comment); they are consolidated as classification and their metadata has
``"type": "groundtruth/label-verification"`` and ``worker-feedback``, the workers' non-empty
comments ("If the worker doesn't provide comments, the empty fields are excluded during
consolidation", DG ``sms-data-output.md``).

``AdjustmentBoundingBox`` and ``AdjustmentSemanticSegmentation`` are consolidated as their base
type and keep its ``type``; the metadata adds ``adjustment-status``: ``adjusted`` "if multiple
workers have reviewed the object and at least one adjusted the label", else ``unadjusted``. A
worker adjusted when the crowd element, given the earlier label as ``initial-value``, reports
``initialValueModified: true`` (the element reference's contract).

Video adjustment jobs write their own status (:mod:`opentruth.labeling.videotasks`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

from opentruth.db.models import Assignment, Worker

#: Unwraps one stored answer into the element's value (None when it has no usable one).
Find = Callable[[Mapping[str, Any] | None], dict[str, Any] | None]


def is_verification(suffix: str) -> bool:
    return suffix.startswith("Verification")


def is_image_adjustment(suffix: str) -> bool:
    return suffix in ("AdjustmentBoundingBox", "AdjustmentSemanticSegmentation")


def _comments(answers: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for v in answers:
        comment = v.get("workerComment", v.get("comment"))
        if isinstance(comment, str) and comment.strip():
            out.append({"comment": comment})
    return out


def _adjusted(answers: Sequence[dict[str, Any]]) -> bool:
    return any(v.get("initialValueModified") is True for v in answers)


def add_audit_metadata(
    suffix: str,
    decided: MutableMapping[int, Any],
    by_object: Mapping[int, list[tuple[Assignment, Worker]]],
    find: Find,
) -> None:
    """Add ``worker-feedback`` or ``adjustment-status`` to each decided object's metadata."""
    if not (is_verification(suffix) or is_image_adjustment(suffix)):
        return
    for oid, decision in decided.items():
        if not isinstance(decision, tuple):
            continue  # a failure reason
        _label, meta = decision
        ordered = sorted(by_object.get(oid, []), key=lambda s: s[0].submitted_at or s[0].leased_at)
        answers = [v for a, _w in ordered if (v := find(a.answer)) is not None]
        if is_verification(suffix):
            meta["worker-feedback"] = _comments(answers)
        else:
            meta["adjustment-status"] = "adjusted" if _adjusted(answers) else "unadjusted"


_BASE_TYPES = {
    "BoundingBox": "groundtruth/object-detection",
    "SemanticSegmentation": "groundtruth/semantic-segmentation",
}


def earlier_input(line: Mapping[str, Any], base: str) -> dict[str, Any]:
    """The earlier label of a verification or adjustment line, for the worker's template.

    The earlier attribute is the one whose metadata has the base type's ``type`` (a chained
    job's input is the earlier job's output line). ``initialValue`` has the shape of the crowd
    element's ``initial-value``: boxes with label names for crowd-bounding-box, ``{src,
    labelMappings}`` for crowd-semantic-segmentation. Nothing is added when there is none.
    """
    kind = _BASE_TYPES.get(base)
    for key, meta in line.items():
        if not key.endswith("-metadata") or not isinstance(meta, dict) or meta.get("type") != kind:
            continue
        attr = key.removesuffix("-metadata")
        label = line.get(attr)
        if base == "BoundingBox" and isinstance(label, dict):
            names = meta.get("class-map") or {}
            boxes = [
                {
                    "label": str(names.get(str(b.get("class_id")), b.get("class_id"))),
                    **{k: b.get(k) for k in ("left", "top", "width", "height")},
                }
                for b in label.get("annotations", [])
                if isinstance(b, dict)
            ]
            return {"earlierLabelAttribute": attr, "initialValue": boxes}
        if base == "SemanticSegmentation" and isinstance(label, str):
            cmap = meta.get("internal-color-map") or {}
            mappings = {
                str(v.get("class-name")): {"color": v.get("hex-color")}
                for k, v in sorted(cmap.items())
                if isinstance(v, dict) and str(k) != "0"  # 0 is the background
            }
            return {"earlierLabelAttribute": attr, "initialValue": {"src": label, "labelMappings": mappings}}
    return {}
