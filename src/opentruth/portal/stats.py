"""The numbers of the job dashboard, read from the database (and the job's log stream).

- progress: Ground Truth's LabelCounters plus the objects still to do;
- completions over time: when each object got its consolidated label;
- the class distribution: counted from the output lines of consolidated objects;
- per worker: tasks submitted and declined, the median time per task (lease to submit), and
  the agreement with the consolidated label (classification types; other types have none);
- the job's log events, and among them the access-denied ones.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.cloud.logs import LogResourceNotFound
from opentruth.db import repo_objects
from opentruth.db.models import Assignment, AssignmentState, DataObject, LabelingJob, ObjectState, Worker
from opentruth.errors import ValidationError
from opentruth.labeling.answers import AnswerKind, find_answer
from opentruth.labeling.joblog import LOG_GROUP
from opentruth.labeling.resources import Resources


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a job's objects are."""

    total: int
    labeled: int
    human: int
    machine: int
    failed: int
    remaining: int


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """One worker's statistics on one job."""

    worker: str
    submitted: int
    declined: int
    median_seconds: float | None
    agreement: float | None  # share of compared answers equal to the consolidated label
    compared: int


@dataclass(frozen=True, slots=True)
class LogLine:
    """One event of the job's log stream."""

    at: datetime
    message: str
    denied: bool


def progress(s: Session, job: LabelingJob) -> Progress:
    """The job's counters and what is left."""
    by_state = repo_objects.count_objects_by_state(s, job.id)
    total = sum(by_state.values())
    failed = job.failed_non_retryable
    labeled = job.total_labeled
    return Progress(
        total=total,
        labeled=labeled,
        human=job.human_labeled,
        machine=job.machine_labeled,
        failed=failed,
        remaining=max(0, total - labeled - failed),
    )


def completions(s: Session, job: LabelingJob) -> list[datetime]:
    """When each consolidated object got its label, oldest first."""
    return sorted(
        s.scalars(
            select(DataObject.updated_at).where(
                DataObject.job_id == job.id, DataObject.state == ObjectState.CONSOLIDATED.value
            )
        )
    )


def _output_lines(s: Session, job: LabelingJob) -> list[dict[str, Any]]:
    rows = s.scalars(
        select(DataObject.output_line).where(
            DataObject.job_id == job.id,
            DataObject.state == ObjectState.CONSOLIDATED.value,
            DataObject.output_line.is_not(None),
        )
    )
    out = []
    for text in rows:
        try:
            line = json.loads(text or "")
        except ValueError:
            continue
        if isinstance(line, dict):
            out.append(line)
    return out


def classes_of_line(line: dict[str, Any], attribute: str) -> list[str]:
    """The class names an output line gives, by the shapes of Ground Truth's built-in types."""
    meta = line.get(f"{attribute}-metadata") or line.get(f"{attribute}-ref-metadata") or {}
    label = line.get(attribute)
    if not isinstance(meta, dict):
        return []
    if "class-name" in meta:  # single-label classification, verification
        return [str(meta["class-name"])]
    class_map = meta.get("class-map")
    if isinstance(class_map, dict):
        if isinstance(label, list):  # multi-label: the ids chosen
            return [str(class_map.get(str(i), i)) for i in label]
        if isinstance(label, dict) and isinstance(label.get("annotations"), list):  # boxes
            ids = [a.get("class_id") for a in label["annotations"] if isinstance(a, dict)]
            return [str(class_map.get(str(i), i)) for i in ids]
    if isinstance(label, dict):  # named entities
        annotations = label.get("annotations")
        if isinstance(annotations, dict) and isinstance(annotations.get("entities"), list):
            return [str(e.get("label")) for e in annotations["entities"] if isinstance(e, dict)]
    color_map = meta.get("internal-color-map")
    if isinstance(color_map, dict):  # segmentation: the classes of the mask, not the background
        names = [str(v.get("class-name")) for v in color_map.values() if isinstance(v, dict)]
        return [n for n in names if n.upper() != "BACKGROUND"]
    return []


