"""3D point cloud inputs: single-frame manifest lines and sequence files, checked as Ground Truth
documents them (DG "Create a Point Cloud Frame Input Manifest File" and "Create a Point Cloud
Sequence Input Manifest"; formats in ``docs/point-clouds.md``).

Single frame (object detection, semantic segmentation)::

    {"source-ref": "s3://b/frame1.bin",
     "source-ref-metadata": {"format": "binary/xyzi", "unix-timestamp": 1566861644.759115,
                             "ego-vehicle-pose": {"position": {x,y,z}, "heading": {qx,qy,qz,qw}},
                             "prefix": "s3://b/images/", "images": [{...camera...}]}}

Sequence (object tracking): the line is ``{"source-ref": "s3://b/seq1.json"}`` and the sequence
file is ``{"seq-no", "prefix", "number-of-frames", "frames": [{"frame-no", "unix-timestamp",
"frame", "format", "ego-vehicle-pose", "images"}]}`` with frame and image paths relative to
``prefix``.

Everything here is pure: :class:`FrameSpec` values say which files to read; reading them
through the job's role is :mod:`opentruth.labeling.pointcloud.ingest`'s job. Errors are
:class:`InputError` with the file, the frame number and what is wrong.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import orjson

from opentruth.labeling.pointcloud.frames import FrameError, resolve_format

#: Ground Truth's limits: 8 camera images per frame, 500 frames per sequence.
MAX_IMAGES = 8
MAX_SEQUENCE_FRAMES = 500
CAMERA_MODELS = ("pinhole", "fisheye")
_INTRINSICS = ("fx", "fy", "cx", "cy")
_DISTORTION = ("k1", "k2", "k3", "k4", "p1", "p2", "skew")


class InputError(ValueError):
    """A point cloud input that cannot be labeled; the message names the file and the frame."""


@dataclass(frozen=True, slots=True)
class FrameSpec:
    """One frame to show: where its file is and what comes with it (pose, cameras)."""

    index: int  # position in the sequence (0 for a single frame)
    frame_no: int | None  # the customer's own frame number, if given
    uri: str
    name: str  # the frame's file as the input names it (``frame`` of a sequence)
    format: str
    unix_timestamp: float
    ego_vehicle_pose: dict[str, dict[str, float]] | None
    images: list[dict[str, Any]] = field(default_factory=list)

    @property
    def number(self) -> int:
        """The frame's number in the output: ``frame-no`` if given, else its position."""
        return self.index if self.frame_no is None else self.frame_no

    def where(self, source: str) -> str:
        return f"{source}, frame {self.number} ({self.uri})"

    def task_view(self) -> dict[str, Any]:
        """The frame as the worker UI reads it (``task.input.frames[i]``)."""
        return {
            "index": self.index,
            "frameNo": self.number,
            "frame": self.name,
            "uri": self.uri,
            "format": self.format,
            "unixTimestamp": self.unix_timestamp,
            "egoVehiclePose": self.ego_vehicle_pose,
            "images": self.images,
        }


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence file's header and frames (a single frame is a sequence of one, without header)."""

    source: str
    frames: list[FrameSpec]
    seq_no: int | None = None
    prefix: str | None = None

    def header(self) -> dict[str, Any] | None:
        if self.seq_no is None:
            return None
        return {"seq-no": self.seq_no, "prefix": self.prefix, "number-of-frames": len(self.frames)}


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where} must be a number")
    return float(value)


