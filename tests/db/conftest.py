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

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from dbsupport import BACKENDS, create_pg_database, drop_pg_database, pg_url_of
from opentruth.db.engine import Database, make_engine
from opentruth.db.models import JobStatus, LabelingJob, Worker
from opentruth.db.repo_jobs import create_job, transition_job
from opentruth.db.repo_workforce import create_worker

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
    create_pg_database(name)
    engine = make_engine(pg_url_of(name))
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_database(name)


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
