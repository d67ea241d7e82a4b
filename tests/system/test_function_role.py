"""A function runs as its role, through the real server and boto3's Lambda API: its handler has
no keys in its code or environment, reads what its role allows, gets AccessDenied elsewhere;
a role that does not trust Lambda fails the call; UpdateFunctionConfiguration's new role is the
next call's. And the custom-workflow example, unchanged, labels a job to Completed."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from obssupport import Full, full_server, wait_status
from opentruth.cloud.functions import zip_folder

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-workflow"
ACCOUNT = "000000000000"
LAMBDA_TRUST = json.loads((EXAMPLE / "function-trust.json").read_text())
SAGEMAKER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

#: A handler as one writes it for Lambda: plain boto3 clients, no keys anywhere.
READER = """
import os
import boto3
from botocore.exceptions import ClientError

def handler(event, context):
    s3 = boto3.client("s3")
    out = {"identity": boto3.client("sts").get_caller_identity()["Arn"],
           "key_id": os.environ["AWS_ACCESS_KEY_ID"], "secret": os.environ["AWS_SECRET_ACCESS_KEY"]}
    out["allowed"] = s3.get_object(Bucket="input-data", Key="labels.json")["Body"].read().decode()
    try:
        s3.get_object(Bucket="input-data", Key="manifest.jsonl")
        out["denied"] = "read"
    except ClientError as exc:
        out["denied"] = exc.response["Error"]["Code"]
    return out
"""


def _zip(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("reader.py", source)
    return buf.getvalue()


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    yield from full_server(tmp_path_factory.mktemp("data"))


def _role(full: Full, name: str, trust: dict[str, Any], policy: dict[str, Any]) -> str:
    iam = full.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return arn


def _reads(*resources: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": list(resources)}],
    }


def _reader(full: Full, name: str, role: str) -> dict[str, Any]:
    """CreateFunction of the READER handler with ``role``, through boto3."""
    made: dict[str, Any] = full.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="reader.handler",
        Code={"ZipFile": _zip(READER)},
        Timeout=30,
    )
    return made


def _invoke(full: Full, name: str) -> dict[str, Any]:
    r = full.client("lambda").invoke(FunctionName=name, Payload=b"{}")
    body: dict[str, Any] = json.loads(r["Payload"].read())
    assert "FunctionError" not in r, body
    return body


def test_handler_runs_as_its_role(full: Full, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    role = _role(full, "fn-reader", LAMBDA_TRUST, _reads("arn:aws:s3:::input-data/labels.json"))
    lam = full.client("lambda")
    created = _reader(full, "reader", role)
    assert created["Role"] == role and "Environment" not in created
    assert lam.get_function_configuration(FunctionName="reader")["Role"] == role
    out = _invoke(full, "reader")
    assert out["identity"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/fn-reader/reader"
    assert json.loads(out["allowed"])["labels"][0]["label"] == "neg"
    assert out["denied"] == "AccessDenied"
    assert out["key_id"].startswith("ASIA")
    # The secret exists in the handler's environment only: not in the server's, not in its logs.
    assert out["secret"] not in os.environ.values()
    assert out["secret"] not in caplog.text
    # Warm invocations reuse the cached session (until shortly before it expires).
    assert _invoke(full, "reader")["key_id"] == out["key_id"]


def test_role_that_does_not_trust_lambda_fails_the_call(full: Full) -> None:
    role = _role(full, "not-for-lambda", SAGEMAKER_TRUST, _reads("*"))
    lam = full.client("lambda")
    _reader(full, "untrusted", role)
    with pytest.raises(ClientError) as info:
        lam.invoke(FunctionName="untrusted", Payload=b"{}")
    error = info.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert "cannot be assumed by Lambda" in error["Message"]


def test_update_function_configuration_changes_the_role(full: Full) -> None:
    first = _role(full, "fn-first", LAMBDA_TRUST, _reads("arn:aws:s3:::input-data/labels.json"))
    both = _reads("arn:aws:s3:::input-data/labels.json", "arn:aws:s3:::input-data/manifest.jsonl")
    second = _role(full, "fn-second", LAMBDA_TRUST, both)
    lam = full.client("lambda")
    _reader(full, "switcher", first)
    assert _invoke(full, "switcher")["denied"] == "AccessDenied"
    updated = lam.update_function_configuration(FunctionName="switcher", Role=second)
    assert updated["Role"] == second
    assert lam.get_function_configuration(FunctionName="switcher")["Role"] == second
    out = _invoke(full, "switcher")
    assert out["identity"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/fn-second/switcher"
    assert out["denied"] == "read"  # the new role's policy allows it


def _label(full: Full, job: str, user: str, pick: str, count: int) -> int:
    """Take and submit ``count`` tasks of ``job`` as ``user`` (waiting while the pre-annotation
    function prepares them, up to a minute), choosing ``pick`` in the radio group."""
    done = 0
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=full.url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        while done < count and time.monotonic() < deadline:
            r = http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)
            if r.status_code == 204:
                time.sleep(0.1)
                continue
            task = r.json()
            answer = {"animal": {label: {"on": label == pick} for label in ("cat", "dog", "bird")}}
            ok = http.post(
                f"/worker/api/tasks/{task['taskId']}/submit", headers=auth, json={"answerContent": answer}
            )
            assert ok.status_code == 200, ok.text
            done += 1
    return done


def test_example_custom_workflow_runs_unchanged(full: Full, tmp_path: Path) -> None:
    """The example's post-annotation handler reads the consolidation request with plain
    ``boto3.client("s3")``: it has only its role's credentials, and the job completes."""
    lam, sm = full.client("lambda"), full.client("sagemaker")
    store = full.runtime.res.store
    for name in ("animals.manifest", "animal-labels.json"):
        store.put_object("input-data", name, (EXAMPLE / name).read_bytes())
    store.put_object("input-data", "animals.liquid", (EXAMPLE / "template.liquid").read_bytes())
    policy = json.loads((EXAMPLE / "function-role.json").read_text())
    fn_role = _role(full, "AnimalsFunctions", LAMBDA_TRUST, policy)
    post_dir = tmp_path / "post"
    shutil.copytree(EXAMPLE / "functions" / "post", post_dir)
    for name, handler, folder in (
        ("animals-pre", "pre_annotation.lambda_handler", EXAMPLE / "functions" / "pre"),
        ("animals-post", "post_annotation.lambda_handler", post_dir),
    ):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=fn_role,
            Handler=handler,
            Code={"ZipFile": zip_folder(folder)},
            Timeout=30,
        )
    _role(full, "GroundTruthExecution", SAGEMAKER_TRUST, json.loads((EXAMPLE / "role.json").read_text()))
    job = json.loads((EXAMPLE / "job.json").read_text())
    job["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 2
    sm.create_labeling_job(**job)
    started = wait_status(full, "animals", {"InProgress", "Failed"})
    assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")
    assert _label(full, "animals", "ann", "dog", 3) == 3  # the fourth line needs no human
    assert _label(full, "animals", "bob", "dog", 3) == 3
    done = wait_status(full, "animals", {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    assert done["LabelCounters"]["HumanLabeled"] == 3
    assert done["LabelCounters"]["FailedNonRetryableError"] == 0
    uri = done["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, key = uri[len("s3://") :].split("/", 1)
    lines = [json.loads(x) for x in store.get_object(bucket, key).body.decode().splitlines()]
    assert [line["animal"]["label"] for line in lines[:3]] == ["dog", "dog", "dog"]
    assert lines[0]["animal"]["votes"] == {"dog": 2.0}
    assert lines[0]["animal-metadata"]["type"] == "groundtruth/custom"
