"""The reconciler's side of leasing: leases that run out and objects whose availability ends.

See :mod:`opentruth.db.repo_tasks` for the rules these keep (a slot goes back to the pool when its
lease ends; the worker who let it run out is not offered the object again).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import (
    Assignment,
    AssignmentState,
    DataObject,
    ObjectState,
)
from opentruth.db.repo_jobs import add_label_counts
from opentruth.db.repository import for_update
from opentruth.db.types import utcnow

_OBJECTS = cast(Table, DataObject.__table__)
_ASSIGNMENTS = cast(Table, Assignment.__table__)


def end_leases(session: Session, where: Sequence[Any], now: datetime) -> int:
    """Expire the leased assignments matching ``where`` (SQL conditions) and give their slots back."""
    object_ids = session.scalars(
        update(Assignment)
        .where(Assignment.state == AssignmentState.LEASED.value, *where)
        .values(state=AssignmentState.EXPIRED.value, finished_at=now)
        .returning(Assignment.object_id)
        .execution_options(synchronize_session=False)
    ).all()
    per_object = Counter(object_ids)
    if per_object:
        # Objects in id order: concurrent reconcilers then lock rows in the same order.
        session.execute(
            update(_OBJECTS)
            .where(_OBJECTS.c.id == bindparam("oid"))
            .values(leased_count=_OBJECTS.c.leased_count - bindparam("n"), updated_at=now),
            [{"oid": oid, "n": n} for oid, n in sorted(per_object.items())],
        )
    return len(object_ids)


def expire_leases(session: Session, *, now: datetime | None = None, job_id: int | None = None) -> int:
    """Expire every lease past its deadline (of one job, or of all); return how many.

    Their slots go back to the pool. The worker who let a lease run out is not offered that
    object again. This is the reconciler's job; run it every few seconds.
    """
    now = now or utcnow()
    where: list[Any] = [Assignment.lease_expires_at <= now]
    if job_id is not None:
        where.append(Assignment.job_id == job_id)
    return end_leases(session, where, now)


def revoke_job_leases(session: Session, job_id: int, *, now: datetime | None = None) -> int:
    """Expire every open lease of a job (when it stops or fails); return how many."""
    return end_leases(session, [Assignment.job_id == job_id], now or utcnow())


@dataclass(frozen=True)
class ExpiredObjects:
    """What :func:`expire_unavailable_objects` did: dataset object ids by new state."""

    annotated: list[int]
    expired: list[int]


def expire_unavailable_objects(
    session: Session, job_id: int, *, now: datetime | None = None
) -> ExpiredObjects:
    """End the objects whose TaskAvailabilityLifetime ran out.

    As in Ground Truth, an object that got some answers goes to consolidation with what it has
    (``annotated``); one with none expires (counted as FailedNonRetryableError). Open leases on
    those objects end.
    """
    now = now or utcnow()
    rows = session.execute(
        for_update(
            session,
            select(DataObject.id, DataObject.dataset_object_id, DataObject.submitted_count)
            .where(
                DataObject.job_id == job_id,
                DataObject.state == ObjectState.IN_PROGRESS.value,
                DataObject.available_until <= now,
            )
            .order_by(DataObject.id),
        )
    ).all()
    if not rows:
        return ExpiredObjects([], [])
    end_leases(session, [Assignment.object_id.in_([r[0] for r in rows])], now)
    annotated = [r for r in rows if r[2] > 0]
    expired = [r for r in rows if r[2] == 0]
    for ids, state in ((annotated, ObjectState.ANNOTATED), (expired, ObjectState.EXPIRED)):
        if ids:
            session.execute(
                update(_OBJECTS)
                .where(_OBJECTS.c.id.in_([r[0] for r in ids]))
                .values(state=state.value, updated_at=now)
            )
    if expired:
        add_label_counts(session, job_id, failed=len(expired), unlabeled=-len(expired), now=now)
    return ExpiredObjects([r[1] for r in annotated], [r[1] for r in expired])
