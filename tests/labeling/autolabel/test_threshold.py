"""Choosing the confidence threshold on the validation set."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from opentruth.labeling.autolabel.threshold import (
    BoxScore,
    boxes_threshold,
    classification_threshold,
    mean_iou_per_class,
)


def test_lowest_threshold_that_meets_the_target() -> None:
    # 40 confident right answers, then a band where every other answer is wrong.
    conf = [0.99 - i * 0.001 for i in range(40)] + [0.6 - i * 0.01 for i in range(20)]
    correct = [True] * 40 + [i % 2 == 0 for i in range(20)]
    t = classification_threshold(conf, correct, target=0.95)
    assert t is not None
    covered = [c for c in conf if c >= t.value]
    hits = sum(ok for c, ok in zip(conf, correct, strict=True) if c >= t.value)
    assert hits / len(covered) >= 0.95 and t.covered == len(covered)
    # Lowering it to the next confidence would break the target.
    lower = max(c for c in conf if c < t.value)
    hits2 = sum(ok for c, ok in zip(conf, correct, strict=True) if c >= lower)
    assert hits2 / sum(c >= lower for c in conf) < 0.95


def test_no_threshold_when_the_model_is_never_good_enough() -> None:
    conf = [0.9] * 30
    correct = [i % 3 != 0 for i in range(30)]
    assert classification_threshold(conf, correct) is None


def test_minimum_support() -> None:
    assert classification_threshold([0.99] * 5 + [0.1] * 50, [True] * 5 + [False] * 50) is None


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=60))
def test_chosen_threshold_always_meets_the_target(rows: list[tuple[float, bool]]) -> None:
    conf = [c for c, _ in rows]
    correct = [ok for _, ok in rows]
    t = classification_threshold(conf, correct, target=0.9, min_support=3)
    if t is not None:
        chosen = [ok for c, ok in rows if c >= t.value]
        assert len(chosen) == t.covered >= 3
        assert sum(chosen) / len(chosen) >= 0.9


def test_mean_iou_is_per_class_then_across_classes() -> None:
    scores = [BoxScore(0.9, ((0, 1.0), (0, 1.0), (0, 1.0))), BoxScore(0.8, ((1, 0.2),))]
    assert mean_iou_per_class(scores) == (1.0 + 0.2) / 2


def test_boxes_threshold_excludes_poor_proposals() -> None:
    rng = random.Random(1)
    good = [BoxScore(0.9 + rng.random() / 20, ((0, 0.8),)) for _ in range(30)]
    bad = [BoxScore(0.5 + rng.random() / 10, ((0, 0.1),)) for _ in range(30)]
    t = boxes_threshold(good + bad)
    assert t is not None and t.quality >= 0.6
    assert all(s.confidence >= t.value for s in good)
    assert boxes_threshold(bad) is None
