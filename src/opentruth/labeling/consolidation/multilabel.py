"""Multi-label classification: one binary Dawid–Skene per class (binary relevance).

Each worker's answer is the set of classes they ticked. For every class that some worker ticked
somewhere in the job, each (item, worker) answer becomes a binary vote "present" / "absent", and
a two-class Dawid–Skene fits that class's per-worker false-positive and false-negative rates over
the whole job. An item's label is the set of classes whose posterior P(present) wins, with that
posterior as the class's entry in Ground Truth's ``confidence-map``.

Rules:

- A class that no worker ticked on an item never appears in that item's label (the posterior could
  only exceed 0.5 through the prior, and Ground Truth's label holds "class ids chosen by at least
  one worker").
- ``keep="decided"`` (default): a class is kept when P(present) > P(absent). An exact tie
  (within :data:`~.classification.TIE_TOLERANCE`) resolves to the lower class index of the binary
  problem, which is "absent".
- ``keep="any-worker"``: every class ticked by at least one worker is kept, with its P(present)
  as the confidence. The Ground Truth documentation example (``[1,0,8]`` with confidences
  0.95/0.77/0.2) reads like this mode; the caller chooses.
- An item answered by one worker gets that worker's set, each class with confidence 0.00.
- Label order in the result: decreasing confidence, then increasing class index.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Set
from dataclasses import dataclass
from typing import Literal, TypeVar

from opentruth.errors import ValidationError

from .classification import SINGLE_WORKER_CONFIDENCE, TIE_TOLERANCE, dawid_skene

ItemT = TypeVar("ItemT", bound=Hashable)
WorkerT = TypeVar("WorkerT", bound=Hashable)

Keep = Literal["decided", "any-worker"]


@dataclass(frozen=True, slots=True)
class MultiLabelDecision:
    """The consolidated classes of one item and each one's confidence (Ground Truth's confidence-map)."""

    labels: tuple[int, ...]
    confidence: dict[int, float]
    annotations: int


def consolidate_multi_label(
    observations: Iterable[tuple[ItemT, WorkerT, Set[int]]],
    n_classes: int,
    *,
    keep: Keep = "decided",
) -> dict[ItemT, MultiLabelDecision]:
    """Consolidate ``(item_id, worker_id, chosen class indices)`` answers of a whole job.

    An empty set is a valid answer ("none of these") and counts as an "absent" vote for every
    class. See the module docstring for the rules.
    """
    if keep not in ("decided", "any-worker"):
        raise ValidationError(f"keep must be 'decided' or 'any-worker', got {keep!r}")
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 1:
        raise ValidationError(f"n_classes must be a positive integer, got {n_classes!r}")
    answers: list[tuple[ItemT, WorkerT, frozenset[int]]] = []
    for n, (item, worker, chosen) in enumerate(observations):
        bad = [c for c in chosen if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < n_classes]
        if bad:
            raise ValidationError(
                f"observation {n} (item {item!r}, worker {worker!r}): class indices {bad!r} are not in "
                f"0..{n_classes - 1}"
            )
        answers.append((item, worker, frozenset(chosen)))

    ticked: dict[ItemT, set[int]] = {}
    count: dict[ItemT, int] = {}
    for item, _worker, chosen in answers:
        ticked.setdefault(item, set()).update(chosen)
        count[item] = count.get(item, 0) + 1

    present: dict[ItemT, dict[int, float]] = {item: {} for item in ticked}
    for cls in sorted(set().union(*ticked.values())):
        binary = [(item, worker, int(cls in chosen)) for item, worker, chosen in answers]
        fit = dawid_skene(binary, 2)
        for item, classes in ticked.items():
            if cls in classes:
                d = fit.decisions[item]
                present[item][cls] = d.confidence if d.label == 1 else 1.0 - d.confidence

    result: dict[ItemT, MultiLabelDecision] = {}
    lone = {item: chosen for item, _worker, chosen in answers if count[item] == 1}
    for item, probs in present.items():
        if item in lone:
            conf = dict.fromkeys(sorted(lone[item]), SINGLE_WORKER_CONFIDENCE)
        elif keep == "decided":
            conf = {c: p for c, p in probs.items() if p > 0.5 + TIE_TOLERANCE}
        else:
            conf = dict(probs)
        order = sorted(conf, key=lambda c: (-conf[c], c))
        result[item] = MultiLabelDecision(tuple(order), {c: conf[c] for c in order}, count[item])
    return result
