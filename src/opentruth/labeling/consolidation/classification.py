"""Single-label classification: Dawid–Skene EM and majority vote over a whole job.

Ground Truth describes its classification consolidation as "a variant of the Expectation
Maximization approach" that "estimates parameters for each worker and uses Bayesian inference to
estimate the true class". Per-worker confusion parameters make that the Dawid–Skene model, which
is what :func:`dawid_skene` fits.

Input: the job's observations at once, ``(item_id, worker_id, label_index)`` triples (a sparse
items × workers matrix). Workers are only comparable through the items they share, so running EM
on one item at a time would learn nothing: callers pass every answered item of the job.

Tie-breaking rule (both methods): when two classes have the same score (within
:data:`TIE_TOLERANCE` for EM posteriors, exactly for vote counts) the **lowest class index**
wins, i.e. the label listed first in the label category configuration. The result never depends
on the order of the observations beyond floating-point rounding, which the tolerance absorbs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from opentruth.errors import ValidationError

ItemT = TypeVar("ItemT", bound=Hashable)
WorkerT = TypeVar("WorkerT", bound=Hashable)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Posteriors closer than this are treated as equal, so the lowest class index wins.
TIE_TOLERANCE = 1e-9

#: Ground Truth writes confidence 0.00 when a data object had a single worker.
SINGLE_WORKER_CONFIDENCE = 0.0


@dataclass(frozen=True, slots=True)
class LabelDecision:
    """The consolidated label of one item: a class index and a confidence in [0, 1]."""

    label: int
    confidence: float
    annotations: int  # how many workers labeled the item


@dataclass(frozen=True, slots=True)
class ClassificationResult(Generic[ItemT, WorkerT]):
    """What a consolidation method returns for a whole job.

    ``worker_accuracy`` is each worker's expected fraction of correct answers: the mean, over the
    worker's answers, of the posterior probability that the answer is the true class (for
    majority vote: the fraction of the worker's answers that agree with the consolidated label).
    """

    decisions: dict[ItemT, LabelDecision]
    worker_accuracy: dict[WorkerT, float]
    iterations: int = 0
    converged: bool = True


@dataclass(frozen=True, slots=True)
class _Encoded(Generic[ItemT, WorkerT]):
    items: list[ItemT]
    workers: list[WorkerT]
    item_idx: IntArray
    worker_idx: IntArray
    label_idx: IntArray


def _encode(observations: Iterable[tuple[ItemT, WorkerT, int]], n_classes: int) -> _Encoded[ItemT, WorkerT]:
    """Map ids to dense indices (first-seen order) and check every triple."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 1:
        raise ValidationError(f"n_classes must be a positive integer, got {n_classes!r}")
    item_pos: dict[ItemT, int] = {}
    worker_pos: dict[WorkerT, int] = {}
    seen: set[tuple[int, int]] = set()
    items_i: list[int] = []
    workers_i: list[int] = []
    labels_i: list[int] = []
    for n, obs in enumerate(observations):
        try:
            item, worker, label = obs
        except (TypeError, ValueError):
            raise ValidationError(
                f"observation {n}: expected (item_id, worker_id, label_index), got {obs!r}"
            ) from None
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < n_classes:
            raise ValidationError(
                f"observation {n} (item {item!r}, worker {worker!r}): label index {label!r} is not "
                f"in 0..{n_classes - 1}; map label names to their index in the label category config"
            )
        i = item_pos.setdefault(item, len(item_pos))
        w = worker_pos.setdefault(worker, len(worker_pos))
        if (i, w) in seen:
            # Ground Truth never gives a worker two assignments of one object; two answers mean the
            # caller passed a retried submission twice, which would double that worker's weight.
            raise ValidationError(
                f"observation {n}: worker {worker!r} answered item {item!r} twice; pass one answer "
                "per (item, worker)"
            )
        seen.add((i, w))
        items_i.append(i)
        workers_i.append(w)
        labels_i.append(label)
    return _Encoded(
        items=list(item_pos),
        workers=list(worker_pos),
        item_idx=np.asarray(items_i, dtype=np.intp),
        worker_idx=np.asarray(workers_i, dtype=np.intp),
        label_idx=np.asarray(labels_i, dtype=np.intp),
    )


