"""Sequence files and per-sequence label files: the shared part of video frame and 3D jobs.

Input (DG ``sms-video-manual-data-setup.md``): each manifest line's ``source-ref`` names a
sequence file::

    {"seq-no": 1, "prefix": "s3://bucket/prefix/video1/", "number-of-frames": 3,
     "frames": [{"frame-no": 1, "unix-timestamp": 1566861644, "frame": "frame0001.jpg"}, ...]}

``seq-no``, ``prefix``, ``number-of-frames`` and ``frames`` are required; each frame needs
``frame-no`` and ``frame`` (a file name under ``prefix``). ``number-of-frames`` must equal the
length of ``frames``, and a sequence has at most 2,000 frames (DG ``input-data-limits.md``).
:func:`parse_envelope` reads this envelope for both families; the point cloud reader
(:func:`opentruth.labeling.pointcloud.inputs.sequence_file`) adds its per-frame fields on top.

The sequence file and every frame are read through the job's role. A file that is missing, not
JSON or breaks a rule fails only its data object, with a reason that names the file, the frame
and what is wrong (:class:`~opentruth.errors.DataObjectError`); a role that may not read it
still fails the job, as for any data object.

Output (DG ``sms-data-output.md``): one label file per sequence at
``annotations/consolidated-annotation/output/<datasetObjectId>/SeqLabel.json``, which the
``<LabelAttributeName>`` (ending in ``-ref``) of the output line points to.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey
from opentruth.errors import DataObjectError
from opentruth.labeling.output import OutputLayout

MAX_FRAMES = 2000
MAX_SEQUENCE_BYTES = 10 * 1024 * 1024
SEQ_LABEL = "SeqLabel.json"

#: Reads an object's bytes through the job's role: (bucket, key) -> body.
Reader = Callable[[str, str], bytes]
#: Checks that the role may read a frame and that it exists: (bucket, key) -> None.
FrameCheck = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a sequence file's envelope."""

    no: int  # ``frame-no``, or the frame's position where the family lets it be left out
    name: str  # the ``frame`` file name as given
    uri: str  # prefix + name
    unix_timestamp: float | None
    #: The frame's position in the file's ``frames``.
    index: int = 0
    #: The frame object as the file gives it, for a family's own fields (point clouds: format,
    #: pose, camera images).
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"no": self.no, "name": self.name, "uri": self.uri}
        if self.unix_timestamp is not None:
            out["timestamp"] = self.unix_timestamp
        return out


@dataclass(frozen=True, slots=True)
class SequenceFile:
    """A parsed sequence file."""

    uri: str
    seq_no: int
    prefix: str
    frames: tuple[Frame, ...]

    def as_json(self) -> dict[str, Any]:
        """The sequence as the worker UI reads it (``task.input.sequence``)."""
        return {
            "uri": self.uri,
            "seqNo": self.seq_no,
            "prefix": self.prefix,
            "numberOfFrames": len(self.frames),
            "frames": [f.as_json() for f in self.frames],
        }


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def frame_where(uri: str, number: int) -> str:
    """How every message names a frame of a sequence file: ``sequence file <uri>: frame <n>``."""
    return f"sequence file {uri}: frame {number}"


def check_prefix(value: object, where: str, key: str = "prefix") -> str:
    """An ``s3://bucket/folder/`` URI: the folder that frame and image paths are relative to."""
    if (
        not isinstance(value, str)
        or not value.startswith("s3://")
        or not value.endswith("/")
        or not value[len("s3://") :].split("/", 1)[0]
    ):
        raise DataObjectError(
            f"{where}: {key!r} must be an s3://bucket/prefix/ URI ending in '/', not {value!r}"
        )
    return value


def check_relative(value: object, where: str, key: str) -> str:
    """A file's path under the prefix: not empty, no leading ``/`` and no ``..`` part."""
    if not isinstance(value, str) or not value or value.startswith("/") or ".." in value.split("/"):
        raise DataObjectError(f"{where}: {key!r} must be a file name under the prefix, not {value!r}")
    return value


