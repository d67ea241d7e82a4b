"""Bounding boxes: match workers' boxes by IoU, average each match, label by plurality.

Ground Truth "finds the most similar boxes from different workers based on the Jaccard index of
the boxes and averages them". Here, for one image:

1. Workers are taken in the order given (the caller passes submission order). Each worker's boxes
   are matched to the clusters built so far by a Hungarian assignment
   (``scipy.optimize.linear_sum_assignment``) that maximises the total IoU between the worker's
   boxes and each cluster's current (weighted mean) box. A pair is kept only if its IoU is at
   least ``iou_threshold``; unmatched boxes start new clusters. The assignment guarantees that a
   worker contributes at most one box to a cluster.
2. A cluster is kept if at least ``min_support`` workers contributed to it; by default
   ⌈n_workers / 2⌉, where n_workers counts every worker who answered, including those who drew
   nothing (an empty answer is a vote that there is nothing to box).
3. The consolidated box is the mean of the cluster's boxes, weighted by ``worker_weights``
   (default 1 each, e.g. accuracies from a Dawid–Skene fit), rounded half up to whole pixels.
4. The label is the plurality of the cluster's labels; ties go to the label with the larger total
   worker weight, then to the lowest class index.
5. Confidence per box = (support / n_workers) × (mean IoU of the cluster's boxes with the
   consolidated box), in [0, 1]. With one worker, every box is kept with confidence 0.00, as
   Ground Truth writes it.

Output boxes are ordered by their position (top, then left) so the result does not depend on
which worker drew first more than the clustering itself does.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from opentruth.errors import ValidationError

from .classification import SINGLE_WORKER_CONFIDENCE

WorkerT = TypeVar("WorkerT", bound=Hashable)

#: Boxes whose IoU with a cluster is below this start a new cluster.
DEFAULT_IOU_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in pixels: left, top, width, height, and a class index."""

    left: float
    top: float
    width: float
    height: float
    class_id: int


@dataclass(frozen=True, slots=True)
class ConsolidatedBox:
    """One output box, in Ground Truth's ``annotations`` shape, with its confidence."""

    left: int
    top: int
    width: int
    height: int
    class_id: int
    confidence: float
    support: int  # how many workers drew it

    def annotation(self) -> dict[str, int]:
        """The ``{"class_id", "left", "top", "width", "height"}`` object of the output manifest."""
        return {
            "class_id": self.class_id,
            "left": self.left,
            "top": self.top,
            "width": self.width,
            "height": self.height,
        }


@dataclass(slots=True)
class _Cluster(Generic[WorkerT]):
    members: list[tuple[WorkerT, Box, float]] = field(default_factory=list)  # (worker, box, weight)

    def mean(self) -> npt.NDArray[np.float64]:
        coords = np.array([[b.left, b.top, b.width, b.height] for _, b, _ in self.members])
        weights = np.array([w for _, _, w in self.members])
        return np.asarray(weights @ coords / weights.sum(), dtype=np.float64)


