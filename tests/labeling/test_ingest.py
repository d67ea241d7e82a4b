"""A job opens to workers while its manifest is still being ingested, as in Ground Truth; an
ingest interrupted after that resumes without duplicates, and a stop ends it part-way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from labsupport import Lab, job_request, label_all
from opentruth.db import repo_jobs
from opentruth.db.models import DataObject
from opentruth.labeling import ingest as ingest_module
from opentruth.labeling.manifest import ManifestLine, read_manifest

LINES = 45
BATCH = 10  # 45 lines: four full batches and a last one of five


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "INGEST_BATCH", BATCH)


def _part_way(monkeypatch: pytest.MonkeyPatch, after: int, then: Callable[[], None]) -> None:
    """Run ``then`` once the ingest has read ``after`` lines (the batches before are stored)."""

    def reading(stream: Any) -> Iterator[ManifestLine]:
        for line in read_manifest(stream):
            if line.index == after:
                then()
            yield line

    monkeypatch.setattr(ingest_module, "read_manifest", reading)


def _job(lab: Lab, name: str) -> tuple[int, bool, list[int]]:
    """The job's row id, whether every line is in, and its objects' dataset object ids."""
    with lab.res.db.read() as s:
        job = repo_jobs.get_job(s, name)
        ids = list(
            s.scalars(
                select(DataObject.dataset_object_id)
                .where(DataObject.job_id == job.id)
                .order_by(DataObject.dataset_object_id)
            )
        )
        return job.id, bool(job.ingest_complete), ids


def _create(lab: Lab, name: str) -> None:
    lab.manifest([{"source": f"text {i}"} for i in range(LINES)])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request(name, "TextMultiClass"))


def _label_the_rest_and_check(lab: Lab, name: str, labeled_before: int) -> None:
    assert label_all(lab, name, lambda _w, _t: {"c": {"label": "a"}}) == LINES - labeled_before
    d = lab.jobs.describe(name)
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"]["HumanLabeled"] == LINES and d["LabelCounters"]["Unlabeled"] == 0
    uri = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    lines = [json.loads(x) for x in lab.get(uri).decode().splitlines()]
    assert [line["source"] for line in lines] == [f"text {i}" for i in range(LINES)]


def test_a_worker_labels_the_first_objects_while_the_rest_are_ingested(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    w = lab.identities[0]

    def meanwhile() -> None:
        seen["described"] = lab.jobs.describe("early")
        seen["job"] = _job(lab, "early")
        task = lab.workers.next_task(w, "early")
        assert task is not None
        seen["task"] = task["taskInput"]["taskObject"]
        lab.workers.submit(w, task["taskId"], {"c": {"label": "a"}})

    _part_way(monkeypatch, 25, meanwhile)
    _create(lab, "early")
    lab.runner.run_pending()

    # Two batches were in when the worker asked: the job was open, not every line in.
    assert seen["described"]["LabelingJobStatus"] == "InProgress"
    assert seen["described"]["LabelCounters"]["Unlabeled"] == 2 * BATCH
    _, complete, ids = seen["job"]
    assert not complete and ids == list(range(2 * BATCH))
    assert seen["task"] in {f"text {i}" for i in range(2 * BATCH)}
    _, complete, ids = _job(lab, "early")
    assert complete and ids == list(range(LINES))
    _label_the_rest_and_check(lab, "early", labeled_before=1)


def test_an_interrupted_ingest_resumes_without_duplicates(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash() -> None:
        raise RuntimeError("the process died part-way through the manifest")

    _part_way(monkeypatch, 25, crash)
    _create(lab, "resume")
    lab.runner.run_pending()  # the init item fails; it would be retried after its back-off

    job_id, complete, ids = _job(lab, "resume")
    assert not complete and ids == list(range(2 * BATCH))
    d = lab.jobs.describe("resume")
    assert d["LabelingJobStatus"] == "InProgress"
    assert d["LabelCounters"]["Unlabeled"] == 2 * BATCH
    w = lab.identities[0]
    task = lab.workers.next_task(w, "resume")
    assert task is not None
    lab.workers.submit(w, task["taskId"], {"c": {"label": "a"}})
    lab.runner.run_pending()  # consolidates that one; the job cannot complete without its lines
    assert lab.jobs.describe("resume")["LabelingJobStatus"] == "InProgress"

    monkeypatch.setattr(ingest_module, "read_manifest", read_manifest)  # the process restarted
    lab.runner.initialize(job_id)  # what the retried init item runs
    _, complete, ids = _job(lab, "resume")
    assert complete and ids == list(range(LINES))  # each line once
    with lab.res.db.read() as s:
        stored = s.scalar(select(func.count()).select_from(DataObject).where(DataObject.job_id == job_id))
    assert stored == LINES
    counters = lab.jobs.describe("resume")["LabelCounters"]
    assert counters["HumanLabeled"] == 1 and counters["Unlabeled"] == LINES - 1
    _label_the_rest_and_check(lab, "resume", labeled_before=1)


def test_a_stop_during_the_ingest_ends_it_where_it_was(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    _part_way(monkeypatch, 25, lambda: lab.jobs.stop("halted"))
    _create(lab, "halted")
    lab.runner.run_pending()  # the ingest ends at its next batch; the stop item then runs
    d = lab.jobs.describe("halted")
    assert d["LabelingJobStatus"] == "Stopped"
    _, complete, ids = _job(lab, "halted")
    assert not complete and ids == list(range(2 * BATCH))  # nothing stored after the stop
    lines = lab.get(d["LabelingJobOutput"]["OutputDatasetS3Uri"]).decode().splitlines()
    assert len(lines) == 2 * BATCH and d["LabelCounters"]["Unlabeled"] == 2 * BATCH


def test_a_manifest_of_one_batch_opens_the_job_once_it_is_all_in(lab: Lab) -> None:
    lab.manifest([{"source": f"text {i}"} for i in range(BATCH)])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("small", "TextMultiClass"))
    lab.runner.run_pending()
    _, complete, ids = _job(lab, "small")
    assert complete and ids == list(range(BATCH))
    assert lab.jobs.describe("small")["LabelingJobStatus"] == "InProgress"
