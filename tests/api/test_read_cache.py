"""A cache of one table's reads: served again until this process writes the table, or ttl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opentruth.api.bootstrap import bootstrap
from opentruth.api.read_cache import TableReadCache
from opentruth.db import repo_iam
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_iam import IamUser
from opentruth.db.repo_workforce import fast_hasher


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.from_url(data_dir=tmp_path)
    bootstrap(database, SecretBox.load(tmp_path), hasher=fast_hasher())
    yield database
    database.dispose()


def _user_names(db: Database, reads: list[int]) -> tuple[str, ...]:
    reads.append(1)
    with db.read() as s:
        return tuple(sorted(u.name for u in s.query(IamUser)))


def test_served_again_until_this_process_writes_the_table(db: Database) -> None:
    cache: TableReadCache[tuple[str, ...]] = TableReadCache(IamUser.__tablename__, ttl=3600)
    reads: list[int] = []
    first = cache.get("users", lambda: _user_names(db, reads))
    assert cache.get("users", lambda: _user_names(db, reads)) == first
    assert len(reads) == 1
    with db.transaction() as s:
        repo_iam.create_user(s, "carol")
    assert "carol" in cache.get("users", lambda: _user_names(db, reads))
    assert len(reads) == 2


def test_a_zero_ttl_always_reads_and_errors_are_not_cached(db: Database) -> None:
    cache: TableReadCache[tuple[str, ...]] = TableReadCache(IamUser.__tablename__, ttl=0)
    reads: list[int] = []
    cache.get("users", lambda: _user_names(db, reads))
    cache.get("users", lambda: _user_names(db, reads))
    assert len(reads) == 2

    def fail() -> tuple[str, ...]:
        raise LookupError("no such thing")

    lasting: TableReadCache[tuple[str, ...]] = TableReadCache(IamUser.__tablename__, ttl=3600)
    with pytest.raises(LookupError):
        lasting.get("k", fail)
    assert lasting.get("k", lambda: ("x",)) == ("x",)


def test_clear_and_the_size_bound(db: Database) -> None:
    cache: TableReadCache[int] = TableReadCache(IamUser.__tablename__, ttl=3600, max_entries=2)
    for key in range(5):
        assert cache.get(key, lambda key=key: key * 10) == key * 10  # type: ignore[misc]
    cache.clear()
    assert cache.get(1, lambda: 99) == 99
