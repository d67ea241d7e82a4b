"""3D point cloud jobs run end to end through their role: detection, tracking, segmentation,
their adjustment jobs, and bad frames that fail only their own object."""

from __future__ import annotations

import json
import zlib
from typing import Any

from labeling.test_streaming import IN_TOPIC, OUT_TOPIC, _drive, streaming_policy
from labsupport import Lab, label_all, make_role
from opentruth.db import repo_jobs, repo_objects
from opentruth.labeling.pointcloud.outputs import encode_point_labels
from pcsupport import (
    LABEL_CONFIG,
    cuboid,
    manifest,
    pc_request,
    put_frame,
    sequence_doc,
    single_frame_line,
)

Check = Any


def _setup(lab: Lab, name: str, lines: list[dict[str, Any]], config: dict[str, Any] | None = None) -> None:
    lab.put(f"s3://input-data/{name}/manifest.jsonl", manifest(lines))
    lab.put(f"s3://input-data/{name}/labels.json", json.dumps(config or LABEL_CONFIG))
    lab.put("s3://input-data/pc/images/cam0.png", b"\x89PNG not really")


def _lines(lab: Lab, job: str) -> list[dict[str, Any]]:
    d = lab.jobs.describe(job)
    assert d["LabelingJobStatus"] == "Completed", d
    return [
        json.loads(x) for x in lab.get(d["LabelingJobOutput"]["OutputDatasetS3Uri"]).decode().splitlines()
    ]


def _put(lab: Lab) -> Any:
    return lambda uri, body: lab.put(uri, body)


def test_detection_two_workers_and_a_bad_frame(lab: Lab, gt_schema: Check) -> None:
    put_frame(_put(lab), "s3://input-data/pc/a.bin", "binary/xyzi")
    put_frame(_put(lab), "s3://input-data/pc/b.txt", "text/xyzrgb", seed=1, n=300)
    lab.put("s3://input-data/pc/bad.bin", b"\x00" * 18)  # not whole xyzi points
    lines = [
        single_frame_line("s3://input-data/pc/a.bin", "binary/xyzi"),
        single_frame_line("s3://input-data/pc/b.txt", "text/xyzrgb", camera=False),
        single_frame_line("s3://input-data/pc/bad.bin", "binary/xyzi", camera=False),
    ]
    _setup(lab, "det", lines)
    lab.jobs.create(
        pc_request("det", "3DPointCloudObjectDetection", "PointCloudObjectDetection", attr="boxes", workers=2)
    )
    lab.runner.run_pending()
    assert lab.jobs.describe("det")["LabelCounters"]["FailedNonRetryableError"] == 1

    def answer(w: Any, task: dict[str, Any]) -> dict[str, Any]:
        shift = lab.identities.index(w) * 0.2
        frame = task["taskInput"]["frames"][0]
        assert frame["points"] > 0 and frame["egoVehiclePose"]["position"]["x"] == 1.0
        attrs: dict[str, Any] = {"label-category-attributes": {"Type": "Sedan"}}
        return {
            "crowd-point-cloud": {
                "pointCloudFrames": [
                    {
                        "frameNo": frame["frameNo"],
                        "cuboids": [cuboid(x=10 + shift, **attrs)],
                        "frameAttributes": {"Weather": "Sunny"},
                    }
                ]
            }
        }

    assert label_all(lab, "det", answer, workers=lab.identities[:2]) == 4
    out = _lines(lab, "det")
    for line in out[:2]:
        assert gt_schema("output-manifest-line.point-cloud-object-detection", line, "boxes") == []
        (ann,) = line["boxes"]["annotations"]
        assert ann["object-name"] == "Car:1" and ann["class-id"] == 0
        assert abs(ann["center-x"] - 10.1) < 1e-6
        assert ann["label-category-attributes"] == {"Type": "Sedan"}
        meta = line["boxes-metadata"]
        assert meta["class-map"] == {"0": "Car"}
        assert meta["dataset-object-attributes"] == {"Weather": "Sunny"}
        assert 0.5 < meta["objects"][0]["confidence"] <= 1
    assert "boxes" not in out[2]
    d = lab.jobs.describe("det")
    assert d["LabelCounters"]["HumanLabeled"] == 2


