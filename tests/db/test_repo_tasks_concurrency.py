"""Concurrency tests of opentruth.db.repo_tasks: many workers at once, on both databases.

Each thread gets its own engine (its own connection pool), as separate server processes would;
on PostgreSQL that means several connections racing with ``FOR UPDATE SKIP LOCKED``, on SQLite
several writers serialised by ``BEGIN IMMEDIATE``. The assertions are about outcomes only.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, select

from opentruth.db.engine import Database, make_engine
from opentruth.db.models import Assignment, AssignmentState, DataObject, LabelingJob, ObjectState, Worker
from opentruth.db.repo_objects import insert_data_objects
from opentruth.db.repo_tasks import TaskLease, available_task_count, lease_next_task, submit_task

MakeJob = Callable[..., LabelingJob]
MakeWorkers = Callable[[int], list[Worker]]
T = TypeVar("T")


@pytest.fixture
def pools(engine: Engine) -> Iterator[list[Database]]:
    """Four independent Database handles on the test database."""
    url = engine.url.render_as_string(hide_password=False)
    handles = [Database(make_engine(url)) for _ in range(4)]
    yield handles
    for handle in handles:
        handle.dispose()


def _run_threads(count: int, body: Callable[[int], T]) -> list[T]:
    """Run ``body(i)`` in ``count`` threads started together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results: list[T | None] = [None] * count
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = body(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [r for r in results if r is not None]


def _label_until_done(db: Database, job_id: int, worker_id: int) -> list[int]:
    labeled: list[int] = []
    while True:
        lease: TaskLease | None = db.run(lambda s: lease_next_task(s, job_id, worker_id))
        if lease is None:
            # What a worker client does: stop when the job says nothing is left for it.
            if db.run(lambda s: available_task_count(s, job_id, worker_id)) == 0:
                return labeled
            continue
        db.run(partial(submit_task, task_id=lease.task_id, worker_id=worker_id, answer={"label": "x"}))
        labeled.append(lease.dataset_object_id)


@pytest.mark.parametrize(("objects", "workers", "per_object"), [(40, 8, 1), (12, 6, 3)])
def test_concurrent_labeling_gives_each_object_exactly_n_distinct_workers(
    db: Database,
    pools: list[Database],
    make_job: MakeJob,
    make_workers: MakeWorkers,
    objects: int,
    workers: int,
    per_object: int,
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=per_object)
    crowd = make_workers(workers)
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(i, "{}") for i in range(objects)])
    done = _run_threads(workers, lambda i: _label_until_done(pools[i % len(pools)], job.id, crowd[i].id))
    for indexes in done:
        assert len(indexes) == len(set(indexes)), "a worker got the same object twice"
    per_index = Counter(i for indexes in done for i in indexes)
    assert per_index == dict.fromkeys(range(objects), per_object)
    with db.read() as session:
        rows = session.execute(
            select(Assignment.object_id, func.count(), func.count(func.distinct(Assignment.worker_id)))
            .where(Assignment.job_id == job.id)
            .group_by(Assignment.object_id)
        ).all()
        assert len(rows) == objects
        assert all(n == per_object and distinct == per_object for _, n, distinct in rows)
        states = session.execute(
            select(DataObject.state, func.sum(DataObject.submitted_count), func.sum(DataObject.leased_count))
            .where(DataObject.job_id == job.id)
            .group_by(DataObject.state)
        ).all()
    assert [(s, int(sub), int(leased)) for s, sub, leased in states] == [
        (ObjectState.ANNOTATED.value, objects * per_object, 0)
    ]


def test_concurrent_leases_respect_max_concurrent_task_count(
    db: Database, pools: list[Database], make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(MaxConcurrentTaskCount=3)
    crowd = make_workers(10)
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(i, "{}") for i in range(20)])
    leases = _run_threads(
        10, lambda i: pools[i % len(pools)].run(lambda s: lease_next_task(s, job.id, crowd[i].id)) or False
    )
    granted = [lease for lease in leases if isinstance(lease, TaskLease)]
    assert sorted(lease.dataset_object_id for lease in granted) == [0, 1, 2]
    with db.read() as session:
        out = session.scalar(
            select(func.count())
            .select_from(DataObject)
            .where(DataObject.job_id == job.id, DataObject.state == ObjectState.IN_PROGRESS.value)
        )
    assert out == 3


def test_one_worker_asking_many_times_at_once_gets_one_task(
    db: Database, pools: list[Database], make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    (worker,) = make_workers(1)
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(i, "{}") for i in range(10)])
    leases = _run_threads(
        8, lambda i: pools[i % len(pools)].run(lambda s: lease_next_task(s, job.id, worker.id))
    )
    assert len({lease.task_id for lease in leases if lease is not None}) == 1
    assert sum(1 for lease in leases if lease is not None and not lease.resumed) == 1


def test_a_submit_retried_concurrently_counts_once(
    db: Database, pools: list[Database], make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2)
    (worker,) = make_workers(1)
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(0, "{}")])
        lease = lease_next_task(session, job.id, worker.id)
    assert lease is not None
    outcomes = _run_threads(
        6,
        lambda i: pools[i % len(pools)].run(
            lambda s: submit_task(s, lease.task_id, worker.id, {"label": str(i)})
        ),
    )
    assert sum(1 for o in outcomes if not o.duplicate) == 1
    with db.read() as session:
        obj = session.scalars(select(DataObject).where(DataObject.job_id == job.id)).one()
        assignment = session.scalars(select(Assignment)).one()
    assert (obj.submitted_count, obj.leased_count) == (1, 0)
    assert assignment.state == AssignmentState.SUBMITTED
