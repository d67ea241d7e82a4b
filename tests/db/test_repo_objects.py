"""Tests of opentruth.db.repo_objects: idempotent ingest, preparation and consolidation results."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from opentruth.db import repo_objects
from opentruth.db.engine import Database
from opentruth.db.models import (
    Assignment,
    AssignmentState,
    DataObject,
    LabelingJob,
    ObjectState,
    Worker,
)
from opentruth.db.repo_jobs import get_job_by_id, label_counters
from opentruth.db.repo_objects import (
    ObjectResult,
    count_objects_by_state,
    finish_objects,
    has_objects,
    insert_data_objects,
    iter_objects,
    mark_objects_ready,
    next_ingest_index,
    objects_to_consolidate,
)
from opentruth.db.repo_tasks import lease_next_task, submit_task

MakeJob = Callable[..., LabelingJob]
MakeWorkers = Callable[[int], list[Worker]]


def _lines(indexes: range) -> list[tuple[int, str]]:
    return [(i, f'{{"source":"text {i}"}}') for i in indexes]


def _ingest(db: Database, job: LabelingJob, n: int) -> None:
    with db.transaction() as session:
        insert_data_objects(session, job.id, _lines(range(n)))


def _object(db: Database, job: LabelingJob, index: int) -> DataObject:
    with db.read() as session:
        return session.scalars(
            select(DataObject).where(DataObject.job_id == job.id, DataObject.dataset_object_id == index)
        ).one()


def _unlabeled(db: Database, job: LabelingJob) -> int:
    with db.read() as session:
        return get_job_by_id(session, job.id).unlabeled


def test_ingest_is_idempotent_and_counts_each_object_once(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as session:
        assert insert_data_objects(session, job.id, _lines(range(5))) == 5
    with db.transaction() as session:
        assert insert_data_objects(session, job.id, _lines(range(3, 8))) == 3
        assert insert_data_objects(session, job.id, []) == 0
    with db.read() as session:
        assert next_ingest_index(session, job.id) == 8
        assert count_objects_by_state(session, job.id) == {"pending": 8}
    assert _unlabeled(db, job) == 8
    assert _object(db, job, 4).source == '{"source":"text 4"}'


def test_ingest_resumes_after_a_batch_that_never_committed(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    lines = _lines(range(10))
    with db.transaction() as session:
        insert_data_objects(session, job.id, lines[:4])

    # The process dies in the middle of the second batch: nothing of it is kept.
    def killed_mid_batch() -> None:
        with db.transaction() as session:
            insert_data_objects(session, job.id, lines[4:8])
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        killed_mid_batch()
    with db.read() as session:
        start = next_ingest_index(session, job.id)
    assert start == 4
    # The restarted ingest re-reads from a little earlier (a whole batch) and goes on.
    for batch_start in range(start - 2, 10, 3):
        with db.transaction() as session:
            insert_data_objects(session, job.id, lines[batch_start : batch_start + 3])
    with db.read() as session:
        stored = [o.dataset_object_id for o in iter_objects(session, job.id, batch_size=3)]
    assert stored == list(range(10))
    assert _unlabeled(db, job) == 10


def test_preparing_objects_are_not_handed_out_until_ready(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    (worker,) = make_workers(1)
    with db.transaction() as session:
        insert_data_objects(session, job.id, _lines(range(2)), state=ObjectState.PREPARING)
        assert lease_next_task(session, job.id, worker.id) is None
        assert mark_objects_ready(session, job.id, [(1, {"taskObject": "text 1"})]) == 1
        assert mark_objects_ready(session, job.id, [(1, {"taskObject": "again"})]) == 0
        lease = lease_next_task(session, job.id, worker.id)
    assert lease is not None
    assert lease.dataset_object_id == 1
    assert lease.task_input == {"taskObject": "text 1"}


def test_task_inputs_can_be_stored_with_the_lines(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as session:
        insert_data_objects(session, job.id, _lines(range(2)), task_inputs=[{"a": 1}, None])
        with pytest.raises(ValueError, match="one entry per line"):
            insert_data_objects(session, job.id, _lines(range(2)), task_inputs=[None])
    assert _object(db, job, 0).task_input == {"a": 1}
    assert _object(db, job, 1).task_input is None


# --------------------------------------------------------------------------------------------
# Consolidation results
# --------------------------------------------------------------------------------------------


def test_finish_objects_is_idempotent_and_keeps_counters_exact(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    workers = make_workers(2)
    _ingest(db, job, 4)
    with db.transaction() as session:
        for w in workers:
            lease = lease_next_task(session, job.id, w.id)
            assert lease is not None
            submit_task(session, lease.task_id, w.id, {"label": "x"})
        ready = objects_to_consolidate(session, job.id)
        assert [o.dataset_object_id for o in ready] == [0, 1]
    results = [
        ObjectResult(0, ObjectState.CONSOLIDATED, output_line='{"out":0}'),
        ObjectResult(1, ObjectState.CONSOLIDATED, output_line='{"out":1}', machine_labeled=True),
        ObjectResult(2, ObjectState.FAILED, failure_reason="the pre-annotation function failed"),
    ]
    with db.transaction() as session:
        assert finish_objects(session, job.id, results) == 3
    with db.transaction() as session:
        assert finish_objects(session, job.id, results) == 0
        with pytest.raises(ValueError, match="terminal"):
            finish_objects(session, job.id, [ObjectResult(3, ObjectState.ANNOTATED)])
        with pytest.raises(ValueError, match="output line"):
            finish_objects(session, job.id, [ObjectResult(3, ObjectState.CONSOLIDATED)])
    with db.read() as session:
        assert label_counters(get_job_by_id(session, job.id)) == {
            "TotalLabeled": 2,
            "HumanLabeled": 1,
            "MachineLabeled": 1,
            "FailedNonRetryableError": 1,
            "Unlabeled": 1,
        }
        lines = [(o.dataset_object_id, o.output_line or o.source) for o in iter_objects(session, job.id)]
    assert lines == [
        (0, '{"out":0}'),
        (1, '{"out":1}'),
        (2, '{"source":"text 2"}'),
        (3, '{"source":"text 3"}'),
    ]
    assert _object(db, job, 2).failure_reason == "the pre-annotation function failed"


def test_finish_objects_in_bulk_skips_terminal_repeated_and_unknown_objects(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repo_objects, "_FINISH_CHUNK", 2)  # several IN (...) chunks for six objects
    job = make_job()
    (worker,) = make_workers(1)
    _ingest(db, job, 6)
    with db.transaction() as session:
        lease = lease_next_task(session, job.id, worker.id)
        assert lease is not None  # object 0 is out with a worker, not yet answered
        failed = [ObjectResult(2, ObjectState.FAILED, failure_reason="bad")]
        assert finish_objects(session, job.id, failed) == 1
    results = [
        ObjectResult(0, ObjectState.CONSOLIDATED, output_line='{"out":0}'),
        ObjectResult(1, ObjectState.CONSOLIDATED, output_line='{"out":1}'),
        ObjectResult(1, ObjectState.FAILED, failure_reason="a repeat: the first result wins"),
        ObjectResult(2, ObjectState.CONSOLIDATED, output_line='{"out":2}'),  # already terminal
        ObjectResult(3, ObjectState.CONSOLIDATED, output_line='{"out":3}', machine_labeled=True),
        ObjectResult(4, ObjectState.CONSOLIDATED, output_line='{"out":4}', machine_labeled=True),
        ObjectResult(99, ObjectState.FAILED, failure_reason="no such object"),
    ]
    with db.transaction() as session:
        assert finish_objects(session, job.id, results) == 4
    with db.transaction() as session:
        assert finish_objects(session, job.id, results) == 0
    with db.read() as session:
        assert label_counters(get_job_by_id(session, job.id)) == {
            "TotalLabeled": 4,
            "HumanLabeled": 2,
            "MachineLabeled": 2,
            "FailedNonRetryableError": 1,
            "Unlabeled": 1,
        }
        states = {o.dataset_object_id: (o.state, o.output_line) for o in iter_objects(session, job.id)}
        # The lease on object 0 ended with it, and its slot went back.
        assignment = session.scalars(select(Assignment).where(Assignment.task_id == lease.task_id)).one()
        assert assignment.state == AssignmentState.EXPIRED.value
        assert assignment.object_id == _object(db, job, 0).id
    assert states == {
        0: (ObjectState.CONSOLIDATED.value, '{"out":0}'),
        1: (ObjectState.CONSOLIDATED.value, '{"out":1}'),
        2: (ObjectState.FAILED.value, None),
        3: (ObjectState.CONSOLIDATED.value, '{"out":3}'),
        4: (ObjectState.CONSOLIDATED.value, '{"out":4}'),
        5: (ObjectState.PENDING.value, None),
    }
    assert _object(db, job, 0).leased_count == 0
    assert _object(db, job, 2).failure_reason == "bad"


def test_has_objects_answers_by_state_or_by_any_other_state(db: Database, make_job: MakeJob) -> None:
    job, other = make_job("with-objects"), make_job("without")
    _ingest(db, job, 3)
    with db.transaction() as session:
        finish_objects(
            session,
            job.id,
            [ObjectResult(i, ObjectState.FAILED, failure_reason="bad") for i in range(2)],
        )
    with db.read() as session:
        assert has_objects(session, job.id, states=["pending"])
        assert not has_objects(session, job.id, states=["annotated", "consolidated"])
        assert has_objects(session, job.id, other_than=["failed", "consolidated", "expired"])
        assert not has_objects(session, job.id, other_than=["failed", "pending"])
        assert has_objects(session, job.id)
        assert not has_objects(session, other.id)  # another job's objects never count
        assert count_objects_by_state(session, job.id) == {"failed": 2, "pending": 1}
