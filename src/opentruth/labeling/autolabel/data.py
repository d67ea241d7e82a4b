"""The job's objects as the active-learning loop sees them: labels and features.

Human labels come from the consolidated output lines (``human-annotated: yes``), so the loop
trains on exactly what the job outputs. Image bytes are read through the job's role (the
:class:`~opentruth.cloud.authorized_store.AuthorizedObjectStore`), never around it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.db.models import DataObject
from opentruth.labeling.autolabel.models import Embedder, NormBox, image_features, image_size
from opentruth.labeling.requirements import parse_s3_uri


@dataclass(frozen=True, slots=True)
class LoopObject:
    """One data object, detached from the database."""

    dataset_object_id: int
    state: str
    source: str
    text: str | None
    output_line: str | None

    @property
    def line(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.source)
        return parsed


def loop_object(obj: DataObject) -> LoopObject:
    """Copy what the loop needs out of a row."""
    task = obj.task_input or {}
    text = task.get("taskObject")
    return LoopObject(
        obj.dataset_object_id,
        obj.state,
        obj.source,
        text if isinstance(text, str) else None,
        obj.output_line,
    )


def human_label(obj: LoopObject, attr: str) -> Any:
    """The consolidated label of a human-labeled object, or None (unlabeled or machine)."""
    if obj.output_line is None:
        return None
    line = json.loads(obj.output_line)
    meta = line.get(f"{attr}-metadata")
    if not isinstance(meta, dict) or meta.get("human-annotated") != "yes" or attr not in line:
        return None
    return line[attr]


def class_index(label: Any) -> int | None:
    """A classification label (the class index, a number or a numeric string)."""
    try:
        return int(label)
    except (TypeError, ValueError):
        return None


def normalized_boxes(label: Any) -> list[NormBox] | None:
    """A bounding-box label's boxes as fractions of the image size (None if malformed)."""
    try:
        size = label["image_size"][0]
        width, height = float(size["width"]), float(size["height"])
        if width <= 0 or height <= 0:
            return None
        return [
            (
                int(a["class_id"]),
                float(a["left"]) / width,
                float(a["top"]) / height,
                float(a["width"]) / width,
                float(a["height"]) / height,
            )
            for a in label["annotations"]
        ]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


class FeatureCache:
    """Per-process cache of dense features (images, MiniLM embeddings) by job and object."""

    def __init__(self, max_objects: int = 200_000) -> None:
        self.max_objects = max_objects
        self._data: dict[tuple[int, int], tuple[Any, tuple[int, int] | None]] = {}

    def get(self, job_id: int, oid: int) -> tuple[Any, tuple[int, int] | None] | None:
        return self._data.get((job_id, oid))

    def put(self, job_id: int, oid: int, value: tuple[Any, tuple[int, int] | None]) -> None:
        if len(self._data) >= self.max_objects:
            self._data.clear()  # crude but bounded: a restart of the cache costs one re-read
        self._data[(job_id, oid)] = value

    def forget(self, job_id: int) -> None:
        for key in [k for k in self._data if k[0] == job_id]:
            del self._data[key]


def image_rows(
    job_id: int, objects: Sequence[LoopObject], store: AuthorizedObjectStore, cache: FeatureCache
) -> tuple[np.ndarray[Any, Any], list[tuple[int, int]]]:
    """Image descriptors and (width, height) of the objects, read through the job's role."""
    rows: list[Any] = []
    sizes: list[tuple[int, int]] = []
    for obj in objects:
        hit = cache.get(job_id, obj.dataset_object_id)
        if hit is None:
            ref = obj.line.get("source-ref")
            what = f"data object {obj.dataset_object_id} ({ref})"
            loc = parse_s3_uri(str(ref), f"data object {obj.dataset_object_id}: source-ref")
            body = store.get_object(loc.bucket, loc.key).body
            hit = (image_features(body, what), image_size(body, what))
            cache.put(job_id, obj.dataset_object_id, hit)
        rows.append(hit[0])
        sizes.append(hit[1] or (0, 0))
    width = 384
    matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, width), dtype=np.float32)
    return matrix, sizes


def text_rows(job_id: int, objects: Sequence[LoopObject], embedder: Embedder, cache: FeatureCache) -> Any:
    """Text features; hashed features are recomputed (cheap), dense embeddings are cached."""
    texts = [obj.text or "" for obj in objects]
    if embedder.config.get("name") == "hashing":
        return embedder.embed(texts)
    missing = [i for i, o in enumerate(objects) if cache.get(job_id, o.dataset_object_id) is None]
    if missing:
        vectors = np.asarray(embedder.embed([texts[i] for i in missing]), dtype=np.float32)
        for row, i in enumerate(missing):
            cache.put(job_id, objects[i].dataset_object_id, (vectors[row], None))
    rows = []
    for o in objects:
        hit = cache.get(job_id, o.dataset_object_id)
        assert hit is not None
        rows.append(hit[0])
    return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
