"""Video frame jobs through the runner: sequence ingest through the role, a bad sequence failing
only its object, worker answers checked against frames and attributes, SeqLabel.json output
and adjustment jobs chained on an earlier output."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from labeling.test_streaming import IN_TOPIC, OUT_TOPIC, _drive, streaming_policy
from labsupport import Lab, make_role
from opentruth.db import repo_jobs, repo_objects
from opentruth.errors import ValidationError
from videosupport import box_answer, label_config, put_sequence, video_request

Check = Callable[..., list[str]]


def _put(lab: Lab) -> Callable[[str, bytes], None]:
    return lambda uri, body: lab.put(uri, body)


def _setup(lab: Lab, config: dict[str, Any] | None = None) -> list[str]:
    seqs = [put_sequence(_put(lab), f"video{i}", 3, seq_no=i) for i in range(2)]
    lab.put("s3://input-data/video-labels.json", json.dumps(config or label_config()))
    return seqs


def _lines(lab: Lab, job: str) -> list[dict[str, Any]]:
    uri = lab.jobs.describe(job)["LabelingJobOutput"]["OutputDatasetS3Uri"]
    return [json.loads(x) for x in lab.get(uri).decode().splitlines()]


def _answer_all(lab: Lab, job: str, make: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    done = 0
    while (task := lab.workers.next_task(lab.identities[0], job)) is not None:
        lab.workers.submit(lab.identities[0], task["taskId"], make(task["taskInput"]))
        done += 1
    lab.runner.run_pending()
    return done


def test_tracking_job_writes_seq_labels(lab: Lab, gt_schema: Check) -> None:
    seqs = _setup(lab)
    lab.manifest([{"source-ref": s} for s in seqs])
    lab.jobs.create(video_request("tracks", "VideoObjectTracking"))
    lab.runner.run_pending()
    task = lab.workers.next_task(lab.identities[0], "tracks")
    assert task is not None
    given = task["taskInput"]
    assert given["tracking"] is True
    assert given["sequence"]["frames"][0]["uri"].endswith("/frame_0000.png")
    assert given["labelConfig"]["labels"][0]["categoryAttributes"][0]["name"] == "occluded"
    lab.workers.submit(lab.identities[0], task["taskId"], box_answer(given))
    assert _answer_all(lab, "tracks", box_answer) == 1
    assert lab.jobs.describe("tracks")["LabelingJobStatus"] == "Completed"
    for line in _lines(lab, "tracks"):
        assert gt_schema("output-manifest-line.video-object-tracking", line, "tracks-ref") == []
        meta = line["tracks-ref-metadata"]
        assert meta["class-map"] == {"0": "car", "1": "bus"}
        doc = json.loads(lab.get(line["tracks-ref"]))
        assert gt_schema("seq-label.video-object-tracking", doc) == []
        first, second = doc["tracking-annotations"]
        assert first["frame"] == "frame_0000.png" and first["frame-attributes"] == {"weather": "clear"}
        (car,) = first["annotations"]
        assert car["object-name"] == "car:1" and car["class-id"] == "0"
        assert car["label-category-attributes"] == {"occluded": "no", "size": "small"}
        names = {a["object-id"]: a["object-name"] for a in second["annotations"]}
        assert names == {"car-a": "car:1", "bus-b": "bus:1"}


def test_a_bad_sequence_file_fails_only_its_object(lab: Lab) -> None:
    seqs = _setup(lab)
    broken = json.loads(lab.get(seqs[1]))
    broken["frames"][2]["frame-no"] = 1  # two frames numbered 1
    lab.put("s3://input-data/broken.json", json.dumps(broken))
    missing = json.loads(lab.get(seqs[1]))
    missing["frames"][1]["frame"] = "nowhere.png"
    lab.put("s3://input-data/missing.json", json.dumps(missing))
    lab.put("s3://input-data/count.json", json.dumps({**json.loads(lab.get(seqs[1])), "number-of-frames": 5}))
    lab.manifest(
        [
            {"source-ref": seqs[0]},
            {"source-ref": "s3://input-data/broken.json"},
            {"source-ref": "s3://input-data/missing.json"},
            {"source-ref": "s3://input-data/count.json"},
            {"source-ref": "s3://input-data/absent.json"},
        ]
    )
    lab.jobs.create(video_request("mixed", "VideoObjectDetection"))
    lab.runner.run_pending()
    d = lab.jobs.describe("mixed")
    assert d["LabelingJobStatus"] == "InProgress"
    assert d["LabelCounters"]["FailedNonRetryableError"] == 4
    job_id = _job_id(lab, "mixed")
    with lab.res.db.read() as s:
        failed = {
            o.dataset_object_id: o.failure_reason
            for o in repo_objects.iter_objects(s, job_id)
            if o.state == "failed"
        }
    assert "frame 1: frame-no 1 appears twice" in str(failed[1])
    assert "frame 1: s3://input-data/video1/nowhere.png does not exist" in str(failed[2])
    assert "'number-of-frames' is 5 but 'frames' lists 3" in str(failed[3])
    assert "absent.json: does not exist" in str(failed[4])
    assert _answer_all(lab, "mixed", box_answer) == 1
    assert lab.jobs.describe("mixed")["LabelingJobStatus"] == "Completed"
    lines = _lines(lab, "mixed")
    assert "tracks-ref" in lines[0] and all("tracks-ref" not in x for x in lines[1:])


def _job_id(lab: Lab, name: str) -> int:
    with lab.res.db.read() as s:
        return repo_jobs.get_job(s, name, account_id=lab.res.account).id


def test_answers_are_checked_against_the_sequence_and_attributes(lab: Lab) -> None:
    _setup(lab)
    lab.manifest([{"source-ref": "s3://input-data/video0/seq.json"}])
    lab.jobs.create(video_request("checks", "VideoObjectTracking"))
    lab.runner.run_pending()
    task = lab.workers.next_task(lab.identities[0], "checks")
    assert task is not None

    def refused(change: Callable[[dict[str, Any]], None]) -> str:
        answer = box_answer(task["taskInput"])
        change(answer["ot-video-frames"])
        with pytest.raises(ValidationError) as info:
            lab.workers.submit(lab.identities[0], task["taskId"], answer)
        return info.value.message

    assert "9 is not a frame-no" in refused(lambda a: a["frameAnnotations"][0].update(frameNo=9))
    assert "'snow' is not one of" in refused(
        lambda a: a["frameAnnotations"][0].update(frameAttributes={"weather": "snow"})
    )
    assert "unknown attribute 'size'" in refused(
        lambda a: a["frameAnnotations"][1]["annotations"][1].update(attributes={"size": "small"})
    )
    assert "is a 'car' in another frame" in refused(
        lambda a: a["frameAnnotations"][1]["annotations"][1].update(objectId="car-a")
    )
    assert "this job draws BoundingBox" in refused(lambda a: a.update(annotationType="Polygon"))


def test_polygons_keypoints_and_detection(lab: Lab, gt_schema: Check) -> None:
    _setup(lab, label_config("Polygon"))
    lab.manifest([{"source-ref": "s3://input-data/video0/seq.json"}])
    lab.jobs.create(video_request("polys", "VideoObjectDetection", attr="polys-ref"))
    lab.runner.run_pending()

    def answer(task_input: dict[str, Any]) -> dict[str, Any]:
        tri = [{"x": 1, "y": 1}, {"x": 30.5, "y": 1}, {"x": 15, "y": 25}]
        return {
            "v": {
                "annotationType": "Polygon",
                "frameAnnotations": [{"frameNo": 2, "annotations": [{"label": "bus", "vertices": tri}]}],
            }
        }

    assert _answer_all(lab, "polys", answer) == 1
    (line,) = _lines(lab, "polys")
    assert gt_schema("output-manifest-line.video-object-detection", line, "polys-ref") == []
    doc = json.loads(lab.get(line["polys-ref"]))
    assert gt_schema("seq-label.video-object-detection", doc) == []
    (frame,) = doc["detection-annotations"]
    assert frame["frame-no"] == 2 and frame["polygons"][0]["vertices"][1] == {"x": 30.5, "y": 1}
    assert line["polys-ref-metadata"]["class-map"] == {"1": "bus"}


def test_adjustment_job_shows_earlier_labels_and_says_if_adjusted(lab: Lab, gt_schema: Check) -> None:
    seqs = _setup(lab)
    lab.manifest([{"source-ref": s} for s in seqs])
    lab.jobs.create(video_request("first", "VideoObjectTracking"))
    lab.runner.run_pending()
    _answer_all(lab, "first", box_answer)
    earlier = lab.jobs.describe("first")["LabelingJobOutput"]["OutputDatasetS3Uri"]
    lab.put(
        "s3://input-data/video-labels.json", json.dumps(label_config(auditLabelAttributeName="tracks-ref"))
    )
    lab.jobs.create(
        video_request("adjust", "AdjustmentVideoObjectTracking", manifest=earlier, attr="fixed-ref")
    )
    lab.runner.run_pending()
    seen: list[dict[str, Any]] = []

    def keep_or_move(task_input: dict[str, Any]) -> dict[str, Any]:
        seen.append(task_input["earlier"])
        answer = {"e": dict(task_input["earlier"])}
        if len(seen) == 2:  # the second sequence: the worker moves the bus
            answer = json.loads(json.dumps(answer))
            answer["e"]["frameAnnotations"][1]["annotations"][1]["left"] = 90
        return answer

    assert _answer_all(lab, "adjust", keep_or_move) == 2
    assert seen[0]["frameAnnotations"][1]["annotations"][0]["objectId"] == "car-a"
    statuses = []
    for line in _lines(lab, "adjust"):
        assert "tracks-ref" in line  # the earlier label stays
        assert gt_schema("output-manifest-line.video-object-tracking", line, "fixed-ref") == []
        statuses.append(line["fixed-ref-metadata"]["adjustment-status"])
    assert statuses == ["unadjusted", "adjusted"]


def test_adjustment_needs_the_audit_attribute(lab: Lab) -> None:
    _setup(lab)
    lab.manifest([{"source-ref": "s3://input-data/video0/seq.json"}])
    lab.jobs.create(video_request("noaudit", "AdjustmentVideoObjectDetection"))
    lab.runner.run_pending()
    d = lab.jobs.describe("noaudit")
    assert d["LabelingJobStatus"] == "Failed"
    assert "need auditLabelAttributeName" in d["FailureReason"]


def test_streaming_video_job_reads_each_sequence_and_drops_a_bad_one(lab: Lab) -> None:
    lab.roles.add(make_role(streaming_policy()))
    seqs = _setup(lab)
    topics = lab.runner.streaming.topics
    for name in ("labeling-input", "labeling-output"):
        topics.create_topic(name)
    req = video_request("live-video", "VideoObjectDetection")
    req["InputConfig"] = {"DataSource": {"SnsDataSource": {"SnsTopicArn": IN_TOPIC}}}
    req["OutputConfig"]["SnsTopicArn"] = OUT_TOPIC
    lab.jobs.create(req)
    lab.runner.run_pending()
    topics.publish(IN_TOPIC, json.dumps({"source-ref": seqs[0]}))
    topics.publish(IN_TOPIC, json.dumps({"source-ref": "s3://input-data/no-such-seq.json"}))
    _drive(lab)
    task = lab.workers.next_task(lab.identities[0], "live-video")
    assert task is not None and task["taskInput"]["sequence"]["numberOfFrames"] == 3
    assert lab.workers.next_task(lab.identities[1], "live-video") is None  # the bad one is dropped
    lab.workers.submit(lab.identities[0], task["taskId"], box_answer(task["taskInput"]))
    _drive(lab)
    with lab.res.db.read() as s:
        (obj,) = list(repo_objects.iter_objects(s, _job_id(lab, "live-video")))
        assert obj.state == "consolidated" and "tracks-ref" in str(obj.output_line)


def test_adjustment_keeps_what_edits_allowed_none_locks(lab: Lab) -> None:
    seqs = _setup(lab)
    lab.manifest([{"source-ref": seqs[0]}])
    lab.jobs.create(video_request("base", "VideoObjectTracking"))
    lab.runner.run_pending()
    _answer_all(lab, "base", box_answer)
    earlier = lab.jobs.describe("base")["LabelingJobOutput"]["OutputDatasetS3Uri"]
    config = label_config(auditLabelAttributeName="tracks-ref")
    config["labels"][1]["editsAllowed"] = "none"  # buses stay as they are
    config["frameAttributes"][0]["editsAllowed"] = "none"
    lab.put("s3://input-data/video-labels.json", json.dumps(config))
    lab.jobs.create(
        video_request("locked", "AdjustmentVideoObjectTracking", manifest=earlier, attr="fixed-ref")
    )
    lab.runner.run_pending()
    task = lab.workers.next_task(lab.identities[0], "locked")
    assert task is not None
    earlier_answer = task["taskInput"]["earlier"]

    def refused(change: Callable[[dict[str, Any]], None]) -> str:
        answer = json.loads(json.dumps(earlier_answer))
        change(answer)
        with pytest.raises(ValidationError) as info:
            lab.workers.submit(lab.identities[0], task["taskId"], {"v": answer})
        return info.value.message

    bus = "the 'bus' annotation 'bus-b' may not be added, moved or removed"
    assert bus in refused(lambda a: a["frameAnnotations"][1]["annotations"][1].update(left=1))
    assert bus in refused(lambda a: a["frameAnnotations"][1]["annotations"].pop(1))
    assert "frame attribute 'weather' may not be edited" in refused(
        lambda a: a["frameAnnotations"][0].update(frameAttributes={"weather": "rain"})
    )
    answer = json.loads(json.dumps(earlier_answer))
    answer["frameAnnotations"][1]["annotations"][0]["left"] = 25  # cars may move
    lab.workers.submit(lab.identities[0], task["taskId"], {"v": answer})
    lab.runner.run_pending()
    (line,) = _lines(lab, "locked")
    assert line["fixed-ref-metadata"]["adjustment-status"] == "adjusted"


def test_a_required_frame_attribute_is_needed_on_every_frame(lab: Lab) -> None:
    config = label_config()
    config["frameAttributes"][0]["isRequired"] = True
    _setup(lab, config)
    lab.manifest([{"source-ref": "s3://input-data/video0/seq.json"}])
    lab.jobs.create(video_request("needs", "VideoObjectDetection"))
    lab.runner.run_pending()
    task = lab.workers.next_task(lab.identities[0], "needs")
    assert task is not None
    answer = box_answer(task["taskInput"])
    with pytest.raises(
        ValidationError, match=r"frame 1\.frameAttributes: the attribute 'weather' is required"
    ):
        lab.workers.submit(lab.identities[0], task["taskId"], answer)
    frames = answer["ot-video-frames"]["frameAnnotations"]
    frames[1]["frameAttributes"] = {"weather": "rain"}
    with pytest.raises(ValidationError, match="frame 2: the frame attribute 'weather' is required"):
        lab.workers.submit(lab.identities[0], task["taskId"], answer)
    frames.append({"frameNo": 2, "annotations": [], "frameAttributes": {"weather": "rain"}})
    lab.workers.submit(lab.identities[0], task["taskId"], answer)
