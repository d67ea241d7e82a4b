"""Workers' answers to built-in tasks: found by their shape, checked against the task.

Ground Truth's built-in templates name their elements ``crowd-classifier``,
``crowd-image-classifier``, ``boundingBox``, ``crowd-semantic-segmentation`` and
``crowd-entity-annotation``, but a job may bring its own copy of a template with other names.
So the answer is the element in ``answerContent`` whose value has the right shape (``label``,
``labels``, ``boundingBoxes``, ``labeledImage`` or ``entities``), after unwrapping an
``annotatedResult`` wrapper where there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from opentruth.errors import ValidationError
from opentruth.labeling.pointcloud import answers as point_cloud_answers
from opentruth.labeling.videoanswers import check_answer as check_video_answer


class AnswerKind(StrEnum):
    """What a built-in task asks of a worker."""

    LABEL = "label"  # single-label classification (and verification)
    LABELS = "labels"  # multi-label classification
    BOXES = "boundingBoxes"
    MASK = "labeledImage"  # semantic segmentation
    ENTITIES = "entities"  # named entity recognition
    VIDEO = "frameAnnotations"  # video frame detection/tracking (opentruth.labeling.videoanswers)
    POINT_CLOUD = "pointCloudFrames"  # 3D point clouds: opentruth.labeling.pointcloud.answers
    ANY = "*"  # custom workflows: any crowd-form answer (a JSON object), checked by nobody but you


@dataclass(frozen=True, slots=True)
class Answer:
    """The part of a submission that a built-in consolidation needs."""

    kind: AnswerKind
    element: str  # the name of the element that carried it
    value: dict[str, Any]  # the element's object, unwrapped


def find_answer(answer_content: object, kind: AnswerKind) -> Answer:
    """Locate the answer of ``kind`` in a crowd-form submission; raise naming what is missing."""
    if kind is AnswerKind.ANY:
        if not isinstance(answer_content, dict):
            raise ValidationError("answerContent must be a JSON object (the crowd-form's output)")
        return Answer(kind, "", answer_content)
    if not isinstance(answer_content, dict) or not answer_content:
        raise ValidationError(
            'answerContent must be an object keyed by element name, e.g. {"crowd-classifier": {"label": "x"}}'
        )
    for name, value in answer_content.items():
        # The element reference shows answers wrapped in a one-item list; the stored content is the object.
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict):
            continue
        inner = value.get("annotatedResult", value)
        if isinstance(inner, dict) and kind.value in inner:
            return Answer(kind, str(name), inner)
        if isinstance(value, dict) and kind.value in value:
            return Answer(kind, str(name), value)
    raise ValidationError(
        f"answerContent has no element with {kind.value!r}: this task expects "
        f"{_EXAMPLES[kind]} under the element's name"
    )


_EXAMPLES = {
    AnswerKind.LABEL: '{"label": "<one of the labels>"}',
    AnswerKind.LABELS: '{"labels": ["<label>", ...]}',
    AnswerKind.BOXES: (
        '{"boundingBoxes": [{"label", "left", "top", "width", "height"}], "inputImageProperties": {...}}'
    ),
    AnswerKind.MASK: '{"labeledImage": {"pngImageData": "<base64 PNG>"}, "labelMappings": {...}}',
    AnswerKind.ENTITIES: '{"entities": [{"label", "startOffset", "endOffset"}]}',
    AnswerKind.VIDEO: '{"annotationType": "BoundingBox", "frameAnnotations": [{"frameNo", "annotations"}]}',
    AnswerKind.ANY: "a JSON object",
    AnswerKind.POINT_CLOUD: '{"pointCloudFrames": [{"frameNo", "cuboids": [...], "frameAttributes"}]}',
}


def _label_in(label: object, labels: tuple[str, ...], where: str) -> str:
    if not isinstance(label, str) or label not in labels:
        raise ValidationError(f"{where}: unknown label {label!r}; the job's labels are {list(labels)}")
    return label


def _int(value: object, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ValidationError(f"{where}: must be a number >= {minimum}")
    return round(value)


def check_answer(
    answer: Answer, labels: tuple[str, ...], text: str | None = None, task: Mapping[str, Any] | None = None
) -> Answer:
    """Check an answer against the job's labels (and the text, for NER; the task input, for
    video frames); return it normalised.

    Nothing is stored unless this passes, so a bad submission never leaves half an answer.
    """
    v = answer.value
    if answer.kind is AnswerKind.VIDEO:
        v = check_video_answer(v, task or {}, answer.element)
    elif answer.kind is AnswerKind.LABEL:
        v = {**v, "label": _label_in(v.get("label"), labels, f"{answer.element}.label")}
    elif answer.kind is AnswerKind.LABELS:
        chosen = v.get("labels")
        if not isinstance(chosen, list):
            raise ValidationError(f"{answer.element}.labels: must be a list of labels")
        v = {
            **v,
            "labels": sorted(
                {_label_in(x, labels, f"{answer.element}.labels") for x in chosen}, key=labels.index
            ),
        }
    elif answer.kind is AnswerKind.BOXES:
        boxes = v.get("boundingBoxes")
        if not isinstance(boxes, list):
            raise ValidationError(f"{answer.element}.boundingBoxes: must be a list")
        clean = []
        for i, box in enumerate(boxes):
            where = f"{answer.element}.boundingBoxes[{i}]"
            if not isinstance(box, dict):
                raise ValidationError(f"{where}: must be an object with label, left, top, width, height")
            clean.append(
                {
                    "label": _label_in(box.get("label"), labels, where),
                    "left": _int(box.get("left"), f"{where}.left"),
                    "top": _int(box.get("top"), f"{where}.top"),
                    "width": _int(box.get("width"), f"{where}.width", 1),
                    "height": _int(box.get("height"), f"{where}.height", 1),
                }
            )
        v = {**v, "boundingBoxes": clean}
    elif answer.kind is AnswerKind.ENTITIES:
        ents = v.get("entities")
        if not isinstance(ents, list):
            raise ValidationError(f"{answer.element}.entities: must be a list")
        n = len(text) if text is not None else None
        clean = []
        for i, e in enumerate(ents):
            where = f"{answer.element}.entities[{i}]"
            if not isinstance(e, dict):
                raise ValidationError(f"{where}: must be an object with label, startOffset, endOffset")
            start, end = (
                _int(e.get("startOffset"), f"{where}.startOffset"),
                _int(e.get("endOffset"), f"{where}.endOffset"),
            )
            if end <= start or (n is not None and end > n):
                raise ValidationError(f"{where}: offsets must satisfy 0 <= startOffset < endOffset <= {n}")
            clean.append(
                {"label": _label_in(e.get("label"), labels, where), "startOffset": start, "endOffset": end}
            )
        v = {**v, "entities": clean}
    elif answer.kind is AnswerKind.POINT_CLOUD:
        v = point_cloud_answers.check(v, labels, answer.element, task)
    elif answer.kind is AnswerKind.MASK:
        image = v.get("labeledImage")
        if not isinstance(image, dict) or not isinstance(image.get("pngImageData"), str):
            raise ValidationError(f"{answer.element}.labeledImage.pngImageData: must be a base64 PNG")
        mappings = v.get("labelMappings", {})
        if not isinstance(mappings, dict):
            raise ValidationError(
                f'{answer.element}.labelMappings: must map labels to {{"color": "#rrggbb"}}'
            )
        for label in mappings:
            _label_in(label, labels, f"{answer.element}.labelMappings")
    return Answer(answer.kind, answer.element, v)
