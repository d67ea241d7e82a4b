"""Rows of the embedded SNS and SQS and of streaming jobs: plain data access.

The rules (attribute defaults, receipt handles, delivery retries) live in the adapters
:mod:`opentruth.cloud.queues` and :mod:`opentruth.cloud.topics`; this module only reads and
writes rows, with the row locks that make concurrent receivers on PostgreSQL take different
messages (``FOR UPDATE SKIP LOCKED``), as :mod:`opentruth.db.repository` describes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, delete, func, select, update
from sqlalchemy.orm import Session

from opentruth.db.models_messaging import (
    BucketNotification,
    SnsDelivery,
    SnsSubscription,
    SnsTopic,
    SqsMessage,
    SqsQueue,
    StreamingJob,
    StreamingKey,
)
from opentruth.db.repository import escape_like, for_update, insert_ignoring_conflicts

_KEYS = cast(Table, StreamingKey.__table__)

# ---------------------------------------------------------------------------------- queues


def get_queue(session: Session, account_id: str, name: str) -> SqsQueue | None:
    """The queue ``name`` of the account, or None."""
    return session.scalar(select(SqsQueue).where(SqsQueue.account_id == account_id, SqsQueue.name == name))


def list_queues(session: Session, account_id: str, prefix: str = "") -> list[SqsQueue]:
    """The account's queues whose name starts with ``prefix``, by name."""
    stmt = select(SqsQueue).where(SqsQueue.account_id == account_id)
    if prefix:
        stmt = stmt.where(SqsQueue.name.like(escape_like(prefix) + "%", escape="\\"))
    return list(session.scalars(stmt.order_by(SqsQueue.name)))


