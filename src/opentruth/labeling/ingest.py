"""Initializing a job: the preflight of every fatal requirement, and the manifest's ingest.

The preflight runs before any task reaches a worker: it evaluates what the job will do with its
role (better than Ground Truth, which fails part-way). The ingest streams the manifest into the
database in batches and resumes at the next line after a crash (idempotent inserts).

As in Ground Truth, a job is ``InProgress`` with tasks available while its manifest is still
coming in: the batch that fills first (:data:`INGEST_BATCH` lines) moves the job to
``InProgress`` in the transaction that stores it (:class:`Opening`), and workers label those
objects while the next batches land. The job cannot complete before its last line is in
(``ingest_complete``), and an ingest interrupted after the job opened resumes at the next line
when its work item runs again. A manifest of one batch or less opens the job once it is all in,
as do the jobs whose objects wait for something else first (pre-annotation functions, automated
labeling, a volume key's payload cache), which see every object before a worker does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import orjson
from sqlalchemy.orm import Session

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import NoSuchKey
from opentruth.cloud.session import RoleSession
from opentruth.db import repo_jobs, repo_objects
from opentruth.db.models import JobStatus, LabelingJob, ObjectState
from opentruth.errors import DataObjectError, OpenTruthError
from opentruth.labeling import autolabel, custom, encryption, pointcloud, videotasks
from opentruth.labeling.answers import AnswerKind
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.jobstep import JobSteps, reading_input
from opentruth.labeling.manifest import LabelConfig, read_manifest
from opentruth.labeling.pointcloud import ingest as pc_ingest
from opentruth.labeling.requirements import FATAL, derive_requirements, parse_s3_uri
from opentruth.labeling.tasks import Behaviour

INGEST_BATCH = 1000


class FamilyHook(Protocol):
    """A task family that builds each object's task input from files its manifest line names
    (video frames, point clouds), read through the job's role.

    :meth:`task_input` returns the worker's task input for one line, or raises
    :class:`~opentruth.errors.DataObjectError` whose message names the file, the frame number
    and what is wrong: the ingest stores the line and fails only that object, as Ground Truth
    does (streaming intake drops the message). Anything else it raises (a denial by the role, a
    ``ValidationError`` that is the job's own mistake) fails the job. ``where`` names the line in
    messages: ``manifest line 3``, or a streaming message.
    """

    def task_input(self, line: Mapping[str, Any], where: str) -> dict[str, Any]: ...


def has_family_hook(behaviour: Behaviour) -> bool:
    """Whether the task type's lines go through a :class:`FamilyHook` (video frames, point clouds)."""
    return behaviour.answer_kind is AnswerKind.VIDEO or pointcloud.is_point_cloud(behaviour.suffix)


def family_hook(
    steps: JobSteps,
    job: LabelingJob,
    behaviour: Behaviour,
    labels: LabelConfig | None,
    session: RoleSession,
    store: AuthorizedObjectStore,
) -> FamilyHook | None:
    """The job's family hook, or None when its lines become task inputs as they are.

    Made once per ingest (or streaming pull), so the job-level checks of the label category
    file (an adjustment job's ``auditLabelAttributeName``) fail the job before any line is read.
    """
    if behaviour.answer_kind is AnswerKind.VIDEO:
        if labels is None:
            return None  # without label categories there is nothing to build: lines go in as they are
        return videotasks.VideoIngest(behaviour.suffix, job.request, labels, store)
    if pointcloud.is_point_cloud(behaviour.suffix):

        def check(bucket: str, key: str) -> None:
            steps.check_object(session, bucket, key)

        return pc_ingest.PointCloudIngest(behaviour.suffix, job.request, labels, store, check=check)
    return None


def preflight(steps: JobSteps, job: LabelingJob, session: RoleSession) -> None:
    """Fail early, better than Ground Truth: evaluate every fatal requirement now."""
    res = steps.res

    def tags(bucket: str, key: str) -> dict[str, str] | None:
        try:
            return res.store.get_object_tagging(bucket, key)
        except (NoSuchKey, OpenTruthError):
            return None

    reqs = derive_requirements(job.request, object_tags=tags, now=res.clock())
    for r in reqs.requirements:
        if r.severity != FATAL or r.trust:
            continue
        if r.action.startswith("kms:"):  # the key policy and grants decide, as in KMS
            encryption.authorize_key_use(res, session, r)
            continue
        # A function's own policy may grant the role what its identity policies do not.
        policy = custom.function_policy(res, r.resource) if r.action.startswith("lambda:") else None
        session.authorize(
            r.action,
            r.resource,
            context=r.context,
            resource_account=r.resource_account,
            resource_policy=policy,
        )


class Opening:
    """Whether an ingest's batches may still be stored, and when the job opens to workers.

    ``early``: the first full batch (more lines may follow) moves the job from ``Initializing``
    to ``InProgress``, in the transaction that stores the batch. Each batch first locks the
    job's row and reads its status: once the job is stopping, stopped or failed, the ingest
    stores nothing more and ends (``halted``), so a stopped job's output is not overtaken by
    objects that arrive after it.
    """

    def __init__(self, job_id: int, *, early: bool, on_open: Callable[[], None] | None = None) -> None:
        self.job_id = job_id
        self.early = early
        #: Called once the batch that opened the job has committed (the runner logs it).
        self.on_open = on_open
        #: This ingest moved the job to InProgress.
        self.opened = False
        #: The job stopped taking input part-way; the ingest ended there.
        self.halted = False

    def admit(self, s: Session, *, more: bool, now: datetime) -> bool:
        """In the batch's transaction, before it is stored: False when the job takes no more."""
        status = repo_jobs.lock_job_status(s, self.job_id)
        if status is JobStatus.INITIALIZING:
            if self.early and more:
                repo_jobs.transition_job(s, self.job_id, JobStatus.IN_PROGRESS, now=now)
                self.opened = True
            return True
        if status is JobStatus.IN_PROGRESS:
            return True
        self.halted = True
        return False

    def committed(self) -> None:
        """After a batch committed: tell ``on_open`` once, after the batch that opened the job."""
        if self.opened and self.on_open is not None:
            on_open, self.on_open = self.on_open, None
            on_open()


def ingest(
    steps: JobSteps,
    job: LabelingJob,
    behaviour: Behaviour,
    labels: LabelConfig | None,
    session: RoleSession,
    store: AuthorizedObjectStore,
    opening: Opening | None = None,
) -> int:
    """Stream the manifest into the database in batches; resumable (idempotent inserts).

    Returns the manifest's line count (the lines stored by an earlier, interrupted run
    included), or as far as it read when ``opening`` found that the job stopped taking input.
    """
    res = steps.res
    uri = job.request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"]
    loc = parse_s3_uri(uri, "ManifestS3Uri")
    with res.db.read() as s:
        start = repo_objects.next_ingest_index(s, job.id)
    label_names = labels.labels if labels else ()
    batch: list[tuple[int, str]] = []
    inputs: list[dict[str, Any] | None] = []
    # Objects whose data cannot be labeled (a bad sequence file): stored, then failed alone,
    # as Ground Truth fails only that object.
    failed: list[repo_objects.ObjectResult] = []
    log = JobLog(res, session, job.name)
    hook = family_hook(steps, job, behaviour, labels, session, store)
    total = 0

    def flush(more: bool) -> bool:
        if not batch:
            return True
        with res.db.transaction() as s:
            if opening is not None and not opening.admit(s, more=more, now=res.clock()):
                return False
            repo_objects.insert_data_objects(
                s,
                job.id,
                batch,
                task_inputs=None if behaviour.prepare else inputs,
                # Automated labeling holds every object until its loop releases it.
                state=ObjectState.PREPARING
                if behaviour.prepare or autolabel.enabled(job.request)
                else ObjectState.PENDING,
                now=res.clock(),
            )
            if failed:
                repo_objects.finish_objects(s, job.id, failed, now=res.clock())
        for f in failed:
            log.event("DataObjectFailed", datasetObjectId=f.dataset_object_id, reason=f.failure_reason)
        batch.clear()
        inputs.clear()
        failed.clear()
        if opening is not None:
            opening.committed()
        return True

    with reading_input("ManifestS3Uri", uri), store.open_stream(loc.bucket, loc.key) as stream:
        for line in read_manifest(stream):
            total += 1
            if line.index < start:
                continue
            batch.append((line.index, orjson.dumps(line.data).decode("utf-8")))
            if hook is not None:
                try:
                    inputs.append(hook.task_input(line.data, f"manifest line {line.lineno}"))
                except DataObjectError as exc:
                    inputs.append(None)
                    failed.append(
                        repo_objects.ObjectResult(line.index, ObjectState.FAILED, failure_reason=exc.message)
                    )
            else:
                text = None
                if line.is_reference:
                    ref = parse_s3_uri(line.source, f"manifest line {line.lineno}: source-ref")
                    steps.check_object(session, ref.bucket, ref.key)
                    if behaviour.text:
                        with reading_input(f"manifest line {line.lineno}: source-ref", line.source):
                            text = store.get_object(ref.bucket, ref.key).body.decode("utf-8", "replace")
                inputs.append(behaviour.task_input(line.data, label_names, text))
            if len(batch) >= INGEST_BATCH and not flush(more=True):
                return total
    flush(more=False)
    return total
