"""Multi-label consolidation: binary Dawid–Skene per class."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.errors import ValidationError
from opentruth.labeling.consolidation import SINGLE_WORKER_CONFIDENCE, consolidate_multi_label

answers = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from(["a", "b", "c"]),
        st.frozensets(st.integers(0, 4), max_size=3),
    ),
    max_size=18,
    unique_by=lambda t: (t[0], t[1]),
)


@given(obs=answers, keep=st.sampled_from(["decided", "any-worker"]))
@settings(max_examples=60, deadline=None)
def test_never_invents_a_class_and_confidences_are_probabilities(
    obs: list[tuple[int, str, frozenset[int]]], keep: str
) -> None:
    res = consolidate_multi_label(obs, 5, keep=keep)  # type: ignore[arg-type]
    assert set(res) == {i for i, _, _ in obs}
    for item, decision in res.items():
        chosen_by_someone = set().union(*(c for i, _, c in obs if i == item))
        assert set(decision.labels) <= chosen_by_someone
        assert set(decision.confidence) == set(decision.labels)
        assert all(0.0 <= p <= 1.0 for p in decision.confidence.values())
        if keep == "any-worker":
            assert set(decision.labels) == chosen_by_someone


def test_consensus_classes_are_kept_and_a_lone_tick_is_dropped() -> None:
    rng = np.random.default_rng(2)
    obs: list[tuple[int, str, frozenset[int]]] = []
    truths = []
    for item in range(60):
        truth = frozenset(int(c) for c in np.flatnonzero(rng.random(4) < 0.4))
        truths.append(truth)
        for worker in ("a", "b", "c"):
            obs.append((item, worker, truth))
    obs.append((60, "a", frozenset({0, 1})))
    obs.append((60, "b", frozenset({0, 1})))
    obs.append((60, "c", frozenset({0, 3})))
    res = consolidate_multi_label(obs, 4)
    for item, truth in enumerate(truths):
        assert set(res[item].labels) == truth
    assert set(res[60].labels) == {0, 1}
    assert res[60].confidence[0] >= res[60].confidence[1]
    # In the other mode the lone tick stays, with a low confidence.
    loose = consolidate_multi_label(obs, 4, keep="any-worker")
    assert set(loose[60].labels) == {0, 1, 3}
    assert loose[60].confidence[3] < 0.5 < loose[60].confidence[1]


def test_labels_are_ordered_by_confidence_then_index() -> None:
    obs = [(0, w, frozenset({2, 1})) for w in "abc"] + [(0, "d", frozenset({1}))]
    obs += [(1, w, frozenset({0})) for w in "abcd"]
    res = consolidate_multi_label(obs, 3)
    d = res[0]
    assert list(d.labels) == sorted(d.labels, key=lambda c: (-d.confidence[c], c))


def test_one_worker_gets_their_set_with_confidence_zero() -> None:
    obs = [(0, "a", frozenset({1, 2})), (1, "a", frozenset({1})), (1, "b", frozenset({1}))]
    res = consolidate_multi_label(obs, 3)
    assert set(res[0].labels) == {1, 2}
    assert res[0].confidence == {1: SINGLE_WORKER_CONFIDENCE, 2: SINGLE_WORKER_CONFIDENCE}
    assert res[1].labels == (1,)
    assert res[1].confidence[1] > 0.5


def test_empty_answers_give_an_empty_label() -> None:
    res = consolidate_multi_label([(0, "a", frozenset()), (0, "b", frozenset())], 3)
    assert res[0].labels == ()
    assert res[0].confidence == {}


def test_bad_class_index_is_named() -> None:
    with pytest.raises(ValidationError, match=r"worker 'b'.*\[7\]"):
        consolidate_multi_label([(0, "a", frozenset({1})), (0, "b", frozenset({7}))], 3)
    with pytest.raises(ValidationError, match="keep"):
        consolidate_multi_label([], 3, keep="all")  # type: ignore[arg-type]
