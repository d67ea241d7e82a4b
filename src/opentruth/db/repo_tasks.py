"""Leasing data objects to workers: lease, submit, decline, release, and lease expiry.

This module leases; a worker's actions on a lease are in :mod:`opentruth.db.repo_task_outcomes`
and lease expiry in :mod:`opentruth.db.repo_lease_expiry`. All their names are importable from here.

The rules this module keeps, whatever the number of threads or processes:

* A data object gets at most ``NumberOfHumanWorkersPerDataObject`` (N) workers: an object is
  offered only while ``submitted + declined + leased < N``. A decline uses up a slot (Ground
  Truth counts it, and an object that all N workers decline expires); a release or an expired
  lease gives the slot back.
* No worker ever gets two assignments of the same object: the (object, worker) pair is unique
  in the table, so even a bug elsewhere cannot break it. A worker who released a task, or let
  its lease run out, is not offered that object again.
* At most ``MaxConcurrentTaskCount`` objects are out (``in_progress``) at once.
* A worker holds at most one unexpired lease per job; asking for the next task again returns it.
* Counters (per object and the job's LabelCounters) change in the same transaction as the
  state they count, with ``x = x + 1`` updates, so none is lost or counted twice.

On PostgreSQL, picks use ``FOR UPDATE SKIP LOCKED`` so concurrent workers take different
objects without waiting; on SQLite writers are serialised (see :mod:`opentruth.db.repository`).
Functions take ``now`` so that tests and the reconciler can reason about time without sleeping.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import (
    Assignment,
    AssignmentState,
    DataObject,
    JobStatus,
    LabelingJob,
    ObjectState,
    Worker,
)
from opentruth.db.repo_lease_expiry import (
    ExpiredObjects,
    end_leases,
    expire_leases,
    expire_unavailable_objects,
    revoke_job_leases,
)
from opentruth.db.repo_task_outcomes import (
    AnswerCheck,
    TaskOutcome,
    decline_task,
    get_assignment,
    release_task,
    submit_task,
)
from opentruth.db.repository import for_update, is_postgresql
from opentruth.db.types import utcnow
from opentruth.errors import NotFoundError

__all__ = [
    "AnswerCheck",
    "ExpiredObjects",
    "TaskLease",
    "TaskOutcome",
    "available_task_count",
    "decline_task",
    "end_leases",
    "expire_leases",
    "expire_unavailable_objects",
    "get_assignment",
    "lease_next_task",
    "release_task",
    "revoke_job_leases",
    "submit_task",
]


_OBJECTS = cast(Table, DataObject.__table__)


# --------------------------------------------------------------------------------------------
# Leasing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLease:
    """A task handed to a worker: what the worker API's ``tasks/next`` returns."""

    task_id: str
    job_id: int
    object_id: int
    dataset_object_id: int
    source: str
    task_input: dict[str, Any] | None
    lease_expires_at: datetime
    #: True when this is the worker's existing lease, returned again.
    resumed: bool


def _lease_of(row: Any, task_id: str, job_id: int, expires: datetime, *, resumed: bool) -> TaskLease:
    """A :class:`TaskLease` from an object row ``(id, dataset_object_id, source, task_input)``."""
    return TaskLease(
        task_id=task_id,
        job_id=job_id,
        object_id=row[0],
        dataset_object_id=row[1],
        source=row[2],
        task_input=row[3],
        lease_expires_at=expires,
        resumed=resumed,
    )


@dataclass(frozen=True, slots=True)
class _Limits:
    """The columns of a job that leasing reads (not the whole row: its request is big JSON)."""

    id: int
    status: str
    workers_per_object: int
    task_time_limit_seconds: int
    task_availability_lifetime_seconds: int
    max_concurrent_task_count: int


# The hot statements are built once, with bind parameters: building SQLAlchemy expressions
# costs more than running these queries, and prebuilt ones also hit the compiled-SQL cache.
_LIMITS = select(
    LabelingJob.status,
    LabelingJob.workers_per_object,
    LabelingJob.task_time_limit_seconds,
    LabelingJob.task_availability_lifetime_seconds,
    LabelingJob.max_concurrent_task_count,
).where(LabelingJob.id == bindparam("job_id"))

_OBJECT_COLUMNS = (DataObject.id, DataObject.dataset_object_id, DataObject.source, DataObject.task_input)

