"""What every step of a labeling job needs, whichever module runs it.

The runner's steps (:mod:`opentruth.labeling.runner`) and the streaming side
(:mod:`opentruth.labeling.streaming`) both read the job, act through its role session, read
its label categories, check a data object before a worker sees it, fail the job and rewrite its
output manifest. They take these from one :class:`JobSteps`, so that neither module reaches into
the other: streaming depends on this module, and the runner calls streaming only through
:class:`StreamHooks`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db import repo_jobs, repo_objects, repo_tasks
from opentruth.db.models import JobStatus, LabelingJob
from opentruth.db.repo_objects import ObjectResult
from opentruth.errors import OpenTruthError, ValidationError
from opentruth.labeling.joblog import JobLog, denial_fields
from opentruth.labeling.jobs import output_layout
from opentruth.labeling.manifest import LabelConfig, parse_label_config
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.resources import Resources
from opentruth.labeling.tasks import Behaviour

logger = logging.getLogger("opentruth.runner")

_ENDED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED)


@contextmanager
def reading_input(field: str, uri: str) -> Iterator[None]:
    """Read one of the user's input objects: a missing object or bucket is the user's input at
    fault, so it fails the job as Ground Truth does, with a ``ClientError`` that names the field
    and the S3 URI (a :class:`ValidationError`; ``InternalError`` is for opentruth's own bugs)."""
    try:
        yield
    except (NoSuchKey, NoSuchBucket) as exc:
        what = "bucket" if isinstance(exc, NoSuchBucket) else "object"
        raise ValidationError(
            f"{field} {uri}: the {what} does not exist ({exc.s3_code}); upload it, or correct the URI"
        ) from None


class JobSteps:
    """The job, its role session, its labels, its failure path and its output manifest."""

    def __init__(self, res: Resources) -> None:
        self.res = res

    def job(self, job_id: int) -> LabelingJob:
        """The job row, detached (readable after its session closed)."""
        with self.res.db.read() as s:
            job = repo_jobs.get_job_by_id(s, job_id)
            s.expunge(job)
            return job

    def session(self, job: LabelingJob) -> RoleSession:
        """The job's execution role, assumed by SageMaker through its trust policy."""
        return self.res.session(job.request["RoleArn"], job.arn)

    def fail(self, job_id: int, reason: str, denial: RoleAccessDeniedError | None = None) -> None:
        """End the job as Failed with ``reason`` (unless it already ended)."""
        job = self.job(job_id)
        if JobStatus(job.status) in _ENDED:
            return
        with self.res.db.transaction() as s:
            repo_jobs.transition_job(s, job_id, JobStatus.FAILED, failure_reason=reason, now=self.res.clock())
            repo_tasks.revoke_job_leases(s, job_id, now=self.res.clock())
        logger.warning("labeling job %s failed: %s", job.name, reason)
        try:
            log = JobLog(self.res, self.session(job), job.name)
        except RoleAccessDeniedError:
            return  # the trust policy itself refused: there is no session to log with
        fields: dict[str, Any] = {"status": "Failed", "failureReason": reason}
        if denial is not None:
            fields.update(accessDenied=denial_fields(denial))
        log.event("StateChange", **fields)
        log.metrics({"JobsFailed": 1})

    def labels(
        self, job: LabelingJob, behaviour: Behaviour, store: AuthorizedObjectStore
    ) -> LabelConfig | None:
        """The job's label categories (None for a custom workflow that names none)."""
        uri = job.request.get("LabelCategoryConfigS3Uri")
        if not uri and behaviour.prepare:
            return None  # custom workflows: label categories are optional
        if not uri:
            raise ValidationError(f"LabelCategoryConfigS3Uri is required for {behaviour.suffix} jobs")
        loc = parse_s3_uri(uri, "LabelCategoryConfigS3Uri")
        with reading_input("LabelCategoryConfigS3Uri", uri):
            data = store.get_object(loc.bucket, loc.key).body
        return parse_label_config(data, min_labels=behaviour.min_labels, uri=uri)

    def check_object(self, session: RoleSession, bucket: str, key: str) -> None:
        """s3:GetObject on a data object, before any worker sees it. Tags are only read when the
        untagged request is denied (the managed policy's tag grant), which keeps ingest fast."""
        arn = f"arn:aws:s3:::{bucket}/{key}"
        if session.evaluate("s3:GetObject", arn, resource_account=self.res.account).allowed:
            return
        try:
            tags = self.res.store.get_object_tagging(bucket, key)
        except OpenTruthError:
            tags = None
        session.authorize("s3:GetObject", arn, object_tags=tags, resource_account=self.res.account)

    def write_output(self, job: LabelingJob, store: AuthorizedObjectStore) -> None:
        """Write ``output.manifest``: every line in input order, labeled or copied unchanged."""
        layout = output_layout(job)
        parts: list[bytes] = []
        with self.res.db.read() as s:
            for obj in repo_objects.iter_objects(s, job.id):
                parts.append((obj.output_line or obj.source).encode("utf-8"))
        body = b"\n".join(parts) + (b"\n" if parts else b"")
        loc = parse_s3_uri(layout.output_manifest, "output manifest")
        store.put_object(loc.bucket, loc.key, body, content_type="application/jsonlines")
        with self.res.db.transaction() as s:
            kept = repo_jobs.get_job_by_id(s, job.id).output or {}  # e.g. FinalActiveLearningModelArn
            repo_jobs.set_job_output(
                s, job.id, {**kept, "OutputDatasetS3Uri": layout.output_manifest}, now=self.res.clock()
            )


class StreamHooks(Protocol):
    """The streaming side of a job, as the runner's steps call it (one narrow interface)."""

    def setup(self, job: LabelingJob, session: RoleSession, log: JobLog) -> None:
        """Initializing: create the job's queue and subscribe it to the input topic."""

    def publish_outputs(self, job: LabelingJob, session: RoleSession, results: Sequence[ObjectResult]) -> int:
        """Publish consolidated objects' output lines to the output topic; return how many."""

    def after_consolidation(self, job: LabelingJob, store: AuthorizedObjectStore) -> None:
        """A pass freed room: take more objects, rewrite the output manifest now and then."""

    def on_stop(self, job: LabelingJob, session: RoleSession, log: JobLog) -> None:
        """Stopping: unsubscribe the job's queue from its input topic."""

    def reconcile(self) -> list[str]:
        """Retry deliveries, pull where there is room, stop idle jobs; return keys to kick."""

    def window_for(self, job_id: int, window: float) -> float:
        """The job's consolidation window (none for streaming jobs)."""
