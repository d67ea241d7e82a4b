"""Named entity recognition: cluster workers' spans by Jaccard similarity, then vote.

Ground Truth "clusters text selections by Jaccard similarity and calculates selection boundaries
based on the mode, or the median if the mode isn't clear. The label resolves to the most assigned
entity label in the cluster, breaking ties by random selection." Here, for one text:

1. Similarity of two spans = |characters in both| / |characters in either| over their
   ``[startOffset, endOffset)`` ranges (offsets are Unicode code points, ``endOffset`` exclusive).
2. Workers are taken in the order given; each worker's spans are assigned to the clusters built so
   far by a Hungarian assignment maximising similarity to each cluster's current boundaries. Pairs
   below ``threshold`` (default :data:`DEFAULT_THRESHOLD` = 0.5: the spans share at least half of
   their combined extent) are not matched; unmatched spans start new clusters. A worker adds at
   most one span to a cluster.
3. Boundaries: ``startOffset`` is the most common start of the cluster's spans; if several starts
   share the top count ("the mode isn't clear"), it is the lower median of the starts, which is
   always one of the submitted offsets. The same for ``endOffset``. Should that give an empty or
   inverted span, the cluster's medoid span (highest mean similarity to the others, then
   earliest) is used instead.
4. Label: the plurality of the cluster's labels. Ties are broken by a pseudo-random choice that is
   seeded by ``seed`` and the entity's offsets, so it looks random across entities, as Ground
   Truth's does, but the same input always gives the same output.
5. A cluster is kept if a strict majority of the workers who answered contributed to it
   (support > n_workers / 2), unless ``min_support`` says otherwise. Workers who marked nothing
   count: they voted that there is no entity.
6. Confidence per entity = (support / n_workers) × (mean similarity of the cluster's spans to the
   consolidated span). With one worker every span is kept with confidence 0.00.

Entities are returned ordered by (startOffset, endOffset, label).
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from opentruth.errors import ValidationError

from .classification import SINGLE_WORKER_CONFIDENCE

WorkerT = TypeVar("WorkerT", bound=Hashable)

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Span:
    """A labeled character range ``[start, end)``."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class ConsolidatedSpan:
    """One output entity with its confidence and how many workers marked it."""

    start: int
    end: int
    label: str
    confidence: float
    support: int

    def entity(self) -> dict[str, Any]:
        """The ``{"label", "startOffset", "endOffset"}`` object of the output manifest."""
        return {"label": self.label, "startOffset": self.start, "endOffset": self.end}


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Jaccard similarity of two half-open character ranges; 0 when both are empty."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def parse_entities(
    entities: Sequence[Mapping[str, Any]], labels: Sequence[str], worker: object
) -> list[Span]:
    """Turn crowd-entity-annotation ``entities`` dicts into :class:`Span` values, checking each one."""
    known = set(labels)
    out: list[Span] = []
    for n, raw in enumerate(entities):
        where = f"worker {worker!r}, entities[{n}]"
        if not isinstance(raw, Mapping):
            raise ValidationError(f"{where}: expected an object with startOffset, endOffset, label")
        start, end, label = raw.get("startOffset"), raw.get("endOffset"), raw.get("label")
        for key, v in (("startOffset", start), ("endOffset", end)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValidationError(f"{where}: {key} must be a non-negative integer, got {v!r}")
        assert isinstance(start, int)
        assert isinstance(end, int)
        if end <= start:
            raise ValidationError(f"{where}: endOffset ({end}) must be greater than startOffset ({start})")
        if not isinstance(label, str) or label not in known:
            raise ValidationError(f"{where}: unknown label {label!r}; the job's labels are {list(labels)}")
        out.append(Span(start, end, label))
    return out


def _mode_or_median(values: list[int]) -> int:
    ranked = Counter(values).most_common()
    if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return int(statistics.median_low(values))


def _boundaries(spans: list[Span]) -> tuple[int, int]:
    start = _mode_or_median([s.start for s in spans])
    end = _mode_or_median([s.end for s in spans])
    if end > start:
        return start, end
    # Independent start/end votes can cross on odd clusters; fall back to a real submitted span.
    ranges = [(s.start, s.end) for s in spans]
    score = [sum(jaccard(r, o) for o in ranges) for r in ranges]
    best = max(range(len(ranges)), key=lambda i: (score[i], -i))
    return ranges[best]


def _label(spans: list[Span], start: int, end: int, seed: int) -> str:
    counts = Counter(s.label for s in spans)
    top = max(counts.values())
    tied = sorted(label for label, n in counts.items() if n == top)
    if len(tied) == 1:
        return tied[0]
    # str seeds are hashed with SHA-512 by random.seed, so this is stable across processes
    # (unlike hash(), which PYTHONHASHSEED randomises).
    return random.Random(f"{seed}:{start}:{end}").choice(tied)  # noqa: S311 - not security


def consolidate_spans(
    answers: Mapping[WorkerT, Sequence[Mapping[str, Any]]],
    labels: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_support: int | None = None,
    seed: int = 0,
) -> list[ConsolidatedSpan]:
    """Consolidate one text's entities: ``answers`` maps each worker to their ``entities`` list.

    See the module docstring for the clustering, boundary, label and confidence rules.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValidationError(f"threshold must be in (0, 1], got {threshold!r}")
    n_workers = len(answers)
    if n_workers == 0:
        return []
    parsed = {w: parse_entities(es, labels, w) for w, es in answers.items()}
    if n_workers == 1:
        ((_w, spans),) = parsed.items()
        unique = sorted({(s.start, s.end, s.label) for s in spans})
        return [ConsolidatedSpan(s, e, lab, SINGLE_WORKER_CONFIDENCE, 1) for s, e, lab in unique]

    clusters: list[list[Span]] = []
    centres: list[tuple[int, int]] = []
    for spans in parsed.values():
        unmatched = set(range(len(spans)))
        if clusters and spans:
            sim = np.array([[jaccard((s.start, s.end), c) for c in centres] for s in spans])
            rows, cols = linear_sum_assignment(sim, maximize=True)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if sim[r, c] >= threshold:
                    clusters[c].append(spans[r])
                    centres[c] = _boundaries(clusters[c])
                    unmatched.discard(r)
        for r in sorted(unmatched):
            clusters.append([spans[r]])
            centres.append((spans[r].start, spans[r].end))

    need = n_workers // 2 + 1 if min_support is None else min_support
    out: list[ConsolidatedSpan] = []
    for members in clusters:
        if len(members) < need:
            continue
        start, end = _boundaries(members)
        mean_sim = sum(jaccard((s.start, s.end), (start, end)) for s in members) / len(members)
        confidence = min(1.0, max(0.0, len(members) / n_workers * mean_sim))
        out.append(ConsolidatedSpan(start, end, _label(members, start, end, seed), confidence, len(members)))
    return sorted(out, key=lambda s: (s.start, s.end, s.label))