def _vote_counts(enc: _Encoded[ItemT, WorkerT], n_classes: int) -> FloatArray:
    """items × classes matrix of raw vote counts."""
    counts = np.zeros((len(enc.items), n_classes), dtype=np.float64)
    np.add.at(counts, (enc.item_idx, enc.label_idx), 1.0)
    return counts


def _argmax_lowest(scores: FloatArray, tolerance: float) -> IntArray:
    """Row-wise argmax where scores within ``tolerance`` of the best count as ties → lowest index."""
    if scores.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    best = scores.max(axis=1, keepdims=True)
    # argmax on a boolean array returns the first True, i.e. the lowest tied class index.
    return np.asarray(np.argmax(scores >= best - tolerance, axis=1), dtype=np.intp)


def _per_worker_mean(enc: _Encoded[ItemT, WorkerT], values: FloatArray) -> dict[WorkerT, float]:
    n = len(enc.workers)
    sums = np.bincount(enc.worker_idx, weights=values, minlength=n)
    counts = np.bincount(enc.worker_idx, minlength=n)
    return {w: float(sums[k] / counts[k]) for k, w in enumerate(enc.workers)}


def majority_vote(
    observations: Iterable[tuple[ItemT, WorkerT, int]], n_classes: int
) -> ClassificationResult[ItemT, WorkerT]:
    """Plurality label per item; confidence = the winning share of the votes; ties → lowest index."""
    enc = _encode(observations, n_classes)
    counts = _vote_counts(enc, n_classes)
    labels = _argmax_lowest(counts, 0.0)
    totals = counts.sum(axis=1)
    decisions = {
        item: LabelDecision(int(labels[i]), float(counts[i, labels[i]] / totals[i]), int(totals[i]))
        for i, item in enumerate(enc.items)
    }
    agree = (labels[enc.item_idx] == enc.label_idx).astype(np.float64)
    return ClassificationResult(decisions, _per_worker_mean(enc, agree))


def _dirichlet_prior(n_classes: int, prior_accuracy: float, prior_strength: float) -> FloatArray:
    """Pseudo-counts added to every worker's confusion matrix (one row per true class).

    Each row holds ``prior_strength`` pseudo-answers: ``prior_accuracy`` of them on the diagonal,
    the rest spread evenly over the other classes. A worker seen once therefore gets a matrix
    close to "a fairly good worker" instead of a degenerate one with zeros (log 0 = -inf) that
    would let one answer veto every other worker on that item.
    """
    if n_classes == 1:
        return np.full((1, 1), prior_strength, dtype=np.float64)
    off = prior_strength * (1.0 - prior_accuracy) / (n_classes - 1)
    prior = np.full((n_classes, n_classes), off, dtype=np.float64)
    np.fill_diagonal(prior, prior_strength * prior_accuracy)
    return prior


