"""Tests of opentruth.db.repository: the dialect helpers, errors and NextTokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from sqlalchemy import Table, select

from opentruth.db.engine import Database
from opentruth.db.models import DataObject, LabelingJob
from opentruth.db.repository import (
    LeaseExpiredError,
    decode_token,
    encode_token,
    escape_like,
    for_update,
    insert_ignoring_conflicts,
    is_postgresql,
    query_fingerprint,
)
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, ValidationError

MakeJob = Callable[..., LabelingJob]


def test_lease_expired_is_a_conflict_answered_with_409() -> None:
    err = LeaseExpiredError("late")
    assert isinstance(err, ConflictError)
    assert err.http_status == 409


def test_for_update_locks_only_on_postgresql(db: Database) -> None:
    with db.read() as session:
        stmt = for_update(session, select(LabelingJob.id), skip_locked=True)
        sql = str(stmt.compile(dialect=session.get_bind().dialect))
        if is_postgresql(session):
            assert "FOR UPDATE SKIP LOCKED" in sql
        else:
            assert db.dialect == "sqlite"
            assert "FOR UPDATE" not in sql


def test_insert_ignoring_conflicts_counts_only_new_rows(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    now = utcnow()
    table = cast(Table, DataObject.__table__)

    def rows(indexes: range) -> list[dict[str, Any]]:
        return [
            {
                "job_id": job.id,
                "dataset_object_id": i,
                "source": f'{{"source":"{i}"}}',
                "state": "pending",
                "submitted_count": 0,
                "declined_count": 0,
                "leased_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for i in indexes
        ]

    with db.transaction() as session:
        assert (
            insert_ignoring_conflicts(
                session, table, rows(range(3)), conflict_columns=("job_id", "dataset_object_id")
            )
            == 3
        )
    with db.transaction() as session:
        assert (
            insert_ignoring_conflicts(
                session, table, rows(range(1, 5)), conflict_columns=("job_id", "dataset_object_id")
            )
            == 2
        )
        assert insert_ignoring_conflicts(session, table, [], conflict_columns=("job_id",)) == 0
    with db.read() as session:
        assert session.scalars(
            select(DataObject.dataset_object_id).order_by(DataObject.dataset_object_id)
        ).all() == [0, 1, 2, 3, 4]


def test_a_large_batch_keeps_its_values_and_counts_only_new_rows(db: Database, make_job: MakeJob) -> None:
    # Above the size from which PostgreSQL copies the rows in (a batch of an ingest): the JSON
    # column, the timestamps and the counts come out as a plain INSERT gives them, and two
    # batches in one transaction each count their own new rows.
    job = make_job()
    now = utcnow()
    table = cast(Table, DataObject.__table__)

    def rows(indexes: range) -> list[dict[str, Any]]:
        return [
            {
                "job_id": job.id,
                "dataset_object_id": i,
                "source": f'{{"source":"line {i}, with a tab\\t and a quote \\""}}',
                "state": "pending",
                "task_input": {"taskObject": f"text {i}", "labels": ["a", "b"]} if i % 2 else None,
                "submitted_count": 0,
                "declined_count": 0,
                "leased_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for i in indexes
        ]

    keys = ("job_id", "dataset_object_id")
    with db.transaction() as session:
        assert insert_ignoring_conflicts(session, table, rows(range(300)), conflict_columns=keys) == 300
        assert insert_ignoring_conflicts(session, table, rows(range(200, 500)), conflict_columns=keys) == 200
    with db.transaction() as session:
        assert insert_ignoring_conflicts(session, table, rows(range(450, 1000)), conflict_columns=keys) == 500
    with db.read() as session:
        stored = session.scalars(select(DataObject).order_by(DataObject.dataset_object_id)).all()
        assert [o.dataset_object_id for o in stored] == list(range(1000))
        expected = {r["dataset_object_id"]: r for r in rows(range(1000))}
        for o in stored:
            want = expected[o.dataset_object_id]
            assert (o.source, o.task_input, o.created_at) == (want["source"], want["task_input"], now)


def test_escape_like_neutralises_wildcards() -> None:
    assert escape_like("a%b_c\\d") == "a\\%b\\_c\\\\d"


def test_tokens_round_trip_for_the_same_query_only() -> None:
    fp = query_fingerprint({"sort": "Name", "status": None})
    token = encode_token({"v": "job-1", "id": 7}, fp)
    assert decode_token(token, fp) == {"v": "job-1", "id": 7}
    other = query_fingerprint({"sort": "Status", "status": None})
    with pytest.raises(ValidationError, match="other filters"):
        decode_token(token, other)


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "eyJ4IjoxfQ"])
def test_malformed_tokens_are_validation_errors(garbage: str) -> None:
    with pytest.raises(ValidationError, match="Invalid NextToken"):
        decode_token(garbage, "f")
