"""Build a point cloud object's task input at ingest, reading every file through the job's role.

For each manifest line this reads (as ``s3:GetObject`` of the role session, through the job's
:class:`~opentruth.cloud.authorized_store.AuthorizedObjectStore`): the sequence file (tracking),
every frame file (parsed, so a bad frame is found before a worker opens it), and checks that each
camera image exists. An adjustment job also reads the earlier job's labels (``SeqLabel.json``
or the ``.zlib`` point labels) named by ``auditLabelAttributeName``.

A problem with the data fails **only that object**, as Ground Truth does:
:meth:`PointCloudIngest.task_input`, the ingest's family hook, raises
:class:`~opentruth.errors.DataObjectError` with the file, the frame number and what is wrong. A
denial by the role is not the data's fault: it propagates and fails the job with Ground Truth's
reason, as for any other data object.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from opentruth.awsmodel.s3uri import parse_s3_uri
from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import S3Error
from opentruth.errors import DataObjectError, ValidationError
from opentruth.labeling.labelattrs import AttributeConfig, parse_attribute_config
from opentruth.labeling.manifest import LabelConfig
from opentruth.labeling.pointcloud import Kind, is_adjustment, kind_of
from opentruth.labeling.pointcloud.frames import FrameError, parse_frame
from opentruth.labeling.pointcloud.inputs import Sequence, sequence_file, single_frame
from opentruth.labeling.requirements import parse_s3_uri as parse_location

__all__ = ["PointCloudIngest", "task_input"]

#: A frame read into memory at ingest may be at most this large (Ground Truth recommends 500K
#: points per frame; 1M points of xyzirgb are 28 MB).
MAX_FRAME_BYTES = 64 * 1024 * 1024


def _read(store: AuthorizedObjectStore, uri: str, what: str) -> bytes:
    try:
        loc = parse_s3_uri(uri, need_key=True)
    except ValueError as exc:
        raise DataObjectError(f"{what} {uri!r} is not an s3:// URI: {exc}") from None
    try:
        info = store.head_object(loc.bucket, loc.key)
        if info.size > MAX_FRAME_BYTES:
            raise DataObjectError(
                f"{what} {uri} is {info.size:,} bytes; at most {MAX_FRAME_BYTES:,} are read"
            )
        return store.get_object(loc.bucket, loc.key).body
    except S3Error as exc:
        raise DataObjectError(f"{what} {uri} cannot be read: {exc.message}") from None


def _exists(store: AuthorizedObjectStore, uri: str, what: str) -> None:
    try:
        loc = parse_s3_uri(uri, need_key=True)
        store.head_object(loc.bucket, loc.key)
    except ValueError as exc:
        raise DataObjectError(f"{what} {uri!r} is not an s3:// URI: {exc}") from None
    except S3Error as exc:
        raise DataObjectError(f"{what} {uri} cannot be read: {exc.message}") from None


def _sequence(store: AuthorizedObjectStore, line: Mapping[str, Any], kind: Kind, where: str) -> Sequence:
    if kind != "tracking":
        return single_frame(dict(line), where)
    uri = line.get("source-ref")
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise DataObjectError(f"{where}: source-ref must be the s3:// URI of a sequence file")
    return sequence_file(_read(store, uri, "sequence file"), uri)


class PointCloudIngest:
    """The ingest's family hook for point cloud jobs (see :class:`opentruth.labeling.ingest.FamilyHook`).

    ``check`` is the ingest's ``s3:GetObject`` check of a line's ``source-ref`` (the frame or the
    sequence file), made before the files are read, as for the data object of any other job.
    An adjustment job without ``auditLabelAttributeName`` is the job's mistake, not an object's:
    it fails the job (``ClientError``) here, before any object is stored.
    """

    def __init__(
        self,
        suffix: str,
        request: Mapping[str, Any],
        labels: LabelConfig | None,
        store: AuthorizedObjectStore,
        check: Callable[[str, str], None],
    ) -> None:
        self.suffix = suffix
        self.store = store
        self.check = check
        self.labels = labels.labels if labels else ()
        self.document: Mapping[str, Any] = labels.document if labels else {}
        uri = str(request.get("LabelCategoryConfigS3Uri", "label category file"))
        # The label category file's 2020-03-01 attributes, checked as for video frame jobs.
        self.config = (
            parse_attribute_config(self.document, uri, video=False) if labels else AttributeConfig(labels=())
        )
        if is_adjustment(suffix) and not self.config.audit_label_attribute:
            raise ValidationError(
                f"{suffix} jobs need auditLabelAttributeName in the label category file: the "
                "LabelAttributeName of the earlier job whose labels they adjust"
            )

    def task_input(self, line: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The task input of one line; :class:`DataObjectError` fails only its object.

        ``where`` names the line in messages (``manifest line 3``, or a streaming message).
        """
        source = line.get("source-ref")
        if isinstance(source, str):
            ref = parse_location(source, f"{where}: source-ref")
            self.check(ref.bucket, ref.key)
        return task_input(self.store, self.suffix, line, self.labels, self.config, self.document, where)


