"""The per-table count of committed writes: ORM flushes and ORM statements, after commit only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from opentruth.api import table_writes
from opentruth.api.bootstrap import bootstrap
from opentruth.db import repo_iam
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_iam import IamState, IamUser
from opentruth.db.repo_iam_common import bump_generation, generation
from opentruth.db.repo_workforce import fast_hasher

IAM_STATE = IamState.__tablename__
USERS = IamUser.__tablename__


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.from_url(data_dir=tmp_path)
    bootstrap(database, SecretBox.load(tmp_path), hasher=fast_hasher())
    table_writes.install()
    yield database
    database.dispose()


def test_a_committed_orm_update_counts_for_its_table(db: Database) -> None:
    before, users = table_writes.count(IAM_STATE), table_writes.count(USERS)
    with db.transaction() as s:
        bump_generation(s, "000000000000")
        assert table_writes.count(IAM_STATE) == before  # not before the commit
    assert table_writes.count(IAM_STATE) == before + 1
    assert table_writes.count(USERS) == users


def test_a_flushed_row_counts_for_its_table(db: Database) -> None:
    before = table_writes.count(USERS)
    with db.transaction() as s:
        repo_iam.create_user(s, "bob")
    assert table_writes.count(USERS) == before + 1


def _abandoned_write(db: Database) -> None:
    with db.transaction() as s:
        s.execute(update(IamState).values(generation=IamState.generation + 1))
        raise RuntimeError("abandon")


def test_rolled_back_and_read_only_sessions_do_not_count(db: Database) -> None:
    before = table_writes.count(IAM_STATE)
    with pytest.raises(RuntimeError):
        _abandoned_write(db)
    with db.read() as s:
        assert generation(s, "000000000000") >= 1
    assert table_writes.count(IAM_STATE) == before


def test_install_is_idempotent(db: Database) -> None:
    table_writes.install()
    table_writes.install()
    before = table_writes.count(IAM_STATE)
    with db.transaction() as s:
        bump_generation(s, "000000000000")
    assert table_writes.count(IAM_STATE) == before + 1  # one listener, one count
