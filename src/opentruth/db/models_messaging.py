"""Tables of the embedded SNS and SQS, and of streaming labeling jobs.

Everything a queue or a topic holds is a row, so messages survive a restart: a message in a
queue, a delivery SNS still owes a subscriber (kept with its error when it cannot be made, never
dropped), and what a streaming job has taken from its queue (for de-duplication).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base, BigId


class SqsQueue(Base):
    """An SQS queue: its name, ARN and attributes (``VisibilityTimeout``, ``Policy``...)."""

    __tablename__ = "sqs_queues"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(80))
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    #: The settable attributes as given (strings, as SQS keeps them).
    attributes: Mapped[dict[str, Any]]
    tags: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SqsMessage(Base):
    """One message in a queue; invisible while ``visible_at`` is in the future."""

    __tablename__ = "sqs_messages"
    __table_args__ = (Index("ix_sqs_messages_queue_visible", "queue_id", "visible_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("sqs_queues.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    body: Mapped[str] = mapped_column(Text)
    #: MessageAttributes as sent (``{name: {DataType, StringValue|BinaryValue}}``).
    message_attributes: Mapped[dict[str, Any] | None]
    sent_at: Mapped[datetime]
    visible_at: Mapped[datetime]
    receive_count: Mapped[int] = mapped_column(default=0)
    first_received_at: Mapped[datetime | None]
    #: The secret part of the newest receipt handle; older handles no longer delete.
    receipt_token: Mapped[str | None] = mapped_column(String(64))


class SnsTopic(Base):
    """An SNS topic and its attributes (``Policy``, ``DisplayName``, ``KmsMasterKeyId``...)."""

    __tablename__ = "sns_topics"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(256))
    arn: Mapped[str] = mapped_column(String(512), unique=True)
    attributes: Mapped[dict[str, Any]]
    tags: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]


class SnsSubscription(Base):
    """A subscription of an endpoint (a queue ARN, a URL) to a topic."""

    __tablename__ = "sns_subscriptions"
    __table_args__ = (Index("ix_sns_subscriptions_topic", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("sns_topics.id", ondelete="CASCADE"))
    arn: Mapped[str] = mapped_column(String(600), unique=True)
    protocol: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(12))
    #: ``RawMessageDelivery``, ``FilterPolicy``... as strings.
    attributes: Mapped[dict[str, Any]]
    #: HTTP(S) subscriptions wait for ConfirmSubscription with ``token``.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    token: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]


class SnsDelivery(Base):
    """A message SNS owes one subscriber, until it is delivered.

    ``pending`` rows are retried with back-off; after the last attempt the row becomes
    ``failed`` and stays, with its error, for an operator to see and replay.
    """

    __tablename__ = "sns_deliveries"
    __table_args__ = (Index("ix_sns_deliveries_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12))
    topic_arn: Mapped[str] = mapped_column(String(512))
    subscription_arn: Mapped[str] = mapped_column(String(600))
    protocol: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(36))
    #: Exactly what is delivered: the raw message or SNS's JSON envelope.
    payload: Mapped[str] = mapped_column(Text)
    #: HTTP headers (``x-amz-sns-message-type``...) for HTTP endpoints.
    headers: Mapped[dict[str, Any] | None]
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BucketNotification(Base):
    """A bucket's notification configuration (S3 PutBucketNotificationConfiguration)."""

    __tablename__ = "bucket_notifications"

    bucket: Mapped[str] = mapped_column(String(63), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12))
    configuration: Mapped[dict[str, Any]]
    sequence: Mapped[int] = mapped_column(BigId, default=0)


class StreamingJob(Base):
    """What a streaming labeling job set up: its queue and its subscription to the input topic."""

    __tablename__ = "streaming_jobs"

    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    queue_arn: Mapped[str] = mapped_column(String(256))
    topic_arn: Mapped[str] = mapped_column(String(512))
    subscription_arn: Mapped[str | None] = mapped_column(String(600))
    #: When the job last took an object, or consolidated one (the idle clock starts there).
    last_activity_at: Mapped[datetime]


class StreamingKey(Base):
    """A de-duplication key a streaming job has already taken, and the object it became."""

    __tablename__ = "streaming_keys"
    __table_args__ = (UniqueConstraint("job_id", "key_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[int] = mapped_column(BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"))
    #: SHA-256 of the key (keys may be 1024+ characters; the index stays small).
    key_hash: Mapped[str] = mapped_column(String(64))
    dataset_object_id: Mapped[int]