def insert_messages(session: Session, queue_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add messages (``message_id``, ``body``, ``message_attributes``, ``sent_at``, ``visible_at``)."""
    for row in rows:
        session.add(SqsMessage(queue_id=queue_id, receive_count=0, **row))
    session.flush()


def visible_messages(session: Session, queue_id: int, now: datetime, limit: int) -> list[SqsMessage]:
    """Lock and return up to ``limit`` visible messages, oldest first (skipping locked ones)."""
    stmt = (
        select(SqsMessage)
        .where(SqsMessage.queue_id == queue_id, SqsMessage.visible_at <= now)
        .order_by(SqsMessage.id)
        .limit(limit)
    )
    return list(session.scalars(for_update(session, stmt, skip_locked=True)))


def get_message(session: Session, queue_id: int, message_id: str) -> SqsMessage | None:
    """The message ``message_id`` of the queue, locked for an update, or None."""
    stmt = select(SqsMessage).where(SqsMessage.queue_id == queue_id, SqsMessage.message_id == message_id)
    return session.scalar(for_update(session, stmt))


def delete_old_messages(session: Session, queue_id: int, sent_before: datetime) -> int:
    """Delete the queue's messages sent before ``sent_before`` (the retention period ran out)."""
    result = session.execute(
        delete(SqsMessage).where(SqsMessage.queue_id == queue_id, SqsMessage.sent_at < sent_before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def message_counts(session: Session, queue_id: int, now: datetime) -> tuple[int, int, int]:
    """``(visible, in flight, delayed)``: in flight were received, delayed were never received."""
    visible = case((SqsMessage.visible_at <= now, 1), else_=0)
    received = case((SqsMessage.receive_count > 0, 1), else_=0)
    row = session.execute(
        select(
            func.coalesce(func.sum(visible), 0),
            func.coalesce(func.sum((1 - visible) * received), 0),
            func.count(),
        ).where(SqsMessage.queue_id == queue_id)
    ).one()
    shown, inflight, total = int(row[0]), int(row[1]), int(row[2])
    return shown, inflight, total - shown - inflight


# ---------------------------------------------------------------------------------- topics


def get_topic(session: Session, arn: str) -> SnsTopic | None:
    """The topic with this ARN, or None."""
    return session.scalar(select(SnsTopic).where(SnsTopic.arn == arn))


def list_topics(session: Session, account_id: str) -> list[SnsTopic]:
    """The account's topics, by ARN."""
    return list(
        session.scalars(select(SnsTopic).where(SnsTopic.account_id == account_id).order_by(SnsTopic.arn))
    )


def get_subscription(session: Session, arn: str) -> SnsSubscription | None:
    """The subscription with this ARN, or None."""
    return session.scalar(select(SnsSubscription).where(SnsSubscription.arn == arn))


def subscriptions_of(session: Session, topic_id: int) -> list[SnsSubscription]:
    """The topic's subscriptions, oldest first."""
    return list(
        session.scalars(
            select(SnsSubscription).where(SnsSubscription.topic_id == topic_id).order_by(SnsSubscription.id)
        )
    )


def add_deliveries(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Store deliveries owed to subscribers; return their ids."""
    made = [SnsDelivery(**row) for row in rows]
    session.add_all(made)
    session.flush()
    return [d.id for d in made]


def lock_deliveries(session: Session, ids: Sequence[int], now: datetime) -> list[SnsDelivery]:
    """Lock the ``pending`` deliveries among ``ids`` that are due (skipping locked ones)."""
    stmt = (
        select(SnsDelivery)
        .where(
            SnsDelivery.id.in_(list(ids)), SnsDelivery.state == "pending", SnsDelivery.next_attempt_at <= now
        )
        .order_by(SnsDelivery.id)
    )
    return list(session.scalars(for_update(session, stmt, skip_locked=True)))


def due_delivery_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending deliveries whose next attempt is due."""
    return list(
        session.scalars(
            select(SnsDelivery.id)
            .where(SnsDelivery.state == "pending", SnsDelivery.next_attempt_at <= now)
            .order_by(SnsDelivery.next_attempt_at, SnsDelivery.id)
            .limit(limit)
        )
    )


def undelivered(session: Session, account_id: str, *, include_pending: bool = True) -> list[SnsDelivery]:
    """Deliveries not made yet: failed for good, and (optionally) pending ones with errors."""
    states = ["failed", "pending"] if include_pending else ["failed"]
    return list(
        session.scalars(
            select(SnsDelivery)
            .where(SnsDelivery.account_id == account_id, SnsDelivery.state.in_(states))
            .order_by(SnsDelivery.id)
        )
    )


def reset_delivery(session: Session, delivery_id: int, now: datetime) -> bool:
    """Put a failed delivery back in the queue, due now (an operator's replay)."""
    result = session.execute(
        update(SnsDelivery)
        .where(SnsDelivery.id == delivery_id, SnsDelivery.state == "failed")
        .values(state="pending", next_attempt_at=now, updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


# ---------------------------------------------------------------------------------- buckets


def get_bucket_notification(session: Session, bucket: str) -> BucketNotification | None:
    """The bucket's notification configuration row, or None."""
    return session.get(BucketNotification, bucket)


def put_bucket_notification(
    session: Session, bucket: str, account_id: str, configuration: dict[str, Any]
) -> None:
    """Replace the bucket's notification configuration (an empty one removes it)."""
    row = session.get(BucketNotification, bucket)
    if not configuration:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            BucketNotification(bucket=bucket, account_id=account_id, configuration=configuration, sequence=0)
        )
    else:
        row.configuration = configuration


def next_bucket_sequence(session: Session, bucket: str) -> int:
    """Bump and return the bucket's event counter (the source of S3 ``sequencer`` values)."""
    row = session.scalar(
        for_update(session, select(BucketNotification).where(BucketNotification.bucket == bucket))
    )
    if row is None:
        return 0
    row.sequence = int(row.sequence or 0) + 1
    return row.sequence


# ---------------------------------------------------------------------------------- streaming


def get_streaming_job(session: Session, job_id: int) -> StreamingJob | None:
    """What the streaming job set up, or None before its initialisation."""
    return session.get(StreamingJob, job_id)


def save_streaming_job(
    session: Session,
    job_id: int,
    *,
    queue_arn: str,
    topic_arn: str,
    subscription_arn: str | None,
    now: datetime,
) -> None:
    """Record (or update) the job's queue and subscription."""
    row = session.get(StreamingJob, job_id)
    if row is None:
        session.add(
            StreamingJob(
                job_id=job_id,
                queue_arn=queue_arn,
                topic_arn=topic_arn,
                subscription_arn=subscription_arn,
                last_activity_at=now,
            )
        )
    else:
        row.queue_arn, row.topic_arn, row.subscription_arn = queue_arn, topic_arn, subscription_arn
        row.last_activity_at = now


def touch_streaming_job(session: Session, job_id: int, now: datetime) -> None:
    """Note activity (an object taken or consolidated): the idle clock restarts."""
    session.execute(update(StreamingJob).where(StreamingJob.job_id == job_id).values(last_activity_at=now))


def claim_stream_key(session: Session, job_id: int, key_hash: str, dataset_object_id: int) -> bool:
    """Record a de-duplication key; False when the job already took an object with it."""
    row = {"job_id": job_id, "key_hash": key_hash, "dataset_object_id": dataset_object_id}
    return insert_ignoring_conflicts(session, _KEYS, [row], conflict_columns=("job_id", "key_hash")) == 1
