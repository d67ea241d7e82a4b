"""Helpers of the system tests: real ``opentruth serve`` subprocesses and HTTP workers.

The tests drive the product as a user would: a server process started from the console
script, set up through the same data folder (commands may run while ``serve`` does), and
workers that only speak the worker JSON API. Waiting is always "poll until true, with a
generous deadline", never a timed assertion: the machine may be loaded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from labsupport import TEAM_ARN, job_request, make_role, seed_policy
from opentruth.db import repo_iam_roles, repo_workforce
from opentruth.runtime import Runtime

LABELS = ("positive", "negative", "neutral")
PASSWORD = "correct horse battery"


def opentruth_command() -> list[str]:
    """The ``opentruth`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("opentruth")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from opentruth.cli import main; main()"]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.1) -> None:
    """Poll ``check`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@dataclass
class Server:
    """One ``opentruth serve`` process on 127.0.0.1."""

    data: Path
    log_path: Path
    db: str | None = None
    store: str | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 90.0) -> Server:
        """Start the process and wait until ``/health`` answers."""
        cmd = [*opentruth_command(), "serve", "--data", str(self.data), "--port", str(self.port)]
        if self.db:
            cmd += ["--db", self.db]
        if self.store:
            cmd += ["--store", self.store]
        self._log = self.log_path.open("ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTRUTH_")}
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        wait_for(self._healthy, timeout=timeout, what=f"{self.url}/health ({self.log_tail()})")
        return self

    def _healthy(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
        try:
            return httpx.get(f"{self.url}/health", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def kill9(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), or SIGKILL if it does not end in time."""
        if self.proc is None or self.proc.poll() is not None:
            self._close_log()
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def setup_text_job(
    rt: Runtime,
    job: str,
    *,
    objects: int,
    workers: list[str],
    per_object: int = 1,
    task_time_limit: int = 300,
) -> list[str]:
    """Role, buckets, manifest, labels, template, workers and team, and a text-classification
    job, through the runtime of the test process; return the manifest texts in order.

    The job is created without a kick: the server's reconciler finds the queued work item.
    """
    hasher = repo_workforce.fast_hasher()
    with rt.db.transaction() as s:
        repo_iam_roles.create_role_from_detail(
            s, make_role(seed_policy(["input-data", "output-data"])).to_detail()
        )
        for name in workers:
            repo_workforce.create_worker(s, name, PASSWORD, hasher=hasher)
        repo_workforce.add_workers_to_group(s, "labelers", workers)
        repo_workforce.create_workteam(s, "labelers", ["labelers"], description="team")
        assert repo_workforce.get_workteam(s, "labelers").arn == TEAM_ARN
    store = rt.res.store
    for bucket in ("input-data", "output-data"):
        store.create_bucket(bucket)
    texts = [f"text number {i}" for i in range(objects)]
    manifest = "".join(json.dumps({"source": t}) + "\n" for t in texts)
    store.put_object("input-data", "manifest.jsonl", manifest.encode())
    labels = {"document-version": "2018-11-28", "labels": [{"label": x} for x in LABELS]}
    store.put_object("input-data", "labels.json", json.dumps(labels).encode())
    store.put_object(
        "input-data",
        "template.liquid",
        b"<crowd-form><crowd-classifier name='sentiment'></crowd-classifier></crowd-form>",
    )
    request = job_request(job, "TextMultiClass", workers=per_object)
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = task_time_limit
    rt.jobs.create(request)
    return texts


def expected_label(dataset_object_id: int) -> str:
    """The answer simulated workers give for an object, so the output can be checked."""
    return LABELS[dataset_object_id % len(LABELS)]


def answer_for(dataset_object_id: int) -> dict[str, Any]:
    return {"answerContent": {"sentiment": {"label": expected_label(dataset_object_id)}}}


class HttpWorker:
    """A worker that only speaks the worker JSON API, over one keep-alive connection."""

    def __init__(self, base_url: str, username: str, *, timeout: float = 30.0) -> None:
        self.username = username
        self.client = httpx.Client(base_url=base_url, timeout=timeout)
        self.token = ""

    def use(self, base_url: str) -> None:
        """Talk to another server process (the token is valid on every process)."""
        self.client.close()
        self.client = httpx.Client(base_url=base_url, timeout=self.client.timeout)

    def login(self) -> str:
        r = self.client.post("/worker/api/login", json={"username": self.username, "password": PASSWORD})
        r.raise_for_status()
        self.token = r.json()["token"]
        return str(r.json()["workerId"])

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def next(self, job: str) -> dict[str, Any] | None:
        r = self.client.post(f"/worker/api/jobs/{job}/tasks/next", headers=self.auth)
        if r.status_code == 204:
            return None
        r.raise_for_status()
        task: dict[str, Any] = r.json()
        return task

    def submit(self, task: dict[str, Any]) -> dict[str, Any]:
        r = self.client.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=self.auth,
            json=answer_for(task["datasetObjectId"]),
        )
        r.raise_for_status()
        body: dict[str, Any] = r.json()
        return body

    def available(self, job: str) -> int:
        r = self.client.get("/worker/api/jobs", headers=self.auth)
        r.raise_for_status()
        return sum(j["availableTasks"] for j in r.json() if j["labelingJobName"] == job)

    def close(self) -> None:
        self.client.close()


def job_status(rt: Runtime, job: str) -> str:
    return str(rt.jobs.describe(job)["LabelingJobStatus"])


def read_jsonl(body: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


def list_keys(rt: Runtime, bucket: str, prefix: str) -> list[str]:
    """Every key under ``prefix`` in the object store (all pages)."""
    keys: list[str] = []
    token: str | None = None
    while True:
        page = rt.res.store.list_objects(bucket, prefix=prefix, continuation_token=token)
        keys.extend(o.key for o in page.objects)
        if not page.is_truncated:
            return keys
        token = page.next_continuation_token


def submissions_by_object(rt: Runtime, job: str) -> dict[int, list[tuple[str, str, dict[str, Any]]]]:
    """``{dataset object id: [(task id, worker public id, answer), ...]}`` of submitted tasks."""
    from sqlalchemy import select

    from opentruth.db.models import Assignment, AssignmentState, DataObject, LabelingJob, Worker

    with rt.db.read() as s:
        rows = s.execute(
            select(DataObject.dataset_object_id, Assignment.task_id, Worker.public_id, Assignment.answer)
            .join(DataObject, DataObject.id == Assignment.object_id)
            .join(Worker, Worker.id == Assignment.worker_id)
            .join(LabelingJob, LabelingJob.id == Assignment.job_id)
            .where(LabelingJob.name == job, Assignment.state == AssignmentState.SUBMITTED.value)
        ).all()
    out: dict[int, list[tuple[str, str, dict[str, Any]]]] = {}
    for index, task_id, worker, answer in rows:
        out.setdefault(int(index), []).append((str(task_id), str(worker), dict(answer or {})))
    return out


def assert_labeled_exactly_once(
    rt: Runtime, job: str, texts: list[str], acknowledged: dict[str, int]
) -> None:
    """The job completed and every object carries exactly one answer, everywhere it shows:
    the database, LabelCounters, the output manifest and the worker-response files.

    ``acknowledged`` maps the task ids whose submit got a 200 to their dataset object ids:
    each of those answers must be the one recorded for its object.
    """
    described = rt.jobs.describe(job)
    assert described["LabelingJobStatus"] == "Completed", described.get("FailureReason")
    n = len(texts)
    assert described["LabelCounters"] == {
        "TotalLabeled": n,
        "HumanLabeled": n,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 0,
    }
    subs = submissions_by_object(rt, job)
    assert sorted(subs) == list(range(n)), "every object has a submitted answer"
    twice = {i: v for i, v in subs.items() if len(v) != 1}
    assert not twice, f"objects with more than one submitted answer: {twice}"
    recorded = {v[0][0]: i for i, v in subs.items()}
    for task_id, index in acknowledged.items():
        assert recorded.get(task_id) == index, f"acknowledged submit {task_id} of object {index} was lost"
    for i, [(_task, _worker, answer)] in subs.items():
        assert answer == answer_for(i)["answerContent"]

    root = f"jobs/{job}"
    manifest = read_jsonl(
        rt.res.store.get_object("output-data", f"{root}/manifests/output/output.manifest").body
    )
    assert [line["source"] for line in manifest] == texts, "every line once, in input order"
    assert [line["label-metadata"]["class-name"] for line in manifest] == [
        expected_label(i) for i in range(n)
    ]

    files: dict[int, list[str]] = {}
    for key in list_keys(rt, "output-data", f"{root}/annotations/worker-response/iteration-1/"):
        index = int(key.split("/")[-2])
        files.setdefault(index, []).append(key)
    assert sorted(files) == list(range(n))
    for i, keys in files.items():
        assert len(keys) == 1, f"object {i} has {len(keys)} worker-response files: {keys}"
        answers = json.loads(rt.res.store.get_object("output-data", keys[0]).body)["answers"]
        [(_task, worker, _answer)] = subs[i]
        assert [(a["workerId"], a["answerContent"]) for a in answers] == [
            (worker, answer_for(i)["answerContent"])
        ]
