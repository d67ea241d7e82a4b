"""The tables of opentruth's state, as SQLAlchemy 2 typed models.

The database is the source of truth. huey (or any runner) only *kicks* work: a labeling job's
status, the state of every data object, every worker assignment and every background step live
here, each with a lease where something is held for a while, so that a process killed at any
point leaves nothing that a reconciler cannot pick up again.

Conventions:

* Timestamps are aware UTC (:class:`~opentruth.db.types.UTCDateTime`).
* State columns are short strings; the allowed values are the ``StrEnum`` classes below. There
  are no CHECK constraints on them so that a later state only needs code, not a table rebuild.
* Row ids are integers; anything shown to a client that must not be guessable (a task id, a
  worker's ``sub``) has its own random column.
* Constraint names follow :data:`NAMING_CONVENTION`, which Alembic's batch mode needs on SQLite.

The model registry is the one import cycle the project keeps (``tests/test_import_cycles.py``
exempts it, and only it): the ``models_*`` modules import :class:`Base` from here, and this
module imports them at its end, so that importing ``opentruth.db.models`` registers every table
on ``Base.metadata`` (Alembic, ``create_all`` and relationship strings by class name need all
of them, whichever module a caller happened to import first). The cycle is safe because
``Base`` is defined before those imports run.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opentruth.db.types import UTCDateTime

DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"
DEFAULT_WORKFORCE_NAME = "default"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY; PostgreSQL gets a
# 64-bit id for the tables that can grow without bound (objects, assignments, logs, metrics).
BigId = BigInteger().with_variant(Integer(), "sqlite")
# none_as_null: a Python None is stored as SQL NULL, not as the JSON text 'null'.
Json = JSON(none_as_null=True)


class Base(DeclarativeBase):
    """Declarative base with the naming convention and the type map of the project."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: Json,
        list[str]: Json,
        list[dict[str, Any]]: Json,
    }


class JobStatus(StrEnum):
    """``LabelingJobStatus`` as SageMaker spells it."""

    INITIALIZING = "Initializing"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"


class ObjectState(StrEnum):
    """Where a data object is in its life.

    ``preparing``: ingested, its task input not computed yet (a pre-annotation function has to
    run first); never handed out. ``pending``: ready, not yet handed to workers (does not count
    against MaxConcurrentTaskCount). ``in_progress``: out with the workforce (counts).
    ``annotated``: every worker slot is used (submitted or declined) or its availability ran out
    with answers, waiting for consolidation. Then one of the terminal states: ``consolidated``
    (its output line is written), ``failed`` (an error; counted as FailedNonRetryableError), or
    ``expired`` (TaskAvailabilityLifetime ran out with no answer, or every worker declined;
    also counted as FailedNonRetryableError).
    """

    PREPARING = "preparing"
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    ANNOTATED = "annotated"
    CONSOLIDATED = "consolidated"
    FAILED = "failed"
    EXPIRED = "expired"


class AssignmentState(StrEnum):
    """The state of one worker's hold on one data object."""

    LEASED = "leased"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    RELEASED = "released"
    EXPIRED = "expired"


class WorkState(StrEnum):
    """The state of a background work item."""

    QUEUED = "queued"
    LEASED = "leased"
    DONE = "done"
    FAILED = "failed"


