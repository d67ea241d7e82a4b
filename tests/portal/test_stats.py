"""Class names out of output lines of each built-in type."""

from __future__ import annotations

from opentruth.portal.stats import classes_of_line


def test_classes_of_each_shape() -> None:
    single = {"l": 1, "l-metadata": {"class-name": "dog"}}
    multi = {"l": [1, 0], "l-metadata": {"class-map": {"0": "cat", "1": "dog"}}}
    boxes = {
        "l": {"annotations": [{"class_id": 0}, {"class_id": 0}, {"class_id": 1}]},
        "l-metadata": {"class-map": {"0": "cat", "1": "dog"}},
    }
    ner = {"l": {"annotations": {"entities": [{"label": "person"}, {"label": "place"}]}}, "l-metadata": {}}
    seg = {
        "l-ref": "s3://b/m.png",
        "l-ref-metadata": {
            "internal-color-map": {"0": {"class-name": "BACKGROUND"}, "1": {"class-name": "road"}}
        },
    }
    assert classes_of_line(single, "l") == ["dog"]
    assert classes_of_line(multi, "l") == ["dog", "cat"]
    assert classes_of_line(boxes, "l") == ["cat", "cat", "dog"]
    assert classes_of_line(ner, "l") == ["person", "place"]
    assert classes_of_line(seg, "l") == ["road"]
    assert classes_of_line({"l": {}}, "l") == []
