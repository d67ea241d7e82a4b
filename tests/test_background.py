"""Background work on huey, embedded (SQLite) and at scale (Redis at 127.0.0.1:6379): a kick
carries only the work item's key; the in-process consumer claims it in the database and runs it,
and the reconciler re-kicks what a lost kick left behind."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from labsupport import Lab, build_lab, job_request
from opentruth.background import Background, make_huey
from opentruth.db.engine import Database
from opentruth.labeling.jobs import JobService


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest) -> str | None:
    return None if request.param == "sqlite" else "redis://127.0.0.1:6379/15"


@pytest.fixture
def running(
    db: Database, tmp_path: Path, hasher: PasswordHasher, queue_url: str | None
) -> Iterator[tuple[Lab, Background]]:
    lab = build_lab(db, tmp_path, hasher)
    huey = make_huey(tmp_path, queue_url)
    huey.flush()
    bg = Background(huey, workers=1, reconcile_every=0.2)
    lab.runner.kick = bg.kick
    lab.jobs = JobService(lab.res, kick=bg.kick)
    bg.start(lab.runner)
    try:
        yield lab, bg
    finally:
        bg.stop()
        huey.flush()


def _wait(lab: Lab, name: str, status: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    current = ""
    while time.monotonic() < deadline:
        current = lab.jobs.describe(name)["LabelingJobStatus"]
        if current == status:
            break
        time.sleep(0.05)
    return current


def test_a_job_runs_from_kicks_alone(running: tuple[Lab, Background]) -> None:
    lab, _bg = running
    lab.manifest([{"source": "a"}, {"source": "b"}])
    lab.labels(["x", "y"])
    lab.jobs.create(job_request("kicked", "TextMultiClass"))
    assert _wait(lab, "kicked", "InProgress") == "InProgress"  # init ran on the consumer
    w = lab.identities[0]
    while (task := lab.workers.next_task(w, "kicked")) is not None:
        lab.workers.submit(w, task["taskId"], {"c": {"label": "y"}})
    assert _wait(lab, "kicked", "Completed") == "Completed"  # consolidation was kicked too


def test_a_lost_kick_is_recovered_by_the_reconciler(running: tuple[Lab, Background]) -> None:
    lab, _bg = running
    lab.manifest([{"source": "a"}])
    lab.labels(["x", "y"])
    # A service whose kicks go nowhere: the work item waits in the database until the reconciler
    # (every 0.2 s here) finds it due and kicks it again.
    JobService(lab.res).create(job_request("lost-kick", "TextMultiClass"))
    assert _wait(lab, "lost-kick", "InProgress") == "InProgress"
