"""Tests of opentruth.db.repo_logs: groups and streams (explicit or known by their events), and
keyset pages of events, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opentruth.db import repo_logs
from opentruth.db.engine import Database
from opentruth.db.models import DEFAULT_ACCOUNT_ID
from opentruth.db.repo_telemetry import put_log_events

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ACCOUNT = DEFAULT_ACCOUNT_ID


def test_groups_exist_by_row_or_by_events(db: Database) -> None:
    with db.transaction() as s:
        assert repo_logs.create_group(s, ACCOUNT, "/made", T0)
        assert not repo_logs.create_group(s, ACCOUNT, "/made", T0)
        put_log_events(s, "/implicit", "job", [(T0, "hello")], now=T0 + timedelta(seconds=5))
        assert not repo_logs.create_group(s, ACCOUNT, "/implicit", T0)
        assert repo_logs.create_stream(s, ACCOUNT, "/made", "empty", T0)
        assert not repo_logs.create_stream(s, ACCOUNT, "/implicit", "job", T0)
    with db.read() as s:
        groups = repo_logs.list_groups(s, ACCOUNT)
        assert [(g.name, g.created_at) for g in groups] == [
            ("/implicit", T0 + timedelta(seconds=5)),
            ("/made", T0),
        ]
        assert [g.name for g in repo_logs.list_groups(s, ACCOUNT, "/ma")] == ["/made"]
        # A prefix is literal text, not a LIKE pattern.
        assert repo_logs.list_groups(s, ACCOUNT, "/%") == []
        (empty,) = repo_logs.list_streams(s, ACCOUNT, "/made")
        assert (empty.name, empty.first_event, empty.last_event) == ("empty", None, None)
        (job,) = repo_logs.list_streams(s, ACCOUNT, "/implicit")
        assert (job.first_event, job.last_event, job.last_ingestion) == (T0, T0, T0 + timedelta(seconds=5))
        assert repo_logs.stream_exists(s, ACCOUNT, "/implicit", "job")
        assert not repo_logs.stream_exists(s, ACCOUNT, "/implicit", "other")
        assert not repo_logs.group_exists(s, ACCOUNT, "/nowhere")


def test_keyset_pages_keep_order_with_equal_timestamps(db: Database) -> None:
    with db.transaction() as s:
        put_log_events(s, "/g", "a", [(T0, "a0"), (T0, "a1"), (T0 + timedelta(seconds=1), "a2")])
        put_log_events(s, "/g", "b", [(T0, "b0")])
    with db.read() as s:
        first = repo_logs.events_after(s, ACCOUNT, "/g", streams=["a"], limit=2)
        assert [e.message for e in first] == ["a0", "a1"]
        pos = repo_logs.event_position(s, ACCOUNT, first[-1].id)
        rest = repo_logs.events_after(s, ACCOUNT, "/g", streams=["a"], after=pos)
        assert [e.message for e in rest] == ["a2"]
        newest = repo_logs.events_before(s, ACCOUNT, "/g", streams=["a"], limit=2)
        assert [e.message for e in newest] == ["a1", "a2"]
        before = repo_logs.events_before(
            s, ACCOUNT, "/g", streams=["a"], before=repo_logs.event_position(s, ACCOUNT, newest[0].id)
        )
        assert [e.message for e in before] == ["a0"]
        every = repo_logs.events_after(s, ACCOUNT, "/g", end=T0 + timedelta(seconds=1))
        assert sorted(e.message for e in every) == ["a0", "a1", "b0"]
        assert repo_logs.event_position(s, ACCOUNT, 10**9) is None
