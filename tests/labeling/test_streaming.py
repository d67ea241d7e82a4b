"""Streaming jobs through the role: queue set-up, pulls with de-duplication, S3 events, output
messages on the output topic, idle stop, StopLabelingJob, and a role without sqs:CreateQueue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from labsupport import ACCOUNT, REGION, Lab, job_request, make_role, seed_policy
from opentruth.errors import ValidationError
from opentruth.labeling.stream_input import GENERATED_KEY, SEQUENCER, parse_message
from opentruth.labeling.streaming import queue_name

IN_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:labeling-input"
OUT_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:labeling-output"


def streaming_policy(*, create_queue: bool = True) -> dict[str, Any]:
    policy = seed_policy(["input-data", "output-data"])
    sqs = [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
        "sqs:SendMessageBatch",
        "sqs:SetQueueAttributes",
    ]
    if create_queue:
        sqs.append("sqs:CreateQueue")
    policy["Statement"] += [
        {"Effect": "Allow", "Action": sqs, "Resource": "arn:aws:sqs:*:*:*GroundTruth*"},
        {
            "Effect": "Allow",
            "Action": "sns:Subscribe",
            "Resource": [IN_TOPIC, OUT_TOPIC],
            "Condition": {
                "StringEquals": {"sns:Protocol": "sqs"},
                "StringLike": {"sns:Endpoint": f"arn:aws:sqs:{REGION}:{ACCOUNT}:*GroundTruth*"},
            },
        },
        {"Effect": "Allow", "Action": ["sns:Publish", "sns:Unsubscribe"], "Resource": [IN_TOPIC, OUT_TOPIC]},
    ]
    return policy


def streaming_request(name: str, **extra: Any) -> dict[str, Any]:
    req = job_request(name, "TextMultiClass", workers=1)
    req["InputConfig"] = {"DataSource": {"SnsDataSource": {"SnsTopicArn": IN_TOPIC}}}
    req["OutputConfig"]["SnsTopicArn"] = OUT_TOPIC
    req.update(extra)
    return req


@pytest.fixture
def streams(lab: Lab) -> Lab:
    lab.roles.add(make_role(streaming_policy()))
    lab.labels(["neg", "pos"])
    topics = lab.runner.streaming.topics
    topics.create_topic("labeling-input")
    topics.create_topic("labeling-output")
    queues = lab.runner.streaming.queues
    queues.create_queue("results")
    arn = queues.arn_of("results")
    queues.set_attributes("results", {"Policy": json.dumps(_allow_topic(arn, OUT_TOPIC))})
    topics.subscribe(OUT_TOPIC, "sqs", arn)
    return lab


def _allow_topic(queue: str, topic: str) -> dict[str, Any]:
    return {
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


def _drive(lab: Lab) -> None:
    lab.runner.run_pending()
    lab.runner.reconcile()
    lab.runner.run_pending()


def _label_everything(lab: Lab, job: str) -> list[str]:
    seen: list[str] = []
    while True:
        _drive(lab)
        task = lab.workers.next_task(lab.identities[0], job)
        if task is None:
            return seen
        seen.append(task["taskInput"]["taskObject"])
        lab.workers.submit(lab.identities[0], task["taskId"], {"c": {"label": "pos"}})


def test_streaming_job_end_to_end(streams: Lab) -> None:
    lab = streams
    topics = lab.runner.streaming.topics
    lab.jobs.create(streaming_request("Stream-One"))
    lab.runner.run_pending()
    assert lab.jobs.describe("Stream-One")["LabelingJobStatus"] == "InProgress"
    # The queue was created through the role, with a policy for the topic, and subscribed.
    queue = lab.runner.streaming.queues.get_queue(queue_name("Stream-One"))
    assert queue.name == "GroundTruth-stream-one"
    assert json.loads(queue.attributes["Policy"])["Statement"][0]["Condition"]["ArnEquals"] == {
        "aws:SourceArn": IN_TOPIC
    }
    assert [s.endpoint for s in topics.list_subscriptions(IN_TOPIC)] == [queue.arn]

    topics.publish(IN_TOPIC, json.dumps({"source": "first"}))
    topics.publish(
        IN_TOPIC, json.dumps({"source": "dup", "dataset-objectid-attribute-name": "id", "id": "k1"})
    )
    topics.publish(
        IN_TOPIC, json.dumps({"source": "dup again", "dataset-objectid-attribute-name": "id", "id": "k1"})
    )
    topics.publish(IN_TOPIC, json.dumps({"Event": "s3:TestEvent"}))
    topics.publish(IN_TOPIC, "not json")
    assert _label_everything(lab, "Stream-One") == ["first", "dup"]

    results = lab.runner.streaming.queues.receive("results", max_messages=10)
    lines = [json.loads(json.loads(m.body)["Message"]) for m in results]
    assert sorted(x["source"] for x in lines) == ["dup", "first"]
    first = next(x for x in lines if x["source"] == "first")
    assert first["dataset-objectid-attribute-name"] == GENERATED_KEY and first[GENERATED_KEY]
    assert first["label-metadata"]["class-name"] == "pos"
    d = lab.jobs.describe("Stream-One")
    assert d["LabelCounters"]["HumanLabeled"] == 2
    lab.jobs.stop("Stream-One")
    lab.runner.run_pending()
    assert lab.jobs.describe("Stream-One")["LabelingJobStatus"] == "Stopped"
    assert topics.list_subscriptions(IN_TOPIC) == []  # unsubscribed …
    assert lab.runner.streaming.queues.get_queue("GroundTruth-stream-one")  # … and the queue kept
    out = lab.get(lab.jobs.describe("Stream-One")["LabelingJobOutput"]["OutputDatasetS3Uri"]).decode()
    assert [json.loads(x)["source"] for x in out.splitlines()] == ["first", "dup"]


def test_s3_events_and_idle_stop(streams: Lab) -> None:
    lab = streams
    lab.runner.streaming.idle_seconds = 0
    lab.put("s3://input-data/a b.txt", "from s3")
    lab.jobs.create(streaming_request("s3feed"))
    lab.runner.run_pending()
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "input-data"}, "object": {"key": "a+b.txt", "sequencer": "0A"}},
            }
        ]
    }
    for _ in range(2):  # the same event twice: one object
        lab.runner.streaming.topics.publish(IN_TOPIC, json.dumps(event))
    assert _label_everything(lab, "s3feed") == ["from s3"]
    lab.runner.reconcile()  # nothing left and idle: the job stops itself
    lab.runner.run_pending()
    assert lab.jobs.describe("s3feed")["LabelingJobStatus"] == "Stopped"
    out = lab.get(lab.jobs.describe("s3feed")["LabelingJobOutput"]["OutputDatasetS3Uri"]).decode()
    line = json.loads(out)
    assert line["source-ref"] == "s3://input-data/a b.txt" and line[SEQUENCER] == "0A"


def test_role_without_create_queue_fails_the_job(lab: Lab) -> None:
    lab.roles.add(make_role(streaming_policy(create_queue=False)))
    lab.labels(["neg", "pos"])
    lab.runner.streaming.topics.create_topic("labeling-input")
    lab.jobs.create(streaming_request("noqueue"))
    lab.runner.run_pending()
    d = lab.jobs.describe("noqueue")
    assert d["LabelingJobStatus"] == "Failed"
    assert d["FailureReason"] == (
        "ClientError: User: arn:aws:sts::000000000000:assumed-role/GroundTruthExecution/SageMaker is not "
        "authorized to perform: sqs:CreateQueue on resource: "
        "arn:aws:sqs:us-east-1:000000000000:GroundTruth-noqueue"
    )


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("01-text.json", True),
        ("02-image-dedup.json", True),
        ("03-s3-event.json", True),
        ("04-bad-dedup-name.invalid.json", False),
        ("05-dollar-attr.invalid.json", False),
        ("06-empty-records.invalid.json", False),
    ],
)
def test_conformance_examples(data_dir: Any, name: str, valid: bool) -> None:
    body = (data_dir / "groundtruth" / "examples" / "streaming-input-message" / name).read_text()
    if valid:
        assert parse_message(body, "m-1")
    else:
        with pytest.raises(ValidationError):
            parse_message(body, "m-1")


def test_custom_streaming_job_publishes_its_outputs(streams: Lab) -> None:
    """A custom workflow (Ground Truth's PassThrough functions) fed by SNS publishes each
    consolidated line to the output topic, like a built-in one."""
    lab = streams
    gt = f"arn:aws:lambda:{REGION}:432418664414:function:"
    req = streaming_request("Stream-Custom")
    req["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = gt + "PRE-PassThrough"
    req["HumanTaskConfig"]["AnnotationConsolidationConfig"] = {
        "AnnotationConsolidationLambdaArn": gt + "ACS-PassThrough"
    }
    lab.jobs.create(req)
    lab.runner.run_pending()
    assert lab.jobs.describe("Stream-Custom")["LabelingJobStatus"] == "InProgress"
    lab.runner.streaming.topics.publish(IN_TOPIC, json.dumps({"source": "custom one"}))
    seen = []
    while True:
        _drive(lab)
        task = lab.workers.next_task(lab.identities[0], "Stream-Custom")
        if task is None:
            break
        seen.append(task["taskId"])
        lab.workers.submit(lab.identities[0], task["taskId"], {"my-radio": {"yes": True}})
    _drive(lab)
    assert len(seen) == 1
    results = lab.runner.streaming.queues.receive("results", max_messages=10)
    lines = [json.loads(json.loads(m.body)["Message"]) for m in results]
    assert [x["source"] for x in lines] == ["custom one"]
    assert lines[0]["label"] == {} and "worker-response-ref" in lines[0]["label-metadata"]


def test_a_chained_jobs_output_line_is_taken_with_its_id_and_labels() -> None:
    # What a first streaming job publishes to its output topic, the next job's input.
    line = {
        "source": "chained",
        "dataset-objectid-attribute-name": GENERATED_KEY,
        GENERATED_KEY: "first-message-id",
        SEQUENCER: "0A",
        "label": 1,
        "label-metadata": {"class-name": "pos", "job-name": "labeling-job/first"},
    }
    (obj,) = parse_message(json.dumps(line), "second-message-id")
    assert obj.line == line  # kept as it came: the first job's labels stay on the line
    assert obj.key == f"attr:{GENERATED_KEY}:first-message-id"  # the first job's id, not a new one
    # The same object arriving again (at-least-once delivery) has the same key: one object.
    assert parse_message(json.dumps(line), "third-message-id")[0].key == obj.key


def test_only_ground_truths_own_dollar_names_and_the_named_key_are_taken() -> None:
    named = {"source": "x", "dataset-objectid-attribute-name": "$mine", "$mine": "k"}
    assert parse_message(json.dumps(named), "m")[0].key == "attr:$mine:k"
    with pytest.raises(ValidationError, match=r"'\$other'.*reserved for Ground Truth"):
        parse_message(json.dumps({"source": "x", "$other": "1"}), "m")
