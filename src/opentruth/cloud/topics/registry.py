"""Topics and subscriptions on the database: create, attributes, subscribe, confirm."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from opentruth.cloud.queues import DatabaseQueues
from opentruth.cloud.topics.port import (
    PENDING_CONFIRMATION,
    InvalidParameter,
    Subscription,
    Topic,
    TopicNotFound,
    topic_arn,
)
from opentruth.db import repo_messaging as repo
from opentruth.db.engine import Database
from opentruth.db.models_messaging import SnsSubscription, SnsTopic
from opentruth.iam import Evaluator
from opentruth.iam.policy import PolicyError, parse_policy

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
SUBSCRIPTION_ATTRIBUTES = {
    "RawMessageDelivery",
    "FilterPolicy",
    "FilterPolicyScope",
    "DeliveryPolicy",
    "RedrivePolicy",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


HttpPost = Callable[[str, str, Mapping[str, str]], int]


def http_post_json(url: str, body: str, headers: Mapping[str, str]) -> int:
    response = httpx.post(url, content=body.encode("utf-8"), headers=dict(headers), timeout=10.0)
    return response.status_code


def topic_of(row: SnsTopic) -> Topic:
    return Topic(row.name, row.arn, dict(row.attributes))


def subscription_of(row: SnsSubscription, topic: str) -> Subscription:
    arn = row.arn if row.confirmed else PENDING_CONFIRMATION
    return Subscription(
        arn, topic, row.protocol, row.endpoint, row.owner, row.confirmed, dict(row.attributes)
    )


class TopicRegistry:
    """Topics and their subscriptions on the database: the base of :class:`DatabaseTopics`.

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
        clock: Callable[[], datetime] = utcnow,
        http_post: HttpPost = http_post_json,
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
            return topic_of(row)

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
            return topic_of(self._row(s, arn))

    def delete_topic(self, arn: str) -> None:
        """Delete the topic and its subscriptions (deleting a missing topic succeeds, as in SNS)."""
        with self.db.transaction() as s:
            row = repo.get_topic(s, arn)
            if row is not None and row.account_id == self.account:
                s.delete(row)

    def list_topics(self) -> list[Topic]:
        """Every topic of the account."""
        with self.db.read() as s:
            return [topic_of(r) for r in repo.list_topics(s, self.account)]

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
            return subscription_of(row, topic.arn if topic else "")

    def set_subscription_attribute(self, arn: str, name: str, value: str) -> None:
        """Set ``RawMessageDelivery`` and the like on a subscription."""
        if name not in SUBSCRIPTION_ATTRIBUTES:
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
            return [subscription_of(x, topic) for x in repo.subscriptions_of(s, row.id)]
