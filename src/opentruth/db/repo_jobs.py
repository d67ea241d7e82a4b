"""Accounts and labeling jobs: create, read, list with stable pagination, status transitions.

Every function takes the caller's :class:`~sqlalchemy.orm.Session` and leaves committing to it
(normally :meth:`opentruth.db.engine.Database.transaction`), so that several steps can share one
transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from opentruth.db.models import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    DEFAULT_WORKFORCE_NAME,
    Account,
    JobStatus,
    LabelingJob,
    Workforce,
)
from opentruth.db.repository import (
    InvalidTransitionError,
    StaleUpdateError,
    decode_token,
    encode_token,
    escape_like,
    for_update,
    query_fingerprint,
)
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError, ValidationError

__all__ = [
    "ALLOWED_TRANSITIONS",
    "DEFAULT_MAX_CONCURRENT_TASK_COUNT",
    "DEFAULT_TASK_AVAILABILITY_LIFETIME_SECONDS",
    "JobPage",
    "add_label_counts",
    "count_jobs",
    "create_job",
    "ensure_account",
    "get_account",
    "get_job",
    "get_job_by_id",
    "label_counters",
    "labeling_job_arn",
    "list_jobs",
    "lock_job_status",
    "set_ingest_complete",
    "set_job_output",
    "transition_job",
    "workforce_arn",
]

#: The job state machine: Initializing → InProgress → Completed | Failed | Stopping → Stopped.
#: A job can also fail or be stopped while it initializes (for instance when the role cannot
#: read the input), and fail while it stops (when writing the final output is denied).
ALLOWED_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.INITIALIZING: frozenset({JobStatus.IN_PROGRESS, JobStatus.FAILED, JobStatus.STOPPING}),
    JobStatus.IN_PROGRESS: frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPING}),
    JobStatus.STOPPING: frozenset({JobStatus.STOPPED, JobStatus.FAILED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.STOPPED: frozenset(),
}

#: Ground Truth's defaults for a private workforce: 30 days, and 1000 objects out at once.
DEFAULT_TASK_AVAILABILITY_LIFETIME_SECONDS = 30 * 24 * 3600
DEFAULT_MAX_CONCURRENT_TASK_COUNT = 1000
_FAILURE_REASON_MAX = 1024
_SORT_COLUMNS = {
    "Name": LabelingJob.name,
    "CreationTime": LabelingJob.created_at,
    "Status": LabelingJob.status,
}


def labeling_job_arn(region: str, account_id: str, name: str) -> str:
    """Return ``arn:aws:sagemaker:<region>:<account>:labeling-job/<name>``."""
    return f"arn:aws:sagemaker:{region}:{account_id}:labeling-job/{name}"


def workforce_arn(region: str, account_id: str, name: str) -> str:
    """Return ``arn:aws:sagemaker:<region>:<account>:workforce/<name>``."""
    return f"arn:aws:sagemaker:{region}:{account_id}:workforce/{name}"


def ensure_account(
    session: Session, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> Account:
    """Return the account, creating it and its ``default`` private workforce on first use.

    An existing account keeps its region: changing the region of live resources would change
    every ARN already handed out.
    """
    account = session.get(Account, account_id)
    if account is not None:
        return account
    now = utcnow()
    account = Account(account_id=account_id, region=region, created_at=now)
    session.add(account)
    session.flush()
    session.add(
        Workforce(
            account_id=account_id,
            name=DEFAULT_WORKFORCE_NAME,
            arn=workforce_arn(region, account_id, DEFAULT_WORKFORCE_NAME),
            config=None,
            created_at=now,
            last_updated_at=now,
        )
    )
    session.flush()
    return account


def get_account(session: Session, account_id: str = DEFAULT_ACCOUNT_ID) -> Account:
    """Return the account or raise :class:`NotFoundError`."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"Account {account_id} does not exist: run `opentruth init` first")
    return account


