"""Streaming latency on the embedded default: publish → task available, submit → output message.

Starts the whole server (uvicorn on 127.0.0.1, huey in process, SQLite), creates with boto3 a
role, a work team, an input and an output topic, a results queue subscribed to the output topic
and a streaming job; then, N times: publish one line (SNS) and poll the worker API until the task
is there; submit it and long-poll the results queue (SQS) until its output line arrives.

    python bench/streaming.py [N]
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import uvicorn
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from labsupport import TRUST, seed_policy
from opentruth.api.bootstrap import bootstrap
from opentruth.db import repo_workforce
from opentruth.db.iam_secrets import SecretBox
from opentruth.runtime import Settings
from opentruth.server import create_app


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(n: int, data: Path) -> dict[str, list[float]]:
    """Run the flow ``n`` times; return the latencies in milliseconds."""
    port = _port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(Settings.resolve(data, portal_url=url))
    runtime = app.state.runtime
    hasher = repo_workforce.fast_hasher()
    runtime.workers.hasher = hasher
    admin = bootstrap(runtime.db, SecretBox.load(data), hasher=hasher)
    with runtime.db.transaction() as s:
        repo_workforce.create_worker(s, "ann", "pw-ann", hasher=hasher)
        repo_workforce.add_workers_to_group(s, "labelers", ["ann"])
    store = runtime.res.store
    for b in ("input-data", "output-data"):
        store.create_bucket(b)
    labels = {"document-version": "2018-11-28", "labels": [{"label": "neg"}, {"label": "pos"}]}
    store.put_object("input-data", "labels.json", json.dumps(labels).encode())
    store.put_object("input-data", "template.liquid", b"<crowd-form></crowd-form>")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        return _flow(url, admin.key_id, admin.secret, n)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _client(url: str, key: str, secret: str, service: str) -> Any:
    make: Any = boto3.client
    return make(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


def _flow(url: str, key: str, secret: str, n: int) -> dict[str, list[float]]:
    iam, sm = _client(url, key, secret, "iam"), _client(url, key, secret, "sagemaker")
    sns, sqs = _client(url, key, secret, "sns"), _client(url, key, secret, "sqs")
    topic_in = sns.create_topic(Name="bench-in")["TopicArn"]
    topic_out = sns.create_topic(Name="bench-out")["TopicArn"]
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"] += [
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:*GroundTruth*"},
        {
            "Effect": "Allow",
            "Action": ["sns:Subscribe", "sns:Unsubscribe", "sns:Publish"],
            "Resource": [topic_in, topic_out],
        },
    ]
    iam.create_role(RoleName="GroundTruthExecution", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="GroundTruthExecution", PolicyName="x", PolicyDocument=json.dumps(policy))
    team = sm.create_workteam(
        WorkteamName="labelers",
        Description="team",
        MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["labelers"]}}],
    )
    results = sqs.create_queue(QueueName="results")["QueueUrl"]
    results_arn = sqs.get_queue_attributes(QueueUrl=results, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": results_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_out}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=results, Attributes={"Policy": json.dumps(allow)})
    sns.subscribe(TopicArn=topic_out, Protocol="sqs", Endpoint=results_arn)
    gt = "432418664414"
    acs = f"arn:aws:lambda:us-east-1:{gt}:function:ACS-TextMultiClass"
    sm.create_labeling_job(
        LabelingJobName="stream-bench",
        LabelAttributeName="label",
        RoleArn="arn:aws:iam::000000000000:role/GroundTruthExecution",
        InputConfig={"DataSource": {"SnsDataSource": {"SnsTopicArn": topic_in}}},
        OutputConfig={"S3OutputPath": "s3://output-data/jobs/", "SnsTopicArn": topic_out},
        LabelCategoryConfigS3Uri="s3://input-data/labels.json",
        HumanTaskConfig={
            "WorkteamArn": team["WorkteamArn"],
            "UiConfig": {"UiTemplateS3Uri": "s3://input-data/template.liquid"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:us-east-1:{gt}:function:PRE-TextMultiClass",
            "TaskTitle": "t",
            "TaskDescription": "d",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": acs},
        },
    )
    while sm.describe_labeling_job(LabelingJobName="stream-bench")["LabelingJobStatus"] != "InProgress":
        time.sleep(0.05)
    to_task: list[float] = []
    to_output: list[float] = []
    outputs: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        token = http.post("/worker/api/login", json={"username": "ann", "password": "pw-ann"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        for i in range(n):
            start = time.perf_counter()
            sns.publish(TopicArn=topic_in, Message=json.dumps({"source": f"text {i}"}))
            while True:
                r = http.post("/worker/api/jobs/stream-bench/tasks/next", headers=auth)
                if r.status_code == 200:
                    break
                time.sleep(0.005)
            to_task.append((time.perf_counter() - start) * 1000)
            task = r.json()
            start = time.perf_counter()
            http.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=auth,
                json={"answerContent": {"crowd-classifier": {"label": "pos"}}},
            ).raise_for_status()
            while True:
                got = sqs.receive_message(QueueUrl=results, WaitTimeSeconds=5).get("Messages", [])
                if got:
                    break
            to_output.append((time.perf_counter() - start) * 1000)
            sqs.delete_message(QueueUrl=results, ReceiptHandle=got[0]["ReceiptHandle"])
            outputs.append(json.loads(json.loads(got[0]["Body"])["Message"]))
    sm.stop_labeling_job(LabelingJobName="stream-bench")
    return {"publish_to_task": to_task, "submit_to_output": to_output, "outputs": outputs}  # type: ignore[dict-item]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(n, Path(tmp))
    for name, target in (("publish_to_task", 200), ("submit_to_output", 500)):
        values = figures[name]
        print(
            f"{name:18} n={len(values)} p50={statistics.median(values):7.1f} ms "
            f"p99={_pct(values, 99):7.1f} ms  (target p99 <= {target} ms)"
        )


if __name__ == "__main__":
    main()