def test_bad_frame_reason_names_file_and_frame(lab: Lab) -> None:
    seq = sequence_doc(3)
    for i in range(3):
        put_frame(_put(lab), f"s3://input-data/pc/seq/frame{i}.bin", "binary/xyzi", seed=i, n=200)
    lab.put("s3://input-data/pc/seq/frame1.bin", b"\x00" * 10)
    lab.put("s3://input-data/pc/seq1.json", json.dumps(seq))
    _setup(lab, "trk-bad", [{"source-ref": "s3://input-data/pc/seq1.json"}])
    lab.jobs.create(
        pc_request("trk-bad", "3DPointCloudObjectTracking", "PointCloudObjectTracking", attr="t-ref")
    )
    lab.runner.run_pending()
    d = lab.jobs.describe("trk-bad")
    assert d["LabelingJobStatus"] == "Completed", d
    assert d["LabelCounters"]["FailedNonRetryableError"] == 1
    with lab.res.db.read() as s:
        from sqlalchemy import select

        from opentruth.db.models import DataObject

        (reason,) = s.scalars(select(DataObject.failure_reason)).all()
    assert reason is not None
    assert "frame 11" in reason and "s3://input-data/pc/seq/frame1.bin" in reason and "10 bytes" in reason


def test_tracking_writes_seq_label(lab: Lab, gt_schema: Check) -> None:
    seq = sequence_doc(3)
    for i in range(3):
        put_frame(_put(lab), f"s3://input-data/pc/seq/frame{i}.bin", "binary/xyzi", seed=i, n=200)
    lab.put("s3://input-data/pc/seq1.json", json.dumps(seq))
    _setup(lab, "trk", [{"source-ref": "s3://input-data/pc/seq1.json"}])
    lab.jobs.create(pc_request("trk", "3DPointCloudObjectTracking", "PointCloudObjectTracking", attr="t-ref"))
    lab.runner.run_pending()

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        frames = task["taskInput"]["frames"]
        assert [f["frameNo"] for f in frames] == [10, 11, 12]
        return {
            "crowd-point-cloud": {
                "pointCloudFrames": [
                    {"frameNo": f["frameNo"], "cuboids": [cuboid(x=10 + i, **{"object-id": "car-a"})]}
                    for i, f in enumerate(frames[:2])
                ]
            }
        }

    label_all(lab, "trk", answer, workers=lab.identities[:1])
    (line,) = _lines(lab, "trk")
    assert gt_schema("output-manifest-line.point-cloud-object-tracking", line, "t-ref") == []
    assert line["t-ref"].endswith("/jobs/trk/annotations/consolidated-annotation/output/0/SeqLabel.json")
    seq_label = json.loads(lab.get(line["t-ref"]))
    assert gt_schema("seq-label.point-cloud-object-tracking", seq_label) == []
    frames = seq_label["tracking-annotations"]
    assert [f["frame-number"] for f in frames] == [10, 11, 12]
    assert [len(f["annotations"]) for f in frames] == [1, 1, 0]
    assert {a["object-id"] for f in frames for a in f["annotations"]} == {"car-a"}
    assert frames[1]["annotations"][0]["center-x"] == 11.0
    assert line["t-ref-metadata"]["objects"] == [{"frame-no": n, "confidence": []} for n in (10, 11, 12)]


