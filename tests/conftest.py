"""Shared test fixtures.

Database tests run on SQLite AND on PostgreSQL. PostgreSQL is the server at 127.0.0.1:5432
(user postgres, trust auth; override with ``OPENTRUTH_TEST_PG_ADMIN_URL``): the session creates
a database ``opentruth_test_<pid>``, migrates it once, empties it before each test, and drops it
at the end. SQLite gets a fresh file under ``tmp_path`` per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from dbsupport import BACKENDS, create_pg_database, drop_pg_database, pg_url_of
from opentruth.db.engine import Database, make_engine
from opentruth.db.migrate import upgrade
from opentruth.db.models import Base
from opentruth.db.repo_jobs import ensure_account
from opentruth.db.repo_workforce import fast_hasher

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's copy of the shared conformance data (tests never read ../shared)."""
    return DATA


SCHEMAS = DATA / "groundtruth" / "schemas"


def gt_schema_errors(name: str, document: object, label_attribute: str | None = None) -> list[str]:
    """Validate ``document`` against the shared Ground Truth schema ``name``.

    Output-manifest schemas spell the label ``LABEL``; it is renamed to the job's attribute.
    """
    import copy
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    if label_attribute:
        schema = copy.deepcopy(schema)
        for suffix in ("", "-metadata"):
            schema["properties"][label_attribute + suffix] = schema["properties"].pop("LABEL" + suffix)
        schema["required"] = [
            label_attribute + r[5:] if r.startswith("LABEL") else r for r in schema["required"]
        ]
    return [e.message for e in Draft202012Validator(schema).iter_errors(document)]


@pytest.fixture(scope="session")
def gt_schema() -> object:
    """The schema checker, as a fixture: ``gt_schema(name, doc, attr) -> list of errors``."""
    return gt_schema_errors


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session, dropped at the end."""
    name = f"opentruth_test_{os.getpid()}"
    create_pg_database(name)
    url = pg_url_of(name)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """An engine on a migrated, empty database: a new SQLite file, or the emptied PG database."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'opentruth.db'}")
        upgrade(eng)
    else:
        eng = make_engine(request.getfixturevalue("pg_url"))
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Database:
    """A :class:`Database` on the test engine, with the default account created."""
    database = Database(engine)
    with database.transaction() as session:
        ensure_account(session)
    return database


@pytest.fixture
def hasher() -> PasswordHasher:
    """A cheap Argon2 hasher so that creating many workers stays fast."""
    return fast_hasher()
