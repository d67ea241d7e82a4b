"""A worker's actions on a lease: submit, decline, release (see :mod:`opentruth.db.repo_tasks`).

Each is idempotent: a retried request returns the first outcome and counts once. The object's
counters change in the same statement that frees its slot, so exactly one submitter sees the
last slot filled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import (
    Assignment,
    AssignmentState,
    DataObject,
    LabelingJob,
    ObjectState,
)
from opentruth.db.repo_jobs import add_label_counts
from opentruth.db.repository import LeaseExpiredError, for_update
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError

_OBJECTS = cast(Table, DataObject.__table__)
_ASSIGNMENTS = cast(Table, Assignment.__table__)


@dataclass(frozen=True)
class TaskOutcome:
    """The result of a submit, decline or release."""

    task_id: str
    job_id: int
    dataset_object_id: int
    state: str
    #: True when the same action had already been recorded (a retried request).
    duplicate: bool
    #: The object's state afterwards; ``annotated`` means it is ready to consolidate.
    object_state: str


@dataclass(frozen=True, slots=True)
class _Held:
    """A locked assignment, with its object's task input (what a submit is checked against)."""

    id: int
    task_id: str
    job_id: int
    object_id: int
    state: str
    lease_expires_at: datetime
    task_input: dict[str, Any] | None
    workers_per_object: int


_HELD = (
    select(
        Assignment.id,
        Assignment.task_id,
        Assignment.job_id,
        Assignment.object_id,
        Assignment.state,
        Assignment.lease_expires_at,
        DataObject.task_input,
        LabelingJob.workers_per_object,
        Assignment.worker_id,
    )
    .join(DataObject, DataObject.id == Assignment.object_id)
    .join(LabelingJob, LabelingJob.id == Assignment.job_id)
    .where(Assignment.task_id == bindparam("task_id"))
)
_CLOSE_ASSIGNMENT = (
    update(_ASSIGNMENTS)
    .where(_ASSIGNMENTS.c.id == bindparam("aid"))
    .values(state=bindparam("new_state"), finished_at=bindparam("at"))
)
_SUBMIT_ASSIGNMENT = _CLOSE_ASSIGNMENT.values(answer=bindparam("given"), submitted_at=bindparam("at"))
# UPDATE ... RETURNING takes the row lock and returns the counts after every earlier
# concurrent submit, so exactly one submitter sees the last slot filled. The same statement
# ends the object when that slot was the last: ``annotated`` with at least one answer,
# ``expired`` when every worker declined (SET expressions read the row as it was before).
_RETURNED = (_OBJECTS.c.dataset_object_id, _OBJECTS.c.state)
_FREE_SLOT = (
    update(_OBJECTS)
    .where(_OBJECTS.c.id == bindparam("oid"))
    .values(leased_count=_OBJECTS.c.leased_count - 1, updated_at=bindparam("at"))
    .returning(*_RETURNED)
)


def _use_slot(submitted: int, declined: int) -> Any:
    """``_FREE_SLOT`` that also counts an answer or a decline and ends a full object."""
    c = _OBJECTS.c
    full = and_(
        c.state == ObjectState.IN_PROGRESS.value,
        c.submitted_count + c.declined_count + (submitted + declined) >= bindparam("per_object"),
    )
    ended = case(
        (c.submitted_count + submitted > 0, ObjectState.ANNOTATED.value), else_=ObjectState.EXPIRED.value
    )
    return _FREE_SLOT.values(
        submitted_count=c.submitted_count + submitted,
        declined_count=c.declined_count + declined,
        state=case((full, ended), else_=c.state),
    )


_COUNT_OBJECT = {
    AssignmentState.SUBMITTED: _use_slot(1, 0),
    AssignmentState.DECLINED: _use_slot(0, 1),
    AssignmentState.RELEASED: _FREE_SLOT,
}

#: Checks an answer against its task before anything is written: ``check(job_id, task_input)``.
AnswerCheck = Callable[[int, dict[str, Any] | None], None]