_CURRENT_LEASE = (
    select(Assignment.task_id, Assignment.lease_expires_at, *_OBJECT_COLUMNS)
    .join(DataObject, DataObject.id == Assignment.object_id)
    .where(
        Assignment.job_id == bindparam("job_id"),
        Assignment.worker_id == bindparam("worker_id"),
        Assignment.state == AssignmentState.LEASED.value,
        Assignment.lease_expires_at > bindparam("now"),
    )
    .limit(1)
)

# An object out with a free slot that this worker never had, first in dataset order.
_OPEN_OBJECT = (
    select(*_OBJECT_COLUMNS)
    .where(
        DataObject.job_id == bindparam("job_id"),
        DataObject.state == ObjectState.IN_PROGRESS.value,
        DataObject.available_until > bindparam("now"),
        DataObject.submitted_count + DataObject.declined_count + DataObject.leased_count
        < bindparam("per_object"),
        ~exists().where(
            Assignment.object_id == DataObject.id, Assignment.worker_id == bindparam("worker_id")
        ),
    )
    .order_by(DataObject.dataset_object_id)
    .limit(1)
)

_OUT_COUNT = (
    select(func.count())
    .select_from(DataObject)
    .where(DataObject.job_id == bindparam("job_id"), DataObject.state == ObjectState.IN_PROGRESS.value)
)

_NEXT_PENDING = (
    select(*_OBJECT_COLUMNS)
    .where(DataObject.job_id == bindparam("job_id"), DataObject.state == ObjectState.PENDING.value)
    .order_by(DataObject.dataset_object_id)
    .limit(1)
)

_ASSIGNMENTS = cast(Table, Assignment.__table__)
_INSERT_ASSIGNMENT = insert(_ASSIGNMENTS)
# Bind names differ from column names: SQLAlchemy reserves a column's name in its UPDATE.
_LEASE_OBJECT = (
    update(_OBJECTS)
    .where(_OBJECTS.c.id == bindparam("oid"))
    .values(leased_count=_OBJECTS.c.leased_count + 1, updated_at=bindparam("at"))
)
_SEND_OUT_OBJECT = _LEASE_OBJECT.values(
    state=ObjectState.IN_PROGRESS.value, available_until=bindparam("until")
)

_WORKER_LOCK = select(Worker.id).where(Worker.id == bindparam("worker_id"))
_JOB_LOCK = select(LabelingJob.id).where(LabelingJob.id == bindparam("job_id"))


def _limits(conn: Connection, job_id: int) -> _Limits:
    row = conn.execute(_LIMITS, {"job_id": job_id}).first()
    if row is None:
        raise NotFoundError(f"Could not find labeling job with id {job_id}")
    return _Limits(job_id, *row)


def _never_had(worker_id: int) -> Any:
    return ~exists().where(Assignment.object_id == DataObject.id, Assignment.worker_id == worker_id)


def lease_next_task(
    session: Session, job_id: int, worker_id: int, *, now: datetime | None = None
) -> TaskLease | None:
    """Lease the next task of an ``InProgress`` job to a worker, or return None if there is none.

    Picks, in dataset-object-id order, an object already out that still has a free slot and
    that this worker never had; failing that, sends the next ``pending`` object out if fewer
    than MaxConcurrentTaskCount are out. The lease ends ``TaskTimeLimitInSeconds`` from now.

    None means "nothing for this worker right now". Under heavy contention on PostgreSQL it
    can be momentary (an object held by another worker's unfinished transaction), so clients
    decide whether to ask again from :func:`available_task_count`, as the worker UI does.
    """
    now = now or utcnow()
    # Core statements on the transaction's connection: the ORM session's execute costs more
    # than these small statements themselves, and nothing here needs the identity map.
    conn = session.connection()
    job = _limits(conn, job_id)
    if job.status != JobStatus.IN_PROGRESS:
        return None
    pg = is_postgresql(conn)
    if pg:
        # Serialise this worker's own requests (two browser tabs, a retried call), so the check
        # for an existing lease below cannot race with itself. (SQLite's writers are already
        # serialised by BEGIN IMMEDIATE, so there the lock would only cost a query.)
        conn.execute(for_update(conn, _WORKER_LOCK), {"worker_id": worker_id})
    current = conn.execute(_CURRENT_LEASE, {"job_id": job_id, "worker_id": worker_id, "now": now}).first()
    if current is not None:
        return _lease_of(current[2:], current[0], job_id, current[1], resumed=True)

    # SKIP LOCKED lets concurrent workers take different objects without waiting. But a row
    # skipped because another transaction holds it may still have a free slot once that one
    # commits (N > 1, or a release), so before answering "nothing left" look again, waiting
    # for the locks this time. Only then send a new object out: that takes the job lock, and
    # waiting on an object while holding it could deadlock with a submit. On SQLite nothing
    # else can write during this transaction, so one look is enough.
    sent_out = False
    obj = _pick_open_object(conn, job, worker_id, now, skip_locked=True)
    if obj is None and pg:
        obj = _pick_open_object(conn, job, worker_id, now, skip_locked=False)
    if obj is None:
        picked = _send_out_next_object(conn, job, worker_id, now, pg=pg)
        if picked is None:
            return None
        obj, sent_out = picked
    task_id = str(uuid.uuid4())
    expires = now + timedelta(seconds=job.task_time_limit_seconds)
    conn.execute(
        _INSERT_ASSIGNMENT,
        {
            "task_id": task_id,
            "job_id": job_id,
            "object_id": obj[0],
            "worker_id": worker_id,
            "state": AssignmentState.LEASED.value,
            "leased_at": now,
            "lease_expires_at": expires,
            "answer": None,
            "submitted_at": None,
            "finished_at": None,
        },
    )
    if sent_out:
        until = now + timedelta(seconds=job.task_availability_lifetime_seconds)
        conn.execute(_SEND_OUT_OBJECT, {"oid": obj[0], "at": now, "until": until})
    else:
        conn.execute(_LEASE_OBJECT, {"oid": obj[0], "at": now})
    return _lease_of(obj, task_id, job_id, expires, resumed=False)