def create_job(
    session: Session,
    request: dict[str, Any],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> LabelingJob:
    """Store a new job in ``Initializing`` from an already validated CreateLabelingJob request.

    Raises :class:`ConflictError` (``ResourceInUse``) when a job of that name exists in the
    account; like Ground Truth, names are compared case-insensitively.
    """
    now = now or utcnow()
    account = get_account(session, account_id)
    name: str = request["LabelingJobName"]
    existing = session.scalar(
        select(LabelingJob.arn).where(
            LabelingJob.account_id == account_id, LabelingJob.name_key == name.lower()
        )
    )
    if existing is not None:
        raise _duplicate_name(name, existing)
    human = request["HumanTaskConfig"]
    data_source = request.get("InputConfig", {}).get("DataSource", {})
    job = LabelingJob(
        account_id=account_id,
        name=name,
        name_key=name.lower(),
        arn=labeling_job_arn(account.region, account_id, name),
        status=JobStatus.INITIALIZING,
        request=request,
        failure_reason=None,
        job_reference_code=secrets.token_hex(16),
        workteam_arn=human["WorkteamArn"],
        workers_per_object=human["NumberOfHumanWorkersPerDataObject"],
        task_time_limit_seconds=human["TaskTimeLimitInSeconds"],
        task_availability_lifetime_seconds=human.get(
            "TaskAvailabilityLifetimeInSeconds", DEFAULT_TASK_AVAILABILITY_LIFETIME_SECONDS
        ),
        max_concurrent_task_count=human.get("MaxConcurrentTaskCount", DEFAULT_MAX_CONCURRENT_TASK_COUNT),
        is_streaming="SnsDataSource" in data_source,
        output=None,
        created_at=now,
        last_modified_at=now,
    )
    # A concurrent create of the same name (another process on PostgreSQL) passes the check
    # above; the unique key catches it. The savepoint keeps the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError as exc:
        raise _duplicate_name(name, labeling_job_arn(account.region, account_id, name)) from exc
    return job


def _duplicate_name(name: str, arn: str) -> ConflictError:
    return ConflictError(
        f"A labeling job named {name} already exists ({arn}); names are unique per account "
        "and region, compared without case: choose another LabelingJobName"
    )


def get_job(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> LabelingJob:
    """Return the job of that name (any case) or raise :class:`NotFoundError`."""
    job = session.scalar(
        select(LabelingJob).where(LabelingJob.account_id == account_id, LabelingJob.name_key == name.lower())
    )
    if job is None:
        raise NotFoundError(f"Could not find labeling job {name}: check the name with ListLabelingJobs")
    return job


def get_job_by_id(session: Session, job_id: int) -> LabelingJob:
    """Return the job with that row id or raise :class:`NotFoundError`."""
    job = session.get(LabelingJob, job_id)
    if job is None:
        raise NotFoundError(f"Could not find labeling job with id {job_id}")
    return job


def lock_job_status(session: Session, job_id: int) -> JobStatus:
    """The job's status, its row locked until the transaction ends (PostgreSQL; SQLite's
    writers are serialised already): a status change waits for the transaction, or it is seen."""
    status = session.scalar(for_update(session, select(LabelingJob.status).where(LabelingJob.id == job_id)))
    if status is None:
        raise NotFoundError(f"Could not find labeling job with id {job_id}")
    return JobStatus(status)


@dataclass(frozen=True)
class JobPage:
    """One page of :func:`list_jobs`; ``next_token`` is None on the last page."""

    jobs: list[LabelingJob]
    next_token: str | None


def list_jobs(
    session: Session,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    name_contains: str | None = None,
    status_equals: str | None = None,
    creation_time_after: datetime | None = None,
    creation_time_before: datetime | None = None,
    last_modified_time_after: datetime | None = None,
    last_modified_time_before: datetime | None = None,
    workteam_arn: str | None = None,
    sort_by: str = "CreationTime",
    sort_order: str = "Ascending",
    max_results: int = 10,
    next_token: str | None = None,
) -> JobPage:
    """List jobs as ListLabelingJobs does: filters, sort, and NextToken pagination.

    Pagination is keyset-based on (sort value, row id), so a page never repeats or skips a job
    even when jobs are created or change status between pages (a job whose sort value changes
    may of course move across the boundary). ``NameContains`` is case-insensitive.
    """
    if sort_by not in _SORT_COLUMNS:
        raise ValidationError(f"SortBy must be one of {', '.join(_SORT_COLUMNS)}, got {sort_by!r}")
    if sort_order not in ("Ascending", "Descending"):
        raise ValidationError(f"SortOrder must be Ascending or Descending, got {sort_order!r}")
    if not 1 <= max_results <= 100:
        raise ValidationError(f"MaxResults must be between 1 and 100, got {max_results}")
    filters: list[ColumnElement[bool]] = [LabelingJob.account_id == account_id]
    if name_contains:
        filters.append(LabelingJob.name_key.like(f"%{escape_like(name_contains.lower())}%", escape="\\"))
    if status_equals:
        filters.append(LabelingJob.status == status_equals)
    if creation_time_after:
        filters.append(LabelingJob.created_at > creation_time_after)
    if creation_time_before:
        filters.append(LabelingJob.created_at < creation_time_before)
    if last_modified_time_after:
        filters.append(LabelingJob.last_modified_at > last_modified_time_after)
    if last_modified_time_before:
        filters.append(LabelingJob.last_modified_at < last_modified_time_before)
    if workteam_arn:
        filters.append(LabelingJob.workteam_arn == workteam_arn)
    fingerprint = query_fingerprint(
        {
            "account": account_id,
            "name": name_contains,
            "status": status_equals,
            "ca": creation_time_after,
            "cb": creation_time_before,
            "ma": last_modified_time_after,
            "mb": last_modified_time_before,
            "team": workteam_arn,
            "sort": sort_by,
            "order": sort_order,
        }
    )
    column = _SORT_COLUMNS[sort_by]
    descending = sort_order == "Descending"
    if next_token:
        position = decode_token(next_token, fingerprint)
        try:
            last_id = int(position["id"])
            last_value: Any = position["v"]
            if sort_by == "CreationTime":
                last_value = datetime.fromisoformat(last_value)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                "Invalid NextToken: pass the NextToken of the previous response unchanged"
            ) from exc
        if descending:
            filters.append(or_(column < last_value, and_(column == last_value, LabelingJob.id < last_id)))
        else:
            filters.append(or_(column > last_value, and_(column == last_value, LabelingJob.id > last_id)))
    order = (column.desc(), LabelingJob.id.desc()) if descending else (column.asc(), LabelingJob.id.asc())
    rows = list(session.scalars(select(LabelingJob).where(*filters).order_by(*order).limit(max_results + 1)))
    token = None
    if len(rows) > max_results:
        rows = rows[:max_results]
        last = rows[-1]
        value: Any = {"Name": last.name, "CreationTime": last.created_at.isoformat(), "Status": last.status}[
            sort_by
        ]
        token = encode_token({"v": value, "id": last.id}, fingerprint)
    return JobPage(jobs=rows, next_token=token)


def transition_job(
    session: Session,
    job_id: int,
    new_status: JobStatus,
    *,
    failure_reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> LabelingJob:
    """Move a job to ``new_status`` if :data:`ALLOWED_TRANSITIONS` allows it.

    The update is a compare-and-set on the current status (and on ``expected_version`` when
    given), so two processes racing to change a job cannot both win: the loser gets
    :class:`StaleUpdateError`. A transition the state machine forbids raises
    :class:`InvalidTransitionError`. ``Failed`` needs a ``failure_reason`` (cut to 1024
    characters, SageMaker's limit).
    """
    now = now or utcnow()
    job = session.scalar(for_update(session, select(LabelingJob).where(LabelingJob.id == job_id)))
    if job is None:
        raise NotFoundError(f"Could not find labeling job with id {job_id}")
    current = JobStatus(job.status)
    if new_status not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransitionError(
            f"Labeling job {job.name} is {current.value} and cannot become {new_status.value}"
        )
    if new_status is JobStatus.FAILED and not failure_reason:
        raise ValueError("a Failed job needs a failure_reason")
    guard = [LabelingJob.id == job_id, LabelingJob.status == current.value]
    if expected_version is not None:
        guard.append(LabelingJob.version == expected_version)
    values: dict[str, Any] = {
        "status": new_status.value,
        "last_modified_at": now,
        "version": LabelingJob.version + 1,
    }
    if failure_reason is not None:
        values["failure_reason"] = failure_reason[:_FAILURE_REASON_MAX]
    result = session.execute(
        update(LabelingJob).where(*guard).values(**values).execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise StaleUpdateError(f"Labeling job {job.name} changed while it was being updated: read it again")
    session.refresh(job)
    return job


def add_label_counts(
    session: Session,
    job_id: int,
    *,
    human: int = 0,
    machine: int = 0,
    failed: int = 0,
    unlabeled: int = 0,
    now: datetime | None = None,
) -> None:
    """Add to the job's LabelCounters atomically (``unlabeled`` may be negative).

    Counters are changed with ``SET x = x + n`` in the same transaction as the objects they
    count, so concurrent submits never lose an increment and a crash never leaves them off.
    TotalLabeled is human plus machine, as in Ground Truth.
    """
    session.execute(
        update(LabelingJob)
        .where(LabelingJob.id == job_id)
        .values(
            human_labeled=LabelingJob.human_labeled + human,
            machine_labeled=LabelingJob.machine_labeled + machine,
            total_labeled=LabelingJob.total_labeled + human + machine,
            failed_non_retryable=LabelingJob.failed_non_retryable + failed,
            unlabeled=LabelingJob.unlabeled + unlabeled,
            last_modified_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


def label_counters(job: LabelingJob) -> dict[str, int]:
    """Return the job's ``LabelCounters`` in SageMaker's shape."""
    return {
        "TotalLabeled": job.total_labeled,
        "HumanLabeled": job.human_labeled,
        "MachineLabeled": job.machine_labeled,
        "FailedNonRetryableError": job.failed_non_retryable,
        "Unlabeled": job.unlabeled,
    }


def set_job_output(
    session: Session, job_id: int, output: dict[str, Any], *, now: datetime | None = None
) -> None:
    """Record ``LabelingJobOutput`` (e.g. ``{"OutputDatasetS3Uri": ...}``)."""
    session.execute(
        update(LabelingJob)
        .where(LabelingJob.id == job_id)
        .values(output=output, last_modified_at=now or utcnow(), version=LabelingJob.version + 1)
        .execution_options(synchronize_session=False)
    )


def set_ingest_complete(session: Session, job_id: int) -> None:
    """Mark that every line of the input manifest is stored (the job may now complete)."""
    session.execute(
        update(LabelingJob)
        .where(LabelingJob.id == job_id)
        .values(ingest_complete=True)
        .execution_options(synchronize_session=False)
    )


def count_jobs(session: Session, *, account_id: str = DEFAULT_ACCOUNT_ID) -> int:
    """Return how many jobs the account has."""
    return int(
        session.scalar(
            select(func.count()).select_from(LabelingJob).where(LabelingJob.account_id == account_id)
        )
        or 0
    )
