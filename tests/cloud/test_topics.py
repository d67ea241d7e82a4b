"""SNS on the database: delivery authorised by the queue policy, undeliverable messages kept and
replayable, and topics, queues and messages surviving a new Database object (a restart)."""

from __future__ import annotations

import json

from opentruth.cloud.queues import DatabaseQueues
from opentruth.cloud.topics import DatabaseTopics
from opentruth.db.engine import Database

ACCOUNT, REGION = "000000000000", "us-east-1"


def _services(db: Database) -> tuple[DatabaseQueues, DatabaseTopics]:
    queues = DatabaseQueues(db, ACCOUNT, REGION)
    return queues, DatabaseTopics(db, queues, ACCOUNT, REGION, backoff=0.0, max_attempts=2)


def _allow(queue: str, topic: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
                }
            ],
        }
    )


def test_delivery_needs_the_queue_policy_and_failures_are_kept(db: Database) -> None:
    queues, topics = _services(db)
    topic = topics.create_topic("t").arn
    queue = queues.create_queue("q").arn
    topics.subscribe(topic, "sqs", queue, {"RawMessageDelivery": "true"})
    topics.publish(topic, "hello")
    assert queues.receive("q") == []
    kept = topics.undelivered()
    assert [(d.payload, d.state, d.attempts) for d in kept] == [("hello", "pending", 1)]
    assert "does not allow sns.amazonaws.com" in (kept[0].last_error or "")
    topics.retry_due()
    assert [d.state for d in topics.undelivered()] == ["failed"]  # kept, never dropped
    queues.set_attributes("q", {"Policy": _allow(queue, topic)})
    assert topics.replay(kept[0].id)
    assert [m.body for m in queues.receive("q")] == ["hello"]
    assert topics.undelivered() == []


def test_state_survives_a_restart(db: Database) -> None:
    queues, topics = _services(db)
    topic = topics.create_topic("durable").arn
    queue = queues.create_queue("kept", {"VisibilityTimeout": "5"}).arn
    queues.set_attributes("kept", {"Policy": _allow(queue, topic)})
    topics.subscribe(topic, "sqs", queue)
    topics.publish(topic, "persist me")
    again = Database(db.engine.engine)  # a new Database over the same store
    queues2, topics2 = _services(again)
    assert [s.endpoint for s in topics2.list_subscriptions(topic)] == [queue]
    assert queues2.get_queue("kept").attributes["VisibilityTimeout"] == "5"
    (msg,) = queues2.receive("kept")
    assert json.loads(msg.body)["Message"] == "persist me"