def get_assignment(session: Session, task_id: str, worker_id: int | None = None) -> Assignment:
    """Return the assignment of ``task_id``; with ``worker_id``, only if it is that worker's.

    Another worker's task is reported as not found, so task ids cannot be probed.
    """
    assignment = session.scalar(select(Assignment).where(Assignment.task_id == task_id))
    if assignment is None or (worker_id is not None and assignment.worker_id != worker_id):
        raise NotFoundError(f"Task {task_id} not found")
    return assignment


def _locked_assignment(session: Session, task_id: str, worker_id: int) -> _Held:
    conn = session.connection()
    row = conn.execute(for_update(conn, _HELD, of=Assignment), {"task_id": task_id}).first()
    if row is None or row[8] != worker_id:
        raise NotFoundError(f"Task {task_id} not found")
    return _Held(*row[:8])


def _close_lease(
    session: Session,
    held: _Held,
    action: AssignmentState,
    now: datetime,
    *,
    answer: dict[str, Any] | None = None,
) -> TaskOutcome:
    """Record a submit, decline or release on a leased assignment, idempotently."""
    if held.state == action.value:
        obj_row = session.execute(
            select(DataObject.dataset_object_id, DataObject.state).where(DataObject.id == held.object_id)
        ).one()
        return TaskOutcome(held.task_id, held.job_id, obj_row[0], action.value, True, obj_row[1])
    if held.state != AssignmentState.LEASED.value or held.lease_expires_at <= now:
        if held.state in (AssignmentState.LEASED.value, AssignmentState.EXPIRED.value):
            raise LeaseExpiredError(
                f"Task {held.task_id} expired at {held.lease_expires_at.isoformat()}: ask for the next task"
            )
        raise ConflictError(f"Task {held.task_id} was already {held.state}; ask for the next task")
    conn = session.connection()
    params: dict[str, Any] = {"aid": held.id, "new_state": action.value, "at": now}
    if action is AssignmentState.SUBMITTED:
        conn.execute(_SUBMIT_ASSIGNMENT, {**params, "given": answer})
    else:
        conn.execute(_CLOSE_ASSIGNMENT, params)
    index, state = conn.execute(
        _COUNT_OBJECT[action], {"oid": held.object_id, "at": now, "per_object": held.workers_per_object}
    ).one()
    # A live lease means the object was in progress (whatever ends an object ends its leases
    # first), so an ended state here is the one this statement set.
    if state == ObjectState.EXPIRED.value and action is AssignmentState.DECLINED:
        add_label_counts(session, held.job_id, failed=1, unlabeled=-1, now=now)
    return TaskOutcome(held.task_id, held.job_id, index, action.value, False, state)


def submit_task(
    session: Session,
    task_id: str,
    worker_id: int,
    answer: dict[str, Any],
    *,
    now: datetime | None = None,
    check: AnswerCheck | None = None,
) -> TaskOutcome:
    """Record a worker's answer. A retried submit returns the first outcome and counts once.

    ``check(job_id, task_input)`` runs once the task is found (and locked), before anything is
    written; it raises to refuse the answer. That spares the caller a separate read.

    Raises :class:`LeaseExpiredError` (HTTP 409) when the lease ended before the submit, and
    :class:`NotFoundError` for a task that is not this worker's.
    """
    now = now or utcnow()
    held = _locked_assignment(session, task_id, worker_id)
    if check is not None:
        check(held.job_id, held.task_input)
    return _close_lease(session, held, AssignmentState.SUBMITTED, now, answer=answer)


def decline_task(
    session: Session, task_id: str, worker_id: int, *, now: datetime | None = None
) -> TaskOutcome:
    """Decline a task: it uses up one of the object's worker slots and is counted."""
    now = now or utcnow()
    return _close_lease(
        session, _locked_assignment(session, task_id, worker_id), AssignmentState.DECLINED, now
    )


def release_task(
    session: Session, task_id: str, worker_id: int, *, now: datetime | None = None
) -> TaskOutcome:
    """Give a task back: the slot returns to the pool for another worker; nothing is counted."""
    now = now or utcnow()
    return _close_lease(
        session, _locked_assignment(session, task_id, worker_id), AssignmentState.RELEASED, now
    )
