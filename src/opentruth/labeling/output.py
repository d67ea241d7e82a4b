"""Ground Truth's output formats: the S3 layout, output-manifest lines, worker-response files.

Every builder returns plain JSON-ready dicts in exactly the shapes of the developer guide's
"Output Data" page (checked in the tests against the shared JSON schemas).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def _join(prefix: str, *parts: str) -> str:
    return prefix.rstrip("/") + "/" + "/".join(p.strip("/") for p in parts)


@dataclass(frozen=True, slots=True)
class OutputLayout:
    """Paths under ``<S3OutputPath>/<job name>/`` (``s3://`` URIs)."""

    output_path: str
    job_name: str

    @property
    def root(self) -> str:
        return _join(self.output_path, self.job_name)

    @property
    def output_manifest(self) -> str:
        """``LabelingJobOutput.OutputDatasetS3Uri``."""
        return _join(self.root, "manifests/output/output.manifest")

    def intermediate_manifest(self, iteration: int) -> str:
        return _join(self.root, f"manifests/intermediate/{iteration}/output.manifest")

    def worker_response(self, iteration: int, object_id: str, at: datetime, suffix: str = "") -> str:
        """One file per submission. ``suffix`` keeps two submissions in one second apart."""
        return _join(
            self.root,
            f"annotations/worker-response/iteration-{iteration}/{object_id}/{stamp(at)}{suffix}.json",
        )

    def consolidation_request(self, iteration: int, at: datetime) -> str:
        return _join(
            self.root,
            f"annotations/consolidated-annotation/consolidation-request/iteration-{iteration}/{stamp(at)}.json",
        )

    def consolidation_response(self, iteration: int, at: datetime) -> str:
        return _join(
            self.root,
            f"annotations/consolidated-annotation/consolidation-response/iteration-{iteration}/{stamp(at)}.json",
        )

    def consolidated_mask(self, object_id: str, created: str) -> str:
        return _join(self.root, f"annotations/consolidated-annotation/output/{object_id}_{created}.png")

    def folder(self, name: str) -> str:
        """``activelearning``, ``training`` or ``inference`` (automated labeling)."""
        return _join(self.root, name) + "/"


def stamp(at: datetime) -> str:
    """File-name timestamp: ``YYYY-MM-DD_HH:MM:SS`` in UTC."""
    return at.astimezone(UTC).strftime("%Y-%m-%d_%H:%M:%S")


def creation_date(at: datetime) -> str:
    """Metadata timestamp: ``YYYY-MM-DDTHH:MM:SS.ffffff``, UTC, no zone."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def iso_millis(at: datetime) -> str:
    """Worker-response timestamp: ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    return (
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.astimezone(UTC).microsecond // 1000:03d}Z"
    )


def _conf(value: float) -> float:
    return round(float(value), 2)


def _meta(job_name: str, kind: str, at: datetime, human: bool, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "type": kind,
        "job-name": f"labeling-job/{job_name}",
        "human-annotated": "yes" if human else "no",
        "creation-date": creation_date(at),
    }


def with_label(line: Mapping[str, Any], attr: str, label: Any, metadata: dict[str, Any]) -> dict[str, Any]:
    """The input line plus ``<attr>`` and ``<attr>-metadata``; every other key passes through."""
    out = dict(line)
    out[attr] = label
    out[f"{attr}-metadata"] = metadata
    return out


def single_label(
    labels: Sequence[str],
    index: int,
    confidence: float,
    *,
    job_name: str,
    kind: str,
    at: datetime,
    human: bool = True,
) -> tuple[int, dict[str, Any]]:
    """Image/text classification: the label is the class index; metadata names the class."""
    meta = _meta(job_name, kind, at, human, **{"class-name": labels[index], "confidence": _conf(confidence)})
    return index, meta


def multi_label(
    labels: Sequence[str],
    chosen: Mapping[int, float],
    *,
    job_name: str,
    kind: str,
    at: datetime,
    human: bool = True,
) -> tuple[list[int], dict[str, Any]]:
    """Multi-label classification: a list of class indices with a class map and a confidence map."""
    indices = sorted(chosen)
    meta = _meta(
        job_name,
        kind,
        at,
        human,
        **{
            "class-map": {str(i): labels[i] for i in indices},
            "confidence-map": {str(i): _conf(chosen[i]) for i in indices},
        },
    )
    return indices, meta


@dataclass(frozen=True, slots=True)
class Box:
    """A consolidated box, in pixels, with its class index and confidence."""

    class_id: int
    left: int
    top: int
    width: int
    height: int
    confidence: float


def bounding_boxes(
    labels: Sequence[str],
    boxes: Sequence[Box],
    image_size: tuple[int, int, int],
    *,
    job_name: str,
    at: datetime,
    human: bool = True,
    adjustment_status: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Object detection: ``image_size`` is (width, height, depth); confidence is per box."""
    width, height, depth = image_size
    label = {
        "image_size": [{"width": width, "height": height, "depth": depth}],
        "annotations": [
            {"class_id": b.class_id, "left": b.left, "top": b.top, "width": b.width, "height": b.height}
            for b in boxes
        ],
    }
    used = sorted({b.class_id for b in boxes})
    extra: dict[str, Any] = {
        "objects": [{"confidence": _conf(b.confidence)} for b in boxes],
        "class-map": {str(i): labels[i] for i in used},
    }
    if adjustment_status is not None:
        extra["adjustment-status"] = adjustment_status
    return label, _meta(job_name, "groundtruth/object-detection", at, human, **extra)


def semantic_segmentation(
    labels: Sequence[str],
    mask_uri: str,
    colors: Mapping[int, str],
    confidence: float,
    *,
    job_name: str,
    at: datetime,
    human: bool = True,
) -> tuple[str, dict[str, Any]]:
    """The label is the S3 URI of the PNG mask; confidence is per image, the same for each class.

    Class 0 is BACKGROUND, and class ``i`` is ``labels[i - 1]``.
    """
    names = ["BACKGROUND", *labels]
    cmap = {
        str(i): {"class-name": names[i], "confidence": _conf(confidence), "hex-color": colors[i]}
        for i in sorted(colors)
    }
    return mask_uri, _meta(
        job_name, "groundtruth/semantic-segmentation", at, human, **{"internal-color-map": cmap}
    )


def entities(
    labels: Sequence[str],
    short_names: Mapping[str, str],
    spans: Sequence[tuple[str, int, int, float]],
    *,
    job_name: str,
    at: datetime,
    human: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """NER: spans are (label, startOffset, endOffset, confidence), offsets in code points."""
    label_list = [
        {"label": name, **({"shortDisplayName": short_names[name]} if name in short_names else {})}
        for name in labels
    ]
    label = {
        "annotations": {
            "labels": label_list,
            "entities": [{"label": lab, "startOffset": s, "endOffset": e} for lab, s, e, _ in spans],
        }
    }
    meta = _meta(
        job_name, "groundtruth/text-span", at, human, entities=[{"confidence": _conf(c)} for *_, c in spans]
    )
    return label, meta


def custom(
    content: Any, *, job_name: str, at: datetime, worker_response_ref: str | None = None
) -> tuple[Any, dict[str, Any]]:
    """Custom workflows: the label is what the post-annotation function returned, or ``{}``
    with ``worker-response-ref`` when the job has no post-annotation function."""
    extra = {"worker-response-ref": worker_response_ref} if worker_response_ref else {}
    meta = _meta(job_name, "groundtruth/custom", at, True, **extra)
    return ({} if content is None else content), meta


def worker_response(
    worker_id: str,
    answer_content: Mapping[str, Any],
    accepted: datetime,
    submitted: datetime,
    *,
    issuer: str,
    sub: str,
) -> dict[str, Any]:
    """The worker-response file of one submission (a private OIDC workforce)."""
    return {
        "answers": [
            {
                "acceptanceTime": iso_millis(accepted),
                "answerContent": dict(answer_content),
                "submissionTime": iso_millis(submitted),
                "timeSpentInSeconds": round(max((submitted - accepted).total_seconds(), 0.0), 3),
                "workerId": worker_id,
                "workerMetadata": {
                    "identityData": {"identityProviderType": "Oidc", "issuer": issuer, "sub": sub}
                },
            }
        ]
    }
