"""Point cloud frame files, manifest metadata, sequence files and answers: parsed and checked."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from opentruth.errors import DataObjectError, ValidationError
from opentruth.labeling.pointcloud import answers
from opentruth.labeling.pointcloud.cuboids import consolidate_frame, consolidate_tracks, iou3d
from opentruth.labeling.pointcloud.frames import (
    FORMATS,
    FrameError,
    encode_frame,
    parse_frame,
    resolve_format,
)
from opentruth.labeling.pointcloud.inputs import sequence_file, single_frame
from opentruth.labeling.pointcloud.outputs import encode_point_labels
from opentruth.labeling.sequences import parse_sequence
from pcsupport import CAMERA, cuboid, scene, sequence_doc, single_frame_line


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips(fmt: str) -> None:
    points = scene(50, elements=fmt.split("/")[1])
    if fmt.startswith("text"):
        points = np.round(points, 3)
    frame = parse_frame(encode_frame(points, fmt), fmt)
    assert frame.count == len(points)
    assert np.allclose(frame.points, points, atol=1e-3)


def test_binary_is_little_endian_float32() -> None:
    data = np.array([[1.5, -2.0, 3.25, 0.5]], dtype="<f4").tobytes()
    assert parse_frame(data, "binary/xyzi").points.tolist() == [[1.5, -2.0, 3.25, 0.5]]


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"\x00" * 20, "binary/xyzi", "20 bytes is not a whole number of binary/xyzi points"),
        (b"1 2 3\n4 5\n", "text/xyz", "line 2 has 2 values; text/xyz needs 3"),
        (b"1 2 nan 0\n", "text/xyzi", "point 0 has a coordinate that is not a finite number"),
        (b"1 2 3 300 0 0\n", "text/xyzrgb", "r, g and b must be 8-bit values"),
        (b"\xff\xfe", "text/xyz", "must be UTF-8"),
        (b"1 2 x\n", "text/xyz", "not text/xyz text"),
    ],
)
def test_bad_frames_say_what_is_wrong(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(FrameError, match=message.replace("(", r"\(")):
        parse_frame(data, fmt)


def test_default_formats_follow_the_extension() -> None:
    assert resolve_format(None, "a/b.bin") == "binary/xyzi"
    assert resolve_format(None, "a/b.TXT") == "text/xyzi"
    with pytest.raises(FrameError, match=r"does not end in \.bin or \.txt"):
        resolve_format(None, "a/b.pcd")
    with pytest.raises(FrameError, match="is not one of"):
        resolve_format("binary/xyzq", "a.bin")


def test_single_frame_line_with_camera() -> None:
    seq = single_frame(single_frame_line("s3://b/pc/a.bin", "binary/xyzi"), "manifest line 1")
    (frame,) = seq.frames
    (image,) = frame.images
    assert image["uri"] == "s3://input-data/pc/images/cam0.png"
    assert image["fx"] == 500.0 and image["k1"] == 0.0 and image["cameraModel"] == "pinhole"
    assert frame.ego_vehicle_pose is not None and frame.ego_vehicle_pose["heading"]["qw"] == 1.0
    assert seq.header() is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.pop("unix-timestamp"), "source-ref-metadata.unix-timestamp must be a number"),
        (
            lambda m: m.update(prefix="s3://b/no-slash"),
            "manifest line 4: source-ref-metadata: 'prefix' must be an s3://bucket/prefix/ URI ending in '/'",
        ),
        (lambda m: m["images"][0].pop("fx"), r"images\[0\].fx must be a number"),
        (
            lambda m: m["images"][0].update({"image-path": "../x.png"}),
            r"images\[0\]: 'image-path' must be a file name under the prefix, not '../x.png'",
        ),
        (lambda m: m.update(images=[CAMERA] * 9), "up to 8"),
        (lambda m: m["ego-vehicle-pose"].pop("heading"), "ego-vehicle-pose.heading must be an object"),
    ],
)
def test_single_frame_errors(change: Any, message: str) -> None:
    line = json.loads(json.dumps(single_frame_line("s3://b/pc/a.bin", "binary/xyzi")))
    change(line["source-ref-metadata"])
    with pytest.raises(DataObjectError, match=message):
        single_frame(line, "manifest line 4")


def test_sequence_file() -> None:
    seq = sequence_file(json.dumps(sequence_doc(3)).encode(), "s3://b/seq.json")
    assert [f.number for f in seq.frames] == [10, 11, 12]
    assert seq.frames[1].uri == "s3://input-data/pc/seq/frame1.bin"
    assert seq.header() == {"seq-no": 1, "prefix": "s3://input-data/pc/seq/", "number-of-frames": 3}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"number-of-frames": 5}), "'number-of-frames' is 5 but 'frames' lists 3"),
        (
            lambda d: d["frames"][2].update({"unix-timestamp": 0}),
            "seq.json: frame 12: unix-timestamp 0.0 is not after frame 11",
        ),
        (lambda d: d["frames"][1].pop("frame"), "seq.json: frame 11: 'frame' must be a file name under"),
        (lambda d: d.pop("seq-no"), "seq.json: 'seq-no' is missing"),
        (lambda d: d.update({"seq-no": "1"}), "'seq-no' must be an integer"),
        (lambda d: d["frames"][1].pop("unix-timestamp"), "frame 11: 'unix-timestamp' is missing"),
        (
            lambda d: d["frames"][2].update({"frame-no": 10}),
            r"frame 10: frame-no 10 appears twice \(frames\[0\]",
        ),
        (
            lambda d: d["frames"][0].update({"ego-vehicle-pose": {"position": {"x": 0, "y": 0, "z": 0}}}),
            "frame 10: ego-vehicle-pose.heading must be an object",
        ),
        (lambda d: d["frames"][0].update({"format": "binary/xy"}), "frame 10: format: format 'binary/xy'"),
    ],
)
def test_sequence_errors_name_the_frame(change: Any, message: str) -> None:
    doc = sequence_doc(3)
    change(doc)
    with pytest.raises(DataObjectError, match=message):
        sequence_file(json.dumps(doc).encode(), "s3://b/seq.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"number-of-frames": 4}), "'number-of-frames' is 4 but 'frames' lists 3"),
        (lambda d: d.update(prefix="s3://b/no-slash"), "'prefix' must be an s3://bucket/prefix/ URI"),
        (lambda d: d["frames"][1].update(frame="../x.bin"), "frame 11: 'frame' must be a file name under"),
        (lambda d: d["frames"][1].update({"unix-timestamp": "noon"}), "frame 11: 'unix-timestamp' must be a"),
    ],
)
def test_video_and_point_cloud_sequences_share_one_envelope_reader(change: Any, message: str) -> None:
    """The same broken envelope gets the same reason from both families' readers."""
    doc = sequence_doc(3)
    change(doc)
    reasons = []
    for read in (parse_sequence, sequence_file):
        with pytest.raises(DataObjectError) as info:
            read(json.dumps(doc).encode(), "s3://b/seq.json")
        reasons.append(info.value.message)
    assert reasons[0] == reasons[1]
    assert reasons[0].startswith("sequence file s3://b/seq.json: ") and message in reasons[0]


