"""Tests of opentruth.db.models: the constraints the rest of the code relies on."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from opentruth.db.engine import Database
from opentruth.db.models import Assignment, AssignmentState, DataObject, LabelingJob, Worker, Workforce
from opentruth.db.repo_objects import insert_data_objects
from opentruth.db.types import utcnow

MakeJob = Callable[..., LabelingJob]
MakeWorkers = Callable[[int], list[Worker]]


def test_the_default_account_has_the_default_workforce(db: Database) -> None:
    with db.read() as session:
        workforce = session.scalar(select(Workforce))
        assert workforce is not None
        assert workforce.name == "default"
        assert workforce.arn == "arn:aws:sagemaker:us-east-1:000000000000:workforce/default"


def test_a_worker_can_never_hold_two_assignments_of_one_object(
    db: Database, make_job: MakeJob, make_workers: MakeWorkers
) -> None:
    job = make_job()
    (worker,) = make_workers(1)
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(0, "{}")])
    with db.read() as session:
        obj = session.scalars(select(DataObject)).one()
    now = utcnow()

    def assignment() -> Assignment:
        return Assignment(
            task_id=str(uuid.uuid4()),
            job_id=job.id,
            object_id=obj.id,
            worker_id=worker.id,
            state=AssignmentState.RELEASED.value,
            leased_at=now,
            lease_expires_at=now,
            answer=None,
            submitted_at=None,
            finished_at=None,
        )

    def add_one() -> None:
        with db.transaction() as session:
            session.add(assignment())

    add_one()
    with pytest.raises(IntegrityError):
        add_one()


def test_json_none_is_stored_as_sql_null(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as session:
        insert_data_objects(session, job.id, [(0, "{}")])
    with db.read() as session:
        assert (
            session.execute(text("SELECT count(*) FROM data_objects WHERE task_input IS NULL")).scalar() == 1
        )


def test_foreign_keys_are_enforced(db: Database) -> None:
    now = utcnow()

    def add_orphan() -> None:
        with db.transaction() as session:
            session.add(orphan)

    orphan = DataObject(
        job_id=424242,
        dataset_object_id=0,
        source="{}",
        state="pending",
        task_input=None,
        output_line=None,
        failure_reason=None,
        available_until=None,
        created_at=now,
        updated_at=now,
    )
    with pytest.raises(IntegrityError):
        add_orphan()
