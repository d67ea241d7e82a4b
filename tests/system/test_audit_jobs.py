"""Image verification and adjustment jobs end to end on the whole server: a BoundingBox and a
SemanticSegmentation job, then each audit type chained on its output with boto3, labeled through
the portal's JSON API, Completed, and every output line checked against its schema."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from conftest import gt_schema_errors
from labsupport import GT, REGION
from obssupport import Full, create_execution_role, full_server, wait_status

SIZE = {"width": 64, "height": 48}
TEMPLATE = "<crowd-form><crowd-classifier name='c'></crowd-classifier></crowd-form>"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    for f in full_server(tmp_path_factory.mktemp("data"), objects=1):
        create_execution_role(f, ["input-data", "output-data"])
        s3 = f.client("s3")
        s3.put_object(Bucket="input-data", Key="pic.png", Body=b"png")
        s3.put_object(
            Bucket="input-data", Key="pics.manifest", Body=b'{"source-ref": "s3://input-data/pic.png"}\n'
        )
        s3.put_object(Bucket="input-data", Key="audit.liquid", Body=TEMPLATE.encode())
        yield f


def _labels(full: Full, labels: list[str]) -> None:
    doc = {"document-version": "2018-11-28", "labels": [{"label": x} for x in labels]}
    full.client("s3").put_object(Bucket="input-data", Key="audit-labels.json", Body=json.dumps(doc).encode())


def _create(full: Full, name: str, kind: str, manifest: str, attr: str, workers: int = 1) -> None:
    sm = full.client("sagemaker")
    sm.create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName=attr,
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        OutputConfig={"S3OutputPath": "s3://output-data/jobs/"},
        RoleArn="arn:aws:iam::000000000000:role/GroundTruthExecution",
        LabelCategoryConfigS3Uri="s3://input-data/audit-labels.json",
        HumanTaskConfig={
            "WorkteamArn": sm.describe_workteam(WorkteamName="labelers")["Workteam"]["WorkteamArn"],
            "UiConfig": {"UiTemplateS3Uri": "s3://input-data/audit.liquid"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-{kind}",
            "TaskTitle": "Check labels",
            "TaskDescription": "Check the earlier labels",
            "NumberOfHumanWorkersPerDataObject": workers,
            "TaskTimeLimitInSeconds": 600,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:ACS-{kind}"
            },
        },
    )
    started = wait_status(full, name, {"InProgress", "Failed"})
    assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")


def _label(full: Full, job: str, user: str, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    with httpx.Client(base_url=full.url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        while (r := http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)).status_code != 204:
            task = r.json()
            ok = http.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=auth,
                json={"answerContent": answer(task["taskInput"])},
            )
            assert ok.status_code == 200, ok.text


def _done(full: Full, name: str) -> tuple[str, dict[str, Any]]:
    d = wait_status(full, name, {"Completed", "Failed"})
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    uri = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, _, key = uri[5:].partition("/")
    (line,) = full.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    return uri, json.loads(line)


def _mask(values: list[int]) -> str:
    img = Image.new("RGB", (len(values), 1))
    for x, v in enumerate(values):
        img.putpixel((x, 0), {1: (255, 0, 0), 2: (0, 0, 255)}.get(v, (255, 255, 255)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_bounding_box_verification_and_adjustment(full: Full) -> None:
    _labels(full, ["dog", "bone"])
    _create(full, "sys-boxes", "BoundingBox", "s3://input-data/pics.manifest", "boxes")
    box = {"label": "dog", "left": 3, "top": 4, "width": 10, "height": 8}
    _label(full, "sys-boxes", "ann", lambda _t: {"b": {"boundingBoxes": [box], "inputImageProperties": SIZE}})
    earlier, _ = _done(full, "sys-boxes")

    _create(full, "sys-adjust", "AdjustmentBoundingBox", earlier, "adjusted")

    def adjust(t: dict[str, Any]) -> dict[str, Any]:
        moved = [{**b, "width": 12} for b in t["initialValue"]]
        return {"b": {"boundingBoxes": moved, "inputImageProperties": SIZE, "initialValueModified": True}}

    _label(full, "sys-adjust", "ann", adjust)
    _, line = _done(full, "sys-adjust")
    assert gt_schema_errors("output-manifest-line.object-detection", line, "adjusted") == []
    assert line["adjusted-metadata"]["adjustment-status"] == "adjusted"
    assert (
        line["adjusted"]["annotations"][0]["width"] == 12 and line["boxes"]["annotations"][0]["width"] == 10
    )

    _labels(full, ["correct", "wrong"])
    _create(full, "sys-verify", "VerificationBoundingBox", earlier, "verdict", workers=2)
    _label(full, "sys-verify", "ann", lambda _t: {"c": {"label": "wrong", "workerComment": "Too small."}})
    _label(full, "sys-verify", "bob", lambda _t: {"c": {"label": "wrong"}})
    _, line = _done(full, "sys-verify")
    assert gt_schema_errors("output-manifest-line.label-verification", line, "verdict") == []
    assert line["verdict-metadata"]["worker-feedback"] == [{"comment": "Too small."}]
    assert line["verdict-metadata"]["class-name"] == "wrong"


def test_segmentation_verification_and_adjustment(full: Full) -> None:
    _labels(full, ["road", "car"])
    mappings = {"road": {"color": "#ff0000"}, "car": {"color": "#0000ff"}}

    def paint(values: list[int], modified: bool | None = None) -> dict[str, Any]:
        v: dict[str, Any] = {"labeledImage": {"pngImageData": _mask(values)}, "labelMappings": mappings}
        if modified is not None:
            v["initialValueModified"] = modified
        return {"s": v}

    _create(full, "sys-seg", "SemanticSegmentation", "s3://input-data/pics.manifest", "seg-ref")
    _label(full, "sys-seg", "ann", lambda _t: paint([1, 1, 2]))
    earlier, _ = _done(full, "sys-seg")
    _create(full, "sys-seg-adjust", "AdjustmentSemanticSegmentation", earlier, "fixed-ref")
    _label(full, "sys-seg-adjust", "bob", lambda t: paint([1, 2, 2], modified=t["initialValue"]["src"] != ""))
    _, line = _done(full, "sys-seg-adjust")
    assert gt_schema_errors("output-manifest-line.semantic-segmentation", line, "fixed-ref") == []
    assert line["fixed-ref-metadata"]["adjustment-status"] == "adjusted"
    _labels(full, ["good", "bad"])
    _create(full, "sys-seg-verify", "VerificationSemanticSegmentation", earlier, "quality")
    _label(full, "sys-seg-verify", "ann", lambda _t: {"c": {"label": "good"}})
    _, line = _done(full, "sys-seg-verify")
    assert gt_schema_errors("output-manifest-line.label-verification", line, "quality") == []
    assert line["quality-metadata"]["type"] == "groundtruth/label-verification"
