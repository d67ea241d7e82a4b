"""S3 event notifications with real boto3 against the whole server: the bucket's configuration
round-trips, and a PutObject publishes an ``ObjectCreated:Put`` event to the topic, which SNS
delivers to a subscribed SQS queue (the queue's policy lets the topic send)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from obssupport import Full, full_server


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    data: Path = tmp_path_factory.mktemp("data")
    yield from full_server(data)


def _receive(sqs: Any, url: str, timeout: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", [])
        if got:
            return [json.loads(m["Body"]) for m in got]
    return []


def test_put_object_publishes_an_s3_event(full: Full) -> None:
    sns, sqs, s3 = full.client("sns"), full.client("sqs"), full.client("s3")
    topic = sns.create_topic(Name="uploads")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic,
                    "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::events-bucket"}},
                },
            }
        ),
    )
    queue = sqs.create_queue(QueueName="uploads-q")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": queue_arn,
                        "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
                    },
                }
            )
        },
    )
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    s3.create_bucket(Bucket="events-bucket")
    config = {
        "TopicConfigurations": [
            {
                "Id": "images",
                "TopicArn": topic,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "images/"}]}},
            }
        ]
    }
    s3.put_bucket_notification_configuration(Bucket="events-bucket", NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket="events-bucket")
    assert got["TopicConfigurations"] == config["TopicConfigurations"]
    # S3 sends a test event when the configuration is set.
    first = _receive(sqs, queue)
    assert first and first[0]["Event"] == "s3:TestEvent"
    s3.put_object(Bucket="events-bucket", Key="other/skip.txt", Body=b"not selected by the filter")
    s3.put_object(Bucket="events-bucket", Key="images/cat 1.jpg", Body=b"meow")
    events = _receive(sqs, queue)
    records = [r for e in events for r in e.get("Records", [])]
    assert [r["eventName"] for r in records] == ["ObjectCreated:Put"]
    assert records[0]["s3"]["bucket"]["name"] == "events-bucket"
    assert records[0]["s3"]["object"]["key"] == "images/cat+1.jpg"  # S3 URL-encodes keys in events
    assert records[0]["s3"]["object"]["size"] == 4


def test_a_topic_that_does_not_trust_s3_is_refused(full: Full) -> None:
    sns, s3 = full.client("sns"), full.client("s3")
    topic = sns.create_topic(Name="closed")["TopicArn"]
    s3.create_bucket(Bucket="closed-bucket")
    config = {"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as info:
        s3.put_bucket_notification_configuration(Bucket="closed-bucket", NotificationConfiguration=config)
    assert "sns:Publish" in info.value.response["Error"]["Message"]
    assert s3.get_bucket_notification_configuration(Bucket="closed-bucket").get("TopicConfigurations") is None
