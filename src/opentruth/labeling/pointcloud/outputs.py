"""Ground Truth's output for point cloud jobs (DG "Output Data", 3D point cloud sections).

Object detection (label attribute without ``-ref``): the label is
``{"annotations": [{"label-category-attributes", "object-name": "<class>:<n>", "class-id",
"center-x/y/z", "length", "width", "height", "roll", "pitch", "yaw"}]}``; the metadata has
``objects`` (a confidence per cuboid; ``[]`` with one worker, as the guide's example),
``class-map``, ``type``, ``human-annotated``, ``creation-date``, ``job-name``, and
``dataset-object-attributes`` (frame attributes) and ``adjustment-status`` where they apply.

Object tracking (``-ref``): the label is the URI of
``annotations/consolidated-annotation/output/<datasetObjectId>/SeqLabel.json``, which holds
``{"tracking-annotations": [{"frame-number", "frame-name", "frame-attributes", "annotations":
[... cuboid + "object-id"]}]}``, one entry per frame of the sequence; the metadata has
``objects: [{"frame-no", "confidence": [...]}]`` and the class map.

Semantic segmentation (``-ref``): the label is the URI of
``annotations/consolidated-annotation/output/<datasetObjectId>/<frame>.zlib``, the zlib-compressed
uint8 class of every point (0 = Background, ``i`` = label ``i - 1``); the metadata has
``color-map`` ``{"<i>": {"class-name", "hex-color", "confidence"}}``.
"""

from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from opentruth.db.models import Assignment, DataObject, Worker
from opentruth.errors import ValidationError
from opentruth.labeling import output as out
from opentruth.labeling.answers import AnswerKind, find_answer
from opentruth.labeling.consolidation.segmentation import class_colors
from opentruth.labeling.output import OutputLayout
from opentruth.labeling.pointcloud import is_adjustment, kind_of
from opentruth.labeling.pointcloud.answers import point_labels
from opentruth.labeling.pointcloud.cuboids import (
    Track,
    consolidate_frame,
    consolidate_tracks,
    merge_attributes,
)

__all__ = ["decide", "output_file"]

BACKGROUND = "Background"
_FIELDS = ("center-x", "center-y", "center-z", "length", "width", "height", "roll", "pitch", "yaw")
Decision = tuple[Any, dict[str, Any]] | str


def output_file(layout: OutputLayout, object_id: int, name: str) -> str:
    """``<root>/annotations/consolidated-annotation/output/<datasetObjectId>/<name>``."""
    return f"{layout.root.rstrip('/')}/annotations/consolidated-annotation/output/{object_id}/{name}"


def _annotation(cuboid: Mapping[str, Any], class_id: int, name: str) -> dict[str, Any]:
    ann: dict[str, Any] = {}
    if cuboid.get("label-category-attributes"):
        ann["label-category-attributes"] = dict(cuboid["label-category-attributes"])
    ann["object-name"] = name
    ann["class-id"] = class_id
    for key in _FIELDS:
        ann[key] = float(cuboid.get(key, 0.0))
    return ann


def _meta(job_name: str, kind: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "type": kind,
        "job-name": f"labeling-job/{job_name}",
        "human-annotated": "yes",
        "creation-date": out.creation_date(at),
    }


def _frames(answer: Mapping[str, Any] | None) -> dict[int, dict[str, Any]] | None:
    try:
        value = find_answer(answer or {}, AnswerKind.POINT_CLOUD).value
    except ValidationError:
        return None
    return {f["frameNo"]: f for f in value.get("pointCloudFrames", []) if isinstance(f, dict)}


def _adjusted(task: Mapping[str, Any], answers: Sequence[dict[int, dict[str, Any]]]) -> str | None:
    """``adjusted`` when a worker's answer differs from the labels under review."""
    previous = task.get("previous")
    if not isinstance(previous, dict):
        return None
    before = {f["frameNo"]: f for f in previous.get("frames", [])}

    def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        keys = ("cuboids", "pointLabels", "frameAttributes")
        return all(orjson.dumps(a.get(k) or None) == orjson.dumps(b.get(k) or None) for k in keys)

    for ans in answers:
        for number in set(before) | set(ans):
            if not same(before.get(number, {}), ans.get(number, {})):
                return "adjusted"
    return "unadjusted"


