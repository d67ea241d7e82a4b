"""Tests of opentruth.db.repo_work: durable work items with leases and a reconciler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from opentruth.db.engine import Database
from opentruth.db.models import LabelingJob, WorkItem, WorkState
from opentruth.db.repo_work import (
    claim_next_work,
    claim_work,
    complete_work,
    due_work,
    enqueue_work,
    extend_work_lease,
    fail_work,
    get_work,
    requeue_expired_work,
)
from opentruth.db.types import utcnow

MakeJob = Callable[..., LabelingJob]


def test_enqueue_is_idempotent_by_key(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as session:
        item, created = enqueue_work(
            session, "ingest", f"ingest:{job.id}", payload={"from": 0}, job_id=job.id
        )
        again, created_again = enqueue_work(session, "ingest", f"ingest:{job.id}", payload={"from": 99})
    assert created
    assert not created_again
    assert again.id == item.id
    assert again.payload == {"from": 0}
    assert again.state == WorkState.QUEUED


def test_a_key_is_claimed_once_until_its_lease_expires(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        enqueue_work(session, "consolidate", "c:1", now=now)
        first = claim_work(session, "c:1", "proc-a", lease_seconds=30, now=now)
        assert first is not None
        assert (first.state, first.lease_owner, first.attempts) == (WorkState.LEASED, "proc-a", 1)
        # A duplicate kick while proc-a works does nothing.
        assert claim_work(session, "c:1", "proc-b", lease_seconds=30, now=now + timedelta(seconds=29)) is None
        # proc-a died: after the lease ends, proc-b takes over.
        second = claim_work(session, "c:1", "proc-b", lease_seconds=30, now=now + timedelta(seconds=30))
        assert second is not None
        assert (second.lease_owner, second.attempts) == ("proc-b", 2)
        # proc-a's late completion is refused; proc-b's counts.
        assert not complete_work(session, "c:1", "proc-a", now=now + timedelta(seconds=31))
        assert complete_work(session, "c:1", "proc-b", now=now + timedelta(seconds=31))
        assert complete_work(session, "c:1", "proc-b", now=now + timedelta(seconds=32))
        assert claim_work(session, "c:1", "proc-c", now=now + timedelta(days=1)) is None
        assert get_work(session, "c:1").state == WorkState.DONE


def test_extending_a_lease_needs_the_owner(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        enqueue_work(session, "k", "long", now=now)
        claim_work(session, "long", "a", lease_seconds=10, now=now)
        assert extend_work_lease(session, "long", "a", lease_seconds=100, now=now + timedelta(seconds=5))
        assert not extend_work_lease(session, "long", "b", now=now + timedelta(seconds=5))
        assert claim_work(session, "long", "b", now=now + timedelta(seconds=50)) is None


def test_failures_back_off_then_fail_for_good(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        enqueue_work(session, "k", "flaky", max_attempts=2, now=now)
        claim_work(session, "flaky", "a", now=now)
        assert fail_work(session, "flaky", "b", "not mine", now=now) is None
        assert fail_work(session, "flaky", "a", "boom", retry_in_seconds=10, now=now) == WorkState.QUEUED
        item = get_work(session, "flaky")
        assert item.not_before == now + timedelta(seconds=10)
        assert item.last_error == "boom"
        assert claim_work(session, "flaky", "a", now=now + timedelta(seconds=9)) is None
        assert claim_work(session, "flaky", "a", now=now + timedelta(seconds=10)) is not None
        assert (
            fail_work(session, "flaky", "a", "boom again", now=now + timedelta(seconds=11))
            == WorkState.FAILED
        )
        assert claim_work(session, "flaky", "a", now=now + timedelta(days=1)) is None


def test_the_reconciler_requeues_expired_leases_and_lists_due_items(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        for key in ("a", "b", "c"):
            enqueue_work(session, "k", key, max_attempts=1 if key == "c" else 5, now=now)
        enqueue_work(session, "k", "later", not_before=now + timedelta(hours=1), now=now)
        for key in ("a", "b", "c"):
            claim_work(session, key, "dead-process", lease_seconds=60, now=now)
        assert requeue_expired_work(session, now=now + timedelta(seconds=59)) == []
        assert due_work(session, now=now) == []
        assert requeue_expired_work(session, now=now + timedelta(seconds=60)) == ["a", "b"]
        # "c" had used its only attempt: it failed instead of looping forever.
        assert get_work(session, "c").state == WorkState.FAILED
        assert due_work(session, now=now + timedelta(seconds=60)) == ["a", "b"]
        assert due_work(session, now=now + timedelta(hours=1)) == ["a", "b", "later"]


def test_claim_next_takes_due_items_oldest_first_by_kind(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        enqueue_work(session, "write", "w1", now=now, not_before=now + timedelta(seconds=2))
        enqueue_work(session, "ingest", "i1", now=now, not_before=now + timedelta(seconds=1))
        enqueue_work(session, "write", "w0", now=now)
        later = now + timedelta(seconds=5)
        first = claim_next_work(session, "r", kinds=["write"], now=later)
        second = claim_next_work(session, "r", now=later)
        third = claim_next_work(session, "r", now=later)
        assert claim_next_work(session, "r", now=later) is None
    assert [x.key if x else None for x in (first, second, third)] == ["w0", "i1", "w1"]


def test_concurrent_runners_never_claim_the_same_item(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        for i in range(30):
            enqueue_work(session, "k", f"item-{i:02d}", now=now)
    claimed: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def runner(name: str) -> None:
        try:
            barrier.wait()
            while True:
                item: WorkItem | None = db.run(lambda s: claim_next_work(s, name, now=now))
                if item is None:
                    return
                with lock:
                    claimed.append(item.key)
                assert db.run(partial(complete_work, key=item.key, owner=name, now=now))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(f"r{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == [f"item-{i:02d}" for i in range(30)]
