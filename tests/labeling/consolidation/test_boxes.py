"""Bounding-box consolidation: IoU matching, averaging, support and confidence."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.errors import ValidationError
from opentruth.labeling.consolidation import consolidate_boxes, iou

LABELS = ["dog", "cat", "bone"]


def box(left: float, top: float, width: float, height: float, label: str = "dog") -> dict[str, Any]:
    return {"left": left, "top": top, "width": width, "height": height, "label": label}


def test_iou_basics() -> None:
    a = np.array([[0.0, 0.0, 10.0, 10.0]])
    assert iou(a, a)[0, 0] == pytest.approx(1.0)
    assert iou(a, np.array([[5.0, 0.0, 10.0, 10.0]]))[0, 0] == pytest.approx(50 / 150)
    assert iou(a, np.array([[20.0, 20.0, 5.0, 5.0]]))[0, 0] == 0.0
    assert iou(np.zeros((1, 4)), np.zeros((1, 4)))[0, 0] == 0.0


def test_two_workers_nearly_the_same_box_give_one_averaged_box() -> None:
    out = consolidate_boxes({"a": [box(100, 50, 60, 40)], "b": [box(104, 52, 62, 40)]}, LABELS)
    assert len(out) == 1
    b = out[0]
    assert b.annotation() == {"class_id": 0, "left": 102, "top": 51, "width": 61, "height": 40}
    assert all(isinstance(v, int) for v in b.annotation().values())
    assert b.support == 2
    assert 0.8 < b.confidence < 1.0


def test_a_box_from_one_worker_of_three_is_dropped() -> None:
    shared = [box(10, 10, 50, 50), box(200, 200, 30, 30, "bone")]
    out = consolidate_boxes(
        {
            "a": [*shared, box(400, 10, 20, 20, "cat")],
            "b": [box(12, 11, 49, 50), box(201, 199, 30, 31, "bone")],
            "c": shared,
        },
        LABELS,
    )
    assert [(b.class_id, b.support) for b in out] == [(0, 3), (2, 3)]
    assert all(b.left < 400 for b in out)


def test_label_by_plurality_and_weights_pull_the_average() -> None:
    answers = {
        "a": [box(0, 0, 100, 100, "cat")],
        "b": [box(10, 0, 100, 100)],
        "c": [box(0, 0, 100, 100, "cat")],
    }
    out = consolidate_boxes(answers, LABELS)
    assert out[0].class_id == 1
    heavy_b = consolidate_boxes(answers, LABELS, worker_weights={"a": 1.0, "b": 8.0, "c": 1.0})
    assert heavy_b[0].left > out[0].left
    assert heavy_b[0].class_id == 1  # weights break label ties only, they do not outvote


def test_label_tie_goes_to_weight_then_lowest_index() -> None:
    answers = {"a": [box(0, 0, 50, 50, "bone")], "b": [box(0, 0, 50, 50, "cat")]}
    assert consolidate_boxes(answers, LABELS)[0].class_id == 1
    assert consolidate_boxes(answers, LABELS, worker_weights={"a": 2.0, "b": 1.0})[0].class_id == 2


def test_one_worker_keeps_all_boxes_with_confidence_zero() -> None:
    out = consolidate_boxes({"a": [box(1.4, 2.5, 10, 10), box(50, 50, 5, 5, "cat")]}, LABELS)
    assert [b.annotation() for b in out] == [
        {"class_id": 0, "left": 1, "top": 3, "width": 10, "height": 10},
        {"class_id": 1, "left": 50, "top": 50, "width": 5, "height": 5},
    ]
    assert all(b.confidence == 0.0 for b in out)


def test_empty_answers_vote_against_boxes() -> None:
    # Two of three workers saw nothing: the lone box lacks support.
    assert consolidate_boxes({"a": [box(0, 0, 10, 10)], "b": [], "c": []}, LABELS) == []
    assert consolidate_boxes({}, LABELS) == []


coords = st.floats(0, 500, allow_nan=False)
sizes = st.floats(1, 200, allow_nan=False)
boxes_st = st.lists(
    st.builds(box, coords, coords, sizes, sizes, st.sampled_from(LABELS)),
    max_size=4,
)


@given(answers=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), boxes_st, min_size=1))
@settings(max_examples=80, deadline=None)
def test_properties(answers: dict[str, list[dict[str, Any]]]) -> None:
    out = consolidate_boxes(answers, LABELS)
    n = len(answers)
    for b in out:
        assert 0.0 <= b.confidence <= 1.0
        assert 0 <= b.class_id < len(LABELS)
        assert b.width >= 1 and b.height >= 1
        assert b.support <= n
        if n > 1:
            assert b.support >= -(-n // 2)
    if n == 1:
        assert len(out) == len(next(iter(answers.values())))
    # Never more boxes out than were drawn.
    assert len(out) <= sum(len(v) for v in answers.values())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (box(0, 0, 10, 10, "horse"), "unknown label 'horse'"),
        ({"left": 0, "top": 0, "width": "10", "height": 1, "label": "dog"}, "width must be a number"),
        (box(0, 0, -1, 10), "width must be >= 0"),
        ("nope", "expected an object"),
    ],
)
def test_bad_boxes_are_named(raw: Any, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        consolidate_boxes({"a": [box(0, 0, 1, 1)], "b": [raw]}, LABELS)
    assert "worker 'b', boundingBoxes[0]" in exc.value.message
    assert message in exc.value.message