def iou(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pairwise IoU (Jaccard index) of boxes ``a`` (n × 4) and ``b`` (m × 4), as left/top/width/height.

    Two empty (zero-area) boxes have IoU 0: they carry no area to agree on.
    """
    a = a.reshape(-1, 4)
    b = b.reshape(-1, 4)
    ax1, ay1, ax2, ay2 = a[:, 0:1], a[:, 1:2], a[:, 0:1] + a[:, 2:3], a[:, 1:2] + a[:, 3:4]
    bx1, by1, bx2, by2 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax2, bx2) - np.maximum(ax1, bx1), 0.0, None)
    ih = np.clip(np.minimum(ay2, by2) - np.maximum(ay1, by1), 0.0, None)
    inter = iw * ih
    union = a[:, 2:3] * a[:, 3:4] + b[:, 2] * b[:, 3] - inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return np.asarray(out, dtype=np.float64)


def parse_boxes(boxes: Sequence[Mapping[str, Any]], labels: Sequence[str], worker: object) -> list[Box]:
    """Turn crowd-bounding-box ``boundingBoxes`` dicts into :class:`Box` values, checking each one."""
    index = {name: i for i, name in enumerate(labels)}
    out: list[Box] = []
    for n, raw in enumerate(boxes):
        where = f"worker {worker!r}, boundingBoxes[{n}]"
        if not isinstance(raw, Mapping):
            raise ValidationError(f"{where}: expected an object with left, top, width, height, label")
        values: list[float] = []
        for key in ("left", "top", "width", "height"):
            v = raw.get(key)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValidationError(f"{where}: {key} must be a number, got {v!r}")
            if key in ("width", "height") and v < 0:
                raise ValidationError(f"{where}: {key} must be >= 0, got {v!r}")
            values.append(float(v))
        label = raw.get("label")
        if label not in index:
            raise ValidationError(f"{where}: unknown label {label!r}; the job's labels are {list(labels)}")
        out.append(Box(values[0], values[1], values[2], values[3], index[str(label)]))
    return out


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def consolidate_boxes(
    answers: Mapping[WorkerT, Sequence[Mapping[str, Any]]],
    labels: Sequence[str],
    *,
    worker_weights: Mapping[WorkerT, float] | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    min_support: int | None = None,
) -> list[ConsolidatedBox]:
    """Consolidate one image's boxes: ``answers`` maps each worker to their ``boundingBoxes`` list.

    ``labels`` are the job's label names in label-category-config order (a box's ``class_id`` is
    its label's index there). See the module docstring for the algorithm and the confidence.
    """
    if not 0.0 < iou_threshold <= 1.0:
        raise ValidationError(f"iou_threshold must be in (0, 1], got {iou_threshold!r}")
    n_workers = len(answers)
    if n_workers == 0:
        return []
    parsed = {w: parse_boxes(bs, labels, w) for w, bs in answers.items()}
    weights: dict[WorkerT, float] = {}
    for w in answers:
        weight = 1.0 if worker_weights is None else float(worker_weights.get(w, 1.0))
        if not (math.isfinite(weight) and weight > 0.0):
            raise ValidationError(f"worker {w!r}: weight must be a positive number, got {weight!r}")
        weights[w] = weight

    if n_workers == 1:
        ((_worker, boxes),) = parsed.items()
        return _ordered(
            [
                ConsolidatedBox(
                    _round_half_up(b.left),
                    _round_half_up(b.top),
                    _round_half_up(b.width),
                    _round_half_up(b.height),
                    b.class_id,
                    SINGLE_WORKER_CONFIDENCE,
                    1,
                )
                for b in boxes
            ]
        )

    clusters: list[_Cluster[WorkerT]] = []
    for worker, boxes in parsed.items():
        if not boxes:
            continue
        unmatched = set(range(len(boxes)))
        if clusters:
            mine = np.array([[b.left, b.top, b.width, b.height] for b in boxes])
            centres = np.array([c.mean() for c in clusters])
            overlap = iou(mine, centres)
            rows, cols = linear_sum_assignment(overlap, maximize=True)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if overlap[r, c] >= iou_threshold:
                    clusters[c].members.append((worker, boxes[r], weights[worker]))
                    unmatched.discard(r)
        for r in sorted(unmatched):
            clusters.append(_Cluster([(worker, boxes[r], weights[worker])]))

    need = math.ceil(n_workers / 2) if min_support is None else min_support
    out: list[ConsolidatedBox] = []
    for cluster in clusters:
        support = len(cluster.members)
        if support < need:
            continue
        mean = cluster.mean()
        members = np.array([[b.left, b.top, b.width, b.height] for _, b, _ in cluster.members])
        mean_iou = float(iou(members, mean).mean())
        confidence = float(np.clip(support / n_workers * mean_iou, 0.0, 1.0))
        left, top, width, height = (_round_half_up(float(v)) for v in mean)
        out.append(ConsolidatedBox(left, top, width, height, _plurality(cluster), confidence, support))
    return _ordered(out)


def _plurality(cluster: _Cluster[WorkerT]) -> int:
    votes: dict[int, tuple[int, float]] = {}
    for _worker, box, weight in cluster.members:
        n, total = votes.get(box.class_id, (0, 0.0))
        votes[box.class_id] = (n + 1, total + weight)
    return min(votes, key=lambda c: (-votes[c][0], -votes[c][1], c))


def _ordered(boxes: list[ConsolidatedBox]) -> list[ConsolidatedBox]:
    return sorted(boxes, key=lambda b: (b.top, b.left, b.class_id, b.width, b.height))