def test_answers_are_checked() -> None:
    good = {
        "pointCloudFrames": [
            {"frameNo": 0, "cuboids": [cuboid()], "pointLabels": encode_point_labels([0, 1, 2])}
        ]
    }
    clean = answers.check(good, ("Car", "Pedestrian"), "e")
    assert clean["pointCloudFrames"][0]["cuboids"][0]["label-category-attributes"] == {}
    with pytest.raises(ValidationError, match=r"cuboids\[0\].width: must be greater than 0"):
        answers.check({"pointCloudFrames": [{"frameNo": 0, "cuboids": [cuboid(width=0)]}]}, ("Car",), "e")
    with pytest.raises(ValidationError, match="unknown label 'Bus'"):
        answers.check({"pointCloudFrames": [{"frameNo": 0, "cuboids": [cuboid("Bus")]}]}, ("Car",), "e")
    with pytest.raises(ValidationError, match="class 3 is not 0"):
        answers.check(
            {"pointCloudFrames": [{"frameNo": 0, "pointLabels": encode_point_labels([3])}]}, ("Car",), "e"
        )


def test_iou3d() -> None:
    a = cuboid(yaw=0.0)
    assert iou3d(a, a) == pytest.approx(1.0)
    assert iou3d(a, cuboid(x=12.0, yaw=0.0)) == pytest.approx(2 / 6)  # half the length overlaps
    assert iou3d(a, cuboid(x=30.0)) == 0.0
    assert iou3d(cuboid(yaw=0.7), cuboid(yaw=0.7)) == pytest.approx(1.0)
    turned = {**a, "yaw": a["yaw"] + np.pi / 2}  # a 4×2 box turned a quarter: 2×2 overlap
    assert iou3d(a, turned) == pytest.approx(4 / 12, abs=1e-6)


def test_consolidate_frame_keeps_majority_cuboids() -> None:
    merged = consolidate_frame(
        [[cuboid(x=10.0)], [cuboid(x=10.4)], [cuboid(x=10.2), cuboid("Pedestrian", x=0.0)]]
    )
    assert len(merged) == 1
    ((c, conf),) = merged
    assert c["center-x"] == pytest.approx(10.2) and 0.8 < conf <= 1.0


def test_consolidate_tracks_matches_ids() -> None:
    a = [("a1", {0: cuboid(x=10.0), 1: cuboid(x=11.0)})]
    b = [("b7", {0: cuboid(x=10.2), 1: cuboid(x=11.2)}), ("b8", {1: cuboid(x=-5.0)})]
    c = [("c3", {0: cuboid(x=9.9), 1: cuboid(x=10.9)})]
    ((oid, track, conf),) = consolidate_tracks([a, b, c])  # b8 has one worker of three: dropped
    assert oid == "a1" and track[1]["center-x"] == pytest.approx(11.033333) and set(conf) == {0, 1}
    assert [t[0] for t in consolidate_tracks([a, b])] == ["a1", "b8"]  # one of two is enough


def test_answers_are_checked_against_the_task() -> None:
    task = {"frames": [{"frameNo": 10, "points": 3}]}
    ok = {"pointCloudFrames": [{"frameNo": 10, "pointLabels": encode_point_labels([0, 1, 1])}]}
    assert answers.check(ok, ("Car",), "e", task)["pointCloudFrames"][0]["frameNo"] == 10
    with pytest.raises(ValidationError, match=r"frameNo: 11 is not a frame of this task \(\[10\]\)"):
        answers.check({"pointCloudFrames": [{"frameNo": 11}]}, ("Car",), "e", task)
    with pytest.raises(ValidationError, match="2 classes for a frame of 3 points"):
        answers.check(
            {"pointCloudFrames": [{"frameNo": 10, "pointLabels": encode_point_labels([0, 1])}]},
            ("Car",),
            "e",
            task,
        )
