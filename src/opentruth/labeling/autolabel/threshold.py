"""Choose the confidence threshold above which the model labels objects by itself.

Ground Truth recomputes the threshold every iteration on the human-labeled validation set, so
that the objects the model would label meet a fixed quality target (groundtruth.md §7):

- classification: at least 95% of the covered validation objects agree with the human label;
- bounding boxes: mean IoU of at least 0.6, averaged per class and then across classes.

Both functions pick the *lowest* threshold whose covered set still meets the target (the most
objects labeled by machine), and demand a minimum number of covered validation objects so that
a handful of lucky objects cannot set it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

CLASSIFICATION_TARGET = 0.95
BOXES_TARGET = 0.6
MIN_SUPPORT = 20


@dataclass(frozen=True, slots=True)
class Threshold:
    """The chosen threshold and what it achieves on the validation set."""

    value: float
    #: Accuracy (classification) or mean IoU (boxes) of the covered validation objects.
    quality: float
    #: How many validation objects have a confidence at or above ``value``.
    covered: int
    total: int

    def as_json(self) -> dict[str, float | int]:
        return {
            "threshold": self.value,
            "quality": self.quality,
            "covered": self.covered,
            "total": self.total,
        }


def classification_threshold(
    confidences: Sequence[float],
    correct: Sequence[bool],
    *,
    target: float = CLASSIFICATION_TARGET,
    min_support: int = MIN_SUPPORT,
) -> Threshold | None:
    """The lowest confidence at which the covered validation objects reach ``target`` accuracy.

    None when no threshold covers at least ``min_support`` objects with that accuracy (the
    model then labels nothing this iteration).
    """
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct must have the same length")
    order = sorted(range(len(confidences)), key=lambda i: -confidences[i])
    best: Threshold | None = None
    hits = 0
    for n, i in enumerate(order, start=1):
        hits += bool(correct[i])
        # Only cut between distinct confidences: every object at the threshold is covered.
        if n < len(order) and confidences[order[n]] == confidences[i]:
            continue
        accuracy = hits / n
        if n >= min_support and accuracy >= target:
            best = Threshold(float(confidences[i]), accuracy, n, len(order))
    return best


@dataclass(frozen=True, slots=True)
class BoxScore:
    """One validation object: the model's confidence and the IoU of each human box's class."""

    confidence: float
    #: (class id, IoU of the best-matching proposed box) per human box, 0.0 when unmatched;
    #: a proposed box matching no human box adds (its class, 0.0).
    ious: tuple[tuple[int, float], ...]


def mean_iou_per_class(scores: Sequence[BoxScore]) -> float:
    """Mean IoU per class, then the mean across classes (an empty set scores 0)."""
    per_class: dict[int, list[float]] = defaultdict(list)
    for score in scores:
        for class_id, iou in score.ious:
            per_class[class_id].append(iou)
    if not per_class:
        return 0.0
    return sum(sum(v) / len(v) for v in per_class.values()) / len(per_class)


def boxes_threshold(
    scores: Sequence[BoxScore], *, target: float = BOXES_TARGET, min_support: int = MIN_SUPPORT
) -> Threshold | None:
    """The lowest confidence whose covered objects reach ``target`` mean IoU (per class)."""
    ordered = sorted(scores, key=lambda s: -s.confidence)
    best: Threshold | None = None
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for n, score in enumerate(ordered, start=1):
        for class_id, iou in score.ious:  # running per-class sums: one pass, not one per cut
            sums[class_id] += iou
            counts[class_id] += 1
        if n < len(ordered) and ordered[n].confidence == score.confidence:
            continue
        if n < min_support or not counts:
            continue
        quality = sum(sums[c] / counts[c] for c in counts) / len(counts)
        if quality >= target:
            best = Threshold(float(score.confidence), quality, n, len(ordered))
    return best
