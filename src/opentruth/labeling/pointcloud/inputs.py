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

The sequence file's envelope (``seq-no``, ``prefix``, ``number-of-frames``, ``frames`` with
``frame-no``, ``unix-timestamp``, ``frame``) is read by the reader video sequences use,
:func:`opentruth.labeling.sequences.parse_envelope`; this module adds the point cloud fields.

Everything here is pure: :class:`FrameSpec` values say which files to read; reading them
through the job's role is :mod:`opentruth.labeling.pointcloud.ingest`'s job. Errors are
:class:`~opentruth.errors.DataObjectError` with the file, the frame number and what is wrong.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from opentruth.errors import DataObjectError
from opentruth.labeling.pointcloud.frames import FrameError, resolve_format
from opentruth.labeling.sequences import check_prefix, check_relative, frame_where, parse_envelope

#: Ground Truth's limits: 8 camera images per frame, 500 frames per sequence.
MAX_IMAGES = 8
MAX_SEQUENCE_FRAMES = 500
CAMERA_MODELS = ("pinhole", "fisheye")
_INTRINSICS = ("fx", "fy", "cx", "cy")
_DISTORTION = ("k1", "k2", "k3", "k4", "p1", "p2", "skew")


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
    #: How messages name the frame: ``sequence file <uri>: frame <n>``, or the manifest line.
    where: str = ""

    @property
    def number(self) -> int:
        """The frame's number in the output: ``frame-no`` if given, else its position."""
        return self.index if self.frame_no is None else self.frame_no

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
        raise DataObjectError(f"{where} must be a number")
    return float(value)


def parse_pose(value: object, where: str) -> dict[str, dict[str, float]]:
    """``{"position": {x, y, z}, "heading": {qx, qy, qz, qw}}``: numbers, a non-zero quaternion."""
    if not isinstance(value, dict):
        raise DataObjectError(f"{where} must be an object with position and heading")
    position = value.get("position")
    heading = value.get("heading")
    if not isinstance(position, dict):
        raise DataObjectError(f"{where}.position must be an object with x, y and z")
    if not isinstance(heading, dict):
        raise DataObjectError(f"{where}.heading must be an object with qx, qy, qz and qw")
    pos = {k: _number(position.get(k), f"{where}.position.{k}") for k in ("x", "y", "z")}
    quat = {k: _number(heading.get(k), f"{where}.heading.{k}") for k in ("qx", "qy", "qz", "qw")}
    if math.hypot(*quat.values()) < 1e-9:
        raise DataObjectError(f"{where}.heading is the zero quaternion, which is no rotation at all")
    return {"position": pos, "heading": quat}


def parse_image(value: object, prefix: str | None, where: str) -> dict[str, Any]:
    """A camera image for sensor fusion; its ``uri`` is ``prefix`` + ``image-path``."""
    if not isinstance(value, dict):
        raise DataObjectError(f"{where} must be an object")
    if prefix is None:
        raise DataObjectError(
            f"{where}: images need a prefix (the s3:// folder their image-path is relative to)"
        )
    path = check_relative(value.get("image-path"), where, "image-path")
    model = value.get("camera-model", value.get("camera_model", "pinhole"))
    if model not in CAMERA_MODELS:
        raise DataObjectError(f"{where}.camera-model must be one of {', '.join(CAMERA_MODELS)}")
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
        raise DataObjectError(f"{where}: the focal lengths fx and fy must be positive")
    for k in _DISTORTION:
        out[k] = _number(value.get(k, 0), f"{where}.{k}")
    return out


def _images(value: object, prefix: str | None, where: str) -> list[dict[str, Any]]:
    """The ``images`` of a frame; ``where`` names the field (``manifest line 3:
    source-ref-metadata.images`` or ``sequence file <uri>: frame 2: images``)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataObjectError(f"{where} must be a list")
    if len(value) > MAX_IMAGES:
        raise DataObjectError(f"{where} has {len(value)} images; Ground Truth allows up to {MAX_IMAGES}")
    return [parse_image(v, prefix, f"{where}[{i}]") for i, v in enumerate(value)]


def single_frame(line: dict[str, Any], where: str) -> Sequence:
    """A single-frame manifest line (``source-ref`` + ``source-ref-metadata``)."""
    uri = line.get("source-ref")
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise DataObjectError(f"{where}: source-ref must be the s3:// URI of a point cloud frame file")
    meta = line.get("source-ref-metadata")
    if not isinstance(meta, dict):
        raise DataObjectError(
            f"{where}: source-ref-metadata is required (an object with format and unix-timestamp)"
        )
    mwhere = f"{where}: source-ref-metadata"
    try:
        fmt = resolve_format(meta.get("format"), uri)
    except FrameError as exc:
        raise DataObjectError(f"{mwhere}.format: {exc}") from None
    prefix = check_prefix(meta["prefix"], mwhere) if meta.get("prefix") is not None else None
    pose = meta.get("ego-vehicle-pose")
    spec = FrameSpec(
        index=0,
        frame_no=None,
        uri=uri,
        name=uri.rsplit("/", 1)[-1],
        format=fmt,
        unix_timestamp=_number(meta.get("unix-timestamp"), f"{mwhere}.unix-timestamp"),
        ego_vehicle_pose=None if pose is None else parse_pose(pose, f"{mwhere}.ego-vehicle-pose"),
        images=_images(meta.get("images"), prefix, f"{mwhere}.images"),
        where=where,
    )
    return Sequence(uri, [spec])


def sequence_file(data: bytes, uri: str) -> Sequence:
    """A sequence file's content, checked: the envelope every sequence file shares
    (:func:`~opentruth.labeling.sequences.parse_envelope`), then each frame's point cloud fields.
    Frames keep the order of ``frames``."""
    envelope = parse_envelope(data, uri, max_frames=MAX_SEQUENCE_FRAMES, frame_no_required=False)
    specs: list[FrameSpec] = []
    for f in envelope.frames:
        raw, fwhere = f.raw, frame_where(uri, f.no)
        try:
            fmt = resolve_format(raw.get("format"), f.name)
        except FrameError as exc:
            raise DataObjectError(f"{fwhere}: format: {exc}") from None
        # A frame's own prefix is where its camera images are; the frame file is under the sequence's.
        fprefix = check_prefix(raw["prefix"], fwhere) if raw.get("prefix") is not None else envelope.prefix
        if f.unix_timestamp is None:
            raise DataObjectError(f"{fwhere}: 'unix-timestamp' is missing; point cloud frames need one")
        pose = raw.get("ego-vehicle-pose")
        specs.append(
            FrameSpec(
                index=f.index,
                frame_no=raw.get("frame-no"),
                uri=f.uri,
                name=f.name,
                format=fmt,
                unix_timestamp=float(f.unix_timestamp),
                ego_vehicle_pose=None if pose is None else parse_pose(pose, f"{fwhere}: ego-vehicle-pose"),
                images=_images(raw.get("images"), fprefix, f"{fwhere}: images"),
                where=fwhere,
            )
        )
    # Timestamps drive cuboid interpolation, so Ground Truth wants them distinct and in order.
    for a, b in itertools.pairwise(specs):
        if b.unix_timestamp <= a.unix_timestamp:
            raise DataObjectError(
                f"{b.where}: unix-timestamp {b.unix_timestamp} is not after frame "
                f"{a.number}'s ({a.unix_timestamp}); timestamps must be distinct and sequential"
            )
    return Sequence(uri, specs, seq_no=envelope.seq_no, prefix=envelope.prefix)
