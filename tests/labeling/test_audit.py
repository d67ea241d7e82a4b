"""Image verification and adjustment jobs chained on an earlier job's output: the earlier label
reaches the worker's template, and the output has Ground Truth's audit metadata."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

from PIL import Image

from labsupport import Lab, job_request, label_all

Check = Callable[..., list[str]]


def _output(lab: Lab, job: str) -> tuple[str, list[dict[str, Any]]]:
    import json

    uri = lab.jobs.describe(job)["LabelingJobOutput"]["OutputDatasetS3Uri"]
    return uri, [json.loads(x) for x in lab.get(uri).decode().splitlines()]


def _boxes_job(lab: Lab) -> str:
    for i in range(2):
        lab.put(f"s3://input-data/img{i}.jpg", b"jpeg")
    lab.manifest([{"source-ref": f"s3://input-data/img{i}.jpg"} for i in range(2)])
    lab.labels(["dog", "bone"])
    lab.jobs.create(job_request("boxes", "BoundingBox"))
    lab.runner.run_pending()
    box = {"label": "bone", "left": 5, "top": 6, "width": 20, "height": 10}
    answer = {"boundingBoxes": [box], "inputImageProperties": {"width": 64, "height": 48}}
    label_all(lab, "boxes", lambda _w, _t: {"boundingBox": answer}, workers=lab.identities[:1])
    return _output(lab, "boxes")[0]


def test_adjustment_bounding_box(lab: Lab, gt_schema: Check) -> None:
    earlier = _boxes_job(lab)
    lab.jobs.create(
        job_request("adjust", "AdjustmentBoundingBox", manifest=earlier, LabelAttributeName="adjusted")
    )
    lab.runner.run_pending()
    seen: list[dict[str, Any]] = []

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        given = task["taskInput"]
        seen.append(given)
        boxes = [dict(b) for b in given["initialValue"]]
        moved = len(seen) == 2
        if moved:
            boxes[0]["left"] = 9
        return {
            "boundingBox": {
                "boundingBoxes": boxes,
                "inputImageProperties": {"width": 64, "height": 48},
                "initialValueModified": moved,
            }
        }

    label_all(lab, "adjust", answer, workers=lab.identities[:1])
    assert seen[0]["earlierLabelAttribute"] == "label"
    assert seen[0]["initialValue"] == [{"label": "bone", "left": 5, "top": 6, "width": 20, "height": 10}]
    _uri, lines = _output(lab, "adjust")
    for line in lines:
        assert gt_schema("output-manifest-line.object-detection", line, "adjusted") == []
        assert line["label"]["annotations"][0]["left"] == 5  # the earlier label stays as it was
    assert [x["adjusted-metadata"]["adjustment-status"] for x in lines] == ["unadjusted", "adjusted"]
    assert [x["adjusted"]["annotations"][0]["left"] for x in lines] == [5, 9]


def test_verification_bounding_box_keeps_only_comments_given(lab: Lab, gt_schema: Check) -> None:
    earlier = _boxes_job(lab)
    lab.labels(["good", "bad"])
    lab.jobs.create(
        job_request(
            "verify", "VerificationBoundingBox", workers=2, manifest=earlier, LabelAttributeName="verdict"
        )
    )
    lab.runner.run_pending()

    def answer(w: Any, task: dict[str, Any]) -> dict[str, Any]:
        assert task["taskInput"]["initialValue"][0]["label"] == "bone"
        first = w is lab.identities[0]
        value = {"label": "bad", "workerComment": "The box is too wide." if first else "  "}
        return {"crowd-image-classifier": value}

    label_all(lab, "verify", answer, workers=lab.identities[:2])
    _uri, lines = _output(lab, "verify")
    for line in lines:
        assert gt_schema("output-manifest-line.label-verification", line, "verdict") == []
        meta = line["verdict-metadata"]
        assert line["verdict"] == 1 and meta["class-name"] == "bad"
        assert meta["type"] == "groundtruth/label-verification"
        assert meta["worker-feedback"] == [{"comment": "The box is too wide."}]
        assert "label" in line  # the verified label stays


def _mask(values: list[list[int]]) -> str:
    colors = {1: (255, 0, 0), 2: (0, 0, 255)}
    img = Image.new("RGB", (len(values[0]), len(values)))
    for y, row in enumerate(values):
        for x, v in enumerate(row):
            img.putpixel((x, y), colors.get(v, (255, 255, 255)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_segmentation_adjustment_and_verification(lab: Lab, gt_schema: Check) -> None:
    lab.put("s3://input-data/street.png", b"png")
    lab.manifest([{"source-ref": "s3://input-data/street.png"}])
    lab.labels(["road", "car"])
    lab.jobs.create(job_request("seg", "SemanticSegmentation"))
    lab.runner.run_pending()
    mappings = {"road": {"color": "#ff0000"}, "car": {"color": "#0000ff"}}

    def paint(values: list[list[int]], modified: bool | None = None) -> dict[str, Any]:
        value: dict[str, Any] = {"labeledImage": {"pngImageData": _mask(values)}, "labelMappings": mappings}
        if modified is not None:
            value["initialValueModified"] = modified
        return {"crowd-semantic-segmentation": value}

    label_all(lab, "seg", lambda _w, _t: paint([[1, 1, 2, 2]]), workers=lab.identities[:1])
    earlier, _ = _output(lab, "seg")
    lab.jobs.create(
        job_request(
            "seg-adjust", "AdjustmentSemanticSegmentation", manifest=earlier, LabelAttributeName="fixed-ref"
        )
    )
    lab.runner.run_pending()
    got: list[dict[str, Any]] = []

    def adjust(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        got.append(task["taskInput"])
        return paint([[1, 2, 2, 2]], modified=True)

    label_all(lab, "seg-adjust", adjust, workers=lab.identities[:1])
    initial = got[0]["initialValue"]
    assert initial["src"].startswith(
        "s3://output-data/jobs/seg/annotations/consolidated-annotation/output/0_"
    )
    assert set(initial["labelMappings"]) == {"road", "car"}
    _u, (line,) = _output(lab, "seg-adjust")
    assert gt_schema("output-manifest-line.semantic-segmentation", line, "fixed-ref") == []
    assert line["fixed-ref-metadata"]["adjustment-status"] == "adjusted"
    assert line["label-ref"] != line["fixed-ref"]
    lab.labels(["correct", "wrong"])
    lab.jobs.create(
        job_request(
            "seg-verify", "VerificationSemanticSegmentation", manifest=earlier, LabelAttributeName="check"
        )
    )
    lab.runner.run_pending()
    label_all(lab, "seg-verify", lambda _w, _t: {"c": {"label": "correct"}}, workers=lab.identities[:1])
    _u, (checked,) = _output(lab, "seg-verify")
    assert gt_schema("output-manifest-line.label-verification", checked, "check") == []
    assert checked["check-metadata"]["worker-feedback"] == []
