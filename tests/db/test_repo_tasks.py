"""Tests of opentruth.db.repo_tasks: leasing, submit/decline/release and expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from opentruth.db.engine import Database
from opentruth.db.models import (
    Assignment,
    AssignmentState,
    DataObject,
    JobStatus,
    LabelingJob,
    ObjectState,
    Worker,
)
from opentruth.db.repo_jobs import get_job_by_id, label_counters, transition_job
from opentruth.db.repo_objects import count_objects_by_state, insert_data_objects, submitted_answers
from opentruth.db.repo_tasks import (
    available_task_count,
    decline_task,
    expire_leases,
    expire_unavailable_objects,
    get_assignment,
    lease_next_task,
    release_task,
    revoke_job_leases,
    submit_task,
)
from opentruth.db.repository import LeaseExpiredError
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError

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


# --------------------------------------------------------------------------------------------
# Leasing
# --------------------------------------------------------------------------------------------


def test_lease_hands_objects_in_order_with_the_task_time_limit(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(TaskTimeLimitInSeconds=120, TaskAvailabilityLifetimeInSeconds=3600)
    a, b = make_workers(2)
    _ingest(db, job, 3)
    now = utcnow()
    with db.transaction() as session:
        first = lease_next_task(session, job.id, a.id, now=now)
        second = lease_next_task(session, job.id, b.id, now=now)
    assert first is not None
    assert second is not None
    assert (first.dataset_object_id, second.dataset_object_id) == (0, 1)
    assert first.lease_expires_at == now + timedelta(seconds=120)
    assert not first.resumed
    assert first.source == '{"source":"text 0"}'
    obj = _object(db, job, 0)
    assert obj.state == ObjectState.IN_PROGRESS
    assert obj.available_until == now + timedelta(seconds=3600)
    assert obj.leased_count == 1


def test_asking_again_returns_the_same_lease(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    (worker,) = make_workers(1)
    _ingest(db, job, 3)
    with db.transaction() as session:
        first = lease_next_task(session, job.id, worker.id)
    with db.transaction() as session:
        again = lease_next_task(session, job.id, worker.id)
    assert first is not None
    assert again is not None
    assert again.task_id == first.task_id
    assert again.resumed
    assert _object(db, job, 1).state == ObjectState.PENDING


def test_only_in_progress_jobs_hand_out_tasks(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(status=JobStatus.INITIALIZING)
    (worker,) = make_workers(1)
    _ingest(db, job, 1)
    with db.transaction() as session:
        assert lease_next_task(session, job.id, worker.id) is None
        assert available_task_count(session, job.id, worker.id) == 0
        transition_job(session, job.id, JobStatus.IN_PROGRESS)
        assert available_task_count(session, job.id, worker.id) == 1
        transition_job(session, job.id, JobStatus.STOPPING)
        assert lease_next_task(session, job.id, worker.id) is None


def test_n_workers_per_object_and_never_the_same_object_twice(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2)
    a, b, c = make_workers(3)
    _ingest(db, job, 2)
    seen: dict[int, list[int]] = {a.id: [], b.id: [], c.id: []}
    for _round in range(3):
        for worker in (a, b, c):
            with db.transaction() as session:
                lease = lease_next_task(session, job.id, worker.id)
                if lease is None:
                    continue
                seen[worker.id].append(lease.dataset_object_id)
                submit_task(session, lease.task_id, worker.id, {"label": "x"})
    # Each object got exactly two different workers; nobody saw an object twice.
    for indexes in seen.values():
        assert len(indexes) == len(set(indexes))
    assert sorted(i for indexes in seen.values() for i in indexes) == [0, 0, 1, 1]
    with db.read() as session:
        assert count_objects_by_state(session, job.id) == {"annotated": 2}


def test_max_concurrent_task_count_limits_objects_out(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(MaxConcurrentTaskCount=2)
    workers = make_workers(4)
    _ingest(db, job, 5)
    with db.transaction() as session:
        leases = [lease_next_task(session, job.id, w.id) for w in workers]
    assert [lease.dataset_object_id if lease else None for lease in leases] == [0, 1, None, None]
    with db.read() as session:
        assert count_objects_by_state(session, job.id) == {"in_progress": 2, "pending": 3}
    first = leases[0]
    assert first is not None
    with db.transaction() as session:
        submit_task(session, first.task_id, workers[0].id, {"label": "a"})
        # The object is annotated, so it no longer counts as out: the next one can go.
        third = lease_next_task(session, job.id, workers[2].id)
    assert third is not None
    assert third.dataset_object_id == 2


def test_available_task_count(db: Database, make_job: MakeJob, make_workers: MakeWorkers) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2)
    a, b = make_workers(2)
    _ingest(db, job, 3)
    with db.transaction() as session:
        assert available_task_count(session, job.id, a.id) == 3
        lease = lease_next_task(session, job.id, a.id)
        assert lease is not None
        submit_task(session, lease.task_id, a.id, {"label": "x"})
        # a had object 0; b can still take it.
        assert available_task_count(session, job.id, a.id) == 2
        assert available_task_count(session, job.id, b.id) == 3


# --------------------------------------------------------------------------------------------
# Submit, decline, release
# --------------------------------------------------------------------------------------------


def test_submit_is_idempotent_and_counted_once(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    (worker,) = make_workers(1)
    _ingest(db, job, 1)
    with db.transaction() as session:
        lease = lease_next_task(session, job.id, worker.id)
    assert lease is not None
    with db.transaction() as session:
        first = submit_task(session, lease.task_id, worker.id, {"crowd-classifier": {"label": "pos"}})
    with db.transaction() as session:
        retry = submit_task(session, lease.task_id, worker.id, {"crowd-classifier": {"label": "neg"}})
    assert not first.duplicate
    assert retry.duplicate
    assert first.object_state == retry.object_state == ObjectState.ANNOTATED
    assert (retry.task_id, retry.dataset_object_id, retry.state) == (first.task_id, 0, "submitted")
    obj = _object(db, job, 0)
    assert (obj.submitted_count, obj.leased_count) == (1, 0)
    with db.read() as session:
        assignment = get_assignment(session, lease.task_id, worker.id)
        assert assignment.answer == {"crowd-classifier": {"label": "pos"}}
        answers = submitted_answers(session, [obj.id])
        assert [(a.task_id, w.username) for a, w in answers] == [(lease.task_id, worker.username)]


def test_submit_after_the_lease_ended_is_a_409_conflict(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(TaskTimeLimitInSeconds=60)
    a, b = make_workers(2)
    _ingest(db, job, 2)
    now = utcnow()
    with db.transaction() as session:
        late = lease_next_task(session, job.id, a.id, now=now)
        later = lease_next_task(session, job.id, b.id, now=now)
    assert late is not None
    assert later is not None
    # Past the deadline, before the reconciler ran.
    with pytest.raises(LeaseExpiredError) as info, db.transaction() as session:
        submit_task(session, late.task_id, a.id, {"label": "x"}, now=now + timedelta(seconds=61))
    assert info.value.http_status == 409
    # After the reconciler expired it.
    with db.transaction() as session:
        assert expire_leases(session, now=now + timedelta(seconds=61)) == 2
    with pytest.raises(LeaseExpiredError), db.transaction() as session:
        submit_task(session, later.task_id, b.id, {"label": "x"}, now=now + timedelta(seconds=62))
    assert _object(db, job, 0).submitted_count == 0


def test_a_worker_cannot_touch_another_workers_task(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    a, b = make_workers(2)
    _ingest(db, job, 1)
    with db.transaction() as session:
        lease = lease_next_task(session, job.id, a.id)
    assert lease is not None
    for action in (
        lambda s: submit_task(s, lease.task_id, b.id, {}),
        lambda s: decline_task(s, lease.task_id, b.id),
        lambda s: release_task(s, lease.task_id, b.id),
        lambda s: get_assignment(s, lease.task_id, b.id),
        lambda s: submit_task(s, "no-such-task", a.id, {}),
    ):
        with pytest.raises(NotFoundError, match="not found"), db.transaction() as session:
            action(session)


def test_decline_is_counted_and_all_declines_expire_the_object(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2)
    a, b, c = make_workers(3)
    _ingest(db, job, 1)
    with db.transaction() as session:
        la = lease_next_task(session, job.id, a.id)
        assert la is not None
        outcome = decline_task(session, la.task_id, a.id)
        assert outcome.object_state == ObjectState.IN_PROGRESS
        assert decline_task(session, la.task_id, a.id).duplicate
        lb = lease_next_task(session, job.id, b.id)
        assert lb is not None
        assert decline_task(session, lb.task_id, b.id).object_state == ObjectState.EXPIRED
        # Both slots are used: nobody else gets it.
        assert lease_next_task(session, job.id, c.id) is None
    obj = _object(db, job, 0)
    assert (obj.declined_count, obj.submitted_count, obj.state) == (2, 0, ObjectState.EXPIRED)
    with db.read() as session:
        counters = label_counters(get_job_by_id(session, job.id))
    assert counters["FailedNonRetryableError"] == 1
    assert counters["Unlabeled"] == 0


def test_a_decline_and_a_submit_send_the_object_to_consolidation(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2)
    a, b = make_workers(2)
    _ingest(db, job, 1)
    with db.transaction() as session:
        la = lease_next_task(session, job.id, a.id)
        lb = lease_next_task(session, job.id, b.id)
        assert la is not None
        assert lb is not None
        decline_task(session, la.task_id, a.id)
        assert submit_task(session, lb.task_id, b.id, {"label": "y"}).object_state == ObjectState.ANNOTATED


def test_release_returns_the_slot_without_counting(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    a, b = make_workers(2)
    _ingest(db, job, 2)
    with db.transaction() as session:
        lease = lease_next_task(session, job.id, a.id)
        assert lease is not None
        released = release_task(session, lease.task_id, a.id)
        assert released.state == AssignmentState.RELEASED
        assert release_task(session, lease.task_id, a.id).duplicate
        with pytest.raises(ConflictError, match="already released"):
            submit_task(session, lease.task_id, a.id, {})
        # a never gets object 0 again; b does.
        next_a = lease_next_task(session, job.id, a.id)
        next_b = lease_next_task(session, job.id, b.id)
    assert next_a is not None
    assert next_b is not None
    assert (next_a.dataset_object_id, next_b.dataset_object_id) == (1, 0)
    obj = _object(db, job, 0)
    assert (obj.declined_count, obj.submitted_count, obj.leased_count) == (0, 0, 1)


# --------------------------------------------------------------------------------------------
# Reconciler
# --------------------------------------------------------------------------------------------


def test_expired_leases_return_to_the_pool(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(TaskTimeLimitInSeconds=60)
    a, b = make_workers(2)
    _ingest(db, job, 1)
    now = utcnow()
    with db.transaction() as session:
        lease = lease_next_task(session, job.id, a.id, now=now)
        assert lease is not None
        assert lease_next_task(session, job.id, b.id, now=now) is None
        assert expire_leases(session, now=now + timedelta(seconds=59)) == 0
        assert expire_leases(session, now=now + timedelta(seconds=60), job_id=job.id) == 1
        assert expire_leases(session, now=now + timedelta(seconds=60)) == 0
        assert _count_leased(session) == 0
        again = lease_next_task(session, job.id, b.id, now=now + timedelta(seconds=61))
        assert lease_next_task(session, job.id, a.id, now=now + timedelta(seconds=61)) is None
    assert again is not None
    assert again.dataset_object_id == 0
    assert _object(db, job, 0).leased_count == 1


def _count_leased(session: object) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    return int(
        session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.state == AssignmentState.LEASED.value)
        )
        or 0
    )


def test_objects_past_their_availability_go_to_consolidation_or_expire(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job(NumberOfHumanWorkersPerDataObject=2, TaskAvailabilityLifetimeInSeconds=600)
    a, b = make_workers(2)
    _ingest(db, job, 3)
    now = utcnow()
    with db.transaction() as session:
        l0 = lease_next_task(session, job.id, a.id, now=now)
        assert l0 is not None
        submit_task(session, l0.task_id, a.id, {"label": "x"}, now=now)
        l1 = lease_next_task(session, job.id, a.id, now=now)
        assert l1 is not None
        assert l1.dataset_object_id == 0 or l1.dataset_object_id == 1
        assert expire_unavailable_objects(session, job.id, now=now + timedelta(seconds=599)).expired == []
        done = expire_unavailable_objects(session, job.id, now=now + timedelta(seconds=600))
        assert lease_next_task(session, job.id, b.id, now=now + timedelta(seconds=601)) is not None
    assert done.annotated == [0]
    assert done.expired == [1]
    with db.read() as session:
        assert get_assignment(session, l1.task_id).state == AssignmentState.EXPIRED
        counters = label_counters(get_job_by_id(session, job.id))
    assert counters["FailedNonRetryableError"] == 1
    assert counters["Unlabeled"] == 2
    assert _object(db, job, 1).leased_count == 0


def test_revoking_a_jobs_leases(db: Database, make_job: MakeJob, make_workers: MakeWorkers) -> None:
    job = make_job()
    workers = make_workers(3)
    _ingest(db, job, 3)
    with db.transaction() as session:
        for w in workers:
            lease_next_task(session, job.id, w.id)
        assert revoke_job_leases(session, job.id) == 3
        assert _count_leased(session) == 0
