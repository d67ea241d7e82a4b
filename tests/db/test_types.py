"""Tests of opentruth.db.types: timestamps are aware UTC on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from opentruth.db.engine import Database
from opentruth.db.models import Account
from opentruth.db.types import utcnow


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_round_trip_keeps_the_instant_and_returns_utc(db: Database) -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=plus_two)
    with db.transaction() as session:
        session.add(Account(account_id="111111111111", region="eu-west-1", created_at=moment))
    with db.read() as session:
        stored = session.get(Account, "111111111111")
        assert stored is not None
        assert stored.created_at == moment
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.created_at.hour == 10


def test_naive_datetimes_are_rejected(db: Database) -> None:
    def add_naive() -> None:
        with db.transaction() as session:
            session.add(
                Account(account_id="222222222222", region="us-east-1", created_at=datetime(2026, 1, 1))
            )

    with pytest.raises(StatementError, match="naive datetime"):
        add_naive()


def test_comparisons_follow_time_order(db: Database) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with db.transaction() as session:
        for i, hours in enumerate([5, 1, 3]):
            session.add(
                Account(account_id=f"30000000000{i}", region="r", created_at=base + timedelta(hours=hours))
            )
    with db.read() as session:
        later = session.scalars(
            select(Account.account_id)
            .where(Account.created_at > base + timedelta(hours=2), Account.account_id.like("3%"))
            .order_by(Account.created_at)
        ).all()
    assert later == ["300000000002", "300000000000"]
