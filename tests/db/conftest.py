"""Fixtures of the state-layer tests: every test runs on SQLite AND on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (user postgres, trust auth; override with
``OPENTRUTH_TEST_PG_ADMIN_URL``). The session creates a database ``opentruth_test_<pid>``,
migrates it once, empties it before each test, and drops it at the end. SQLite gets a fresh
file under ``tmp_path`` per test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from opentruth.db.engine import Database, make_engine
from opentruth.db.migrate import upgrade
from opentruth.db.models import Base, JobStatus, LabelingJob, Worker
from opentruth.db.repo_jobs import create_job, ensure_account, transition_job
from opentruth.db.repo_workforce import create_worker, fast_hasher

PG_ADMIN_URL = os.environ.get("OPENTRUTH_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


def _pg_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def _create_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session, dropped at the end."""
    name = f"opentruth_test_{os.getpid()}"
    _create_pg_database(name)
    url = _pg_url(name)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        _drop_pg_database(name)


_scratch_numbers = count()


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """An engine on a database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    name = f"opentruth_test_{os.getpid()}_{next(_scratch_numbers)}"
    _create_pg_database(name)
    engine = make_engine(_pg_url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_pg_database(name)


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


def job_request(name: str, **human: Any) -> dict[str, Any]:
    """A minimal CreateLabelingJob request; ``human`` overrides HumanTaskConfig fields."""
    config: dict[str, Any] = {
        "WorkteamArn": "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/team",
        "UiConfig": {"UiTemplateS3Uri": "s3://bucket/template.liquid"},
        "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-TextMultiClass",
        "TaskTitle": "Classify",
        "TaskDescription": "Pick a label",
        "NumberOfHumanWorkersPerDataObject": 1,
        "TaskTimeLimitInSeconds": 300,
        "AnnotationConsolidationConfig": {
            "AnnotationConsolidationLambdaArn": (
                "arn:aws:lambda:us-east-1:432418664414:function:ACS-TextMultiClass"
            )
        },
    }
    config.update(human)
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://bucket/input.manifest"}}},
        "OutputConfig": {"S3OutputPath": "s3://bucket/output/"},
        "RoleArn": "arn:aws:iam::000000000000:role/GroundTruth",
        "HumanTaskConfig": config,
    }


MakeJob = Callable[..., LabelingJob]
MakeWorkers = Callable[[int], list[Worker]]


@pytest.fixture
def make_job(db: Database) -> MakeJob:
    """Create a job (InProgress by default) from :func:`job_request` keyword overrides."""

    def make(name: str = "job", *, status: JobStatus = JobStatus.IN_PROGRESS, **human: Any) -> LabelingJob:
        with db.transaction() as session:
            job = create_job(session, job_request(name, **human))
            if status is not JobStatus.INITIALIZING:
                job = transition_job(session, job.id, JobStatus.IN_PROGRESS)
        return job

    return make


@pytest.fixture
def make_workers(db: Database, hasher: PasswordHasher) -> MakeWorkers:
    """Create ``n`` workers named w0, w1, ... (numbering continues across calls)."""
    numbers = count()

    def make(n: int) -> list[Worker]:
        with db.transaction() as session:
            return [create_worker(session, f"w{next(numbers)}", "pw", hasher=hasher) for _ in range(n)]

    return make
