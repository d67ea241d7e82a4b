"""Single-label consolidation: Dawid–Skene and majority vote."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.errors import ValidationError
from opentruth.labeling.consolidation import (
    SINGLE_WORKER_CONFIDENCE,
    consolidate_single_label,
    dawid_skene,
    majority_vote,
)

Obs = list[tuple[int, str, int]]


def simulate(
    accuracies: dict[str, float | str], n_items: int, n_classes: int, seed: int
) -> tuple[Obs, list[int]]:
    """Every worker answers every item: correct with their accuracy, or a spammer always says 0."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(n_classes, size=n_items).tolist()
    obs: Obs = []
    for item, true in enumerate(truth):
        for worker, acc in accuracies.items():
            if acc == "spam":
                label = 0
            elif rng.random() < float(acc):
                label = true
            else:
                label = int((true + 1 + rng.integers(n_classes - 1)) % n_classes)
            obs.append((item, worker, label))
    return obs, truth


def accuracy(decisions: dict[int, int], truth: list[int]) -> float:
    return sum(decisions[i] == t for i, t in enumerate(truth)) / len(truth)


@given(
    truth=st.lists(st.integers(0, 3), min_size=1, max_size=30),
    n_workers=st.integers(2, 5),
)
@settings(max_examples=40, deadline=None)
def test_perfect_workers_give_the_truth_like_majority_vote(truth: list[int], n_workers: int) -> None:
    obs = [(i, f"w{w}", t) for i, t in enumerate(truth) for w in range(n_workers)]
    ds = dawid_skene(obs, 4)
    mv = majority_vote(obs, 4)
    assert {i: d.label for i, d in ds.decisions.items()} == {i: d.label for i, d in mv.decisions.items()}
    assert [ds.decisions[i].label for i in range(len(truth))] == truth
    assert all(d.confidence > 0.5 for d in ds.decisions.values())


def test_dawid_skene_beats_majority_vote_with_spammers() -> None:
    obs, truth = simulate({"a": 0.9, "b": 0.7, "c": 0.65, "s1": "spam", "s2": "spam"}, 600, 4, seed=3)
    ds = dawid_skene(obs, 4)
    mv = majority_vote(obs, 4)
    ds_acc = accuracy({i: d.label for i, d in ds.decisions.items()}, truth)
    mv_acc = accuracy({i: d.label for i, d in mv.decisions.items()}, truth)
    assert ds_acc >= mv_acc
    # The spammers' learned accuracy is about the share of class 0, well below the good worker's.
    assert ds.worker_accuracy["s1"] < ds.worker_accuracy["a"]
    assert ds.worker_accuracy["a"] > ds.worker_accuracy["c"]


def test_learns_a_consistently_confused_worker() -> None:
    """A worker who always answers truth+1 is informative to the EM, noise to a vote."""
    rng = np.random.default_rng(11)
    truth = rng.integers(3, size=300).tolist()
    obs: Obs = []
    for i, t in enumerate(truth):
        obs.append((i, "shifted", (t + 1) % 3))
        obs.append((i, "good", t if rng.random() < 0.8 else (t + 2) % 3))
        obs.append((i, "ok", t if rng.random() < 0.7 else (t + 1) % 3))
    ds = dawid_skene(obs, 3)
    mv = majority_vote(obs, 3)
    ds_acc = accuracy({i: d.label for i, d in ds.decisions.items()}, truth)
    mv_acc = accuracy({i: d.label for i, d in mv.decisions.items()}, truth)
    assert ds_acc > mv_acc


@given(
    obs=st.lists(
        st.tuples(st.integers(0, 8), st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 2)),
        max_size=40,
        unique_by=lambda t: (t[0], t[1]),
    )
)
@settings(max_examples=60, deadline=None)
def test_confidence_and_accuracy_are_probabilities(obs: list[tuple[int, str, int]]) -> None:
    for method in ("dawid-skene", "majority-vote"):
        res = consolidate_single_label(obs, 3, method=method)
        assert set(res.decisions) == {i for i, _, _ in obs}
        for d in res.decisions.values():
            assert 0.0 <= d.confidence <= 1.0
            assert 0 <= d.label < 3
        for acc in res.worker_accuracy.values():
            assert 0.0 <= acc <= 1.0


