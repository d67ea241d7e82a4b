"""Automated data labeling: the loop's state, holding and releasing objects, the model registry.

Objects of an automated-labeling job are ingested ``preparing`` (held): workers never see them
until the loop releases them to ``pending``. The loop's state row is updated with
compare-and-set on ``version`` so that two consolidation steps that race cannot both run an
iteration.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opentruth.db.models import DataObject, LabelingJob, ObjectState
from opentruth.db.models_autolabel import ActiveLearningModel, AutolabelLoop
from opentruth.db.types import utcnow
from opentruth.errors import NotFoundError

__all__ = [
    "advance_loop",
    "create_loop",
    "get_loop",
    "get_model",
    "merge_job_output",
    "register_model",
    "release_objects",
]

_CHUNK = 500


def get_loop(session: Session, job_id: int) -> AutolabelLoop | None:
    """The job's loop state, or None before the loop started."""
    return session.get(AutolabelLoop, job_id)


def create_loop(
    session: Session,
    job_id: int,
    *,
    validation: Sequence[int],
    first_sample: Sequence[int],
    initial_model_arn: str | None,
    now: datetime | None = None,
) -> AutolabelLoop:
    """Start the loop: iteration 0, waiting for the first human sample."""
    loop = AutolabelLoop(
        job_id=job_id,
        iteration=0,
        phase="human",
        validation=list(validation),
        first_sample=list(first_sample),
        initial_model_arn=initial_model_arn,
        history=[],
        version=1,
        updated_at=now or utcnow(),
    )
    session.add(loop)
    session.flush()
    return loop


def advance_loop(
    session: Session,
    job_id: int,
    version: int,
    *,
    iteration: int,
    phase: str,
    summary: dict[str, Any] | None,
    now: datetime | None = None,
) -> bool:
    """Compare-and-set: record an iteration when the row is still at ``version``.

    Returns False when another step got there first (the caller must roll back its changes).
    """
    loop = session.get(AutolabelLoop, job_id, populate_existing=True)
    if loop is None or loop.version != version:
        return False
    result = session.execute(
        update(AutolabelLoop)
        .where(AutolabelLoop.job_id == job_id, AutolabelLoop.version == version)
        .values(
            iteration=iteration,
            phase=phase,
            history=[*loop.history, *([summary] if summary else [])],
            version=version + 1,
            updated_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def release_objects(
    session: Session, job_id: int, dataset_object_ids: Sequence[int], *, now: datetime | None = None
) -> int:
    """Move held (``preparing``) objects to ``pending`` so workers get them; return how many."""
    now = now or utcnow()
    moved = 0
    ids = list(dataset_object_ids)
    for start in range(0, len(ids), _CHUNK):
        result = session.execute(
            update(DataObject)
            .where(
                DataObject.job_id == job_id,
                DataObject.dataset_object_id.in_(ids[start : start + _CHUNK]),
                DataObject.state == ObjectState.PREPARING.value,
            )
            .values(state=ObjectState.PENDING.value, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        moved += int(getattr(result, "rowcount", 0) or 0)
    return moved


def merge_job_output(
    session: Session, job_id: int, extra: dict[str, Any], *, now: datetime | None = None
) -> None:
    """Add members to ``LabelingJobOutput`` (keeping those already there)."""
    job = session.get(LabelingJob, job_id, populate_existing=True)
    if job is None:
        raise NotFoundError(f"labeling job {job_id} does not exist")
    session.execute(
        update(LabelingJob)
        .where(LabelingJob.id == job_id)
        .values(
            output={**(job.output or {}), **extra},
            last_modified_at=now or utcnow(),
            version=LabelingJob.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def register_model(
    session: Session,
    *,
    account_id: str,
    name: str,
    arn: str,
    algorithm: str,
    labels: Sequence[str],
    artifact_uri: str,
    job_name: str,
    role_arn: str,
    now: datetime | None = None,
) -> ActiveLearningModel:
    """Record a model (idempotent by name: a re-run of the final step updates the row)."""
    found = session.scalar(
        select(ActiveLearningModel).where(
            ActiveLearningModel.account_id == account_id, ActiveLearningModel.name == name
        )
    )
    if found is None:
        found = ActiveLearningModel(account_id=account_id, name=name, arn=arn)
        session.add(found)
    found.algorithm = algorithm
    found.labels = list(labels)
    found.artifact_uri = artifact_uri
    found.job_name = job_name
    found.role_arn = role_arn
    found.created_at = now or utcnow()
    session.flush()
    return found


def get_model(session: Session, arn: str, *, account_id: str) -> ActiveLearningModel:
    """The model with this ARN in the account; :class:`NotFoundError` naming it otherwise."""
    found = session.scalar(
        select(ActiveLearningModel).where(
            ActiveLearningModel.arn == arn, ActiveLearningModel.account_id == account_id
        )
    )
    if found is None:
        raise NotFoundError(
            f"model {arn} does not exist; use the FinalActiveLearningModelArn of an earlier job "
            "with automated data labeling"
        )
    return found
