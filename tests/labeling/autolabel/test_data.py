"""Reading labels and features of the loop's objects."""

from __future__ import annotations

import json

from opentruth.labeling.autolabel.data import (
    FeatureCache,
    LoopObject,
    class_index,
    human_label,
    normalized_boxes,
)


def _obj(line: dict[str, object] | None) -> LoopObject:
    return LoopObject(3, "consolidated", '{"source": "x"}', "x", json.dumps(line) if line else None)


def test_only_human_labels_count() -> None:
    human = {"source": "x", "label": 1, "label-metadata": {"human-annotated": "yes"}}
    machine = {"source": "x", "label": 1, "label-metadata": {"human-annotated": "no"}}
    assert human_label(_obj(human), "label") == 1
    assert human_label(_obj(machine), "label") is None
    assert human_label(_obj(None), "label") is None
    assert class_index("2") == 2 and class_index("two") is None


def test_boxes_are_normalised_by_image_size() -> None:
    label = {
        "image_size": [{"width": 200, "height": 100, "depth": 3}],
        "annotations": [{"class_id": 1, "left": 20, "top": 10, "width": 100, "height": 50}],
    }
    assert normalized_boxes(label) == [(1, 0.1, 0.1, 0.5, 0.5)]
    assert normalized_boxes({"annotations": []}) is None


def test_feature_cache_is_bounded_and_per_job() -> None:
    cache = FeatureCache(max_objects=2)
    cache.put(1, 1, ("a", None))
    cache.put(2, 1, ("b", None))
    cache.forget(1)
    assert cache.get(1, 1) is None and cache.get(2, 1) == ("b", None)
    cache.put(2, 2, ("c", None))
    cache.put(2, 3, ("d", None))  # over the bound: the cache starts afresh
    assert cache.get(2, 3) == ("d", None) and cache.get(2, 1) is None