def test_segmentation_votes_per_point(lab: Lab, gt_schema: Check) -> None:
    n = put_frame(_put(lab), "s3://input-data/pc/s.bin", "binary/xyzrgb", n=100)
    _setup(lab, "seg", [single_frame_line("s3://input-data/pc/s.bin", "binary/xyzrgb")])
    lab.jobs.create(
        pc_request(
            "seg",
            "3DPointCloudSemanticSegmentation",
            "PointCloudSemanticSegmentation",
            attr="s-ref",
            workers=3,
        )
    )
    lab.runner.run_pending()

    def answer(w: Any, _task: dict[str, Any]) -> dict[str, Any]:
        k = lab.identities.index(w)
        classes = [1 if i < n // 2 else (2 if k < 2 else 0) for i in range(n)]
        return {
            "crowd-point-cloud": {
                "pointCloudFrames": [{"frameNo": 0, "pointLabels": encode_point_labels(classes)}]
            }
        }

    label_all(lab, "seg", answer)
    (line,) = _lines(lab, "seg")
    assert gt_schema("output-manifest-line.point-cloud-semantic-segmentation", line, "s-ref") == []
    assert line["s-ref"].endswith("/annotations/consolidated-annotation/output/0/s.zlib")
    classes = list(zlib.decompress(lab.get(line["s-ref"])))
    assert classes == [1] * (n // 2) + [2] * (n - n // 2)
    cmap = line["s-ref-metadata"]["color-map"]
    assert [cmap[k]["class-name"] for k in ("0", "1", "2")] == ["Background", "Car", "Pedestrian"]
    assert cmap["1"]["confidence"] == 1.0 and cmap["2"]["confidence"] == 0.67


def test_adjustment_detection_shows_and_marks_changes(lab: Lab, gt_schema: Check) -> None:
    put_frame(_put(lab), "s3://input-data/pc/a.bin", "binary/xyzi")
    earlier = single_frame_line("s3://input-data/pc/a.bin", "binary/xyzi", camera=False)
    old = {"object-name": "Car:1", "class-id": 0, **{k: v for k, v in cuboid().items() if k != "label"}}
    lines = [
        {**earlier, "boxes": {"annotations": [old]}, "boxes-metadata": {"class-map": {"0": "Car"}}},
        {**earlier, "boxes": {"annotations": [old]}, "boxes-metadata": {"class-map": {"0": "Car"}}},
    ]
    _setup(lab, "adj", lines, {**LABEL_CONFIG, "auditLabelAttributeName": "boxes"})
    suffix = "Adjustment3DPointCloudObjectDetection"
    lab.jobs.create(pc_request("adj", suffix, "PointCloudObjectDetection", attr="adjusted"))
    lab.runner.run_pending()

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        (prev,) = task["taskInput"]["previous"]["frames"]
        cub = dict(prev["cuboids"][0])
        assert cub["label"] == "Car"
        if task["datasetObjectId"] == 1:
            cub["center-x"] += 1
        return {"crowd-point-cloud": {"pointCloudFrames": [{**prev, "cuboids": [cub]}]}}

    label_all(lab, "adj", answer, workers=lab.identities[:1])
    out = _lines(lab, "adj")
    assert [line["adjusted-metadata"]["adjustment-status"] for line in out] == ["unadjusted", "adjusted"]
    for line in out:
        assert gt_schema("output-manifest-line.point-cloud-object-detection", line, "adjusted") == []


def _label_seq_job(lab: Lab, name: str, attr: str, x: float) -> list[dict[str, Any]]:
    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        frames = task["taskInput"]["frames"]
        return {
            "crowd-point-cloud": {
                "pointCloudFrames": [
                    {"frameNo": f["frameNo"], "cuboids": [cuboid(x=x + i, **{"object-id": "car-a"})]}
                    for i, f in enumerate(frames)
                ]
            }
        }

    label_all(lab, name, answer, workers=lab.identities[:1])
    return _lines(lab, name)


def test_tracking_adjustment_chains_on_the_earlier_output(lab: Lab, gt_schema: Check) -> None:
    for i in range(2):
        put_frame(_put(lab), f"s3://input-data/pc/seq/frame{i}.bin", "binary/xyzi", seed=i, n=200)
    lab.put("s3://input-data/pc/seq1.json", json.dumps(sequence_doc(2)))
    _setup(lab, "first", [{"source-ref": "s3://input-data/pc/seq1.json"}])
    lab.jobs.create(
        pc_request("first", "3DPointCloudObjectTracking", "PointCloudObjectTracking", attr="t-ref")
    )
    lab.runner.run_pending()
    (earlier,) = _label_seq_job(lab, "first", "t-ref", 10.0)
    # The adjustment job's manifest is the first job's output manifest, as Ground Truth chains.
    out_uri = lab.jobs.describe("first")["LabelingJobOutput"]["OutputDatasetS3Uri"]
    lab.put("s3://input-data/second/manifest.jsonl", lab.get(out_uri))
    lab.put(
        "s3://input-data/second/labels.json", json.dumps({**LABEL_CONFIG, "auditLabelAttributeName": "t-ref"})
    )
    suffix = "Adjustment3DPointCloudObjectTracking"
    lab.jobs.create(pc_request("second", suffix, "PointCloudObjectTracking", attr="adjusted-ref"))
    lab.runner.run_pending()
    seen: list[dict[str, Any]] = []

    def adjust(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        previous = task["taskInput"]["previous"]["frames"]
        seen.extend(previous)
        moved = [
            {**f, "cuboids": [{**c, "center-x": c["center-x"] + 0.5} for c in f["cuboids"]]} for f in previous
        ]
        return {"crowd-point-cloud": {"pointCloudFrames": moved}}

    label_all(lab, "second", adjust, workers=lab.identities[:1])
    assert [c["center-x"] for f in seen for c in f["cuboids"]] == [10.0, 11.0]
    assert {c["object-id"] for f in seen for c in f["cuboids"]} == {"car-a"}
    (line,) = _lines(lab, "second")
    assert line["t-ref"] == earlier["t-ref"]  # the earlier label passes through
    assert gt_schema("output-manifest-line.point-cloud-object-tracking", line, "adjusted-ref") == []
    assert line["adjusted-ref-metadata"]["adjustment-status"] == "adjusted"
    seq = json.loads(lab.get(line["adjusted-ref"]))
    assert [a["center-x"] for f in seq["tracking-annotations"] for a in f["annotations"]] == [10.5, 11.5]


def test_segmentation_adjustment_reads_the_earlier_zlib(lab: Lab) -> None:
    n = put_frame(_put(lab), "s3://input-data/pc/s.bin", "binary/xyzi", n=40)
    _setup(lab, "seg1", [single_frame_line("s3://input-data/pc/s.bin", "binary/xyzi", camera=False)])
    lab.jobs.create(
        pc_request("seg1", "3DPointCloudSemanticSegmentation", "PointCloudSemanticSegmentation", attr="s-ref")
    )
    lab.runner.run_pending()
    classes = [i % 3 for i in range(n)]
    label_all(
        lab,
        "seg1",
        lambda _w, _t: {
            "crowd-point-cloud": {
                "pointCloudFrames": [{"frameNo": 0, "pointLabels": encode_point_labels(classes)}]
            }
        },
        workers=lab.identities[:1],
    )
    out_uri = lab.jobs.describe("seg1")["LabelingJobOutput"]["OutputDatasetS3Uri"]
    lab.put("s3://input-data/seg2/manifest.jsonl", lab.get(out_uri))
    lab.put(
        "s3://input-data/seg2/labels.json", json.dumps({**LABEL_CONFIG, "auditLabelAttributeName": "s-ref"})
    )
    suffix = "Adjustment3DPointCloudSemanticSegmentation"
    lab.jobs.create(pc_request("seg2", suffix, "PointCloudSemanticSegmentation", attr="s2-ref"))
    lab.runner.run_pending()

    def keep(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        (prev,) = task["taskInput"]["previous"]["frames"]
        import base64

        assert list(zlib.decompress(base64.b64decode(prev["pointLabels"]))) == classes
        return {
            "crowd-point-cloud": {
                "pointCloudFrames": [{"frameNo": 0, "pointLabels": encode_point_labels(classes)}]
            }
        }

    label_all(lab, "seg2", keep, workers=lab.identities[:1])
    (line,) = _lines(lab, "seg2")
    assert line["s2-ref-metadata"]["adjustment-status"] == "unadjusted"
    assert list(zlib.decompress(lab.get(line["s2-ref"]))) == classes


def test_adjustment_without_audit_attribute_fails_the_job(lab: Lab) -> None:
    put_frame(_put(lab), "s3://input-data/pc/a.bin", "binary/xyzi", n=40)
    _setup(lab, "noaudit", [single_frame_line("s3://input-data/pc/a.bin", "binary/xyzi", camera=False)])
    lab.jobs.create(
        pc_request("noaudit", "Adjustment3DPointCloudObjectDetection", "PointCloudObjectDetection", attr="b")
    )
    lab.runner.run_pending()
    d = lab.jobs.describe("noaudit")
    assert d["LabelingJobStatus"] == "Failed"
    assert d["FailureReason"].startswith(
        "ClientError: Adjustment3DPointCloudObjectDetection jobs need auditLabelAttributeName"
    )


def test_streaming_point_cloud_job_reads_each_frame_and_drops_a_bad_one(lab: Lab, gt_schema: Check) -> None:
    """Streaming intake builds point cloud task inputs through the same family hook as the
    manifest's ingest: the frame is read through the role, and a bad frame drops its message."""
    lab.roles.add(make_role(streaming_policy()))
    put_frame(_put(lab), "s3://input-data/pc/live.bin", "binary/xyzi", n=300)
    lab.put("s3://input-data/pc/live-bad.bin", b"\x00" * 18)  # not whole xyzi points
    lab.put("s3://input-data/live-pc/labels.json", json.dumps(LABEL_CONFIG))
    lab.put("s3://input-data/pc/images/cam0.png", b"\x89PNG not really")
    topics = lab.runner.streaming.topics
    for name in ("labeling-input", "labeling-output"):
        topics.create_topic(name)
    req = pc_request("live-pc", "3DPointCloudObjectDetection", "PointCloudObjectDetection", attr="boxes")
    req["InputConfig"] = {"DataSource": {"SnsDataSource": {"SnsTopicArn": IN_TOPIC}}}
    req["OutputConfig"]["SnsTopicArn"] = OUT_TOPIC
    lab.jobs.create(req)
    lab.runner.run_pending()
    topics.publish(IN_TOPIC, json.dumps(single_frame_line("s3://input-data/pc/live.bin", "binary/xyzi")))
    bad = single_frame_line("s3://input-data/pc/live-bad.bin", "binary/xyzi", camera=False)
    topics.publish(IN_TOPIC, json.dumps(bad))
    _drive(lab)
    task = lab.workers.next_task(lab.identities[0], "live-pc")
    assert task is not None
    (frame,) = task["taskInput"]["frames"]
    assert frame["points"] == 300 + 300 // 4 + 300 // 8 and frame["images"][0]["fx"] == 500.0
    assert task["taskInput"]["labelCategoryConfig"]["frameAttributes"][0]["name"] == "Weather"
    assert lab.workers.next_task(lab.identities[1], "live-pc") is None  # the bad one is dropped
    answer = {
        "pointCloudFrames": [{"frameNo": frame["frameNo"], "cuboids": [cuboid()], "frameAttributes": {}}]
    }
    lab.workers.submit(lab.identities[0], task["taskId"], {"crowd-point-cloud": answer})
    _drive(lab)
    with lab.res.db.read() as s:
        job = repo_jobs.get_job(s, "live-pc", account_id=lab.res.account)
        (obj,) = list(repo_objects.iter_objects(s, job.id))
        assert obj.state == "consolidated"
        line = json.loads(str(obj.output_line))
    assert gt_schema("output-manifest-line.point-cloud-object-detection", line, "boxes") == []
    assert line["boxes"]["annotations"][0]["object-name"] == "Car:1"


def test_label_category_file_is_checked_as_for_video_jobs(lab: Lab) -> None:
    put_frame(_put(lab), "s3://input-data/pc/a.bin", "binary/xyzi", n=40)
    config = json.loads(json.dumps(LABEL_CONFIG))
    del config["frameAttributes"][0]["description"]  # the guide requires one for frame attributes
    _setup(
        lab, "badcfg", [single_frame_line("s3://input-data/pc/a.bin", "binary/xyzi", camera=False)], config
    )
    lab.jobs.create(
        pc_request("badcfg", "3DPointCloudObjectDetection", "PointCloudObjectDetection", attr="b")
    )
    lab.runner.run_pending()
    d = lab.jobs.describe("badcfg")
    assert d["LabelingJobStatus"] == "Failed"
    assert (
        "s3://input-data/badcfg/labels.json: frameAttributes[0] ('Weather').description" in d["FailureReason"]
    )
