"""Tests of opentruth.db.repo_jobs: accounts, job creation, listing, status transitions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from sqlalchemy import select

from opentruth.db.engine import Database
from opentruth.db.models import Account, JobStatus, LabelingJob, Workforce
from opentruth.db.repo_jobs import (
    ALLOWED_TRANSITIONS,
    add_label_counts,
    count_jobs,
    create_job,
    ensure_account,
    get_job,
    get_job_by_id,
    label_counters,
    list_jobs,
    set_ingest_complete,
    set_job_output,
    transition_job,
)
from opentruth.db.repository import InvalidTransitionError, StaleUpdateError
from opentruth.errors import ConflictError, NotFoundError, ValidationError

MakeJob = Callable[..., LabelingJob]
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _request(name: str) -> dict[str, object]:
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": {
            "DataSource": {"SnsDataSource": {"SnsTopicArn": "arn:aws:sns:us-east-1:000000000000:in"}}
        },
        "OutputConfig": {"S3OutputPath": "s3://b/out/"},
        "RoleArn": "arn:aws:iam::000000000000:role/R",
        "HumanTaskConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/t",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 60,
            "TaskAvailabilityLifetimeInSeconds": 600,
            "MaxConcurrentTaskCount": 7,
        },
    }


def test_ensure_account_is_idempotent_and_keeps_the_region(db: Database) -> None:
    with db.transaction() as session:
        first = ensure_account(session, "123456789012", "eu-west-1")
        again = ensure_account(session, "123456789012", "us-west-2")
        assert first is again
        assert again.region == "eu-west-1"
    with db.read() as session:
        forces = session.scalars(select(Workforce.arn).where(Workforce.account_id == "123456789012")).all()
        assert forces == ["arn:aws:sagemaker:eu-west-1:123456789012:workforce/default"]
        assert session.get(Account, "000000000000") is not None


def test_create_job_stores_the_request_and_derived_fields(db: Database) -> None:
    when = BASE + timedelta(minutes=5)
    with db.transaction() as session:
        job = create_job(session, _request("My-Job"), now=when)
    with db.read() as session:
        stored = get_job(session, "my-job")
        assert stored.id == job.id
        assert stored.name == "My-Job"
        assert stored.arn == "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/My-Job"
        assert stored.status == JobStatus.INITIALIZING
        assert stored.request == _request("My-Job")
        assert (stored.workers_per_object, stored.task_time_limit_seconds) == (3, 60)
        assert (stored.task_availability_lifetime_seconds, stored.max_concurrent_task_count) == (600, 7)
        assert stored.is_streaming
        assert stored.created_at == stored.last_modified_at == when
        assert stored.job_reference_code
        assert label_counters(stored) == {
            "TotalLabeled": 0,
            "HumanLabeled": 0,
            "MachineLabeled": 0,
            "FailedNonRetryableError": 0,
            "Unlabeled": 0,
        }
        assert count_jobs(session) == 1


def test_defaults_follow_ground_truth_for_a_private_workforce(make_job: MakeJob) -> None:
    job = make_job("defaults", status=JobStatus.INITIALIZING)
    assert job.task_availability_lifetime_seconds == 30 * 24 * 3600
    assert job.max_concurrent_task_count == 1000
    assert not job.is_streaming


@pytest.mark.parametrize("second", ["dup-name", "DUP-NAME", "Dup-Name"])
def test_a_second_job_with_the_same_name_in_any_case_is_resource_in_use(db: Database, second: str) -> None:
    with db.transaction() as session:
        create_job(session, _request("dup-name"))
    with pytest.raises(ConflictError) as info, db.transaction() as session:
        create_job(session, _request(second))
    assert info.value.aws_code == "ResourceInUse"
    assert "dup-name" in info.value.message
    with db.read() as session:
        assert count_jobs(session) == 1


def test_the_same_name_in_another_account_is_fine(db: Database) -> None:
    with db.transaction() as session:
        ensure_account(session, "111111111111")
        create_job(session, _request("shared"))
        other = create_job(session, _request("shared"), account_id="111111111111")
        assert other.arn == "arn:aws:sagemaker:us-east-1:111111111111:labeling-job/shared"


def test_unknown_jobs_and_accounts_are_not_found(db: Database) -> None:
    with db.read() as session:
        with pytest.raises(NotFoundError, match="nope"):
            get_job(session, "nope")
        with pytest.raises(NotFoundError):
            get_job_by_id(session, 12345)
    with pytest.raises(NotFoundError, match="999999999999"), db.transaction() as session:
        create_job(session, _request("x"), account_id="999999999999")


def test_every_allowed_transition_works_and_every_other_one_raises(db: Database) -> None:
    path_to = {
        JobStatus.INITIALIZING: [],
        JobStatus.IN_PROGRESS: [JobStatus.IN_PROGRESS],
        JobStatus.STOPPING: [JobStatus.IN_PROGRESS, JobStatus.STOPPING],
        JobStatus.COMPLETED: [JobStatus.IN_PROGRESS, JobStatus.COMPLETED],
        JobStatus.FAILED: [JobStatus.FAILED],
        JobStatus.STOPPED: [JobStatus.STOPPING, JobStatus.STOPPED],
    }
    for number, (start, target) in enumerate(product(JobStatus, JobStatus)):
        with db.transaction() as session:
            job = create_job(session, _request(f"t{number}"))
            for step in path_to[start]:
                job = transition_job(session, job.id, step, failure_reason="reason")
            assert job.status == start
            if target in ALLOWED_TRANSITIONS[start]:
                moved = transition_job(session, job.id, target, failure_reason="because")
                assert moved.status == target
            else:
                with pytest.raises(InvalidTransitionError, match=f"is {start.value} and cannot become"):
                    transition_job(session, job.id, target, failure_reason="because")
    # The state machine as the issue states it.
    assert ALLOWED_TRANSITIONS[JobStatus.IN_PROGRESS] == {
        JobStatus.COMPLETED,
        JobStatus.FAILED,
        JobStatus.STOPPING,
    }
    assert ALLOWED_TRANSITIONS[JobStatus.STOPPING] >= {JobStatus.STOPPED}
    for final in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED):
        assert not ALLOWED_TRANSITIONS[final]


def test_transition_bumps_version_and_time_and_supports_compare_and_set(
    db: Database, make_job: MakeJob
) -> None:
    job = make_job("cas", status=JobStatus.INITIALIZING)
    later = job.created_at + timedelta(seconds=30)
    with db.transaction() as session:
        moved = transition_job(
            session, job.id, JobStatus.IN_PROGRESS, expected_version=job.version, now=later
        )
        assert moved.version == job.version + 1
        assert moved.last_modified_at == later
    with pytest.raises(StaleUpdateError), db.transaction() as session:
        transition_job(session, job.id, JobStatus.STOPPING, expected_version=job.version)
    with db.read() as session:
        assert get_job_by_id(session, job.id).status == JobStatus.IN_PROGRESS


def test_failed_needs_a_reason_which_is_cut_to_1024_characters(db: Database, make_job: MakeJob) -> None:
    job = make_job("fails")
    with pytest.raises(ValueError, match="failure_reason"), db.transaction() as session:
        transition_job(session, job.id, JobStatus.FAILED)
    with db.transaction() as session:
        failed = transition_job(
            session, job.id, JobStatus.FAILED, failure_reason="ClientError: " + "x" * 2000
        )
        assert failed.failure_reason is not None
        assert len(failed.failure_reason) == 1024
        assert failed.failure_reason.startswith("ClientError: ")


def test_label_counters_change_atomically(db: Database, make_job: MakeJob) -> None:
    job = make_job("counts")
    with db.transaction() as session:
        add_label_counts(session, job.id, unlabeled=10)
        add_label_counts(session, job.id, human=3, machine=2, failed=1, unlabeled=-6)
    with db.read() as session:
        assert label_counters(get_job_by_id(session, job.id)) == {
            "TotalLabeled": 5,
            "HumanLabeled": 3,
            "MachineLabeled": 2,
            "FailedNonRetryableError": 1,
            "Unlabeled": 4,
        }


def test_output_and_ingest_flags(db: Database, make_job: MakeJob) -> None:
    job = make_job("out")
    with db.transaction() as session:
        set_job_output(
            session, job.id, {"OutputDatasetS3Uri": "s3://b/out/out/manifests/output/output.manifest"}
        )
        set_ingest_complete(session, job.id)
    with db.read() as session:
        stored = get_job_by_id(session, job.id)
        assert stored.output == {"OutputDatasetS3Uri": "s3://b/out/out/manifests/output/output.manifest"}
        assert stored.ingest_complete
        assert stored.version == job.version + 1


# --------------------------------------------------------------------------------------------
# ListLabelingJobs
# --------------------------------------------------------------------------------------------


def _seed(db: Database) -> list[LabelingJob]:
    """Nine jobs with distinct names, some equal creation times, and three statuses."""
    jobs = []
    with db.transaction() as session:
        for i, name in enumerate(
            ["delta", "Alpha", "echo", "bravo", "charlie", "golf", "foxtrot", "india", "hotel"]
        ):
            # Pairs share a creation time so that the id tie-break matters.
            job = create_job(session, _request(name), now=BASE + timedelta(hours=i // 2))
            if i % 3 == 1:
                job = transition_job(
                    session, job.id, JobStatus.IN_PROGRESS, now=BASE + timedelta(days=1, hours=i)
                )
            elif i % 3 == 2:
                job = transition_job(
                    session, job.id, JobStatus.FAILED, failure_reason="r", now=BASE + timedelta(days=2)
                )
            jobs.append(job)
    return jobs


def _all_pages(db: Database, **kwargs: object) -> tuple[list[str], int]:
    names: list[str] = []
    token = None
    pages = 0
    while True:
        with db.read() as session:
            page = list_jobs(session, max_results=2, next_token=token, **kwargs)  # type: ignore[arg-type]
        names.extend(job.name for job in page.jobs)
        pages += 1
        token = page.next_token
        if token is None:
            return names, pages


@pytest.mark.parametrize("sort_by", ["Name", "CreationTime", "Status"])
@pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
def test_pagination_visits_every_job_once_in_sort_order(db: Database, sort_by: str, sort_order: str) -> None:
    jobs = _seed(db)
    names, pages = _all_pages(db, sort_by=sort_by, sort_order=sort_order)
    key = {
        "Name": lambda j: (j.name, j.id),
        "CreationTime": lambda j: (j.created_at, j.id),
        "Status": lambda j: (j.status, j.id),
    }[sort_by]
    expected = [j.name for j in sorted(jobs, key=key, reverse=sort_order == "Descending")]
    assert names == expected
    assert pages == 5


def test_pagination_is_stable_when_jobs_are_added_between_pages(db: Database) -> None:
    _seed(db)
    with db.read() as session:
        first = list_jobs(session, max_results=4, sort_by="CreationTime")
    with db.transaction() as session:
        create_job(session, _request("zulu"), now=BASE + timedelta(days=9))
        create_job(session, _request("aaa-early"), now=BASE - timedelta(days=9))
    rest: list[str] = []
    token = first.next_token
    while token:
        with db.read() as session:
            page = list_jobs(session, max_results=4, sort_by="CreationTime", next_token=token)
        rest.extend(j.name for j in page.jobs)
        token = page.next_token
    seen = [j.name for j in first.jobs] + rest
    assert len(seen) == len(set(seen))
    # A job created before the boundary is not seen; one created after it is, at the end.
    assert "aaa-early" not in seen
    assert seen[-1] == "zulu"


def test_filters(db: Database) -> None:
    jobs = _seed(db)
    with db.read() as session:
        by_name = list_jobs(session, name_contains="ALP", max_results=100)
        assert [j.name for j in by_name.jobs] == ["Alpha"]
        failed = list_jobs(session, status_equals="Failed", max_results=100)
        assert {j.name for j in failed.jobs} == {j.name for j in jobs if j.status == JobStatus.FAILED}
        created = list_jobs(
            session, creation_time_after=BASE, creation_time_before=BASE + timedelta(hours=3), max_results=100
        )
        assert {j.name for j in created.jobs} == {
            j.name for j in jobs if BASE < j.created_at < BASE + timedelta(hours=3)
        }
        modified = list_jobs(session, last_modified_time_after=BASE + timedelta(days=1), max_results=100)
        assert {j.name for j in modified.jobs} == {
            j.name for j in jobs if j.last_modified_at > BASE + timedelta(days=1)
        }
        before = list_jobs(session, last_modified_time_before=BASE + timedelta(days=1), max_results=100)
        assert len(before.jobs) + len(modified.jobs) == len(jobs)
        assert list_jobs(session, name_contains="%", max_results=100).jobs == []
        team = list_jobs(
            session,
            workteam_arn="arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/t",
            max_results=100,
        )
        assert len(team.jobs) == len(jobs)


def test_bad_list_parameters_and_foreign_tokens_are_validation_errors(db: Database) -> None:
    _seed(db)
    with db.read() as session:
        token = list_jobs(session, max_results=2, sort_by="Name").next_token
        assert token is not None
        with pytest.raises(ValidationError, match="other filters"):
            list_jobs(session, max_results=2, sort_by="Status", next_token=token)
        with pytest.raises(ValidationError, match="SortBy"):
            list_jobs(session, sort_by="Size")
        with pytest.raises(ValidationError, match="SortOrder"):
            list_jobs(session, sort_order="Up")
        with pytest.raises(ValidationError, match="MaxResults"):
            list_jobs(session, max_results=0)
        with pytest.raises(ValidationError, match="NextToken"):
            list_jobs(session, next_token="garbage")