def test_one_worker_keeps_their_label_with_confidence_zero() -> None:
    # Item 0: one answer from a worker who disagrees with the others elsewhere.
    obs = (
        [(0, "odd", 2)]
        + [(i, w, 1) for i in range(1, 6) for w in ("x", "y")]
        + [(i, "odd", 0) for i in range(1, 6)]
    )
    for method in ("dawid-skene", "majority-vote"):
        res = consolidate_single_label(obs, 3, method=method)
        assert res.decisions[0].label == 2
        assert res.decisions[0].confidence == SINGLE_WORKER_CONFIDENCE == 0.0
        assert res.decisions[0].annotations == 1
        assert all(res.decisions[i].confidence > 0 for i in range(1, 6))


def test_ties_go_to_the_lowest_class_index_whatever_the_order() -> None:
    obs = [(0, "a", 2), (0, "b", 1)]
    for ordering in (obs, obs[::-1]):
        assert majority_vote(ordering, 3).decisions[0].label == 1
        assert dawid_skene(ordering, 3).decisions[0].label == 1


def test_prior_keeps_a_once_seen_worker_from_vetoing() -> None:
    # "new" is seen once and disagrees with two established, consistent workers.
    obs = [(i, w, i % 2) for i in range(20) for w in ("a", "b")]
    obs += [(20, "a", 1), (20, "b", 1), (20, "new", 0)]
    res = dawid_skene(obs, 2)
    assert res.decisions[20].label == 1
    assert 0.5 < res.decisions[20].confidence < 1.0
    assert np.isfinite(res.worker_accuracy["new"])


def test_converges_and_reports_iterations() -> None:
    obs, _truth = simulate({"a": 0.9, "b": 0.8, "c": 0.7}, 200, 4, seed=5)
    res = dawid_skene(obs, 4, max_iterations=500)
    assert res.converged
    assert 1 <= res.iterations < 500
    capped = dawid_skene(obs, 4, max_iterations=1, tolerance=0.0)
    assert capped.iterations == 1
    assert not capped.converged


def test_single_class_job() -> None:
    res = consolidate_single_label([(0, "a", 0), (0, "b", 0)], 1)
    assert res.decisions[0].label == 0
    assert res.decisions[0].confidence == pytest.approx(1.0)


def test_empty_job() -> None:
    assert dawid_skene([], 3).decisions == {}
    assert majority_vote([], 3).decisions == {}


@pytest.mark.parametrize(
    ("obs", "message"),
    [
        ([(0, "a", 3)], "label index 3"),
        ([(0, "a", -1)], "label index -1"),
        ([(0, "a", True)], "label index True"),
        ([(0, "a", 1), (0, "a", 2)], "answered item 0 twice"),
        ([(0, "a")], "expected (item_id, worker_id, label_index)"),
    ],
)
def test_bad_observations_are_named(obs: list[tuple[object, ...]], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        dawid_skene(obs, 3)  # type: ignore[arg-type]
    assert message in exc.value.message


def test_bad_parameters() -> None:
    with pytest.raises(ValidationError, match="n_classes"):
        dawid_skene([], 0)
    with pytest.raises(ValidationError, match="prior_accuracy"):
        dawid_skene([], 2, prior_accuracy=1.0)
    with pytest.raises(ValidationError, match="unknown consolidation method"):
        consolidate_single_label([], 2, method="vote")  # type: ignore[arg-type]


def test_items_with_one_answer_each_skip_the_em_and_keep_their_labels() -> None:
    # Nothing overlaps, so the EM would learn nothing: each item keeps its one label at 0.00.
    obs = [(i, f"w{i % 4}", (i * 7) % 3) for i in range(50)]
    res = consolidate_single_label(obs, 3)
    assert res.iterations == 0  # the EM did not run
    assert {i: (d.label, d.confidence, d.annotations) for i, d in res.decisions.items()} == {
        i: (label, SINGLE_WORKER_CONFIDENCE, 1) for i, _w, label in obs
    }
    # One overlapping item is enough for the EM to run over all of them.
    mixed = consolidate_single_label([*obs, (0, "w9", 0)], 3)
    assert mixed.iterations > 0
    assert all(mixed.decisions[i].label == label for i, _w, label in obs[1:])
