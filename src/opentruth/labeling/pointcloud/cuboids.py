"""Consolidate workers' 3D cuboids: match by 3D IoU, average each match, label by plurality.

Ground Truth documents its 2D rule ("finds the most similar boxes from different workers based
on the Jaccard index of the boxes and averages them") and, for 3D, only that one worker's
cuboids are kept as drawn. opentruth carries the 2D rule over to cuboids:

* **IoU** of two cuboids is their 3D Jaccard index with roll and pitch taken as zero (what
  LiDAR boxes almost always are): the overlap of their yaw-rotated footprints in the x-y plane
  (convex polygon clipping) times the overlap of their z extents, over the union volume.
  ``length`` runs along the cuboid's own x axis after ``yaw``, ``width`` along its y axis.
* **Matching** (one frame): workers in submission order; each worker's cuboids are assigned to
  the clusters so far by a Hungarian assignment maximising total IoU (pairs below
  :data:`IOU_THRESHOLD` are not matched), the rest start clusters. A cluster is kept when at
  least ⌈n/2⌉ of the n workers drew it.
* **Averages**: centre, dimensions, roll and pitch by the mean; yaw by the circular mean.
  The label and each label-category attribute by plurality (ties: earliest worker).
* **Tracks** (object tracking): a worker's cuboids with one ``object-id`` form a track; tracks
  are matched the same way with the track IoU (mean over the frames either track is in, 0 where
  only one is), then each frame is averaged among the matched tracks present in it. The output
  track keeps the ``object-id`` of its first worker's track.
* With one worker the cuboids are kept exactly as drawn, confidence 0.00.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

IOU_THRESHOLD = 0.5
T = TypeVar("T")


def _footprint(c: Mapping[str, Any]) -> npt.NDArray[np.float64]:
    """The 4 corners (counter-clockwise) of the cuboid's footprint in the x-y plane."""
    half = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=np.float64) * [
        c["length"] / 2,
        c["width"] / 2,
    ]
    yaw = float(c.get("yaw", 0.0))
    rot = np.array([[math.cos(yaw), -math.sin(yaw)], [math.sin(yaw), math.cos(yaw)]])
    return np.asarray(half @ rot.T + [c["center-x"], c["center-y"]], dtype=np.float64)


def _clip(
    subject: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float]
) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of ``subject`` left of the directed edge a→b."""

    def inside(p: tuple[float, float]) -> bool:
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-12

    def cross(p: tuple[float, float], q: tuple[float, float]) -> tuple[float, float]:
        dx, dy = q[0] - p[0], q[1] - p[1]
        ex, ey = b[0] - a[0], b[1] - a[1]
        denom = dx * ey - dy * ex
        t = ((a[0] - p[0]) * ey - (a[1] - p[1]) * ex) / denom if denom else 0.0
        return (p[0] + t * dx, p[1] + t * dy)

    out: list[tuple[float, float]] = []
    for i, cur in enumerate(subject):
        prev = subject[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cross(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cross(prev, cur))
    return out


def _area(poly: Sequence[tuple[float, float]]) -> float:
    return 0.5 * abs(sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(poly, [*poly[1:], poly[0]], strict=True)))


def iou3d(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """3D IoU of two cuboids (roll and pitch ignored; see the module notes)."""
    za = (a["center-z"] - a["height"] / 2, a["center-z"] + a["height"] / 2)
    zb = (b["center-z"] - b["height"] / 2, b["center-z"] + b["height"] / 2)
    dz = min(za[1], zb[1]) - max(za[0], zb[0])
    if dz <= 0:
        return 0.0
    poly: list[tuple[float, float]] = [(float(x), float(y)) for x, y in _footprint(a)]
    clip = [(float(x), float(y)) for x, y in _footprint(b)]
    for i in range(4):
        if not poly:
            return 0.0
        poly = _clip(poly, clip[i - 1], clip[i])
    inter = (_area(poly) if len(poly) >= 3 else 0.0) * dz
    va = a["length"] * a["width"] * a["height"]
    vb = b["length"] * b["width"] * b["height"]
    union = va + vb - inter
    return float(inter / union) if union > 0 else 0.0


@dataclass(slots=True)
class Cluster:
    """Members (worker order, item) matched together; ``first`` is the first worker's item."""

    members: list[tuple[int, Any]] = field(default_factory=list)

    @property
    def first(self) -> Any:
        return self.members[0][1]