def task_input(
    store: AuthorizedObjectStore,
    suffix: str,
    line: Mapping[str, Any],
    labels: tuple[str, ...],
    config: AttributeConfig,
    document: Mapping[str, Any],
    where: str,
) -> dict[str, Any]:
    """The task input of one manifest line of a point cloud job; :class:`DataObjectError` says
    why its object cannot be labeled.

    ``where`` names the line (``manifest line 3``); ``document`` is the label category file and
    ``config`` its checked attributes.
    """
    kind = kind_of(suffix)
    seq = _sequence(store, line, kind, where)
    frames = []
    for spec in seq.frames:
        data = _read(store, spec.uri, f"{spec.where}: frame file")
        try:
            frame = parse_frame(data, spec.format)
        except FrameError as exc:
            raise DataObjectError(f"{spec.where}: frame file {spec.uri}: {exc}") from None
        for image in spec.images:
            _exists(store, image["uri"], f"{spec.where}: camera image")
        low, high = frame.bounds()
        frames.append({**spec.task_view(), "points": frame.count, "bounds": [low, high]})
    if kind == "segmentation" and frames[0]["points"] == 0:
        first = seq.frames[0]
        raise DataObjectError(f"{first.where}: frame file {first.uri}: the frame has no points to label")
    result: dict[str, Any] = {
        "taskObject": line.get("source-ref"),
        "labels": list(labels),
        "kind": kind,
        "frames": frames,
        "sequence": seq.header(),
        "labelCategoryConfig": config.point_cloud_json(),
    }
    if is_adjustment(suffix):
        result["previous"] = _previous(store, line, kind, document, frames, where)
    return result


def _previous(
    store: AuthorizedObjectStore,
    line: Mapping[str, Any],
    kind: Kind,
    document: Mapping[str, Any],
    frames: list[dict[str, Any]],
    where: str,
) -> dict[str, Any]:
    """The earlier job's labels, in the answer's shape, for the worker to adjust."""
    attr = document.get("auditLabelAttributeName")
    if not isinstance(attr, str) or not attr:
        raise DataObjectError(
            "the label category file has no auditLabelAttributeName: an adjustment job must name "
            "the LabelAttributeName of the job whose labels it adjusts"
        )
    label = line.get(attr)
    if label is None:
        raise DataObjectError(f"{where}: has no {attr!r} (the auditLabelAttributeName) to adjust")
    if kind == "detection":
        if not isinstance(label, dict) or not isinstance(label.get("annotations"), list):
            raise DataObjectError(f"{where}: {attr} must be an object with annotations (3D cuboids)")
        meta = line.get(f"{attr}-metadata") or {}
        return {
            "frames": [
                {
                    "frameNo": frames[0]["frameNo"],
                    "cuboids": [_cuboid_answer(a) for a in label["annotations"] if isinstance(a, dict)],
                    "frameAttributes": dict(meta.get("dataset-object-attributes") or {}),
                }
            ]
        }
    if not isinstance(label, str):
        raise DataObjectError(f"{where}: {attr} must be the s3:// URI of the earlier job's label file")
    body = _read(store, label, f"{where}: earlier label file")
    if kind == "segmentation":
        try:
            classes = zlib.decompress(body)
        except zlib.error as exc:
            raise DataObjectError(f"{where}: earlier label file {label} is not zlib data ({exc})") from None
        if len(classes) != frames[0]["points"]:
            raise DataObjectError(
                f"{where}: earlier label file {label} labels {len(classes):,} points; "
                f"the frame has {frames[0]['points']:,}"
            )
        return {"frames": [{"frameNo": frames[0]["frameNo"], "pointLabels": base64.b64encode(body).decode()}]}
    try:
        seq_label = orjson.loads(body)
        tracks = seq_label["tracking-annotations"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise DataObjectError(
            f"{where}: earlier label file {label} is not a SeqLabel.json with tracking-annotations"
        ) from None
    by_no = {f.get("frame-number"): f for f in tracks if isinstance(f, dict)}
    out = []
    for f in frames:
        old = by_no.get(f["frameNo"]) or by_no.get(f["index"]) or {}
        out.append(
            {
                "frameNo": f["frameNo"],
                "cuboids": [_cuboid_answer(a) for a in old.get("annotations") or [] if isinstance(a, dict)],
                "frameAttributes": dict(old.get("frame-attributes") or {}),
            }
        )
    return {"frames": out}


def _cuboid_answer(annotation: Mapping[str, Any]) -> dict[str, Any]:
    """An output cuboid as the UI's answer holds it (``label`` instead of ``class-id``)."""
    name = str(annotation.get("object-name", ""))
    out = {k: v for k, v in annotation.items() if k not in ("class-id", "object-name")}
    out["label"] = name.rsplit(":", 1)[0] if ":" in name else name
    return out
