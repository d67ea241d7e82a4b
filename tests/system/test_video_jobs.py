"""Each video task type end to end on the whole server: boto3 CreateLabelingJob with the type's
HumanTaskUiArn (or template), a worker labels through the portal's JSON API, the job reaches
Completed, and every output file read back with boto3 S3 matches its schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import gt_schema_errors
from obssupport import Full, create_execution_role, full_server, wait_status
from videosupport import box_answer, label_config, put_sequence, video_request


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    for f in full_server(tmp_path_factory.mktemp("data"), objects=1):
        create_execution_role(f, ["input-data", "output-data"])
        s3 = f.client("s3")

        def put(uri: str, body: bytes, s3: Any = s3) -> None:
            bucket, _, key = uri[5:].partition("/")
            s3.put_object(Bucket=bucket, Key=key, Body=body)

        seqs = [put_sequence(put, f"clip{i}", 4, seq_no=i) for i in range(2)]
        manifest = "".join(json.dumps({"source-ref": s}) + "\n" for s in seqs)
        s3.put_object(Bucket="input-data", Key="video.manifest", Body=manifest.encode())
        yield f


def _s3_json(full: Full, uri: str) -> Any:
    bucket, _, key = uri[5:].partition("/")
    return json.loads(full.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def _output(full: Full, name: str) -> list[dict[str, Any]]:
    d = full.client("sagemaker").describe_labeling_job(LabelingJobName=name)
    bucket, _, key = d["LabelingJobOutput"]["OutputDatasetS3Uri"][5:].partition("/")
    body = full.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    return [json.loads(x) for x in body.splitlines()]


def _label_all(full: Full, job: str, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    done = 0
    with httpx.Client(base_url=full.url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": "ann", "password": "pw-ann"})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        while (r := http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)).status_code != 204:
            task = r.json()
            ok = http.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=auth,
                json={"answerContent": answer(task["taskInput"])},
            )
            assert ok.status_code == 200, ok.text
            done += 1
    return done


def _worker_responses(full: Full, name: str) -> list[str]:
    listed = full.client("s3").list_objects_v2(
        Bucket="output-data", Prefix=f"jobs/{name}/annotations/worker-response/"
    )
    return [o["Key"] for o in listed.get("Contents", [])]


def _run(full: Full, name: str, kind: str, config: dict[str, Any], **extra: Any) -> None:
    s3, sm = full.client("s3"), full.client("sagemaker")
    s3.put_object(Bucket="input-data", Key="video-labels.json", Body=json.dumps(config).encode())
    request = video_request(
        name, kind, manifest=extra.pop("manifest", "s3://input-data/video.manifest"), **extra
    )
    request["HumanTaskConfig"]["WorkteamArn"] = sm.describe_workteam(WorkteamName="labelers")["Workteam"][
        "WorkteamArn"
    ]
    sm.create_labeling_job(**request)
    started = wait_status(full, name, {"InProgress", "Failed"})
    assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")


@pytest.mark.parametrize("kind", ["VideoObjectDetection", "VideoObjectTracking"])
def test_video_job_from_boto3_to_completed(full: Full, kind: str) -> None:
    name = f"sys-{kind.lower()}"
    attr = "vehicles-ref"
    _run(full, name, kind, label_config(), attr=attr)
    assert _label_all(full, name, box_answer) == 2
    done = wait_status(full, name, {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    assert done["LabelCounters"]["HumanLabeled"] == 2
    schema = "video-object-tracking" if kind.endswith("Tracking") else "video-object-detection"
    for line in _output(full, name):
        assert gt_schema_errors(f"output-manifest-line.{schema}", line, attr) == []
        assert line[f"{attr}-metadata"]["job-name"] == f"labeling-job/{name}"
        seq = _s3_json(full, line[attr])
        assert gt_schema_errors(f"seq-label.{schema}", seq) == []
        frames = next(iter(seq.values()))
        assert [f["frame-no"] for f in frames] == [0, 1]
    keys = _worker_responses(full, name)
    assert len(keys) == 2
    for key in keys:
        body = _s3_json(full, f"s3://output-data/{key}")
        assert gt_schema_errors("worker-response", body) == []
        assert body["answers"][0]["answerContent"]["ot-video-frames"]["annotationType"] == "BoundingBox"


@pytest.mark.parametrize("kind", ["VideoObjectDetection", "VideoObjectTracking"])
def test_adjustment_video_job_chains_on_the_earlier_output(full: Full, kind: str) -> None:
    first = f"sys-first-{kind.lower()}"
    _run(full, first, kind, label_config(), attr="vehicles-ref")
    _label_all(full, first, box_answer)
    assert wait_status(full, first, {"Completed", "Failed"})["LabelingJobStatus"] == "Completed"
    earlier = full.client("sagemaker").describe_labeling_job(LabelingJobName=first)["LabelingJobOutput"][
        "OutputDatasetS3Uri"
    ]
    name = f"sys-adjust-{kind.lower()}"
    config = label_config(auditLabelAttributeName="vehicles-ref")
    _run(full, name, "Adjustment" + kind, config, attr="adjusted-ref", manifest=earlier)

    def adjust(task_input: dict[str, Any]) -> dict[str, Any]:
        answer = json.loads(json.dumps(task_input["earlier"]))
        answer["frameAnnotations"][0]["annotations"][0]["width"] = 33  # the worker widens the car
        return {"ot-video-frames": answer}

    assert _label_all(full, name, adjust) == 2
    done = wait_status(full, name, {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    schema = "video-object-tracking" if kind.endswith("Tracking") else "video-object-detection"
    for line in _output(full, name):
        assert "vehicles-ref" in line and "vehicles-ref-metadata" in line
        assert gt_schema_errors(f"output-manifest-line.{schema}", line, "adjusted-ref") == []
        assert line["adjusted-ref-metadata"]["adjustment-status"] == "adjusted"
        seq = _s3_json(full, line["adjusted-ref"])
        assert gt_schema_errors(f"seq-label.{schema}", seq) == []
        assert next(iter(seq.values()))[0][("annotations")][0]["width"] == 33


def test_video_classification_job(full: Full, tmp_path: Path) -> None:
    s3, sm = full.client("s3"), full.client("sagemaker")
    for i in range(2):
        s3.put_object(
            Bucket="input-data", Key=f"clips/{i}.mp4", Body=b"\x00\x00\x00\x18ftypmp42 not a real video"
        )
    manifest = "".join(json.dumps({"source-ref": f"s3://input-data/clips/{i}.mp4"}) + "\n" for i in range(2))
    s3.put_object(Bucket="input-data", Key="clips.manifest", Body=manifest.encode())
    labels = {"document-version": "2018-11-28", "labels": [{"label": "sport"}, {"label": "news"}]}
    s3.put_object(Bucket="input-data", Key="clip-labels.json", Body=json.dumps(labels).encode())
    template = (
        '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script><crowd-form>'
        '<crowd-classifier name="crowd-classifier" categories="{{ task.input.labels | to_json | escape }}" '
        'header="What is this clip?"><classification-target>'
        '<video controls src="{{ task.input.taskObject | grant_read_access }}"></video>'
        "</classification-target></crowd-classifier></crowd-form>"
    )
    s3.put_object(Bucket="input-data", Key="clip.liquid.html", Body=template.encode())
    request = video_request(
        "sys-clips", "VideoMultiClass", manifest="s3://input-data/clips.manifest", attr="genre"
    )
    request["LabelCategoryConfigS3Uri"] = "s3://input-data/clip-labels.json"
    request["HumanTaskConfig"]["UiConfig"] = {"UiTemplateS3Uri": "s3://input-data/clip.liquid.html"}
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 3600
    request["HumanTaskConfig"]["WorkteamArn"] = sm.describe_workteam(WorkteamName="labelers")["Workteam"][
        "WorkteamArn"
    ]
    sm.create_labeling_job(**request)
    assert wait_status(full, "sys-clips", {"InProgress", "Failed"})["LabelingJobStatus"] == "InProgress"
    with httpx.Client(base_url=full.url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": "bob", "password": "pw-bob"})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        r = http.post("/worker/api/jobs/sys-clips/tasks/next", headers=auth)
        page = http.get(f"/worker/render/{r.json()['taskId']}", headers=auth)
        assert page.status_code == 200 and "<video controls src=" in page.text
        http.post(f"/worker/api/tasks/{r.json()['taskId']}/release", headers=auth)
    assert _label_all_classify(full, "sys-clips") == 2
    done = wait_status(full, "sys-clips", {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    for line in _output(full, "sys-clips"):
        assert gt_schema_errors("output-manifest-line.video-classification", line, "genre") == []
        assert line["genre-metadata"]["class-name"] == "news"


def _label_all_classify(full: Full, job: str) -> int:
    return _label_all(full, job, lambda _t: {"crowd-classifier": {"label": "news"}})
