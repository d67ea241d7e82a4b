"""Output formats, validated against the shared Ground Truth schemas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from opentruth.labeling import output as o

AT = datetime(2026, 11, 29, 7, 0, 1, 527256, tzinfo=UTC)
Check = Callable[..., list[str]]


def test_layout_paths() -> None:
    lay = o.OutputLayout("s3://out-bucket/jobs", "my-job")
    assert lay.output_manifest == "s3://out-bucket/jobs/my-job/manifests/output/output.manifest"
    assert o.OutputLayout("s3://b/p/", "j").root == "s3://b/p/j"
    assert lay.worker_response(1, "0", AT) == (
        "s3://out-bucket/jobs/my-job/annotations/worker-response/iteration-1/0/2026-11-29_07:00:01.json"
    )
    assert lay.consolidation_request(1, AT).endswith(
        "consolidation-request/iteration-1/2026-11-29_07:00:01.json"
    )
    assert lay.folder("training") == "s3://out-bucket/jobs/my-job/training/"
    assert o.creation_date(AT) == "2026-11-29T07:00:01.527256"
    assert o.iso_millis(AT) == "2026-11-29T07:00:01.527Z"


def test_text_classification_line(gt_schema: Check) -> None:
    label, meta = o.single_label(
        ["negative", "positive"], 1, 0.8123, job_name="j", kind="groundtruth/text-classification", at=AT
    )
    line = o.with_label({"source": "good food", "keep": 1}, "mood", label, meta)
    assert gt_schema("output-manifest-line.text-classification", line, "mood") == []
    assert line["keep"] == 1 and line["mood"] == 1
    assert line["mood-metadata"]["class-name"] == "positive"
    assert line["mood-metadata"]["confidence"] == 0.81


def test_image_multilabel_line(gt_schema: Check) -> None:
    label, meta = o.multi_label(
        ["person", "bicycle", "dog"],
        {2: 0.6, 0: 0.9},
        job_name="j",
        kind="groundtruth/image-classification-multilabel",
        at=AT,
    )
    line = o.with_label({"source-ref": "s3://b/i.jpg"}, "tags", label, meta)
    assert gt_schema("output-manifest-line.image-classification-multilabel", line, "tags") == []
    assert label == [0, 2]
    assert set(meta["class-map"]) == set(meta["confidence-map"]) == {"0", "2"}


def test_bounding_box_line(gt_schema: Check) -> None:
    boxes = [o.Box(0, 10, 20, 30, 40, 0.9), o.Box(2, 1, 2, 3, 4, 0.5)]
    label, meta = o.bounding_boxes(["dog", "cat", "bone"], boxes, (500, 400, 3), job_name="j", at=AT)
    line = o.with_label({"source-ref": "s3://b/i.jpg"}, "bb", label, meta)
    assert gt_schema("output-manifest-line.object-detection", line, "bb") == []
    assert len(meta["objects"]) == len(label["annotations"])
    assert all(str(a["class_id"]) in meta["class-map"] for a in label["annotations"])


def test_segmentation_line(gt_schema: Check) -> None:
    uri = "s3://b/j/annotations/consolidated-annotation/output/0_2026-11-29T07:00:01.527256.png"
    label, meta = o.semantic_segmentation(
        ["road", "car"], uri, {0: "#ffffff", 1: "#2acf59", 2: "#f28333"}, 0.91, job_name="j", at=AT
    )
    line = o.with_label({"source-ref": "s3://b/i.png"}, "seg-ref", label, meta)
    assert gt_schema("output-manifest-line.semantic-segmentation", line, "seg-ref") == []
    assert meta["internal-color-map"]["0"]["class-name"] == "BACKGROUND"


def test_ner_line(gt_schema: Check) -> None:
    text = "Amazon SageMaker launched in November 2017"
    label, meta = o.entities(
        ["Thing", "Date"], {"Date": "dt"}, [("Thing", 0, 16, 0.7), ("Date", 29, 42, 0.0)], job_name="j", at=AT
    )
    line = o.with_label({"source": text}, "ner", label, meta)
    assert gt_schema("output-manifest-line.text-span", line, "ner") == []
    assert text[29:42] == "November 2017"


def test_custom_lines(gt_schema: Check) -> None:
    ref = "s3://b/j/annotations/worker-response/iteration-1/0/2026-11-29_07:00:01.json"
    label, meta = o.custom(None, job_name="j", at=AT, worker_response_ref=ref)
    line = o.with_label({"source": "x"}, "attr", label, meta)
    assert gt_schema("output-manifest-line.custom", line, "attr") == []
    assert label == {}
    label2, meta2 = o.custom({"votes": 2}, job_name="j", at=AT)
    assert (
        gt_schema("output-manifest-line.custom", o.with_label({"source": "x"}, "a", label2, meta2), "a") == []
    )


def test_worker_response_file(gt_schema: Check) -> None:
    later = AT.replace(second=41)
    doc = o.worker_response(
        "w-1",
        {"crowd-classifier": {"label": "positive"}},
        AT,
        later,
        issuer="http://127.0.0.1:8080",
        sub="w-1",
    )
    assert gt_schema("worker-response", doc) == []
    assert doc["answers"][0]["timeSpentInSeconds"] == 40.0
    assert doc["answers"][0]["workerMetadata"]["identityData"]["identityProviderType"] == "Oidc"
