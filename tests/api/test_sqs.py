"""SQS with real boto3 against the server: queues, messages, visibility, errors, policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from opentruth.api.app import register_service
from opentruth.api.sqs import sqs_handler
from opentruth.cloud.queues import DatabaseQueues


@pytest.fixture(scope="module")
def sqs(server: Any) -> Any:
    res = server.resources
    queues = DatabaseQueues(res.db, res.account_id, res.region, clock=res.clock)
    register_service(server.app, "sqs", sqs_handler(queues))
    return server.client("sqs")


def test_queue_lifecycle_and_messages(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert url.endswith("/000000000000/jobs")
    assert sqs.get_queue_url(QueueName="jobs")["QueueUrl"] == url
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "60" and attrs["QueueArn"].endswith(":jobs")
    sqs.send_message(QueueUrl=url, MessageBody="one")
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "two"}])
    assert [x["Id"] for x in batch["Successful"]] == ["a"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])
    bodies = sorted(m["Body"] for m in got["Messages"])
    assert bodies == ["one", "two"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in got["Messages"]} == {"1"}
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # invisible now
    first = got["Messages"][0]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])["Messages"][0]
    assert again["MessageId"] == first["MessageId"] and again["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    sqs.delete_message_batch(
        QueueUrl=url, Entries=[{"Id": "x", "ReceiptHandle": got["Messages"][1]["ReceiptHandle"]}]
    )
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="jobs")


def test_bad_attribute_and_policy(sqs: Any) -> None:
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName="bad", Attributes={"VisibilityTimeout": "99999"})
    assert err.value.response["Error"]["Code"] == "InvalidAttributeValue"
    url = sqs.create_queue(QueueName="withpolicy")["QueueUrl"]
    with pytest.raises(ClientError):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": "nope"})})