def _prefix(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("s3://") or not value.endswith("/"):
        raise InputError(f"{where} must be an s3:// URI that ends with a forward slash (/)")
    if len(value.split("/", 3)) < 4 or not value.split("/", 3)[2]:
        raise InputError(f"{where} must name a bucket: s3://<bucket>/<folder>/")
    return value


def _relative(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{where} must be a path relative to prefix")
    if value.startswith("/") or any(p in ("..", ".") for p in value.split("/")):
        raise InputError(f"{where} {value!r} must stay under prefix (no leading / and no . or ..)")
    return value


def parse_pose(value: object, where: str) -> dict[str, dict[str, float]]:
    """``{"position": {x, y, z}, "heading": {qx, qy, qz, qw}}``: numbers, a non-zero quaternion."""
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object with position and heading")
    position = value.get("position")
    heading = value.get("heading")
    if not isinstance(position, dict):
        raise InputError(f"{where}.position must be an object with x, y and z")
    if not isinstance(heading, dict):
        raise InputError(f"{where}.heading must be an object with qx, qy, qz and qw")
    pos = {k: _number(position.get(k), f"{where}.position.{k}") for k in ("x", "y", "z")}
    quat = {k: _number(heading.get(k), f"{where}.heading.{k}") for k in ("qx", "qy", "qz", "qw")}
    if math.hypot(*quat.values()) < 1e-9:
        raise InputError(f"{where}.heading is the zero quaternion, which is no rotation at all")
    return {"position": pos, "heading": quat}


def parse_image(value: object, prefix: str | None, where: str) -> dict[str, Any]:
    """A camera image for sensor fusion; its ``uri`` is ``prefix`` + ``image-path``."""
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object")
    if prefix is None:
        raise InputError(f"{where}: images need a prefix (the s3:// folder their image-path is relative to)")
    path = _relative(value.get("image-path"), f"{where}.image-path")
    model = value.get("camera-model", value.get("camera_model", "pinhole"))
    if model not in CAMERA_MODELS:
        raise InputError(f"{where}.camera-model must be one of {', '.join(CAMERA_MODELS)}")
    pose = parse_pose(value, where)
    out: dict[str, Any] = {
        "imagePath": path,
        "uri": prefix + path,
        "unixTimestamp": _number(value.get("unix-timestamp"), f"{where}.unix-timestamp"),
        "cameraModel": model,
        **pose,
    }
    for k in _INTRINSICS:
        out[k] = _number(value.get(k), f"{where}.{k}")
    if out["fx"] <= 0 or out["fy"] <= 0:
        raise InputError(f"{where}: the focal lengths fx and fy must be positive")
    for k in _DISTORTION:
        out[k] = _number(value.get(k, 0), f"{where}.{k}")
    return out


def _images(value: object, prefix: str | None, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}.images must be a list")
    if len(value) > MAX_IMAGES:
        raise InputError(f"{where}.images has {len(value)} images; Ground Truth allows up to {MAX_IMAGES}")
    return [parse_image(v, prefix, f"{where}.images[{i}]") for i, v in enumerate(value)]


def single_frame(line: dict[str, Any], where: str) -> Sequence:
    """A single-frame manifest line (``source-ref`` + ``source-ref-metadata``)."""
    uri = line.get("source-ref")
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise InputError(f"{where}: source-ref must be the s3:// URI of a point cloud frame file")
    meta = line.get("source-ref-metadata")
    if not isinstance(meta, dict):
        raise InputError(
            f"{where}: source-ref-metadata is required (an object with format and unix-timestamp)"
        )
    mwhere = f"{where}: source-ref-metadata"
    try:
        fmt = resolve_format(meta.get("format"), uri)
    except FrameError as exc:
        raise InputError(f"{mwhere}.format: {exc}") from None
    prefix = _prefix(meta["prefix"], f"{mwhere}.prefix") if meta.get("prefix") is not None else None
    pose = meta.get("ego-vehicle-pose")
    spec = FrameSpec(
        index=0,
        frame_no=None,
        uri=uri,
        name=uri.rsplit("/", 1)[-1],
        format=fmt,
        unix_timestamp=_number(meta.get("unix-timestamp"), f"{mwhere}.unix-timestamp"),
        ego_vehicle_pose=None if pose is None else parse_pose(pose, f"{mwhere}.ego-vehicle-pose"),
        images=_images(meta.get("images"), prefix, mwhere),
    )
    return Sequence(uri, [spec])


def sequence_file(data: bytes, uri: str) -> Sequence:
    """A sequence file's content, checked; frames keep the order of ``frames``."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"sequence file {uri}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise InputError(
            f"sequence file {uri}: must be a JSON object with seq-no, prefix, number-of-frames, frames"
        )
    where = f"sequence file {uri}"
    seq_no = doc.get("seq-no")
    if isinstance(seq_no, bool) or not isinstance(seq_no, int):
        raise InputError(f"{where}: seq-no must be an integer")
    prefix = _prefix(doc.get("prefix"), f"{where}: prefix")
    frames = doc.get("frames")
    if not isinstance(frames, list) or not frames:
        raise InputError(f"{where}: frames must be a non-empty list of frame objects")
    count = doc.get("number-of-frames")
    if isinstance(count, bool) or not isinstance(count, int) or count != len(frames):
        raise InputError(
            f"{where}: number-of-frames is {count!r} but frames lists {len(frames)}; they must be equal"
        )
    if len(frames) > MAX_SEQUENCE_FRAMES:
        raise InputError(f"{where}: {len(frames)} frames; a sequence may have at most {MAX_SEQUENCE_FRAMES}")
    specs: list[FrameSpec] = []
    for i, raw in enumerate(frames):
        fwhere = f"{where}, frames[{i}]"
        if not isinstance(raw, dict):
            raise InputError(f"{fwhere}: must be an object with frame and unix-timestamp")
        frame_no = raw.get("frame-no")
        if frame_no is not None and (isinstance(frame_no, bool) or not isinstance(frame_no, int)):
            raise InputError(f"{fwhere}: frame-no must be an integer")
        fwhere = f"{where}, frame {i if frame_no is None else frame_no}"
        name = _relative(raw.get("frame"), f"{fwhere}: frame")
        try:
            fmt = resolve_format(raw.get("format"), name)
        except FrameError as exc:
            raise InputError(f"{fwhere}: format: {exc}") from None
        fprefix = _prefix(raw["prefix"], f"{fwhere}: prefix") if raw.get("prefix") is not None else prefix
        pose = raw.get("ego-vehicle-pose")
        specs.append(
            FrameSpec(
                index=i,
                frame_no=frame_no,
                uri=prefix + name,
                name=name,
                format=fmt,
                unix_timestamp=_number(raw.get("unix-timestamp"), f"{fwhere}: unix-timestamp"),
                ego_vehicle_pose=None if pose is None else parse_pose(pose, f"{fwhere}: ego-vehicle-pose"),
                images=_images(raw.get("images"), fprefix, fwhere),
            )
        )
    # Timestamps drive cuboid interpolation, so Ground Truth wants them distinct and in order.
    for a, b in itertools.pairwise(specs):
        if b.unix_timestamp <= a.unix_timestamp:
            raise InputError(
                f"{where}, frame {b.number}: unix-timestamp {b.unix_timestamp} is not after frame "
                f"{a.number}'s ({a.unix_timestamp}); timestamps must be distinct and sequential"
            )
    numbers = [s.number for s in specs]
    if len(set(numbers)) != len(numbers):
        raise InputError(f"{where}: frame-no values must be unique")
    return Sequence(uri, specs, seq_no=seq_no, prefix=prefix)