def cluster(
    per_worker: Sequence[Sequence[T]],
    similarity: Callable[[T, Any], float],
    threshold: float = IOU_THRESHOLD,
) -> list[Cluster]:
    """Match items across workers (Hungarian per worker against the clusters' first items)."""
    clusters: list[Cluster] = []
    for w, items in enumerate(per_worker):
        if clusters and items:
            sim = np.array([[similarity(item, c.first) for c in clusters] for item in items])
            rows, cols = linear_sum_assignment(-sim)
            matched = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if sim[r, c] >= threshold}
        else:
            matched = {}
        for i, item in enumerate(items):
            if i in matched:
                clusters[matched[i]].members.append((w, item))
            else:
                clusters.append(Cluster([(w, item)]))
    return clusters


def plurality(values: Sequence[T]) -> T:
    """The most common value; ties go to the one seen first."""
    counts = Counter(map(repr, values))
    best = max(counts.values())
    return next(v for v in values if counts[repr(v)] == best)


def merge_attributes(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Each attribute by plurality among the items that have it."""
    names = dict.fromkeys(k for item in items for k in item)
    return {k: plurality([item[k] for item in items if k in item]) for k in names}


def average(cuboids: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The mean cuboid (circular mean of yaw), plurality label and attributes."""
    out: dict[str, Any] = {"label": plurality([c["label"] for c in cuboids])}
    for key in ("center-x", "center-y", "center-z", "length", "width", "height", "roll", "pitch"):
        out[key] = float(np.mean([c[key] for c in cuboids]))
    yaws = np.array([c["yaw"] for c in cuboids], dtype=np.float64)
    out["yaw"] = float(math.atan2(np.sin(yaws).mean(), np.cos(yaws).mean()))
    out["label-category-attributes"] = merge_attributes(
        [c.get("label-category-attributes") or {} for c in cuboids]
    )
    return out


def consolidate_frame(
    per_worker: Sequence[Sequence[Mapping[str, Any]]],
) -> list[tuple[dict[str, Any], float]]:
    """One frame's cuboids from each worker → [(cuboid, confidence)] (see the module notes)."""
    n = len(per_worker)
    if n == 1:
        return [(dict(c), 0.0) for c in per_worker[0]]
    need = math.ceil(n / 2)
    out = []
    for c in cluster(per_worker, iou3d):
        if len(c.members) < need:
            continue
        merged = average([m for _, m in c.members])
        mean_iou = float(np.mean([iou3d(m, merged) for _, m in c.members]))
        out.append((merged, round(len(c.members) / n * mean_iou, 2)))
    return out


Track = Mapping[int, Mapping[str, Any]]  # frame number → cuboid


def track_iou(a: Track, b: Track) -> float:
    frames = set(a) | set(b)
    if not frames:
        return 0.0
    return sum(iou3d(a[f], b[f]) for f in frames if f in a and f in b) / len(frames)


def consolidate_tracks(
    per_worker: Sequence[Sequence[tuple[str, Track]]],
) -> list[tuple[str, Track, dict[int, float]]]:
    """Each worker's tracks ``(object-id, {frame: cuboid})`` → consolidated tracks with a
    confidence per frame."""
    n = len(per_worker)
    if n == 1:
        return [(oid, dict(track), dict.fromkeys(track, 0.0)) for oid, track in per_worker[0]]
    need = math.ceil(n / 2)
    out: list[tuple[str, Track, dict[int, float]]] = []
    for c in cluster(per_worker, lambda item, first: track_iou(item[1], first[1])):
        if len(c.members) < need:
            continue
        object_id = c.first[0]
        frames: dict[int, Mapping[str, Any]] = {}
        confidence: dict[int, float] = {}
        numbers = sorted({f for _, (_, track) in c.members for f in track})
        for f in numbers:
            present = [track[f] for _, (_, track) in c.members if f in track]
            if len(present) < need:
                continue
            merged = average(present)
            frames[f] = merged
            confidence[f] = round(len(present) / n * float(np.mean([iou3d(p, merged) for p in present])), 2)
        if frames:
            out.append((object_id, frames, confidence))
    return out
