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


def test_http_endpoint_confirms_then_receives_notifications(db: Database) -> None:
    """An HTTP(S) subscriber gets SNS's SubscriptionConfirmation, confirms with its token, then
    receives each message in the Notification envelope; a refusing endpoint is kept as failed."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, object]] = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"type": self.headers.get("x-amz-sns-message-type"), **json.loads(body)})
            self.send_response(200 if self.path == "/ok" else 500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        _queues, topics = _services(db)
        topic = topics.create_topic("hooks").arn

        def wait_for(n: int) -> None:
            deadline = time.monotonic() + 20
            while len(received) < n and time.monotonic() < deadline:
                topics.retry_due()
                time.sleep(0.05)

        sub = topics.subscribe(topic, "http", url + "/ok")
        wait_for(1)
        confirmation = received[0]
        assert (
            confirmation["Type"] == "SubscriptionConfirmation"
            and confirmation["type"] == "SubscriptionConfirmation"
        )
        assert confirmation["TopicArn"] == topic and confirmation["SubscribeURL"]
        topics.publish(topic, "before confirming")  # not delivered: the subscription is pending
        assert sub.arn == "pending confirmation"  # what SNS returns until the endpoint confirms
        assert topics.confirm_subscription(topic, str(confirmation["Token"])).startswith(topic + ":")
        topics.publish(topic, "hello hooks", subject="greeting")
        wait_for(2)
        notes = [r for r in received if r["Type"] == "Notification"]
        assert [n["Message"] for n in notes] == ["hello hooks"]
        assert notes[0]["Subject"] == "greeting" and notes[0]["TopicArn"] == topic
    finally:
        server.shutdown()
        server.server_close()