def parse_envelope(data: bytes, uri: str, *, max_frames: int, frame_no_required: bool) -> SequenceFile:
    """Parse and check the envelope every sequence file shares, its frames in the file's order.

    ``seq-no``, ``prefix``, ``number-of-frames`` (the length of ``frames``) and ``frames`` are
    required; each frame needs ``frame`` (a file under ``prefix``) and may give
    ``unix-timestamp``. Video frame sequences must number every frame (``frame-no`` from 0,
    ``frame_no_required``); point cloud frames may leave it out, and are then numbered by their
    position. Errors are :class:`DataObjectError` naming the file, the frame and what is wrong;
    a family checks its own frame fields on :attr:`Frame.raw`.
    """
    where = f"sequence file {uri}"
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DataObjectError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise DataObjectError(
            f'{where}: must be a JSON object with "seq-no", "prefix", "number-of-frames", "frames"'
        )
    for key in ("seq-no", "prefix", "number-of-frames", "frames"):
        if key not in doc:
            raise DataObjectError(f"{where}: {key!r} is missing; it is required")
    seq_no, prefix, count, frames = doc["seq-no"], doc["prefix"], doc["number-of-frames"], doc["frames"]
    if not _int(seq_no):
        raise DataObjectError(f"{where}: 'seq-no' must be an integer, not {seq_no!r}")
    prefix = check_prefix(prefix, where)
    if not _int(count) or count < 1:
        raise DataObjectError(f"{where}: 'number-of-frames' must be a positive integer, not {count!r}")
    if not isinstance(frames, list):
        raise DataObjectError(f"{where}: 'frames' must be a list of {{frame-no, frame}} objects")
    if count != len(frames):
        raise DataObjectError(f"{where}: 'number-of-frames' is {count} but 'frames' lists {len(frames)}")
    if len(frames) > max_frames:
        raise DataObjectError(f"{where}: {len(frames)} frames; a sequence may have at most {max_frames}")
    parsed: list[Frame] = []
    seen: dict[int, int] = {}
    for i, item in enumerate(frames):
        at = f"{where}: frames[{i}]"
        if not isinstance(item, dict):
            raise DataObjectError(f"{at}: must be an object with frame-no and frame")
        given, stamp = item.get("frame-no"), item.get("unix-timestamp")
        if given is None and not frame_no_required:
            no = i
        elif isinstance(given, int) and not isinstance(given, bool) and (given >= 0 or not frame_no_required):
            no = given
        else:
            kind = "a non-negative integer" if frame_no_required else "an integer"
            raise DataObjectError(f"{at}: 'frame-no' must be {kind}, not {given!r}")
        at = frame_where(uri, no)
        if no in seen:
            raise DataObjectError(f"{at}: frame-no {no} appears twice (frames[{seen[no]}] and frames[{i}])")
        seen[no] = i
        name = check_relative(item.get("frame"), at, "frame")
        if stamp is not None and (
            isinstance(stamp, bool) or not isinstance(stamp, int | float) or not math.isfinite(stamp)
        ):
            raise DataObjectError(f"{at}: 'unix-timestamp' must be a number of seconds, not {stamp!r}")
        parsed.append(Frame(no, name, prefix + name, stamp, index=i, raw=item))
    return SequenceFile(uri, seq_no, prefix, tuple(parsed))


def parse_sequence(data: bytes, uri: str, *, max_frames: int = MAX_FRAMES) -> SequenceFile:
    """Parse and check a video frame sequence file; :class:`DataObjectError` names the file and frame."""
    seq = parse_envelope(data, uri, max_frames=max_frames, frame_no_required=True)
    # frame-no decides the order in the worker UI
    return replace(seq, frames=tuple(sorted(seq.frames, key=lambda f: f.no)))


def split_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def read_sequence(uri: str, read: Reader, check_frame: FrameCheck) -> SequenceFile:
    """Read the sequence file ``uri`` and check every frame through the job's role.

    A missing file or frame is the object's failure; denials propagate (they fail the job).
    """
    bucket, key = split_uri(uri)
    try:
        data = read(bucket, key)
    except (NoSuchKey, NoSuchBucket):
        raise DataObjectError(f"sequence file {uri}: does not exist") from None
    if len(data) > MAX_SEQUENCE_BYTES:
        raise DataObjectError(f"sequence file {uri}: {len(data):,} bytes; at most {MAX_SEQUENCE_BYTES:,}")
    seq = parse_sequence(data, uri)
    for frame in seq.frames:
        fb, fk = split_uri(frame.uri)
        try:
            check_frame(fb, fk)
        except (NoSuchKey, NoSuchBucket):
            raise DataObjectError(
                f"sequence file {uri}: frame {frame.no}: {frame.uri} does not exist"
            ) from None
    return seq


def seq_label_uri(layout: OutputLayout, dataset_object_id: str) -> str:
    """Where the per-sequence label file of an object goes."""
    return f"{layout.root}/annotations/consolidated-annotation/output/{dataset_object_id}/{SEQ_LABEL}"
