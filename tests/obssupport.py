"""The whole server (uvicorn on 127.0.0.1, background work on huey) with real boto3 clients,
for the CloudWatch Logs, CloudWatch and /metrics tests; and a labeling job run end to end."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import uvicorn
from botocore.config import Config

from labsupport import TRUST, job_request, seed_policy
from opentruth.api.bootstrap import BootstrapResult, bootstrap
from opentruth.db import repo_workforce
from opentruth.db.iam_secrets import SecretBox
from opentruth.runtime import Runtime, Settings
from opentruth.server import create_app


@dataclass
class Full:
    """A running server: its URL, runtime and the admin's credentials."""

    url: str
    runtime: Runtime
    admin: BootstrapResult
    app: Any
    data: Path

    def client(self, service: str, key: str | None = None, secret: str | None = None) -> Any:
        make: Any = boto3.client
        return make(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key or self.admin.key_id,
            aws_secret_access_key=secret or self.admin.secret,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )

    def user(self, name: str, policy: dict[str, Any]) -> tuple[str, str]:
        """An IAM user with one inline policy; returns its access key id and secret."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def full_server(
    data: Path, *, objects: int = 3, workteam: bool = True, source: str = "text"
) -> Iterator[Full]:
    """Start the server on a free port with two workers (ann, bob) in the group ``labelers``
    (and, with ``workteam``, the team of that name) and the buckets of
    :func:`labsupport.job_request` with ``objects`` manifest lines (``{source} {i}``); yield it;
    stop it."""
    port = _free_port()
    settings = Settings.resolve(data, portal_url=f"http://127.0.0.1:{port}")
    settings = Settings(**{**settings.__dict__, "consolidation_window": 0.2})
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    hasher = repo_workforce.fast_hasher()
    runtime.workers.hasher = hasher
    admin = bootstrap(runtime.db, SecretBox.load(data), hasher=hasher)
    with runtime.db.transaction() as s:
        for name in ("ann", "bob"):
            repo_workforce.create_worker(s, name, "pw-" + name, hasher=hasher)
        repo_workforce.add_workers_to_group(s, "labelers", ["ann", "bob"])
    store = runtime.res.store
    for b in ("input-data", "output-data"):
        store.create_bucket(b)
    store.put_object(
        "input-data",
        "manifest.jsonl",
        "".join(json.dumps({"source": f"{source} {i}"}) + "\n" for i in range(objects)).encode(),
    )
    labels = {"document-version": "2018-11-28", "labels": [{"label": "neg"}, {"label": "pos"}]}
    store.put_object("input-data", "labels.json", json.dumps(labels).encode())
    store.put_object("input-data", "template.liquid", b"<crowd-form></crowd-form>")
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        full = Full(f"http://127.0.0.1:{port}", runtime, admin, app, data)
        if workteam:
            full.client("sagemaker").create_workteam(
                WorkteamName="labelers",
                MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["labelers"]}}],
                Description="the team",
            )
        yield full
    finally:
        uv.should_exit = True
        thread.join(timeout=15)


def wait_status(full: Full, name: str, status: set[str], timeout: float = 60) -> dict[str, Any]:
    """Poll DescribeLabelingJob until the job is in one of ``status`` (or the timeout)."""
    sm = full.client("sagemaker")
    deadline = time.monotonic() + timeout
    while True:
        d: dict[str, Any] = sm.describe_labeling_job(LabelingJobName=name)
        if d["LabelingJobStatus"] in status or time.monotonic() > deadline:
            return d
        time.sleep(0.1)


def label_all(
    url: str,
    job: str,
    user: str,
    *,
    want: int = 0,
    timeout: float = 60,
    seen: list[dict[str, Any]] | None = None,
) -> int:
    """Take and submit every task of ``job`` as ``user`` (as ``pos``); return how many. With
    ``want``, wait up to ``timeout`` seconds for that many (a streaming job's tasks arrive as its
    queue is pulled); ``seen`` collects the tasks."""
    done = 0
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=url, timeout=30) as http:
        login = http.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        while True:
            r = http.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)
            if r.status_code == 204:
                if done >= want:
                    return done
                assert time.monotonic() < deadline, f"{job}: {done} of {want} tasks came"
                time.sleep(0.1)
                continue
            task = r.json()
            if seen is not None:
                seen.append(task)
            ok = http.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=auth,
                json={"answerContent": {"crowd-classifier": {"label": "pos"}}},
            )
            assert ok.status_code == 200, ok.text
            done += 1


def run_job(full: Full, name: str, role: str, policy: dict[str, Any]) -> dict[str, Any]:
    """Create role ``role`` with ``policy``, run a 3-object TextMultiClass job labelled by ann
    and bob to its end, and return DescribeLabelingJob."""
    iam = full.client("iam")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName=role, PolicyName="execution", PolicyDocument=json.dumps(policy))
    request = job_request(name, "TextMultiClass", workers=2)
    request["RoleArn"] = f"arn:aws:iam::000000000000:role/{role}"
    full.client("sagemaker").create_labeling_job(**request)
    started = wait_status(full, name, {"InProgress", "Failed"})
    assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")
    label_all(full.url, name, "ann")
    label_all(full.url, name, "bob")
    return wait_status(full, name, {"Completed", "Failed"})


def create_execution_role(full: Full, buckets: list[str], name: str = "GroundTruthExecution") -> None:
    """Create, through boto3, the execution role that Ground Truth's trust and the seed's policy
    for ``buckets`` describe (what a system test's job runs as)."""
    iam = full.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(
        RoleName=name, PolicyName="execution", PolicyDocument=json.dumps(seed_policy(buckets))
    )
