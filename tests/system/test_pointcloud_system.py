"""3D point cloud jobs from boto3 ``create_labeling_job`` (with Ground Truth's HumanTaskUiArn) to
*Completed* on the whole server: data uploaded with boto3's S3 client, a role made with IAM, a
worker answering through the worker API, and every output file checked against the schemas."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import gt_schema_errors
from labsupport import TRUST, seed_policy
from obssupport import Full, full_server, wait_status
from opentruth.labeling.pointcloud.frames import encode_frame
from opentruth.labeling.pointcloud.outputs import encode_point_labels
from pcsupport import LABEL_CONFIG, cuboid, pc_request, scene, sequence_doc, single_frame_line


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    data: Path = tmp_path_factory.mktemp("pc-system")
    yield from full_server(data, objects=1)


def _s3_key(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def _answer(task: dict[str, Any], kind: str) -> dict[str, Any]:
    frames = task["taskInput"]["frames"]
    out = []
    for i, f in enumerate(frames):
        entry: dict[str, Any] = {"frameNo": f["frameNo"], "frameAttributes": {"Weather": "Rainy"}}
        if kind == "segmentation":
            entry["pointLabels"] = encode_point_labels([1 + (p % 2) for p in range(f["points"])])
        else:
            entry["cuboids"] = [cuboid(x=10 + i, **{"object-id": "car-1"})]
        out.append(entry)
    return {"crowd-point-cloud": {"pointCloudFrames": out}}


CASES = [
    ("3DPointCloudObjectDetection", "PointCloudObjectDetection", "cars", "detection"),
    ("3DPointCloudObjectTracking", "PointCloudObjectTracking", "tracks-ref", "tracking"),
    ("3DPointCloudSemanticSegmentation", "PointCloudSemanticSegmentation", "points-ref", "segmentation"),
]


@pytest.mark.parametrize(("suffix", "ui", "attr", "kind"), CASES)
def test_point_cloud_job_from_boto3(full: Full, suffix: str, ui: str, attr: str, kind: str) -> None:
    name = f"pc-{kind}"
    s3, iam, sm = full.client("s3"), full.client("iam"), full.client("sagemaker")
    role = f"PointCloud{kind.title()}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(
        RoleName=role,
        PolicyName="execution",
        PolicyDocument=json.dumps(seed_policy(["input-data", "output-data"])),
    )
    if kind == "tracking":
        for i in range(2):
            body = encode_frame(scene(300, seed=i), "binary/xyzi")
            s3.put_object(Bucket="input-data", Key=f"pc/seq/frame{i}.bin", Body=body)
        s3.put_object(Bucket="input-data", Key="pc/seq1.json", Body=json.dumps(sequence_doc(2)).encode())
        lines = [{"source-ref": "s3://input-data/pc/seq1.json"}]
    else:
        s3.put_object(Bucket="input-data", Key="pc/images/cam0.png", Body=b"\x89PNG")
        s3.put_object(
            Bucket="input-data", Key="pc/f.txt", Body=encode_frame(scene(200, elements="xyz"), "text/xyz")
        )
        lines = [single_frame_line("s3://input-data/pc/f.txt", "text/xyz")]
    s3.put_object(
        Bucket="input-data", Key=f"{name}/manifest.jsonl", Body="".join(json.dumps(x) + "\n" for x in lines)
    )
    s3.put_object(Bucket="input-data", Key=f"{name}/labels.json", Body=json.dumps(LABEL_CONFIG).encode())
    request = pc_request(name, suffix, ui, attr=attr)
    request["RoleArn"] = f"arn:aws:iam::000000000000:role/{role}"
    request["HumanTaskConfig"]["WorkteamArn"] = (
        "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/labelers"
    )
    sm.create_labeling_job(**request)
    started = wait_status(full, name, {"InProgress", "Failed"})
    assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")
    assert started["HumanTaskConfig"]["UiConfig"]["HumanTaskUiArn"].endswith(f"human-task-ui/{ui}")

    with httpx.Client(base_url=full.url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": "ann", "password": "pw-ann"})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        task = http.post(f"/worker/api/jobs/{name}/tasks/next", headers=auth).json()
        points = task["taskInput"]["frames"][0]["points"]
        first = task["taskInput"]["frames"][0]["frameNo"]
        page = http.get(f"/worker/render/{task['taskId']}", headers=auth)
        assert page.status_code == 200 and "<crowd-point-cloud" in page.text
        bad = http.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=auth,
            json={
                "answerContent": {
                    "crowd-point-cloud": {
                        "pointCloudFrames": [{"frameNo": first, "cuboids": [{"label": "Bus"}]}]
                    }
                }
            },
        )
        assert bad.status_code == 400 and "unknown label 'Bus'" in bad.text
        ok = http.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=auth,
            json={"answerContent": _answer(task, kind)},
        )
        assert ok.status_code == 200, ok.text

    done = wait_status(full, name, {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    assert done["LabelCounters"]["HumanLabeled"] == 1
    bucket, key = _s3_key(done["LabelingJobOutput"]["OutputDatasetS3Uri"])
    (line,) = [
        json.loads(x) for x in s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    ]
    schema = {
        "detection": "object-detection",
        "tracking": "object-tracking",
        "segmentation": "semantic-segmentation",
    }
    assert gt_schema_errors(f"output-manifest-line.point-cloud-{schema[kind]}", line, attr) == []
    meta = line[f"{attr}-metadata"]
    assert meta["job-name"] == f"labeling-job/{name}" and meta["human-annotated"] == "yes"
    if kind == "tracking":
        seq = json.loads(s3.get_object(Bucket="output-data", Key=_s3_key(line[attr])[1])["Body"].read())
        assert gt_schema_errors("seq-label.point-cloud-object-tracking", seq) == []
        assert [len(f["annotations"]) for f in seq["tracking-annotations"]] == [1, 1]
        assert seq["tracking-annotations"][0]["frame-attributes"] == {"Weather": "Rainy"}
    elif kind == "segmentation":
        classes = zlib.decompress(
            s3.get_object(Bucket="output-data", Key=_s3_key(line[attr])[1])["Body"].read()
        )
        assert list(classes) == [1 + (p % 2) for p in range(points)]
        assert meta["color-map"]["2"]["class-name"] == "Pedestrian"
    else:
        assert line[attr]["annotations"][0]["object-name"] == "Car:1"
        assert meta["dataset-object-attributes"] == {"Weather": "Rainy"}
    prefix = f"jobs/{name}/annotations/worker-response/iteration-1/0/"
    (resp_key,) = [o["Key"] for o in s3.list_objects_v2(Bucket="output-data", Prefix=prefix)["Contents"]]
    response = json.loads(s3.get_object(Bucket="output-data", Key=resp_key)["Body"].read())
    assert gt_schema_errors("worker-response", response) == []
    assert gt_schema_errors("point-cloud-answer", response["answers"][0]["answerContent"]) == []
