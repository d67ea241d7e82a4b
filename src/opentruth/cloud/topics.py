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
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

import httpx

from opentruth.cloud.queues import DatabaseQueues
from opentruth.db import repo_messaging as repo
from opentruth.db.engine import Database
from opentruth.db.models_messaging import SnsDelivery, SnsSubscription, SnsTopic
from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request
from opentruth.iam.policy import Policy, PolicyError, parse_policy

__all__ = [
    "DatabaseTopics",
    "Delivery",
    "InvalidParameter",
    "Subscription",
    "Topic",
    "TopicNotFound",
    "envelope",
    "s3_event",
    "topic_arn",
]

logger = logging.getLogger("opentruth.sns")
SNS_PRINCIPAL = "sns.amazonaws.com"
S3_PRINCIPAL = "s3.amazonaws.com"
PENDING_CONFIRMATION = "pending confirmation"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SETTABLE = {
    "Policy",
    "DisplayName",
    "DeliveryPolicy",
    "KmsMasterKeyId",
    "TracingConfig",
    "SignatureVersion",
    "DataProtectionPolicy",
}
_SUB_SETTABLE = {"RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "DeliveryPolicy", "RedrivePolicy"}
#: HTTP(S) deliveries hold no database lock; a claim keeps other processes off for this long.
_CLAIM = timedelta(seconds=60)


class TopicNotFound(NotFoundError):
    """SNS's ``NotFound`` (HTTP 404)."""

    aws_code = "NotFound"
    http_status = 404


class InvalidParameter(ValidationError):
    """SNS's ``InvalidParameter``."""

    aws_code = "InvalidParameter"


def topic_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:sns:<region>:<account>:<name>``."""
    return f"arn:aws:sns:{region}:{account}:{name}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic as the port shows it."""

    name: str
    arn: str
    attributes: Mapping[str, str]

    def policy(self) -> Policy | None:
        text = self.attributes.get("Policy")
        return parse_policy(text, name=f"topic policy of {self.name}") if text else None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription of an endpoint to a topic."""

    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str
    confirmed: bool
    attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery not made yet (pending with errors, or failed for good)."""

    id: int
    topic_arn: str
    subscription_arn: str
    protocol: str
    endpoint: str
    message_id: str
    payload: str
    state: str
    attempts: int
    last_error: str | None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def envelope(
    kind: str,
    *,
    message_id: str,
    topic: str,
    message: str,
    at: datetime,
    subject: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """SNS's JSON envelope (``Type``, ``MessageId``, ``TopicArn``, ``Message``, ``Timestamp``...)."""
    doc: dict[str, Any] = {"Type": kind, "MessageId": message_id}
    if extra and "Token" in extra:
        doc["Token"] = extra["Token"]
    doc["TopicArn"] = topic
    if subject is not None:
        doc["Subject"] = subject
    doc["Message"] = message
    doc["Timestamp"] = _iso(at)
    doc["SignatureVersion"] = "1"
    for key, value in (extra or {}).items():
        if key != "Token":
            doc[key] = value
    if attributes:
        doc["MessageAttributes"] = {
            k: {"Type": v.get("DataType", "String"), "Value": v.get("StringValue", v.get("BinaryValue", ""))}
            for k, v in attributes.items()
        }
    return json.dumps(doc)


def s3_event(
    bucket: str,
    key: str,
    *,
    size: int,
    etag: str,
    sequencer: str,
    at: datetime,
    region: str,
    event_name: str = "ObjectCreated:Put",
    configuration_id: str = "",
) -> dict[str, Any]:
    """One S3 event notification (``Records[0]``), keys URL-encoded as S3 sends them."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": _iso(at),
                "eventName": event_name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {
                        # S3 form-encodes keys in events: "red flower.jpg" -> "red+flower.jpg".
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": etag,
                        "sequencer": sequencer,
                    },
                },
            }
        ]
    }


def _utcnow() -> datetime:
    return datetime.now(UTC)


HttpPost = Callable[[str, str, Mapping[str, str]], int]


def _http_post(url: str, body: str, headers: Mapping[str, str]) -> int:
    response = httpx.post(url, content=body.encode("utf-8"), headers=dict(headers), timeout=10.0)
    return response.status_code


def _topic(row: SnsTopic) -> Topic:
    return Topic(row.name, row.arn, dict(row.attributes))


def _sub(row: SnsSubscription, topic: str) -> Subscription:
    arn = row.arn if row.confirmed else PENDING_CONFIRMATION
    return Subscription(
        arn, topic, row.protocol, row.endpoint, row.owner, row.confirmed, dict(row.attributes)
    )


class DatabaseTopics:
    """The topic port on the database, delivering to ``queues`` and to HTTP(S) endpoints.

    ``public_url`` is this server's base URL (SubscribeURL and UnsubscribeURL point there);
    ``http_post`` is replaceable for tests that cannot open sockets.
    """

    def __init__(
        self,
        db: Database,
        queues: DatabaseQueues,
        account: str,
        region: str,
        *,
        evaluator: Evaluator | None = None,
        public_url: str = "http://127.0.0.1:8080",
        clock: Callable[[], datetime] = _utcnow,
        http_post: HttpPost = _http_post,
        max_attempts: int = 8,
        backoff: float = 1.0,
        max_backoff: float = 300.0,
    ) -> None:
        self.db = db
        self.queues = queues
        self.account = account
        self.region = region
        self.evaluator = evaluator or Evaluator()
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.http_post = http_post
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff

    # ---------------------------------------------------------------- topics

    def _row(self, s: Any, arn: str) -> SnsTopic:
        row = repo.get_topic(s, arn)
        if row is None or row.account_id != self.account:
            raise TopicNotFound("Topic does not exist")
        return row

    def create_topic(
        self, name: str, attributes: Mapping[str, str] | None = None, tags: Mapping[str, str] | None = None
    ) -> Topic:
        """Create the topic, or return it if it exists (CreateTopic is idempotent)."""
        if name.endswith(".fifo") or not _NAME.match(name):
            raise InvalidParameter(
                "Invalid parameter: Topic Name: use 1 to 256 letters, digits, hyphens and underscores "
                "(FIFO topics are not served)."
            )
        given = self._check(attributes or {})
        arn = topic_arn(self.region, self.account, name)
        with self.db.transaction() as s:
            row = repo.get_topic(s, arn)
            if row is None:
                attrs = {"DisplayName": "", **given}
                row = SnsTopic(
                    account_id=self.account,
                    name=name,
                    arn=arn,
                    attributes=attrs,
                    tags=dict(tags) if tags else None,
                    created_at=self.clock(),
                )
                s.add(row)
                s.flush()
            return _topic(row)

    @staticmethod
    def _check(attributes: Mapping[str, str]) -> dict[str, str]:
        for name, value in attributes.items():
            if name not in _SETTABLE:
                raise InvalidParameter(f"Invalid parameter: AttributeName {name} is not a topic attribute.")
            if name == "Policy" and value:
                try:
                    parse_policy(value, name="topic policy")
                except PolicyError as exc:
                    raise InvalidParameter(f"Invalid parameter: Policy Error: {exc.message}") from None
        return {k: str(v) for k, v in attributes.items()}

    def get_topic(self, arn: str) -> Topic:
        """The topic (raises :class:`TopicNotFound`)."""
        with self.db.read() as s:
            return _topic(self._row(s, arn))

    def delete_topic(self, arn: str) -> None:
        """Delete the topic and its subscriptions (deleting a missing topic succeeds, as in SNS)."""
        with self.db.transaction() as s:
            row = repo.get_topic(s, arn)
            if row is not None and row.account_id == self.account:
                s.delete(row)

    def list_topics(self) -> list[Topic]:
        """Every topic of the account."""
        with self.db.read() as s:
            return [_topic(r) for r in repo.list_topics(s, self.account)]

    def get_attributes(self, arn: str) -> dict[str, str]:
        """The topic's attributes, with ``TopicArn``, ``Owner`` and the subscription counts."""
        with self.db.read() as s:
            row = self._row(s, arn)
            subs = repo.subscriptions_of(s, row.id)
            out = dict(row.attributes)
            out.update(
                {
                    "TopicArn": row.arn,
                    "Owner": self.account,
                    "SubscriptionsConfirmed": str(sum(1 for x in subs if x.confirmed)),
                    "SubscriptionsPending": str(sum(1 for x in subs if not x.confirmed)),
                    "SubscriptionsDeleted": "0",
                }
            )
            return out

    def set_attribute(self, arn: str, name: str, value: str) -> None:
        """Set one attribute; an empty ``Policy`` removes the policy."""
        self._check({name: value})
        with self.db.transaction() as s:
            row = self._row(s, arn)
            attrs = dict(row.attributes)
            if name == "Policy" and not value:
                attrs.pop("Policy", None)
            else:
                attrs[name] = value
            row.attributes = attrs

    # ---------------------------------------------------------------- subscriptions

    def subscribe(
        self, topic: str, protocol: str, endpoint: str, attributes: Mapping[str, str] | None = None
    ) -> Subscription:
        """Subscribe ``endpoint``; queues are confirmed at once, HTTP(S) endpoints get a
        SubscriptionConfirmation. Subscribing the same endpoint again returns the subscription."""
        protocol = protocol.lower()
        attrs = {k: str(v) for k, v in (attributes or {}).items()}
        for name in attrs:
            if name not in _SUB_SETTABLE:
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
                    return _sub(sub, topic)
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
            result = _sub(sub, topic)
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

    def confirm_subscription(self, topic: str, token: str) -> str:
        """Confirm the HTTP(S) subscription holding ``token``; return its ARN."""
        with self.db.transaction() as s:
            row = self._row(s, topic)
            for sub in repo.subscriptions_of(s, row.id):
                if sub.token and secrets.compare_digest(sub.token, token):
                    sub.confirmed = True
                    return sub.arn
        raise InvalidParameter("Invalid token")

    def unsubscribe(self, arn: str) -> None:
        """Delete the subscription (a missing one is not an error)."""
        with self.db.transaction() as s:
            row = repo.get_subscription(s, arn)
            if row is not None:
                s.delete(row)

    def get_subscription(self, arn: str) -> Subscription:
        """The subscription (raises :class:`TopicNotFound` when it does not exist)."""
        with self.db.read() as s:
            row = repo.get_subscription(s, arn)
            if row is None:
                raise TopicNotFound("Subscription does not exist")
            topic = s.get(SnsTopic, row.topic_id)
            return _sub(row, topic.arn if topic else "")

    def set_subscription_attribute(self, arn: str, name: str, value: str) -> None:
        """Set ``RawMessageDelivery`` and the like on a subscription."""
        if name not in _SUB_SETTABLE:
            raise InvalidParameter(f"Invalid parameter: AttributeName {name}")
        with self.db.transaction() as s:
            row = repo.get_subscription(s, arn)
            if row is None:
                raise TopicNotFound("Subscription does not exist")
            row.attributes = {**row.attributes, name: value}

    def list_subscriptions(self, topic: str) -> list[Subscription]:
        """The topic's subscriptions, oldest first."""
        with self.db.read() as s:
            row = self._row(s, topic)
            return [_sub(x, topic) for x in repo.subscriptions_of(s, row.id)]

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
            "Time": _iso(self.clock()),
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


class DeliveryError(OpenTruthError):
    """A delivery attempt failed (kept on the delivery row)."""


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


def decode_s3_key(key: str) -> str:
    """An S3 event's object key as stored (S3 sends it URL-encoded, spaces as ``+``)."""
    return unquote_plus(key)
