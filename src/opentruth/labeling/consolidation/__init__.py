"""Annotation consolidation for the built-in task types: pure functions, numpy/scipy only.

Nothing here does I/O; the job runner gathers workers' answers and writes what these return.
Class indices follow the label category configuration's order. Every function raises
:class:`opentruth.errors.ValidationError` naming the offending answer on bad input.

Ground Truth's one-worker rule holds everywhere: an object answered by one worker keeps that
worker's answer with confidence ``0.00`` (:data:`SINGLE_WORKER_CONFIDENCE`).

Single-label classification (image or text) — over the whole job at once:
    ``consolidate_single_label(observations, n_classes, method="dawid-skene")`` with
    ``observations`` an iterable of ``(item_id, worker_id, label_index)``; returns a
    :class:`ClassificationResult` whose ``decisions[item_id]`` is a :class:`LabelDecision`
    (``label``, ``confidence``) and ``worker_accuracy[worker_id]`` a float. The underlying
    :func:`dawid_skene` and :func:`majority_vote` return raw posteriors / vote shares.

Multi-label classification — over the whole job:
    ``consolidate_multi_label(observations, n_classes)`` with ``(item_id, worker_id,
    set_of_class_indices)``; returns ``{item_id: MultiLabelDecision(labels, confidence)}``, where
    ``confidence`` is Ground Truth's ``confidence-map`` keyed by class index.

Bounding boxes — one image:
    ``consolidate_boxes({worker_id: boundingBoxes}, labels)`` with crowd-bounding-box dicts
    ``{left, top, width, height, label}``; returns :class:`ConsolidatedBox` values
    (``annotation()`` gives ``{class_id, left, top, width, height}`` as ints, ``confidence``
    goes to the metadata's ``objects``).

Named entities — one text:
    ``consolidate_spans({worker_id: entities}, labels)`` with crowd-entity-annotation dicts
    ``{startOffset, endOffset, label}``; returns :class:`ConsolidatedSpan` values (``entity()``
    gives the output object, ``confidence`` goes to the metadata's ``entities``).

Semantic segmentation — one image:
    ``consolidate_segmentation([answer, ...], labels)`` with the unwrapped
    crowd-semantic-segmentation answers (``labeledImage.pngImageData`` + ``labelMappings``);
    returns the consolidated PNG bytes and the ``internal-color-map``. The building blocks
    :func:`decode_mask`, :func:`vote_masks` and :func:`encode_mask` are exported too.
"""

from __future__ import annotations

from .boxes import ConsolidatedBox, consolidate_boxes, iou
from .classification import (
    SINGLE_WORKER_CONFIDENCE,
    ClassificationResult,
    LabelDecision,
    consolidate_single_label,
    dawid_skene,
    majority_vote,
)
from .multilabel import MultiLabelDecision, consolidate_multi_label
from .segmentation import (
    VoteResult,
    class_colors,
    consolidate_segmentation,
    decode_mask,
    encode_mask,
    internal_color_map,
    vote_masks,
)
from .spans import ConsolidatedSpan, consolidate_spans, jaccard

__all__ = [
    "SINGLE_WORKER_CONFIDENCE",
    "ClassificationResult",
    "ConsolidatedBox",
    "ConsolidatedSpan",
    "LabelDecision",
    "MultiLabelDecision",
    "VoteResult",
    "class_colors",
    "consolidate_boxes",
    "consolidate_multi_label",
    "consolidate_segmentation",
    "consolidate_single_label",
    "consolidate_spans",
    "dawid_skene",
    "decode_mask",
    "encode_mask",
    "internal_color_map",
    "iou",
    "jaccard",
    "majority_vote",
    "vote_masks",
]
