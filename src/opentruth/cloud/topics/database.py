"""The topic port (SNS's model) and its durable adapter on the database.

Publishing stores one *delivery* per confirmed subscription in the same transaction as nothing
else: the message is then owed to each subscriber until it is delivered. Deliveries are tried at
once (queues in the publisher's thread, HTTP endpoints in a background thread) and retried with
exponential back-off by :meth:`DatabaseTopics.retry_due` (the reconciler calls it). One that
still fails after ``max_attempts`` becomes ``failed`` and is kept, with its last error, where
:meth:`DatabaseTopics.undelivered` lists it: nothing is dropped silently.

Delivery to a queue is authorised as in AWS, by the QUEUE's policy alone: SNS is the service
principal ``sns.amazonaws.com`` and needs a statement allowing ``sqs:SendMessage`` to it, usually
conditioned on ``aws:SourceArn`` = the topic ARN. HTTP(S) endpoints must confirm first: they get
a ``SubscriptionConfirmation`` with a token and a ``SubscribeURL``.

S3 event notifications to topics (:meth:`DatabaseTopics.notify_object_created`) are here too, so
that the S3 API (or the embedded object store) only has to call one function per new object.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from opentruth.cloud.topics.port import (
    S3_PRINCIPAL,
    SNS_PRINCIPAL,
    Delivery,
    DeliveryError,
    InvalidParameter,
    Subscription,
    Topic,
    envelope,
    iso_time,
    s3_event,
)
from opentruth.cloud.topics.registry import SUBSCRIPTION_ATTRIBUTES, TopicRegistry, subscription_of
from opentruth.db import repo_messaging as repo
from opentruth.db.models_messaging import SnsDelivery, SnsSubscription
from opentruth.errors import OpenTruthError, ValidationError
from opentruth.iam import NamedPolicy, PolicySet, Request

logger = logging.getLogger("opentruth.sns")
#: HTTP(S) deliveries hold no database lock; a claim keeps other processes off for this long.
_CLAIM = timedelta(seconds=60)


class DatabaseTopics(TopicRegistry):
    """The topic port on the database, delivering to ``queues`` and to HTTP(S) endpoints.

    ``public_url`` is this server's base URL (SubscribeURL and UnsubscribeURL point there);
    ``http_post`` is replaceable for tests that cannot open sockets.
    """

    # ------------------------------------------------ subscriptions (a confirmation is a delivery)

    def subscribe(
        self, topic: str, protocol: str, endpoint: str, attributes: Mapping[str, str] | None = None
    ) -> Subscription:
        """Subscribe ``endpoint``; queues are confirmed at once, HTTP(S) endpoints get a
        SubscriptionConfirmation. Subscribing the same endpoint again returns the subscription."""
        protocol = protocol.lower()
        attrs = {k: str(v) for k, v in (attributes or {}).items()}
        for name in attrs:
            if name not in SUBSCRIPTION_ATTRIBUTES:
                raise InvalidParameter(f"Invalid parameter: Attributes Reason: unknown attribute {name}")
        if protocol == "sqs":
            if not endpoint.startswith("arn:aws:sqs:"):
                raise InvalidParameter("Invalid parameter: SQS endpoint ARN")
        elif protocol in ("http", "https"):
            if not endpoint.lower().startswith(protocol + "://"):
                raise InvalidParameter(f"Invalid parameter: Endpoint must match the protocol {protocol}")
        else:
            raise InvalidParameter(
                f"Invalid parameter: Protocol {protocol} is not served (use sqs, http or https)"
            )
        with self.db.transaction() as s:
            row = self._row(s, topic)
            for sub in repo.subscriptions_of(s, row.id):
                if sub.protocol == protocol and sub.endpoint == endpoint:
                    return subscription_of(sub, topic)
            confirmed = protocol == "sqs"
            sub = SnsSubscription(
                topic_id=row.id,
                arn=f"{topic}:{uuid.uuid4()}",
                protocol=protocol,
                endpoint=endpoint,
                owner=self.account,
                attributes=attrs,
                confirmed=confirmed,
                token=None if confirmed else secrets.token_hex(64),
                created_at=self.clock(),
            )
            s.add(sub)
            s.flush()
            result = subscription_of(sub, topic)
            ids: list[int] = []
            if not confirmed:
                ids = self._confirmation(s, topic, sub)
        if ids:
            self._deliver_soon(ids)
        return result

    def _confirmation(self, s: Any, topic: str, sub: SnsSubscription) -> list[int]:
        assert sub.token is not None
        message_id = str(uuid.uuid4())
        url = f"{self.public_url}/sns/confirm?TopicArn={quote(topic, safe='')}&Token={sub.token}"
        text = (
            f"You have chosen to subscribe to the topic {topic}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        )
        body = envelope(
            "SubscriptionConfirmation",
            message_id=message_id,
            topic=topic,
            message=text,
            at=self.clock(),
            extra={"Token": sub.token, "SubscribeURL": url},
        )
        return repo.add_deliveries(
            s, [self._delivery_row(topic, sub, message_id, body, "SubscriptionConfirmation")]
        )

    # ---------------------------------------------------------------- publish

    def _delivery_row(
        self, topic: str, sub: SnsSubscription, message_id: str, payload: str, kind: str
    ) -> dict[str, Any]:
        now = self.clock()
        headers = {
            "x-amz-sns-message-type": kind,
            "x-amz-sns-message-id": message_id,
            "x-amz-sns-topic-arn": topic,
            "Content-Type": "text/plain; charset=UTF-8",
        }
        if sub.confirmed:
            headers["x-amz-sns-subscription-arn"] = sub.arn
        return {
            "account_id": self.account,
            "topic_arn": topic,
            "subscription_arn": sub.arn,
            "protocol": sub.protocol,
            "endpoint": sub.endpoint,
            "message_id": message_id,
            "payload": payload,
            "headers": headers,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "created_at": now,
            "updated_at": now,
        }

    def publish(
        self,
        topic: str,
        message: str,
        *,
        subject: str | None = None,
        message_attributes: Mapping[str, Any] | None = None,
    ) -> str:
        """Publish ``message``; return its MessageId. Every confirmed subscriber is owed it."""
        if not message:
            raise InvalidParameter("Invalid parameter: Empty message")
        message_id = str(uuid.uuid4())
        now = self.clock()
        with self.db.transaction() as s:
            row = self._row(s, topic)
            rows = []
            for sub in repo.subscriptions_of(s, row.id):
                if not sub.confirmed:
                    continue
                raw = sub.attributes.get("RawMessageDelivery", "false").lower() == "true"
                if raw:
                    payload = message
                else:
                    unsubscribe = (
                        f"{self.public_url}/?Action=Unsubscribe&SubscriptionArn={quote(sub.arn, safe='')}"
                    )
                    payload = envelope(
                        "Notification",
                        message_id=message_id,
                        topic=topic,
                        message=message,
                        at=now,
                        subject=subject,
                        attributes=message_attributes,
                        extra={"UnsubscribeURL": unsubscribe},
                    )
                entry = self._delivery_row(topic, sub, message_id, payload, "Notification")
                if raw and message_attributes:
                    entry["headers"] = {
                        **entry["headers"],
                        "x-opentruth-attributes": json.dumps(message_attributes),
                    }
                rows.append(entry)
            ids = repo.add_deliveries(s, rows)
        self._deliver_soon(ids)
        return message_id

    def _deliver_soon(self, ids: Sequence[int]) -> None:
        """Queues now, in this thread (fast, and the caller then sees the message queued);
        HTTP(S) endpoints in a background thread, so a slow endpoint never slows Publish."""
        with self.db.read() as s:
            kinds = dict(
                s.query(SnsDelivery.id, SnsDelivery.protocol).filter(SnsDelivery.id.in_(list(ids))).all()
            )
        local = [i for i in ids if kinds.get(i) == "sqs"]
        remote = [i for i in ids if kinds.get(i) in ("http", "https")]
        if local:
            self.deliver(local)
        if remote:
            threading.Thread(target=self.deliver, args=(remote,), name="sns-http", daemon=True).start()

    def retry_due(self, limit: int = 100) -> int:
        """Attempt the deliveries whose retry is due; return how many were delivered."""
        with self.db.read() as s:
            ids = repo.due_delivery_ids(s, self.clock(), limit)
        return self.deliver(ids) if ids else 0

    def deliver(self, ids: Sequence[int]) -> int:
        """Attempt these deliveries (those still pending and due); return how many succeeded."""
        now = self.clock()
        with self.db.transaction() as s:
            claimed = repo.lock_deliveries(s, ids, now)
            for d in claimed:
                d.next_attempt_at = now + _CLAIM  # keeps other processes off while we try
            work = [
                (d.id, d.protocol, d.endpoint, d.topic_arn, d.payload, dict(d.headers or {})) for d in claimed
            ]
        ok = 0
        for delivery_id, protocol, endpoint, topic, payload, headers in work:
            try:
                if protocol == "sqs":
                    self._to_queue(endpoint, topic, payload, headers)
                else:
                    status = self.http_post(
                        endpoint,
                        payload,
                        {k: v for k, v in headers.items() if k.startswith(("x-amz", "Content"))},
                    )
                    if not 200 <= status < 300:
                        raise DeliveryError(f"the endpoint answered HTTP {status}")
            except Exception as exc:  # any failure is recorded on the row and retried
                self._failed(delivery_id, f"{type(exc).__name__}: {exc}")
                continue
            with self.db.transaction() as s:
                row = s.get(SnsDelivery, delivery_id)
                if row is not None:
                    s.delete(row)
            ok += 1
        return ok

    def _to_queue(self, queue: str, topic: str, payload: str, headers: Mapping[str, str]) -> None:
        name = self.queues.name_of_arn(queue)
        policy = self.queues.get_queue(name).policy()
        request = Request(
            SNS_PRINCIPAL,
            "sqs:SendMessage",
            queue,
            {"aws:SourceArn": topic, "aws:SourceAccount": self.account},
        )
        resource = NamedPolicy(f"queue policy of {name}", policy) if policy else None
        result = self.evaluator.evaluate(PolicySet(resource=resource), request)
        if not result.allowed:
            raise DeliveryError(
                f"the policy of queue {queue} does not allow {SNS_PRINCIPAL} to perform sqs:SendMessage "
                f"for {topic} ({result.explanation or result.decision})"
            )
        raw_attrs = headers.get("x-opentruth-attributes")
        self.queues.send(name, payload, message_attributes=json.loads(raw_attrs) if raw_attrs else None)

    def _failed(self, delivery_id: int, error: str) -> None:
        now = self.clock()
        with self.db.transaction() as s:
            row = s.get(SnsDelivery, delivery_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error[:2000]
            row.updated_at = now
            if row.attempts >= self.max_attempts:
                row.state = "failed"
                logger.error(
                    "SNS gave up delivering message %s of %s to %s after %d attempts: %s",
                    row.message_id,
                    row.topic_arn,
                    row.endpoint,
                    row.attempts,
                    error,
                )
            else:
                delay = min(self.backoff * 2 ** (row.attempts - 1), self.max_backoff)
                row.next_attempt_at = now + timedelta(seconds=delay)
                logger.warning(
                    "SNS delivery to %s failed (attempt %d): %s", row.endpoint, row.attempts, error
                )

    def undelivered(self, *, include_pending: bool = True) -> list[Delivery]:
        """Deliveries not made: ``failed`` ones, and pending ones (those that erred are retried)."""
        with self.db.read() as s:
            return [
                Delivery(
                    d.id,
                    d.topic_arn,
                    d.subscription_arn,
                    d.protocol,
                    d.endpoint,
                    d.message_id,
                    d.payload,
                    d.state,
                    d.attempts,
                    d.last_error,
                )
                for d in repo.undelivered(s, self.account, include_pending=include_pending)
            ]

    def replay(self, delivery_id: int) -> bool:
        """Try a failed delivery again now (after the cause was fixed); True if it was delivered."""
        with self.db.transaction() as s:
            if not repo.reset_delivery(s, delivery_id, self.clock()):
                return False
        return self.deliver([delivery_id]) == 1

    # ---------------------------------------------------------------- S3 events

    def put_bucket_notification(self, bucket: str, configuration: Mapping[str, Any]) -> None:
        """Store a bucket's notification configuration (S3's PutBucketNotificationConfiguration).

        Each ``TopicConfigurations`` entry must name a topic whose policy lets
        ``s3.amazonaws.com`` publish for this bucket, as S3 checks; each topic then gets an
        ``s3:TestEvent``, as S3 sends.
        """
        topics = [dict(c) for c in configuration.get("TopicConfigurations", [])]
        for conf in topics:
            topic = self.get_topic(conf["TopicArn"])
            if not self._s3_may_publish(topic, bucket):
                raise ValidationError(
                    "Unable to validate the following destination configurations: the policy of "
                    f"{topic.arn} must allow {S3_PRINCIPAL} to perform sns:Publish "
                    f"with aws:SourceArn arn:aws:s3:::{bucket}"
                )
            conf.setdefault("Id", str(uuid.uuid4()))
        with self.db.transaction() as s:
            repo.put_bucket_notification(
                s, bucket, self.account, {"TopicConfigurations": topics} if topics else {}
            )
        test = {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": iso_time(self.clock()),
            "Bucket": bucket,
            "RequestId": uuid.uuid4().hex[:16].upper(),
            "HostId": "opentruth",
        }
        for conf in topics:
            self.publish(conf["TopicArn"], json.dumps(test), subject="Amazon S3 Notification")

    def get_bucket_notification(self, bucket: str) -> dict[str, Any]:
        """The bucket's notification configuration (empty when it has none)."""
        with self.db.read() as s:
            row = repo.get_bucket_notification(s, bucket)
            return dict(row.configuration) if row is not None else {}

    def _s3_may_publish(self, topic: Topic, bucket: str) -> bool:
        policy = topic.policy()
        if policy is None:
            return False
        request = Request(
            S3_PRINCIPAL,
            "sns:Publish",
            topic.arn,
            {"aws:SourceArn": f"arn:aws:s3:::{bucket}", "aws:SourceAccount": self.account},
        )
        return self.evaluator.evaluate(
            PolicySet(resource=NamedPolicy("topic policy", policy)), request
        ).allowed

    def notify_object_created(
        self, bucket: str, key: str, *, size: int, etag: str, event_name: str = "ObjectCreated:Put"
    ) -> int:
        """Publish an S3 event for a new object to every topic the bucket's configuration
        selects (by event and by key prefix/suffix filter); return how many were published.

        The S3 API calls this after each successful PutObject / CompleteMultipartUpload /
        CopyObject; it is cheap when the bucket has no configuration.
        """
        with self.db.transaction() as s:
            row = repo.get_bucket_notification(s, bucket)
            if row is None:
                return 0
            confs = [
                c for c in row.configuration.get("TopicConfigurations", []) if _selects(c, event_name, key)
            ]
            if not confs:
                return 0
            sequence = repo.next_bucket_sequence(s, bucket)
        sent = 0
        for conf in confs:
            doc = s3_event(
                bucket,
                key,
                size=size,
                etag=etag.strip('"'),
                sequencer=f"{sequence:016X}",
                at=self.clock(),
                region=self.region,
                event_name=event_name,
                configuration_id=str(conf.get("Id", "")),
            )
            try:
                self.publish(conf["TopicArn"], json.dumps(doc), subject="Amazon S3 Notification")
                sent += 1
            except OpenTruthError as exc:  # the topic went away: S3 drops such events too, loudly here
                logger.error(
                    "S3 event for s3://%s/%s not published to %s: %s", bucket, key, conf["TopicArn"], exc
                )
        return sent


def _selects(conf: Mapping[str, Any], event_name: str, key: str) -> bool:
    wanted = conf.get("Events", [])
    event = f"s3:{event_name}"
    if not any(w == event or (w.endswith("*") and event.startswith(w[:-1])) for w in wanted):
        return False
    rules = conf.get("Filter", {}).get("Key", {}).get("FilterRules", [])
    for rule in rules:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True