def decide(
    suffix: str,
    labels: tuple[str, ...],
    job_name: str,
    layout: OutputLayout,
    objects: Sequence[DataObject],
    by_object: Mapping[int, Sequence[tuple[Assignment, Worker]]],
    now: datetime,
    files: list[tuple[str, bytes, str]],
) -> dict[int, Decision]:
    """The consolidation hook: each object's (label, metadata), or why it fails; files to write
    (SeqLabel.json, .zlib) are appended to ``files``."""
    kind = kind_of(suffix)
    decided: dict[int, Decision] = {}
    for obj in objects:
        answers = [f for a, _w in by_object.get(obj.id, []) if (f := _frames(a.answer)) is not None]
        if not answers:
            continue
        task = obj.task_input or {}
        frames = list(task.get("frames") or [])
        if not frames:
            decided[obj.id] = "the object has no frames (its task input is missing)"
            continue
        status = _adjusted(task, answers) if is_adjustment(suffix) else None
        extra = {"adjustment-status": status} if status else {}
        try:
            if kind == "detection":
                decided[obj.id] = _detection(labels, job_name, answers, frames[0], now, extra)
            elif kind == "tracking":
                uri = output_file(layout, obj.dataset_object_id, "SeqLabel.json")
                body, decision = _tracking(labels, job_name, answers, frames, uri, now, extra)
                files.append((uri, body, "application/json"))
                decided[obj.id] = decision
            else:
                name = str(frames[0].get("frame") or "frame").rsplit("/", 1)[-1]
                uri = output_file(layout, obj.dataset_object_id, name.rsplit(".", 1)[0] + ".zlib")
                body, decision = _segmentation(labels, job_name, answers, frames[0], uri, now, extra)
                files.append((uri, body, "application/octet-stream"))
                decided[obj.id] = decision
        except ValidationError as exc:
            decided[obj.id] = f"the answers could not be consolidated: {exc.message}"
    return decided


def _detection(
    labels: tuple[str, ...],
    job_name: str,
    answers: Sequence[dict[int, dict[str, Any]]],
    frame: Mapping[str, Any],
    now: datetime,
    extra: dict[str, Any],
) -> Decision:
    number = frame["frameNo"]
    per_worker = [a.get(number, {}).get("cuboids", []) for a in answers]
    merged = consolidate_frame(per_worker)
    counts: dict[str, int] = {}
    annotations = []
    for cuboid, _conf in merged:
        counts[cuboid["label"]] = counts.get(cuboid["label"], 0) + 1
        name = f"{cuboid['label']}:{counts[cuboid['label']]}"
        annotations.append(_annotation(cuboid, labels.index(cuboid["label"]), name))
    used = sorted({a["class-id"] for a in annotations})
    attributes = merge_attributes([a.get(number, {}).get("frameAttributes") or {} for a in answers])
    meta = _meta(
        job_name,
        "groundtruth/point_cloud_object_detection",
        now,
        objects=[] if len(answers) == 1 else [{"confidence": c} for _, c in merged],
        **{"class-map": {str(i): labels[i] for i in used}},
        **({"dataset-object-attributes": attributes} if attributes else {}),
        **extra,
    )
    return {"annotations": annotations}, meta