def _pick_open_object(
    conn: Connection, job: _Limits, worker_id: int, now: datetime, *, skip_locked: bool
) -> Any:
    """Lock and return the first object out with a free slot that the worker never had, as a
    row ``(id, dataset_object_id, source, task_input)``; None when there is none."""
    return conn.execute(
        for_update(conn, _OPEN_OBJECT, skip_locked=skip_locked),
        {"job_id": job.id, "now": now, "per_object": job.workers_per_object, "worker_id": worker_id},
    ).first()


def _send_out_next_object(
    conn: Connection, job: _Limits, worker_id: int, now: datetime, *, pg: bool
) -> tuple[Any, bool] | None:
    """The object to lease when none out has a free slot: ``(row, True)`` for the next pending
    object (the caller marks it out), ``(row, False)`` for one another worker just sent out."""
    if pg:
        # Lock the job row while counting: otherwise two processes could each see one free
        # place under MaxConcurrentTaskCount and both send an object out.
        conn.execute(for_update(conn, _JOB_LOCK), {"job_id": job.id})
        # Waiting for the job lock may have meant waiting for another worker that just sent
        # an object out; it has free slots (N > 1) that the earlier picks could not see yet.
        just_out = _pick_open_object(conn, job, worker_id, now, skip_locked=True)
        if just_out is not None:
            return just_out, False
    out = conn.scalar(_OUT_COUNT, {"job_id": job.id})
    if int(out or 0) >= job.max_concurrent_task_count:
        return None
    row = conn.execute(for_update(conn, _NEXT_PENDING, skip_locked=True), {"job_id": job.id}).first()
    return None if row is None else (row, True)


def available_task_count(
    session: Session, job_id: int, worker_id: int, *, now: datetime | None = None
) -> int:
    """How many tasks this worker could still get from the job (``availableTasks``).

    Objects out with a free slot that the worker never had, plus pending objects; a pending
    object needs a free place under MaxConcurrentTaskCount, but a place frees up each time an
    object is finished, so all of them are counted.
    """
    now = now or utcnow()
    job = _limits(session.connection(), job_id)
    if job.status != JobStatus.IN_PROGRESS:
        return 0
    open_out = session.scalar(
        select(func.count())
        .select_from(DataObject)
        .where(
            DataObject.job_id == job_id,
            DataObject.state == ObjectState.IN_PROGRESS.value,
            DataObject.available_until > now,
            DataObject.submitted_count + DataObject.declined_count + DataObject.leased_count
            < job.workers_per_object,
            _never_had(worker_id),
        )
    )
    pending = session.scalar(
        select(func.count())
        .select_from(DataObject)
        .where(DataObject.job_id == job_id, DataObject.state == ObjectState.PENDING.value)
    )
    return int(open_out or 0) + int(pending or 0)
