"""Answers are found by shape, whatever the element's name, and checked against the job."""

from __future__ import annotations

import pytest

from opentruth.errors import ValidationError
from opentruth.labeling.answers import AnswerKind, check_answer, find_answer

LABELS = ("dog", "cat")


def test_found_by_shape_under_any_name() -> None:
    a = find_answer({"my-own-name": {"label": "cat"}}, AnswerKind.LABEL)
    assert a.element == "my-own-name" and a.value == {"label": "cat"}
    b = find_answer({"boundingBox": {"annotatedResult": {"boundingBoxes": []}}}, AnswerKind.BOXES)
    assert b.value == {"boundingBoxes": []}
    c = find_answer({"x": [{"labels": ["dog"]}]}, AnswerKind.LABELS)
    assert c.value == {"labels": ["dog"]}


def test_missing_shape_says_what_is_expected() -> None:
    with pytest.raises(ValidationError, match="'boundingBoxes'"):
        find_answer({"crowd-classifier": {"label": "dog"}}, AnswerKind.BOXES)
    with pytest.raises(ValidationError, match="answerContent must be an object"):
        find_answer([], AnswerKind.LABEL)


def test_unknown_label_is_named() -> None:
    with pytest.raises(ValidationError, match="unknown label 'horse'"):
        check_answer(find_answer({"c": {"label": "horse"}}, AnswerKind.LABEL), LABELS)
    with pytest.raises(ValidationError, match=r"boundingBoxes\[0\]: unknown label 'x'"):
        check_answer(
            find_answer(
                {"b": {"boundingBoxes": [{"label": "x", "left": 1, "top": 1, "width": 1, "height": 1}]}},
                AnswerKind.BOXES,
            ),
            LABELS,
        )


def test_normalises_multilabel_and_boxes() -> None:
    m = check_answer(find_answer({"c": {"labels": ["cat", "dog", "cat"]}}, AnswerKind.LABELS), LABELS)
    assert m.value["labels"] == ["dog", "cat"]
    b = check_answer(
        find_answer(
            {"b": {"boundingBoxes": [{"label": "dog", "left": 1.4, "top": 2, "width": 3, "height": 4.6}]}},
            AnswerKind.BOXES,
        ),
        LABELS,
    )
    assert b.value["boundingBoxes"] == [{"label": "dog", "left": 1, "top": 2, "width": 3, "height": 5}]
    with pytest.raises(ValidationError, match="width: must be a number >= 1"):
        check_answer(
            find_answer(
                {"b": {"boundingBoxes": [{"label": "dog", "left": 1, "top": 2, "width": 0, "height": 4}]}},
                AnswerKind.BOXES,
            ),
            LABELS,
        )


def test_entities_offsets_checked_against_the_text() -> None:
    ok = check_answer(
        find_answer(
            {"e": {"entities": [{"label": "dog", "startOffset": 0, "endOffset": 3}]}}, AnswerKind.ENTITIES
        ),
        LABELS,
        text="dog runs",
    )
    assert ok.value["entities"][0]["endOffset"] == 3
    with pytest.raises(ValidationError, match="endOffset <= 8"):
        check_answer(
            find_answer(
                {"e": {"entities": [{"label": "dog", "startOffset": 5, "endOffset": 20}]}},
                AnswerKind.ENTITIES,
            ),
            LABELS,
            text="dog runs",
        )


def test_mask_needs_png_and_known_labels() -> None:
    good = {
        "s": {
            "annotatedResult": {
                "labeledImage": {"pngImageData": "iVBO"},
                "labelMappings": {"dog": {"color": "#ff0000"}},
            }
        }
    }
    assert check_answer(find_answer(good, AnswerKind.MASK), LABELS).kind is AnswerKind.MASK
    bad = {"s": {"labeledImage": {"pngImageData": "iVBO"}, "labelMappings": {"horse": {"color": "#ff0000"}}}}
    with pytest.raises(ValidationError, match="horse"):
        check_answer(find_answer(bad, AnswerKind.MASK), LABELS)
