"""Topics (SNS's model): the port and its durable adapter on the database.

:mod:`~opentruth.cloud.topics.port` holds the value types, errors and message formats;
:mod:`~opentruth.cloud.topics.registry` the topics and subscriptions;
:mod:`~opentruth.cloud.topics.database` publishing, delivery and S3 event notifications
(:class:`DatabaseTopics`, the adapter).
"""

from __future__ import annotations

from opentruth.cloud.topics.database import DatabaseTopics
from opentruth.cloud.topics.port import (
    PENDING_CONFIRMATION,
    Delivery,
    InvalidParameter,
    Subscription,
    Topic,
    TopicNotFound,
    decode_s3_key,
    envelope,
    s3_event,
    topic_arn,
)

__all__ = [
    "PENDING_CONFIRMATION",
    "DatabaseTopics",
    "Delivery",
    "InvalidParameter",
    "Subscription",
    "Topic",
    "TopicNotFound",
    "decode_s3_key",
    "envelope",
    "s3_event",
    "topic_arn",
]