class Account(Base):
    """The account that owns everything, with its region. One row by default."""

    __tablename__ = "accounts"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    region: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class LabelingJob(Base):
    """A labeling job: its CreateLabelingJob request, status, counters and output."""

    __tablename__ = "labeling_jobs"
    __table_args__ = (
        # Ground Truth treats job names case-insensitively; name_key is the lower-cased name.
        UniqueConstraint("account_id", "name_key"),
        Index("ix_labeling_jobs_account_status", "account_id", "status"),
        Index("ix_labeling_jobs_account_created", "account_id", "created_at"),
        Index("ix_labeling_jobs_workteam", "workteam_arn"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(63))
    name_key: Mapped[str] = mapped_column(String(63))
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    #: The full CreateLabelingJob request, as validated.
    request: Mapped[dict[str, Any]]
    failure_reason: Mapped[str | None] = mapped_column(Text)
    job_reference_code: Mapped[str] = mapped_column(String(64), unique=True)
    workteam_arn: Mapped[str] = mapped_column(String(256))
    # Copied out of HumanTaskConfig so that leasing reads plain columns.
    workers_per_object: Mapped[int]
    task_time_limit_seconds: Mapped[int]
    task_availability_lifetime_seconds: Mapped[int]
    max_concurrent_task_count: Mapped[int]
    is_streaming: Mapped[bool] = mapped_column(Boolean, default=False)
    # LabelCounters.
    total_labeled: Mapped[int] = mapped_column(default=0)
    human_labeled: Mapped[int] = mapped_column(default=0)
    machine_labeled: Mapped[int] = mapped_column(default=0)
    failed_non_retryable: Mapped[int] = mapped_column(default=0)
    unlabeled: Mapped[int] = mapped_column(default=0)
    #: True once every line of the input manifest is in data_objects.
    ingest_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    #: LabelingJobOutput, once known.
    output: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    last_modified_at: Mapped[datetime]
    #: Bumped by every status or metadata change; callers may pass it back for a
    #: compare-and-set update (see :func:`opentruth.db.repo_jobs.transition_job`).
    version: Mapped[int] = mapped_column(default=1)


class DataObject(Base):
    """One line of a job's input (or one streamed object) and its labeling progress."""

    __tablename__ = "data_objects"
    __table_args__ = (
        # Makes ingest idempotent: re-inserting (job, index) after a crash does nothing.
        UniqueConstraint("job_id", "dataset_object_id"),
        Index("ix_data_objects_job_state_index", "job_id", "state", "dataset_object_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[int] = mapped_column(BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"))
    #: 0-based line index in the input manifest (arrival order for streaming jobs).
    dataset_object_id: Mapped[int]
    #: The manifest line exactly as read, so unlabeled lines are copied out unchanged.
    source: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    #: What workers see (the pre-annotation result), once computed.
    task_input: Mapped[dict[str, Any] | None]
    #: The consolidated output manifest line.
    output_line: Mapped[str | None] = mapped_column(Text)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    submitted_count: Mapped[int] = mapped_column(default=0)
    declined_count: Mapped[int] = mapped_column(default=0)
    #: Assignments currently leased; with the two counts above it says how many slots are left.
    leased_count: Mapped[int] = mapped_column(default=0)
    #: Set when the object goes out to workers: now + TaskAvailabilityLifetimeInSeconds.
    available_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Assignment(Base):
    """One worker's hold on one data object: leased, then submitted, declined, released or expired."""

    __tablename__ = "assignments"
    __table_args__ = (
        # The guarantee the whole task engine rests on: a worker never gets the same object twice.
        UniqueConstraint("object_id", "worker_id"),
        Index("ix_assignments_state_lease", "state", "lease_expires_at"),
        Index("ix_assignments_job_worker_state", "job_id", "worker_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The public, unguessable task id of the worker API.
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    job_id: Mapped[int] = mapped_column(BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"))
    object_id: Mapped[int] = mapped_column(BigId, ForeignKey("data_objects.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))
    leased_at: Mapped[datetime]
    lease_expires_at: Mapped[datetime]
    answer: Mapped[dict[str, Any] | None]
    submitted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Worker(Base):
    """A human worker of the private workforce, who logs in with a username and password."""

    __tablename__ = "workers"
    __table_args__ = (UniqueConstraint("account_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    #: The worker's ``sub`` in worker responses (``workerMetadata.identityData``).
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    username: Mapped[str] = mapped_column(String(128))
    #: Argon2id hash in PHC string format.
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WorkerGroup(Base):
    """A group of workers (what OIDC ``Groups`` or a Cognito ``UserGroup`` names)."""

    __tablename__ = "worker_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class WorkerGroupMember(Base):
    """Membership of a worker in a group."""

    __tablename__ = "worker_group_members"
    __table_args__ = (Index("ix_worker_group_members_worker", "worker_id"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("worker_groups.id", ondelete="CASCADE"), primary_key=True
    )
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)


class Workforce(Base):
    """A private workforce. Each account has one named ``default`` from the start."""

    __tablename__ = "workforces"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(63))
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    #: The rest of the workforce description (OidcConfig, SourceIpConfig, ...).
    config: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    last_updated_at: Mapped[datetime]


class Workteam(Base):
    """A work team of a workforce; its members are worker groups."""

    __tablename__ = "workteams"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    workforce_id: Mapped[int] = mapped_column(ForeignKey("workforces.id"))
    name: Mapped[str] = mapped_column(String(63))
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    #: The names of the worker groups that make up the team.
    member_groups: Mapped[list[str]]
    #: MemberDefinitions as given to CreateWorkteam, returned as is by DescribeWorkteam.
    member_definitions: Mapped[list[dict[str, Any]]]
    #: Other CreateWorkteam fields (NotificationConfiguration, WorkerAccessConfiguration, Tags).
    config: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    last_updated_at: Mapped[datetime]


class WorkItem(Base):
    """A background step (ingest, consolidate, write output...) with a lease.

    huey delivers at most once, so a kick can be lost; the row is what guarantees the work. A
    runner claims the item by key (or the next due one), holds a lease while it works, and marks
    it done. A reconciler re-queues items whose lease expired and kicks queued items again.
    """

    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_state_not_before", "state", "not_before"),
        Index("ix_work_items_state_lease", "state", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    #: Idempotency key, e.g. ``consolidate:<job>:<batch>``: enqueueing it twice does nothing.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    job_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any] | None]
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None]
    #: Not to be claimed before this time (retry back-off, delayed steps).
    not_before: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LogEvent(Base):
    """A CloudWatch Logs event of a log group and stream."""

    __tablename__ = "log_events"
    __table_args__ = (
        Index("ix_log_events_stream_time", "account_id", "log_group", "log_stream", "timestamp"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    log_group: Mapped[str] = mapped_column(String(512))
    log_stream: Mapped[str] = mapped_column(String(512))
    timestamp: Mapped[datetime]
    ingested_at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text)


class MetricDatum(Base):
    """A CloudWatch metric data point."""

    __tablename__ = "metric_data"
    __table_args__ = (
        Index("ix_metric_data_name_time", "account_id", "namespace", "metric_name", "timestamp"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    namespace: Mapped[str] = mapped_column(String(255))
    metric_name: Mapped[str] = mapped_column(String(255))
    #: Canonical JSON of the dimensions (sorted by name), so equal dimension sets compare equal.
    dimensions: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[datetime]


# The IAM store shares this metadata (and so the migrations); see that module.
from opentruth.db import models_autolabel as models_autolabel  # noqa: E402
from opentruth.db import models_functions as models_functions  # noqa: E402
from opentruth.db import models_iam as models_iam  # noqa: E402
from opentruth.db import models_kms as models_kms  # noqa: E402
from opentruth.db import models_logs as models_logs  # noqa: E402
from opentruth.db import models_messaging as models_messaging  # noqa: E402
from opentruth.db import models_sagemaker as models_sagemaker  # noqa: E402
