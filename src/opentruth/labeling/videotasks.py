"""Video frame object detection and tracking, and their adjustment jobs: ingest and output.

Ground Truth's ``PRE-VideoObjectDetection``/``PRE-VideoObjectTracking`` read each line's
sequence file and hand the worker UI the frames, labels and attributes; ``ACS-`` writes the
worker's annotations as ``SeqLabel.json`` and points the output line's ``-ref`` attribute at it.
These jobs have one worker per object (DG ``sms-video-object-detection.md``: "The number of
workers specified in NumberOfHumanWorkersPerDataObject must be 1"), so consolidation keeps that
worker's answer.

Adjustment jobs (``AdjustmentVideoObject*``) take an earlier job's output manifest: the label
category file's ``auditLabelAttributeName`` names the earlier ``-ref`` attribute, whose
SeqLabel.json is read through the role and shown to the worker. Their metadata adds
``adjustment-status``: ``adjusted`` when the worker changed any label (DG sms-data-output.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey
from opentruth.db.models import Assignment, DataObject, Worker
from opentruth.errors import DataObjectError, ValidationError
from opentruth.labeling import output as out
from opentruth.labeling.labelattrs import AttributeConfig, parse_attribute_config
from opentruth.labeling.manifest import LabelConfig
from opentruth.labeling.output import OutputLayout
from opentruth.labeling.sequences import read_sequence, seq_label_uri, split_uri
from opentruth.labeling.videoanswers import answer_of_seq_label, check_answer, seq_label

#: Video frame suffixes: True for tracking (object ids kept across frames).
TRACKING = {
    "VideoObjectDetection": False,
    "AdjustmentVideoObjectDetection": False,
    "VideoObjectTracking": True,
    "AdjustmentVideoObjectTracking": True,
}


class VideoIngest:
    """Builds each manifest line's task input, reading its sequence file through the role."""

    def __init__(
        self, suffix: str, request: Mapping[str, Any], labels: LabelConfig, store: AuthorizedObjectStore
    ) -> None:
        self.suffix = suffix
        self.store = store
        uri = str(request.get("LabelCategoryConfigS3Uri", "label category file"))
        self.config: AttributeConfig = parse_attribute_config(labels.document, uri, video=True)
        self.adjustment = suffix.startswith("Adjustment")
        if self.adjustment and not self.config.audit_label_attribute:
            raise ValidationError(
                f"{uri}: {suffix} jobs need auditLabelAttributeName: the LabelAttributeName of the job "
                "whose labels the workers adjust"
            )

    def _read(self, bucket: str, key: str) -> bytes:
        return self.store.get_object(bucket, key).body

    def _check_frame(self, bucket: str, key: str) -> None:
        self.store.head_object(bucket, key)  # s3:GetObject through the role, and it must exist

    def task_input(self, line: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The worker's task input; :class:`DataObjectError` fails only this object.

        ``where`` names the object in messages: ``manifest line 3``, or a streaming message."""
        source = line.get("source-ref")
        if not isinstance(source, str):
            raise DataObjectError(f"{where}: video frame jobs need 'source-ref' naming a sequence file")
        seq = read_sequence(source, self._read, self._check_frame)
        task: dict[str, Any] = {
            "taskObject": source,
            "labels": list(self.config.labels),
            "tracking": TRACKING[self.suffix],
            "sequence": seq.as_json(),
            "labelConfig": self.config.as_json(),
        }
        if self.adjustment:
            task["earlier"] = self._earlier(line, where, task)
        return task

    def _earlier(self, line: Mapping[str, Any], where: str, task: dict[str, Any]) -> dict[str, Any]:
        attr = self.config.audit_label_attribute
        assert attr is not None
        ref = line.get(attr)
        if not isinstance(ref, str) or not ref.startswith("s3://"):
            raise DataObjectError(
                f"{where}: auditLabelAttributeName is {attr!r}, but the line has no "
                f"{attr!r} with the s3:// URI of an earlier SeqLabel.json"
            )
        bucket, key = split_uri(ref)
        try:
            body = self._read(bucket, key)
        except (NoSuchKey, NoSuchBucket):
            raise DataObjectError(f"{where}: the earlier labels {ref} do not exist") from None
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise DataObjectError(f"earlier labels {ref}: not valid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise DataObjectError(f"earlier labels {ref}: must be a SeqLabel.json object")
        return answer_of_seq_label(doc, task)


def check_video_answer(value: Mapping[str, Any], task: Mapping[str, Any], element: str) -> dict[str, Any]:
    """Check a submitted video answer (see :mod:`opentruth.labeling.videoanswers`)."""
    return check_answer(value, task, element)


Decision = tuple[Any, dict[str, Any]] | str


def decide(
    metadata_type: str,
    job_name: str,
    layout: OutputLayout,
    objects: Sequence[DataObject],
    answers: Mapping[int, list[dict[str, Any]]],
    now: datetime,
) -> tuple[dict[int, Decision], list[tuple[str, bytes, str]]]:
    """Consolidate video objects: each one's (single) worker answer becomes its SeqLabel.json.

    ``answers`` maps an object id to its submitted, unwrapped answers in submission order.
    Returns the decisions (label URI and metadata, or a failure reason) and the files to write.
    """
    decided: dict[int, Decision] = {}
    files: list[tuple[str, bytes, str]] = []
    for obj in objects:
        given = answers.get(obj.id) or []
        if not given:
            continue
        task = dict(obj.task_input or {})
        try:
            # One worker per object: with more (a request outside the documented rule), the
            # first submission stands, as a single-worker label.
            answer = check_answer(given[0], task, "answer")
        except ValidationError as exc:
            decided[obj.id] = f"the worker's answer could not be used: {exc.message}"
            continue
        doc, class_map = seq_label(answer, task)
        uri = seq_label_uri(layout, str(obj.dataset_object_id))
        files.append((uri, orjson.dumps(doc), "application/json"))
        meta: dict[str, Any] = {
            "class-map": class_map,
            "job-name": f"labeling-job/{job_name}",
            "human-annotated": "yes",
            "creation-date": out.creation_date(now),
            "type": metadata_type,
        }
        if "earlier" in task:
            before, _ = seq_label(check_answer(task["earlier"], task, "earlier", edits=False), task)
            meta["adjustment-status"] = "unadjusted" if _same(before, doc) else "adjusted"
        decided[obj.id] = (uri, meta)
    return decided, files


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal labels, whatever the order of frames' annotations."""

    def canon(doc: Mapping[str, Any]) -> list[Any]:
        frames: list[dict[str, Any]] = next(iter(doc.values()), [])
        return sorted(
            json.dumps(
                {
                    **f,
                    **{
                        k: sorted(json.dumps(x, sort_keys=True) for x in v)
                        for k, v in f.items()
                        if isinstance(v, list)
                    },
                },
                sort_keys=True,
            )
            for f in frames
        )

    return canon(a) == canon(b)


def answers_by_object(
    by_object: Mapping[int, list[tuple[Assignment, Worker]]], find: Any
) -> dict[int, list[dict[str, Any]]]:
    """The unwrapped video answers of each object, in submission order (``find`` unwraps one)."""
    result: dict[int, list[dict[str, Any]]] = {}
    for oid, subs in by_object.items():
        ordered = sorted(subs, key=lambda s: s[0].submitted_at or s[0].leased_at)
        result[oid] = [v for a, _w in ordered if (v := find(a.answer)) is not None]
    return result
