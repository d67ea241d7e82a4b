"""The built-in task types that opentruth runs, and what each asks of workers.

The task type comes from the request (:func:`opentruth.awsmodel.tasktypes.task_type_of`). For
built-in types, Ground Truth's own pre-annotation function produces the worker's task input —
``{"taskObject": <the s3 URI or the text>, "labels": [...]}`` — and its consolidation function
turns answers into output lines. opentruth does both itself, with the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opentruth.awsmodel.tasktypes import TaskType, task_type_of
from opentruth.errors import ValidationError
from opentruth.labeling.answers import AnswerKind
from opentruth.labeling.audit import earlier_input
from opentruth.labeling.pointcloud import SUFFIXES as POINT_CLOUD_SUFFIXES


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How opentruth runs one task type."""

    task_type: TaskType
    answer_kind: AnswerKind
    min_labels: int
    text: bool  # the data object is text (`source`) rather than an image (`source-ref`)
    #: Custom workflows: objects are ingested ``preparing`` and a pre-annotation step (the
    #: job's function, or PassThrough) gives each its task input (:mod:`opentruth.labeling.custom`).
    prepare: bool = False

    @property
    def suffix(self) -> str:
        return self.task_type.suffix

    @property
    def metadata_type(self) -> str:
        assert self.task_type.metadata_type is not None
        return self.task_type.metadata_type

    def task_input(
        self, line: dict[str, Any], labels: tuple[str, ...], text: str | None = None
    ) -> dict[str, Any]:
        """What the built-in pre-annotation function gives the template as ``task.input``.

        ``text`` is the object's text when the manifest names a text file by ``source-ref``.
        """
        source = line.get("source")
        if source is None:
            source = text if text is not None and self.text else line.get("source-ref")
        out: dict[str, Any] = {"taskObject": source, "labels": list(labels)}
        if (
            self.task_type.base in ("BoundingBox", "SemanticSegmentation")
            and self.suffix != self.task_type.base
        ):
            out.update(earlier_input(line, self.task_type.base))  # verification and adjustment
        return out


_SUPPORTED: dict[str, tuple[AnswerKind, int, bool]] = {
    "ImageMultiClass": (AnswerKind.LABEL, 2, False),
    "ImageMultiClassMultiLabel": (AnswerKind.LABELS, 2, False),
    "TextMultiClass": (AnswerKind.LABEL, 2, True),
    "TextMultiClassMultiLabel": (AnswerKind.LABELS, 2, True),
    "BoundingBox": (AnswerKind.BOXES, 1, False),
    "NamedEntityRecognition": (AnswerKind.ENTITIES, 1, True),
    "SemanticSegmentation": (AnswerKind.MASK, 1, False),
    "VideoMultiClass": (AnswerKind.LABEL, 2, False),
    "VideoObjectDetection": (AnswerKind.VIDEO, 1, False),
    "VideoObjectTracking": (AnswerKind.VIDEO, 1, False),
    "AdjustmentVideoObjectDetection": (AnswerKind.VIDEO, 1, False),
    "AdjustmentVideoObjectTracking": (AnswerKind.VIDEO, 1, False),
    "VerificationBoundingBox": (AnswerKind.LABEL, 1, False),
    "VerificationSemanticSegmentation": (AnswerKind.LABEL, 1, False),
    "AdjustmentBoundingBox": (AnswerKind.BOXES, 1, False),
    "AdjustmentSemanticSegmentation": (AnswerKind.MASK, 1, False),
    **dict.fromkeys(POINT_CLOUD_SUFFIXES, (AnswerKind.POINT_CLOUD, 1, False)),
}


def behaviour_of(request: dict[str, Any]) -> Behaviour:
    """The behaviour of a CreateLabelingJob request's task type.

    Raises :class:`ValidationError` for task types opentruth does not run yet, naming them.
    """
    tt = task_type_of(request)
    if not tt.is_builtin:
        # Custom workflows (the user's functions or PassThrough): any crowd-form answer, no
        # label categories required, task inputs from the pre-annotation step.
        return Behaviour(tt, AnswerKind.ANY, 0, False, prepare=True)
    found = _SUPPORTED.get(tt.suffix)
    if found is None:
        supported = ", ".join(sorted(_SUPPORTED))
        raise ValidationError(
            f"opentruth does not run task type {tt.suffix} yet; built-in types it runs: {supported}. "
            "Use Ground Truth's PRE-/ACS- function ARNs of one of them."
        )
    kind, min_labels, text = found
    return Behaviour(tt, kind, min_labels, text)
