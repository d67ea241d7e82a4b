"""Tests of opentruth.db.migrate: one linear history, upgrades, and no model/migration drift."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from opentruth.db.migrate import alembic_config, current_revision, head_revisions, upgrade
from opentruth.db.models import Base


def test_history_is_linear_with_a_single_head() -> None:
    heads = head_revisions()
    assert len(heads) == 1
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        # Linear: no merge points and no branches.
        assert not revision.is_merge_point
        assert not revision.is_branch_point


def test_upgrade_creates_every_table_and_is_idempotent(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revisions()[0]
    tables = set(inspect(empty_engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revisions()[0]


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        command.downgrade(alembic_config(connection=conn), "base")
        conn.commit()
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revisions()[0]


def test_upgrade_accepts_a_url_and_leaves_sqlite_foreign_keys_on(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    upgrade(url)
    from opentruth.db.engine import make_engine

    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revisions()[0]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_sqlite_connection_used_for_migrating_gets_foreign_keys_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    if empty_engine.dialect.name == "sqlite":
        # The pool hands out the connection the migration used; keys must be on again.
        with empty_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
