"""kill -9 the real server in the middle of a job, restart it on the same data, finish the job.

What must hold (issue 3, §6): the job resumes and completes; no acknowledged answer is lost and
none is counted twice; a worker's lease that was open at the kill is handed back to that worker
(a resumed lease), and one whose worker walked away returns to the pool after
TaskTimeLimitInSeconds. A submit in flight at the kill is simply retried by the client and
counted once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from opentruth.runtime import Runtime, Settings
from syssupport import (
    HttpWorker,
    Server,
    assert_labeled_exactly_once,
    job_status,
    setup_text_job,
    wait_for,
)

JOB = "durable-job"
OBJECTS = 60
#: The smallest TaskTimeLimitInSeconds SageMaker accepts; the abandoned lease returns after it.
TASK_TIME_LIMIT = 30
THINK_SECONDS = 0.03


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime.open(Settings.resolve(tmp_path / "data"))
    yield rt
    rt.close()


class Labeler(threading.Thread):
    """A worker labeling until the server goes away, reading each task for a moment first (a
    server fast enough to hand out the whole job between two polls of the test would otherwise
    leave nobody labeling when it is killed).

    Records the submits that got a 200, and the task whose submit was in flight when the
    connection broke (its outcome is unknown to the worker, as for a real client).
    """

    def __init__(self, worker: HttpWorker, job: str) -> None:
        super().__init__(daemon=True)
        self.worker = worker
        self.job = job
        self.acknowledged: dict[str, int] = {}
        self.in_flight: dict[str, Any] | None = None
        self.broken: Exception | None = None

    def run(self) -> None:
        while True:
            try:
                task = self.worker.next(self.job)
            except httpx.TransportError as exc:
                self.broken = exc
                return
            if task is None:
                return
            time.sleep(THINK_SECONDS)
            try:
                self.worker.submit(task)
            except httpx.TransportError as exc:
                self.in_flight = task
                self.broken = exc
                return
            self.acknowledged[task["taskId"]] = task["datasetObjectId"]


def test_kill9_resumes_the_job_without_losing_or_double_counting(tmp_path: Path, runtime: Runtime) -> None:
    names = ["ann", "bob", "cat", "dan"]
    texts = setup_text_job(runtime, JOB, objects=OBJECTS, workers=names, task_time_limit=TASK_TIME_LIMIT)
    data = tmp_path / "data"
    server = Server(data, tmp_path / "server.log").start()
    workers: dict[str, HttpWorker] = {}
    acknowledged: dict[str, int] = {}
    try:
        wait_for(lambda: job_status(runtime, JOB) == "InProgress", timeout=90, what="the job to start")
        workers = {n: HttpWorker(server.url, n) for n in names}
        for w in workers.values():
            w.login()
        ann, bob, cat, dan = (workers[n] for n in names)

        # dan takes a task and walks away: it must come back after its lease, to someone else.
        abandoned = dan.next(JOB)
        assert abandoned is not None
        for _ in range(5):
            task = ann.next(JOB)
            assert task is not None
            assert ann.submit(task)["duplicate"] is False
            acknowledged[task["taskId"]] = task["datasetObjectId"]
        held = bob.next(JOB)  # bob's lease is open across the first crash
        assert held is not None

        # Crash 1, with a submit in flight: the stopped server cannot have read it.
        in_flight = ann.next(JOB)
        assert in_flight is not None
        server.signal(signal.SIGSTOP)
        errors: list[Exception] = []

        def submit_in_flight() -> None:
            try:
                ann.submit(in_flight)
            except httpx.TransportError as exc:
                errors.append(exc)

        sender = threading.Thread(target=submit_in_flight)
        sender.start()
        time.sleep(0.5)  # let the request reach the socket (not an assertion: either way it is lost)
        server.kill9()
        sender.join(timeout=60)
        assert errors, "the submit in flight cannot have been answered by a killed server"

        server.start()
        for w in workers.values():
            w.use(server.url)
        # The worker retries the unanswered submit: recorded now, once.
        assert ann.submit(in_flight) == {
            "taskId": in_flight["taskId"],
            "status": "submitted",
            "duplicate": False,
        }
        assert ann.submit(in_flight)["duplicate"] is True
        acknowledged[in_flight["taskId"]] = in_flight["datasetObjectId"]
        # bob's open lease survived the crash: asking again resumes it.
        resumed = bob.next(JOB)
        assert resumed is not None and resumed["taskId"] == held["taskId"]
        bob.submit(resumed)
        acknowledged[resumed["taskId"]] = resumed["datasetObjectId"]

        # Crash 2, in the middle of concurrent labeling (requests and commits under way).
        labelers = [Labeler(w, JOB) for w in (ann, bob, cat)]
        for t in labelers:
            t.start()
        target = len(acknowledged) + 15
        wait_for(
            lambda: (
                len(acknowledged) + sum(len(t.acknowledged) for t in labelers) >= target
                or not any(t.is_alive() for t in labelers)
            ),
            timeout=120,
            what="concurrent labeling to make progress",
            every=0.01,
        )
        server.kill9()
        for t in labelers:
            t.join(timeout=60)
            acknowledged.update(t.acknowledged)
        assert all(t.broken is not None for t in labelers), "every labeler saw the crash"

        server.start()
        for w in workers.values():
            w.use(server.url)
        for t in labelers:
            if t.in_flight is not None:
                # Unknown outcome: the retry is accepted, and counted at most once.
                assert t.worker.submit(t.in_flight)["status"] == "submitted"
                acknowledged[t.in_flight["taskId"]] = t.in_flight["datasetObjectId"]

        # Finish the job; dan's abandoned object returns after its lease and someone takes it.
        def finish() -> bool:
            for w in (ann, bob, cat):
                task = w.next(JOB)
                while task is not None:
                    w.submit(task)
                    acknowledged[task["taskId"]] = task["datasetObjectId"]
                    task = w.next(JOB)
            return job_status(runtime, JOB) == "Completed"

        wait_for(finish, timeout=TASK_TIME_LIMIT + 120, what="the job to complete", every=0.5)
        # dan's lease ended without an answer; the object was labeled by another worker.
        assert abandoned["taskId"] not in acknowledged
        with pytest.raises(httpx.HTTPStatusError) as late:
            dan.submit(abandoned)
        assert late.value.response.status_code == 409
        assert_labeled_exactly_once(runtime, JOB, texts, acknowledged)
    finally:
        for w in workers.values():
            w.close()
        server.stop()