def class_distribution(s: Session, job: LabelingJob) -> Counter[str]:
    """How often each class appears in the consolidated labels."""
    attribute = job.request["LabelAttributeName"]
    counts: Counter[str] = Counter()
    for line in _output_lines(s, job):
        counts.update(classes_of_line(line, attribute))
    return counts


def _consensus(line: dict[str, Any], attribute: str) -> tuple[AnswerKind, object] | None:
    """The consolidated label in the form a worker's answer has, for classification types."""
    meta = line.get(f"{attribute}-metadata")
    if not isinstance(meta, dict):
        return None
    if "class-name" in meta:
        return AnswerKind.LABEL, str(meta["class-name"])
    label, class_map = line.get(attribute), meta.get("class-map")
    if isinstance(label, list) and isinstance(class_map, dict):
        return AnswerKind.LABELS, frozenset(str(class_map.get(str(i), i)) for i in label)
    return None


def _agrees(answer: object, kind: AnswerKind, consensus: object) -> bool | None:
    try:
        found = find_answer(answer, kind).value
    except ValidationError:
        return None
    if kind is AnswerKind.LABEL:
        return str(found.get("label")) == consensus
    labels = found.get("labels")
    return isinstance(labels, list) and frozenset(str(x) for x in labels) == consensus


def worker_stats(s: Session, job: LabelingJob) -> list[WorkerRow]:
    """Per worker: submitted, declined, median seconds per task, agreement with the consensus."""
    attribute = job.request["LabelAttributeName"]
    rows = s.execute(
        select(Assignment, Worker.username, DataObject.output_line)
        .join(Worker, Worker.id == Assignment.worker_id)
        .join(DataObject, DataObject.id == Assignment.object_id)
        .where(
            Assignment.job_id == job.id,
            Assignment.state.in_([AssignmentState.SUBMITTED.value, AssignmentState.DECLINED.value]),
        )
    )
    acc: dict[str, dict[str, Any]] = {}
    for assignment, username, output_line in rows:
        entry = acc.setdefault(
            username, {"submitted": 0, "declined": 0, "times": [], "agree": 0, "compared": 0}
        )
        if assignment.state == AssignmentState.DECLINED.value:
            entry["declined"] += 1
            continue
        entry["submitted"] += 1
        if assignment.submitted_at is not None:
            entry["times"].append((assignment.submitted_at - assignment.leased_at).total_seconds())
        if not output_line:
            continue
        try:
            consensus = _consensus(json.loads(output_line), attribute)
        except ValueError:
            consensus = None
        if consensus is None:
            continue
        agreed = _agrees(assignment.answer, *consensus)
        if agreed is not None:
            entry["compared"] += 1
            entry["agree"] += int(agreed)
    return [
        WorkerRow(
            worker=name,
            submitted=e["submitted"],
            declined=e["declined"],
            median_seconds=statistics.median(e["times"]) if e["times"] else None,
            agreement=(e["agree"] / e["compared"]) if e["compared"] else None,
            compared=e["compared"],
        )
        for name, e in sorted(acc.items())
    ]


def job_log(res: Resources, job_name: str, limit: int = 500) -> list[LogLine]:
    """The job's log stream (``/aws/sagemaker/LabelingJobs``, stream = job name), newest last."""
    try:
        events = res.logs.get_log_events(LOG_GROUP, job_name)
    except LogResourceNotFound:
        return []
    lines = []
    for event in events[-limit:]:
        lines.append(
            LogLine(
                at=datetime.fromtimestamp(event.timestamp / 1000, tz=res.clock().tzinfo),
                message=event.message,
                denied=_is_denial(event.message),
            )
        )
    return lines


def _is_denial(message: str) -> bool:
    try:
        body = json.loads(message)
    except ValueError:
        return "accessDenied" in message
    return isinstance(body, dict) and "accessDenied" in body
