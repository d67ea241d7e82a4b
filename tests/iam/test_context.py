"""Tests of the request context a job's requests carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from opentruth.errors import ValidationError
from opentruth.iam.context import job_context, role_unique_id, session_arn

ROLE = "arn:aws:iam::000000000000:role/service-role/LabelingRole"


def test_session_arn_drops_the_role_path() -> None:
    assert session_arn(ROLE) == "arn:aws:sts::000000000000:assumed-role/LabelingRole/SageMaker"
    assert session_arn(ROLE, "other").endswith("/LabelingRole/other")


def test_role_unique_id_is_stable_and_shaped_like_aws() -> None:
    rid = role_unique_id(ROLE)
    assert rid == role_unique_id(ROLE)
    assert rid != role_unique_id("arn:aws:iam::000000000000:role/Other")
    assert rid.startswith("AROA")
    assert len(rid) == 21
    assert rid[4:].isalnum()
    assert rid == rid.upper()


def test_job_context_has_the_session_keys() -> None:
    now = datetime(2024, 6, 1, 12, 30, 5, tzinfo=UTC)
    ctx = job_context(ROLE, now=now)
    assert ctx["aws:SecureTransport"] == "true"
    assert ctx["aws:CurrentTime"] == "2024-06-01T12:30:05Z"
    assert ctx["aws:EpochTime"] == str(int(now.timestamp()))
    assert ctx["aws:PrincipalArn"] == ROLE
    assert ctx["aws:PrincipalAccount"] == "000000000000"
    assert ctx["aws:userid"] == f"{role_unique_id(ROLE)}:SageMaker"
    assert not any(k.startswith("s3:") for k in ctx)


def test_job_context_converts_local_time_to_utc() -> None:
    local = datetime(2024, 6, 1, 14, 30, 5, tzinfo=timezone(timedelta(hours=2)))
    assert job_context(ROLE, now=local)["aws:CurrentTime"] == "2024-06-01T12:30:05Z"


def test_object_tags_and_extra_keys() -> None:
    ctx = job_context(ROLE, object_tags={"SageMaker": "true", "team": "a"}, extra={"s3:prefix": "in/"})
    assert ctx["s3:ExistingObjectTag/SageMaker"] == "true"
    assert ctx["s3:ExistingObjectTag/team"] == "a"
    assert ctx["s3:prefix"] == "in/"


def test_a_non_role_arn_is_refused() -> None:
    with pytest.raises(ValidationError, match="not an IAM role ARN"):
        job_context("arn:aws:iam::000000000000:user/alice")