def dawid_skene(
    observations: Iterable[tuple[ItemT, WorkerT, int]],
    n_classes: int,
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-5,
    prior_accuracy: float = 0.7,
    prior_strength: float = 2.0,
) -> ClassificationResult[ItemT, WorkerT]:
    """Fit Dawid–Skene by EM; return each item's MAP class with its posterior as the confidence.

    - Initialisation: posteriors = the majority-vote shares of each item (soft, so ties stay ties).
    - M-step: class priors and one confusion matrix per worker (true class × answered class), each
      smoothed by a Dirichlet prior (see :func:`_dirichlet_prior`); the class priors get one
      pseudo-count per class.
    - E-step: log posterior = log prior + Σ log confusion[true, answered] over the item's answers.
    - Stops when no posterior moves by more than ``tolerance``, or after ``max_iterations``.

    Ties between classes (within :data:`TIE_TOLERANCE`) go to the lowest class index. Items with
    no answers are absent from the result. Confidence is the raw posterior, including for items
    with one answer; :func:`consolidate_single_label` applies Ground Truth's one-worker rule.
    """
    if not 0.0 < prior_accuracy < 1.0:
        raise ValidationError(f"prior_accuracy must be in (0, 1), got {prior_accuracy!r}")
    if not prior_strength > 0.0:
        raise ValidationError(f"prior_strength must be > 0, got {prior_strength!r}")
    if max_iterations < 1:
        raise ValidationError(f"max_iterations must be >= 1, got {max_iterations!r}")
    enc = _encode(observations, n_classes)
    n_items, n_workers, k = len(enc.items), len(enc.workers), n_classes
    if n_items == 0:
        return ClassificationResult({}, {}, 0, True)

    counts = _vote_counts(enc, k)
    posterior = counts / counts.sum(axis=1, keepdims=True)
    prior = _dirichlet_prior(k, prior_accuracy, prior_strength)
    # Flat index of (worker, answered label): the M-step sums posteriors into these cells.
    cell = enc.worker_idx * k + enc.label_idx

    iterations, converged = 0, False
    while iterations < max_iterations:
        iterations += 1
        # M-step.
        class_prior = (posterior.sum(axis=0) + 1.0) / (n_items + k)
        confusion = np.empty((n_workers, k, k), dtype=np.float64)
        post_obs = posterior[enc.item_idx]  # answers × true classes
        for true in range(k):
            confusion[:, true, :] = np.bincount(
                cell, weights=post_obs[:, true], minlength=n_workers * k
            ).reshape(n_workers, k)
        confusion += prior
        confusion /= confusion.sum(axis=2, keepdims=True)
        log_conf = np.log(confusion)
        # E-step: gather log confusion[worker, :, answered] for each answer, sum per item.
        contrib = log_conf[enc.worker_idx, :, enc.label_idx]  # answers × true classes
        log_post = np.empty((n_items, k), dtype=np.float64)
        for true in range(k):
            log_post[:, true] = np.bincount(enc.item_idx, weights=contrib[:, true], minlength=n_items)
        log_post += np.log(class_prior)
        log_post -= log_post.max(axis=1, keepdims=True)
        new = np.exp(log_post)
        new /= new.sum(axis=1, keepdims=True)
        delta = float(np.abs(new - posterior).max())
        posterior = new
        if delta <= tolerance:
            converged = True
            break

    labels = _argmax_lowest(posterior, TIE_TOLERANCE)
    totals = counts.sum(axis=1)
    decisions = {
        item: LabelDecision(int(labels[i]), float(np.clip(posterior[i, labels[i]], 0.0, 1.0)), int(totals[i]))
        for i, item in enumerate(enc.items)
    }
    correct = posterior[enc.item_idx, enc.label_idx]
    return ClassificationResult(decisions, _per_worker_mean(enc, correct), iterations, converged)


Method = Literal["dawid-skene", "majority-vote"]


def consolidate_single_label(
    observations: Iterable[tuple[ItemT, WorkerT, int]],
    n_classes: int,
    *,
    method: Method = "dawid-skene",
) -> ClassificationResult[ItemT, WorkerT]:
    """Consolidate a single-label job the way Ground Truth reports it.

    Runs ``method`` over all observations, then applies Ground Truth's one-worker rule: an item
    answered by exactly one worker gets that worker's label and confidence ``0.00``
    (:data:`SINGLE_WORKER_CONFIDENCE`). The EM could otherwise relabel a lone answer from a
    worker it distrusts, or report a posterior that merely restates the prior.
    """
    obs = list(observations)
    if method not in ("dawid-skene", "majority-vote"):
        raise ValidationError(
            f"unknown consolidation method {method!r}; use 'dawid-skene' or 'majority-vote'"
        )
    if len({item for item, _worker, _label in obs}) == len(obs):
        # Every item has one answer, so the one-worker rule below decides each of them and the
        # EM has no overlap to learn from. Skip it: up to 200 numpy iterations per batch that
        # only hold the GIL (and so the server's event loop) to produce decisions thrown away.
        # The majority vote gives the same decisions and the trivial worker agreement.
        method = "majority-vote"
    result = dawid_skene(obs, n_classes) if method == "dawid-skene" else majority_vote(obs, n_classes)
    lone: dict[ItemT, int] = {}
    for item, _worker, label in obs:
        if result.decisions[item].annotations == 1:
            lone[item] = label
    if not lone:
        return result
    decisions: Mapping[ItemT, LabelDecision] = {
        item: (LabelDecision(lone[item], SINGLE_WORKER_CONFIDENCE, 1) if item in lone else d)
        for item, d in result.decisions.items()
    }
    return ClassificationResult(dict(decisions), result.worker_accuracy, result.iterations, result.converged)
