"""The loop's state (compare-and-set), holding and releasing objects, the model registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opentruth.db import repo_autolabel
from opentruth.db.engine import Database
from opentruth.db.models import LabelingJob, ObjectState
from opentruth.db.repo_jobs import get_job_by_id
from opentruth.db.repo_objects import count_objects_by_state, insert_data_objects
from opentruth.errors import NotFoundError

MakeJob = Callable[..., LabelingJob]


def test_loop_compare_and_set(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as s:
        loop = repo_autolabel.create_loop(
            s, job.id, validation=[1, 2], first_sample=[1, 2, 3], initial_model_arn=None
        )
        assert loop.version == 1 and loop.phase == "human"
    with db.transaction() as s:
        assert repo_autolabel.advance_loop(s, job.id, 1, iteration=1, phase="human", summary={"n": 1})
    with db.transaction() as s:  # a racing step still holding version 1 loses
        assert not repo_autolabel.advance_loop(s, job.id, 1, iteration=1, phase="human", summary={"n": 2})
    with db.read() as s:
        loop2 = repo_autolabel.get_loop(s, job.id)
        assert loop2 is not None
        assert (loop2.version, loop2.iteration, loop2.history) == (2, 1, [{"n": 1}])
        assert loop2.validation == [1, 2] and loop2.first_sample == [1, 2, 3]


def test_release_moves_only_held_objects(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    with db.transaction() as s:
        insert_data_objects(
            s, job.id, [(i, f'{{"source":"t{i}"}}') for i in range(10)], state=ObjectState.PREPARING
        )
    with db.transaction() as s:
        assert repo_autolabel.release_objects(s, job.id, [1, 2, 3]) == 3
    with db.transaction() as s:
        assert repo_autolabel.release_objects(s, job.id, [3, 4]) == 1  # 3 is already pending
    with db.read() as s:
        assert count_objects_by_state(s, job.id) == {"pending": 4, "preparing": 6}


def test_model_registry_and_job_output(db: Database, make_job: MakeJob) -> None:
    job = make_job()
    arn = "arn:aws:sagemaker:us-east-1:000000000000:model/j-final"
    kw: dict[str, Any] = {
        "account_id": job.account_id,
        "name": "j-final",
        "arn": arn,
        "algorithm": "text-classification",
        "labels": ["a", "b"],
        "job_name": "j",
        "role_arn": "arn:aws:iam::000000000000:role/R",
    }
    with db.transaction() as s:
        repo_autolabel.register_model(s, artifact_uri="s3://b/one", **kw)
    with db.transaction() as s:  # idempotent by name: a re-run updates the row
        repo_autolabel.register_model(s, artifact_uri="s3://b/two", **kw)
    with db.read() as s:
        assert repo_autolabel.get_model(s, arn, account_id=job.account_id).artifact_uri == "s3://b/two"
        with pytest.raises(NotFoundError, match="FinalActiveLearningModelArn"):
            repo_autolabel.get_model(s, arn + "x", account_id=job.account_id)
    with db.transaction() as s:
        repo_autolabel.merge_job_output(s, job.id, {"OutputDatasetS3Uri": "s3://b/o"})
        repo_autolabel.merge_job_output(s, job.id, {"FinalActiveLearningModelArn": arn})
    with db.read() as s:
        assert get_job_by_id(s, job.id).output == {
            "OutputDatasetS3Uri": "s3://b/o",
            "FinalActiveLearningModelArn": arn,
        }
