"""Background work items: the durable half of the task queue.

huey delivers a message at most once: a worker killed mid-task loses it. So a step of a job
(ingest a manifest, consolidate a batch, write the output, ...) is first written here as a
*work item* with an idempotency key, and only then is huey asked to run it, with just the key.
The huey task claims the item (a lease with an owner and a deadline), does the work, and marks
it done. If the process dies, the lease runs out and the reconciler puts the item back in the
queue and kicks huey again. Whether work happens is decided here, never by huey.

Every state change is one conditional ``UPDATE``, so claims are atomic on both databases.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import WorkItem, WorkState
from opentruth.db.repository import for_update, insert_ignoring_conflicts
from opentruth.db.types import utcnow
from opentruth.errors import NotFoundError

__all__ = [
    "claim_next_work",
    "claim_work",
    "complete_work",
    "due_work",
    "enqueue_work",
    "extend_work_lease",
    "fail_work",
    "get_work",
    "requeue_expired_work",
]

_TABLE = cast(Table, WorkItem.__table__)


def enqueue_work(
    session: Session,
    kind: str,
    key: str,
    *,
    payload: dict[str, Any] | None = None,
    job_id: int | None = None,
    not_before: datetime | None = None,
    max_attempts: int = 5,
    now: datetime | None = None,
) -> tuple[WorkItem, bool]:
    """Queue a work item unless one with ``key`` exists; return it and whether it is new.

    The key makes enqueueing idempotent: a step scheduled twice (for instance by a retried
    request and by the reconciler) runs once. A finished item is not queued again.
    """
    now = now or utcnow()
    row = {
        "kind": kind,
        "key": key,
        "job_id": job_id,
        "payload": payload,
        "state": WorkState.QUEUED.value,
        "attempts": 0,
        "max_attempts": max_attempts,
        "not_before": not_before or now,
        "created_at": now,
        "updated_at": now,
    }
    created = insert_ignoring_conflicts(session, _TABLE, [row], conflict_columns=("key",)) == 1
    return get_work(session, key), created


def get_work(session: Session, key: str) -> WorkItem:
    """Return the work item with ``key`` (fresh from the database) or raise NotFoundError."""
    item = session.scalar(
        select(WorkItem).where(WorkItem.key == key).execution_options(populate_existing=True)
    )
    if item is None:
        raise NotFoundError(f"Work item {key} not found")
    return item


def _claimable(now: datetime) -> Any:
    return or_(
        (WorkItem.state == WorkState.QUEUED.value) & (WorkItem.not_before <= now),
        (WorkItem.state == WorkState.LEASED.value) & (WorkItem.lease_expires_at <= now),
    )


def _claim(session: Session, where: Any, owner: str, lease_seconds: float, now: datetime) -> WorkItem | None:
    key = session.scalar(
        update(WorkItem)
        .where(where, _claimable(now))
        .values(
            state=WorkState.LEASED.value,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=WorkItem.attempts + 1,
            updated_at=now,
        )
        .returning(WorkItem.key)
        .execution_options(synchronize_session=False)
    )
    return None if key is None else get_work(session, key)


def claim_work(
    session: Session, key: str, owner: str, *, lease_seconds: float = 300, now: datetime | None = None
) -> WorkItem | None:
    """Claim the item ``key`` for ``owner``; None if it is done, failed, not due, or held.

    This is what a huey task calls first with the key it was given: a duplicate kick finds the
    item already leased (or done) and does nothing. An item whose lease ran out can be claimed
    again, which is how work of a killed process is resumed.
    """
    return _claim(session, WorkItem.key == key, owner, lease_seconds, now or utcnow())


def claim_next_work(
    session: Session,
    owner: str,
    *,
    kinds: list[str] | None = None,
    lease_seconds: float = 300,
    now: datetime | None = None,
) -> WorkItem | None:
    """Claim the oldest due item (of ``kinds``, if given) for a polling runner, or None."""
    now = now or utcnow()
    stmt = select(WorkItem.id).where(_claimable(now)).order_by(WorkItem.not_before, WorkItem.id).limit(1)
    if kinds:
        stmt = stmt.where(WorkItem.kind.in_(kinds))
    item_id = session.scalar(for_update(session, stmt, skip_locked=True))
    if item_id is None:
        return None
    return _claim(session, WorkItem.id == item_id, owner, lease_seconds, now)


def extend_work_lease(
    session: Session, key: str, owner: str, *, lease_seconds: float = 300, now: datetime | None = None
) -> bool:
    """Extend the lease of a long step; False if ``owner`` no longer holds it (stop working)."""
    now = now or utcnow()
    result = session.execute(
        update(WorkItem)
        .where(WorkItem.key == key, WorkItem.state == WorkState.LEASED.value, WorkItem.lease_owner == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def complete_work(session: Session, key: str, owner: str, *, now: datetime | None = None) -> bool:
    """Mark the item done if ``owner`` holds it (or it is already done); else return False.

    False means the lease was lost (it expired and another runner claimed the item): the
    caller's transaction should be rolled back so that only one run's effects are kept.
    """
    now = now or utcnow()
    result = session.execute(
        update(WorkItem)
        .where(WorkItem.key == key, WorkItem.state == WorkState.LEASED.value, WorkItem.lease_owner == owner)
        .values(state=WorkState.DONE.value, lease_expires_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) == 1:
        return True
    return get_work(session, key).state == WorkState.DONE.value


def fail_work(
    session: Session,
    key: str,
    owner: str,
    error: str,
    *,
    retry_in_seconds: float = 5,
    now: datetime | None = None,
) -> WorkState | None:
    """Record a failed attempt: queue the item again after a back-off, or fail it for good.

    Returns the new state, or None if ``owner`` no longer held the item. The back-off doubles
    with each attempt, starting at ``retry_in_seconds``.
    """
    now = now or utcnow()
    item = session.scalar(for_update(session, select(WorkItem).where(WorkItem.key == key)))
    if item is None or item.state != WorkState.LEASED.value or item.lease_owner != owner:
        return None
    item.last_error = error
    item.lease_owner = None
    item.lease_expires_at = None
    item.updated_at = now
    if item.attempts >= item.max_attempts:
        item.state = WorkState.FAILED.value
    else:
        item.state = WorkState.QUEUED.value
        item.not_before = now + timedelta(seconds=retry_in_seconds * 2 ** (item.attempts - 1))
    session.flush()
    return WorkState(item.state)


def requeue_expired_work(session: Session, *, now: datetime | None = None) -> list[str]:
    """Put items whose lease expired back in the queue; return their keys (to kick huey with).

    An item that has used all its attempts fails instead (a step that kills its process every
    time must not loop forever).
    """
    now = now or utcnow()
    expired = (WorkItem.state == WorkState.LEASED.value) & (WorkItem.lease_expires_at <= now)
    session.execute(
        update(WorkItem)
        .where(expired, WorkItem.attempts >= WorkItem.max_attempts)
        .values(state=WorkState.FAILED.value, last_error="lease expired on the last attempt", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    keys = session.scalars(
        update(WorkItem)
        .where(expired)
        .values(
            state=WorkState.QUEUED.value,
            lease_owner=None,
            lease_expires_at=None,
            not_before=now,
            updated_at=now,
        )
        .returning(WorkItem.key)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(keys)


def due_work(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[str]:
    """Return keys of queued items that are due: the reconciler kicks them in case a kick was lost."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(WorkItem.key)
            .where(WorkItem.state == WorkState.QUEUED.value, WorkItem.not_before <= now)
            .order_by(WorkItem.not_before, WorkItem.id)
            .limit(limit)
        )
    )
