"""Two ``opentruth serve`` processes on one PostgreSQL database and one object store.

Workers label concurrently through both processes (each worker alternates between them, so a
task leased by one process is submitted through the other). With one worker per object, no
object may be handed to two workers, no answer may be recorded twice, and the job completes
with every object labeled once (issue 3, §5).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dbsupport import create_pg_database, drop_pg_database, pg_url_of
from opentruth.db.models import Assignment, DataObject, LabelingJob
from opentruth.runtime import Runtime, Settings
from syssupport import (
    HttpWorker,
    Server,
    assert_labeled_exactly_once,
    job_status,
    setup_text_job,
    wait_for,
)

JOB = "shared-job"
OBJECTS = 150
WORKERS = 6


@pytest.fixture
def pg_database() -> Iterator[str]:
    name = f"opentruth_sys_{uuid.uuid4().hex[:12]}"
    create_pg_database(name)
    try:
        yield pg_url_of(name)
    finally:
        drop_pg_database(name)


class Alternating(threading.Thread):
    """A worker that asks for tasks and submits them through the servers in turn."""

    def __init__(self, name: str, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.clients = [HttpWorker(url, name) for url in urls]
        self.acknowledged: dict[str, int] = {}
        self.duplicates = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.clients[0].login()
            for c in self.clients[1:]:
                c.token = self.clients[0].token  # tokens are valid on every process
            turn = 0
            while True:
                asker = self.clients[turn % len(self.clients)]
                submitter = self.clients[(turn + 1) % len(self.clients)]
                turn += 1
                task = asker.next(JOB)
                if task is None:
                    if asker.available(JOB) == 0:
                        return
                    continue  # momentarily nothing (another worker's transaction): ask again
                if submitter.submit(task)["duplicate"]:
                    self.duplicates += 1
                self.acknowledged[task["taskId"]] = task["datasetObjectId"]
        except BaseException as exc:  # reported by the test thread
            self.error = exc
        finally:
            for c in self.clients:
                c.close()


def test_two_processes_label_one_job_without_duplicate_assignments(tmp_path: Path, pg_database: str) -> None:
    data, store = tmp_path / "data", tmp_path / "store"
    rt = Runtime.open(Settings.resolve(data, db=pg_database, store=str(store)))
    servers: list[Server] = []
    try:
        names = [f"worker{i}" for i in range(WORKERS)]
        texts = setup_text_job(rt, JOB, objects=OBJECTS, workers=names)
        servers = [
            Server(data, tmp_path / f"server{i}.log", db=pg_database, store=str(store)).start()
            for i in range(2)
        ]
        wait_for(lambda: job_status(rt, JOB) == "InProgress", timeout=90, what="the job to start")

        threads = [
            Alternating(n, [s.url for s in servers][:: 1 if i % 2 else -1]) for i, n in enumerate(names)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
            assert not t.is_alive(), f"{t.name} did not finish"
            assert t.error is None, f"worker failed: {t.error!r}"
        assert sum(t.duplicates for t in threads) == 0, "no first submit may be reported as a retry"
        acknowledged: dict[str, int] = {}
        for t in threads:
            acknowledged.update(t.acknowledged)
        assert sorted(acknowledged.values()) == list(range(OBJECTS)), "each object submitted once"
        assert len({i for t in threads for i in t.acknowledged.values()}) == OBJECTS
        assert sum(len(t.acknowledged) for t in threads) == OBJECTS

        # No object was ever handed to two workers: one assignment per object, in any state.
        with rt.db.read() as s:
            per_object = s.execute(
                select(DataObject.dataset_object_id, func.count(Assignment.id))
                .join(Assignment, Assignment.object_id == DataObject.id)
                .join(LabelingJob, LabelingJob.id == DataObject.job_id)
                .where(LabelingJob.name == JOB)
                .group_by(DataObject.dataset_object_id)
            ).all()
        assert {i: n for i, n in per_object if n != 1} == {}
        assert len(per_object) == OBJECTS
        wait_for(lambda: job_status(rt, JOB) == "Completed", timeout=120, what="the job to complete")
        assert_labeled_exactly_once(rt, JOB, texts, acknowledged)
    finally:
        for server in servers:
            server.stop()
        rt.close()