def _tracking(
    labels: tuple[str, ...],
    job_name: str,
    answers: Sequence[dict[int, dict[str, Any]]],
    frames: Sequence[Mapping[str, Any]],
    uri: str,
    now: datetime,
    extra: dict[str, Any],
) -> tuple[bytes, Decision]:
    per_worker: list[list[tuple[str, Track]]] = []
    for ans in answers:
        tracks: dict[str, dict[int, Mapping[str, Any]]] = {}
        for number, labeled in ans.items():
            for n, c in enumerate(labeled.get("cuboids", [])):
                tracks.setdefault(str(c.get("object-id") or f"{number}-{n}"), {})[number] = c
        per_worker.append(list(tracks.items()))
    merged = consolidate_tracks(per_worker)
    # object-name: <class>:<n>, n unique across the sequence (one per track).
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for oid, track, _ in merged:
        first = track[min(track)]
        counts[first["label"]] = counts.get(first["label"], 0) + 1
        names[oid] = f"{first['label']}:{counts[first['label']]}"
    seq, objects, used = [], [], set()
    for f in frames:
        number = f["frameNo"]
        anns, confs = [], []
        for oid, track, conf in merged:
            if number in track:
                ann = _annotation(track[number], labels.index(track[number]["label"]), names[oid])
                ann["object-id"] = oid
                used.add(ann["class-id"])
                anns.append(ann)
                confs.append(conf[number])
        attributes = merge_attributes([a.get(number, {}).get("frameAttributes") or {} for a in answers])
        seq.append(
            {
                "frame-number": number,
                "frame-name": f.get("frame"),
                "frame-attributes": attributes,
                "annotations": anns,
            }
        )
        objects.append({"frame-no": number, "confidence": [] if len(answers) == 1 else confs})
    meta = _meta(
        job_name,
        "groundtruth/point_cloud_object_tracking",
        now,
        objects=objects,
        **{"class-map": {str(i): labels[i] for i in sorted(used)}},
        **extra,
    )
    return orjson.dumps({"tracking-annotations": seq}), (uri, meta)


def _segmentation(
    labels: tuple[str, ...],
    job_name: str,
    answers: Sequence[dict[int, dict[str, Any]]],
    frame: Mapping[str, Any],
    uri: str,
    now: datetime,
    extra: dict[str, Any],
) -> tuple[bytes, Decision]:
    number, points = frame["frameNo"], int(frame.get("points") or 0)
    votes = []
    for ans in answers:
        packed = ans.get(number, {}).get("pointLabels")
        if packed is None:
            continue
        classes = np.frombuffer(point_labels(packed, f"frame {number}: pointLabels"), dtype=np.uint8)
        if classes.size != points:
            raise ValidationError(
                f"frame {number}: pointLabels has {classes.size:,} classes for {points:,} points"
            )
        votes.append(classes)
    if not votes:
        raise ValidationError(f"frame {number}: no worker labeled its points (pointLabels)")
    n_classes = len(labels) + 1
    counts = np.zeros((n_classes, points), dtype=np.int32)
    for v in votes:
        np.add.at(counts, (v.astype(np.intp), np.arange(points)), 1)
    winner = counts.argmax(axis=0).astype(np.uint8)  # ties: the lowest class
    share = counts.max(axis=0) / len(votes)
    colors = class_colors(len(labels))
    names = [BACKGROUND, *labels]
    cmap = {}
    for i in range(n_classes):
        mine = winner == i
        conf = 0.0 if len(votes) == 1 or not mine.any() else float(share[mine].mean())
        cmap[str(i)] = {"class-name": names[i], "hex-color": colors[i], "confidence": round(conf, 2)}
    attributes = merge_attributes([a.get(number, {}).get("frameAttributes") or {} for a in answers])
    meta = _meta(
        job_name,
        "groundtruth/point_cloud_single_frame_semantic_segmentation",
        now,
        **{"color-map": cmap},
        **({"dataset-object-attributes": attributes} if attributes else {}),
        **extra,
    )
    return zlib.compress(winner.tobytes()), (uri, meta)


def encode_point_labels(classes: Sequence[int]) -> str:
    """``pointLabels`` of an answer: base64 of zlib(uint8 per point) (tests and examples)."""
    if any(not 0 <= c < 256 or not math.isfinite(c) for c in classes):
        raise ValueError("classes are 0..255")
    return base64.b64encode(zlib.compress(bytes(classes))).decode()
