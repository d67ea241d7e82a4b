"""Turn a batch of objects' answers into Ground Truth's output: the built-in consolidation.

For each batch this produces the object results (output-manifest lines) and the files Ground
Truth writes next to them: one worker-response file per submission, the consolidation request
(the post-annotation payload) and response, and segmentation masks. The caller writes the files
through the job's role before it records the results, so an output line never points at a file
that a denial kept from being written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from opentruth.db.models import Assignment, DataObject, LabelingJob, ObjectState, Worker
from opentruth.db.repo_objects import ObjectResult
from opentruth.errors import ValidationError
from opentruth.labeling import output as out
from opentruth.labeling import videotasks
from opentruth.labeling.answers import AnswerKind, find_answer
from opentruth.labeling.audit import add_audit_metadata
from opentruth.labeling.consolidation import (
    consolidate_boxes,
    consolidate_multi_label,
    consolidate_segmentation,
    consolidate_single_label,
    consolidate_spans,
)
from opentruth.labeling.output import OutputLayout
from opentruth.labeling.pointcloud import outputs as pc_outputs
from opentruth.labeling.tasks import Behaviour

ITERATION = 1


@dataclass
class Batch:
    """What one consolidation batch produced."""

    results: list[ObjectResult] = field(default_factory=list)
    #: (s3 URI, body, content type) to write through the role.
    files: list[tuple[str, bytes, str]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


def _worker_files(
    layout: OutputLayout, obj: DataObject, subs: Sequence[tuple[Assignment, Worker]], issuer: str
) -> tuple[list[tuple[str, bytes, str]], list[str]]:
    """One worker-response file per submission; two in the same second get distinct seconds
    (Ground Truth's file names have second resolution and an earlier file must not be lost)."""
    files: list[tuple[str, bytes, str]] = []
    refs: list[str] = []
    used: set[str] = set()
    for a, w in subs:
        at = a.submitted_at or a.leased_at
        uri = layout.worker_response(ITERATION, str(obj.dataset_object_id), at)
        bump = 0
        while uri in used:
            bump += 1
            uri = layout.worker_response(ITERATION, str(obj.dataset_object_id), at + timedelta(seconds=bump))
        used.add(uri)
        body = out.worker_response(
            w.public_id, a.answer or {}, a.leased_at, at, issuer=issuer, sub=w.public_id
        )
        files.append((uri, _json(body), "application/json"))
        refs.append(uri)
    return files, refs


def _data_object(line: Mapping[str, Any]) -> dict[str, str]:
    if isinstance(line.get("source-ref"), str):
        return {"s3Uri": line["source-ref"]}
    return {"content": str(line.get("source", ""))}


def consolidate_batch(
    behaviour: Behaviour,
    labels: tuple[str, ...],
    short_names: Mapping[str, str],
    job: LabelingJob,
    layout: OutputLayout,
    objects: Sequence[DataObject],
    answers: Sequence[tuple[Assignment, Worker]],
    history: Sequence[tuple[int, str, dict[str, Any]]],
    issuer: str,
    now: datetime,
    *,
    files_at: datetime | None = None,
) -> Batch:
    """Consolidate ``objects`` (all ``annotated``) from their submitted ``answers``.

    ``history`` holds the job's other submitted answers (object id, worker, answer): single-label
    consolidation estimates each worker's reliability over the whole job, as EM needs.
    ``files_at`` names the consolidation request and response files (default ``now``): the
    caller picks a second no earlier batch of the job used.
    """
    attr = job.request["LabelAttributeName"]
    by_object: dict[int, list[tuple[Assignment, Worker]]] = defaultdict(list)
    for a, w in answers:
        by_object[a.object_id].append((a, w))
    batch = Batch()
    payload: list[dict[str, Any]] = []
    lines: dict[int, dict[str, Any]] = {}
    for obj in objects:
        line = json.loads(obj.source)
        lines[obj.id] = line
        subs = by_object.get(obj.id, [])
        files, _refs = _worker_files(layout, obj, subs, issuer)
        batch.files.extend(files)
        payload.append(
            {
                "datasetObjectId": str(obj.dataset_object_id),
                "dataObject": _data_object(line),
                "annotations": [
                    {
                        "workerId": w.public_id,
                        "annotationData": {"content": orjson.dumps(a.answer or {}).decode("utf-8")},
                    }
                    for a, w in subs
                ],
            }
        )
    decided = _decide(
        behaviour, labels, short_names, job, layout, objects, by_object, lines, history, now, batch
    )
    response = []
    for obj in objects:
        result = decided.get(obj.id)
        if result is None:
            batch.results.append(
                ObjectResult(obj.dataset_object_id, ObjectState.FAILED, failure_reason="no usable answer")
            )
            continue
        if isinstance(result, str):
            batch.results.append(
                ObjectResult(obj.dataset_object_id, ObjectState.FAILED, failure_reason=result)
            )
            continue
        label, meta = result
        response.append(
            {
                "datasetObjectId": str(obj.dataset_object_id),
                "consolidatedAnnotation": {"content": {attr: label, f"{attr}-metadata": meta}},
            }
        )
        line = out.with_label(lines[obj.id], attr, label, meta)
        batch.results.append(
            ObjectResult(
                obj.dataset_object_id,
                ObjectState.CONSOLIDATED,
                output_line=orjson.dumps(line).decode("utf-8"),
            )
        )
    if payload:
        at = files_at or now
        batch.files.append((layout.consolidation_request(ITERATION, at), _json(payload), "application/json"))
        batch.files.append(
            (layout.consolidation_response(ITERATION, at), _json(response), "application/json")
        )
    batch.summary = {
        "consolidated": sum(1 for r in batch.results if r.state is ObjectState.CONSOLIDATED),
        "failed": sum(1 for r in batch.results if r.state is ObjectState.FAILED),
        "annotations": len(answers),
    }
    return batch


Decision = tuple[Any, dict[str, Any]] | str


def _answer(answer: Mapping[str, Any] | None, kind: AnswerKind) -> dict[str, Any] | None:
    try:
        return find_answer(answer or {}, kind).value
    except ValidationError:
        return None


def _decide(
    behaviour: Behaviour,
    labels: tuple[str, ...],
    short_names: Mapping[str, str],
    job: LabelingJob,
    layout: OutputLayout,
    objects: Sequence[DataObject],
    by_object: Mapping[int, list[tuple[Assignment, Worker]]],
    lines: Mapping[int, dict[str, Any]],
    history: Sequence[tuple[int, str, dict[str, Any]]],
    now: datetime,
    batch: Batch,
) -> dict[int, Decision]:
    kind = behaviour.answer_kind
    name = job.name
    index = {label: i for i, label in enumerate(labels)}
    decided: dict[int, Decision] = {}
    if kind is AnswerKind.VIDEO:
        given = videotasks.answers_by_object(by_object, lambda a: _answer(a, kind))
        video, files = videotasks.decide(behaviour.metadata_type, name, layout, objects, given, now)
        decided.update(video)
        batch.files.extend(files)
    elif kind is AnswerKind.LABEL:
        obs: list[tuple[int, str, int]] = []
        seen: set[tuple[int, str]] = set()
        for obj in objects:
            for a, w in by_object.get(obj.id, []):
                v = _answer(a.answer, kind)
                if v is not None and v.get("label") in index:
                    obs.append((obj.id, w.public_id, index[v["label"]]))
                    seen.add((obj.id, w.public_id))
        for oid, worker, answer in history:
            v = _answer(answer, kind)
            if (oid, worker) not in seen and v is not None and v.get("label") in index:
                obs.append((oid, worker, index[v["label"]]))
        result = consolidate_single_label(obs, len(labels))
        for obj in objects:
            d = result.decisions.get(obj.id)
            if d is not None:
                decided[obj.id] = out.single_label(
                    labels, d.label, d.confidence, job_name=name, kind=behaviour.metadata_type, at=now
                )
    elif kind is AnswerKind.LABELS:
        mobs: list[tuple[int, str, set[int]]] = []
        for obj in objects:
            for a, w in by_object.get(obj.id, []):
                v = _answer(a.answer, kind)
                if v is not None:
                    mobs.append((obj.id, w.public_id, {index[x] for x in v.get("labels", []) if x in index}))
        # Ground Truth keeps every class that at least one worker chose (DG "Output Data").
        multi = consolidate_multi_label(mobs, len(labels), keep="any-worker")
        for obj in objects:
            m = multi.get(obj.id)
            if m is not None:
                chosen = {i: m.confidence.get(i, 0.0) for i in m.labels}
                decided[obj.id] = out.multi_label(
                    labels, chosen, job_name=name, kind=behaviour.metadata_type, at=now
                )
    elif kind is AnswerKind.BOXES:
        for obj in objects:
            per_worker: dict[str, list[dict[str, Any]]] = {}
            size = (0, 0, 3)
            for a, w in by_object.get(obj.id, []):
                v = _answer(a.answer, kind)
                if v is None:
                    continue
                per_worker[w.public_id] = list(v.get("boundingBoxes", []))
                props = v.get("inputImageProperties") or {}
                if props.get("width") and props.get("height"):
                    size = (int(props["width"]), int(props["height"]), 3)
            if not per_worker:
                continue
            boxes = consolidate_boxes(per_worker, labels)
            decided[obj.id] = out.bounding_boxes(
                labels,
                [out.Box(b.class_id, b.left, b.top, b.width, b.height, b.confidence) for b in boxes],
                size,
                job_name=name,
                at=now,
            )
    elif kind is AnswerKind.ENTITIES:
        for obj in objects:
            spans_by: dict[str, list[dict[str, Any]]] = {}
            for a, w in by_object.get(obj.id, []):
                v = _answer(a.answer, kind)
                if v is not None:
                    spans_by[w.public_id] = list(v.get("entities", []))
            if not spans_by:
                continue
            spans = consolidate_spans(spans_by, labels)
            decided[obj.id] = out.entities(
                labels,
                short_names,
                [(s.label, s.start, s.end, s.confidence) for s in spans],
                job_name=name,
                at=now,
            )
    elif kind is AnswerKind.POINT_CLOUD:
        decided.update(
            pc_outputs.decide(behaviour.suffix, labels, name, layout, objects, by_object, now, batch.files)
        )
    elif kind is AnswerKind.MASK:
        for obj in objects:
            masks = [v for a, _w in by_object.get(obj.id, []) if (v := _answer(a.answer, kind)) is not None]
            if not masks:
                continue
            try:
                png, cmap = consolidate_segmentation(masks, labels)
            except ValidationError as exc:
                decided[obj.id] = f"segmentation masks could not be consolidated: {exc.message}"
                continue
            created = out.creation_date(now)
            uri = layout.consolidated_mask(str(obj.dataset_object_id), created)
            batch.files.append((uri, png, "image/png"))
            meta = {
                "internal-color-map": cmap,
                "type": "groundtruth/semantic-segmentation",
                "job-name": f"labeling-job/{name}",
                "human-annotated": "yes",
                "creation-date": created,
            }
            decided[obj.id] = (uri, meta)
    add_audit_metadata(behaviour.suffix, decided, by_object, lambda a: _answer(a, kind))
    return decided
