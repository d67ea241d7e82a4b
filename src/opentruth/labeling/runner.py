"""The steps of a labeling job, each idempotent, run from durable work items.

The database holds the job's state; a work item (``init:<job>``, ``consolidate:<job>:<window>``,
``stop:<job>``) is claimed with a lease, run, and marked done. A process killed in the middle
leaves the item leased; when the lease expires the reconciler hands it out again, and the step
picks up where the database says it stopped (ingest resumes at the next line; consolidation
finds the objects still annotated). huey only *kicks* these keys; :meth:`JobRunner.run_pending`
runs them without huey (tests, the CLI).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db import repo_jobs, repo_objects, repo_tasks, repo_work
from opentruth.db.models import JobStatus, LabelingJob, ObjectState, WorkState
from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.labeling import autolabel, custom, encryption, pointcloud
from opentruth.labeling.ingest import Opening, ingest, preflight
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.jobs import Kick
from opentruth.labeling.jobstep import JobSteps, StreamHooks, reading_input
from opentruth.labeling.passes import ConsolidationPasses
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.resources import Resources
from opentruth.labeling.streaming import DEFAULT_IDLE_SECONDS, StreamingJobs
from opentruth.labeling.tasks import behaviour_of

logger = logging.getLogger("opentruth.runner")

_TERMINAL = {ObjectState.CONSOLIDATED.value, ObjectState.FAILED.value, ObjectState.EXPIRED.value}


def consolidate_key(job_id: int, now: datetime, window: float) -> str:
    """One consolidation item per job and time window: submits within a window are batched."""
    bucket = int(now.timestamp() // window) if window > 0 else int(now.timestamp() * 1000)
    return f"consolidate:{job_id}:{bucket}"


def window_end(now: datetime, window: float) -> datetime:
    """When the consolidation pass of the window holding ``now`` is due: at the window's end,
    so that one pass takes every answer of its window (without a window: at once)."""
    if window <= 0:
        return now
    return datetime.fromtimestamp((now.timestamp() // window + 1) * window, now.tzinfo)


def _next_window(now: datetime, window: float) -> datetime:
    """A moment in the window after the one holding ``now``."""
    return window_end(now, window) if window > 0 else now + timedelta(milliseconds=1)


class JobFailed(OpenTruthError):
    """A step ended its job as ``Failed``; ``reason`` is the job's FailureReason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JobRunner:
    """Runs the steps of labeling jobs."""

    def __init__(
        self,
        res: Resources,
        *,
        owner: str | None = None,
        consolidation_window: float = 2.0,
        kick: Kick | None = None,
        lease_seconds: float = 300.0,
        stream_idle_seconds: float = DEFAULT_IDLE_SECONDS,
        background_share: float = 1.0,
    ) -> None:
        self.res = res
        #: What every step needs (the job, its session, labels, failure path, output manifest).
        self.steps = JobSteps(res)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.window = consolidation_window
        self.kick = kick or (lambda _key: None)
        self.lease_seconds = lease_seconds
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        #: Streaming jobs (SNS input through the job's SQS queue); see labeling/streaming.py.
        #: Its queues and topics serve the SQS and SNS APIs too; the steps call it only through
        #: ``streams``, the narrow :class:`StreamHooks` interface.
        self.streaming = StreamingJobs(self.steps, idle_seconds=stream_idle_seconds)
        self.streams: StreamHooks = self.streaming
        #: Consolidation passes, paced to ``background_share`` of wall time while they run.
        self.passes = ConsolidationPasses(self.steps, self.streams, background_share=background_share)
        #: Automated data labeling (the active-learning loop); see labeling/autolabel/.
        self.autolabel = autolabel.AutoLabeling(res)

    # ------------------------------------------------------------------ work items

    def run(self, key: str) -> bool:
        """Claim and run the work item ``key``; False when it is not claimable now."""
        with self.res.db.transaction() as s:
            item = repo_work.claim_work(
                s, key, self.owner, lease_seconds=self.lease_seconds, now=self.res.clock()
            )
            if item is None:
                return False
            kind, job_id = item.kind, item.job_id
        self._execute(key, kind, job_id)
        return True

    def run_pending(self, max_items: int = 100_000) -> int:
        """Run due work items until none is left (or ``max_items``); return how many ran."""
        done = 0
        while done < max_items:
            with self.res.db.transaction() as s:
                item = repo_work.claim_next_work(
                    s, self.owner, lease_seconds=self.lease_seconds, now=self.res.clock()
                )
                if item is None:
                    return done
                key, kind, job_id = item.key, item.kind, item.job_id
            self._execute(key, kind, job_id)
            done += 1
        return done

    def _execute(self, key: str, kind: str, job_id: int | None) -> None:
        try:
            if job_id is not None:
                self._step(kind, job_id)
        except Exception as exc:  # the step failed: retry with back-off, or give up
            logger.exception("work item %s failed", key)
            with self.res.db.transaction() as s:
                state = repo_work.fail_work(
                    s, key, self.owner, f"{type(exc).__name__}: {exc}", now=self.res.clock()
                )
                gave_up = state is WorkState.FAILED
            if gave_up and job_id is not None:
                self._fail(job_id, f"InternalError: {type(exc).__name__}: {exc}")
            return
        with self.res.db.transaction() as s:
            repo_work.complete_work(s, key, self.owner, now=self.res.clock())

    def _step(self, kind: str, job_id: int) -> None:
        try:
            if kind == "init":
                self.initialize(job_id)
            elif kind == "consolidate":
                self.consolidate(job_id)
            elif kind == "stop":
                self.stop(job_id)
            elif kind == "prepare":
                self.prepare(job_id)
            else:
                raise ValueError(f"unknown work kind {kind!r}")
        except RoleAccessDeniedError as exc:
            self._fail(job_id, exc.failure_reason, denial=exc)
        except (ValidationError, NotFoundError) as exc:
            # The user's input or resources are at fault (a missing object, bucket, function):
            # Ground Truth's ClientError, at once. Anything else is retried, then InternalError.
            self._fail(job_id, f"ClientError: {exc.message}")
        except JobFailed:
            pass

    # ------------------------------------------------------------------ helpers

    def _job(self, job_id: int) -> LabelingJob:
        return self.steps.job(job_id)

    def _session(self, job: LabelingJob) -> RoleSession:
        return self.steps.session(job)

    def _fail(self, job_id: int, reason: str, denial: RoleAccessDeniedError | None = None) -> None:
        self.steps.fail(job_id, reason, denial)

    # ------------------------------------------------------------------ initialize

    def initialize(self, job_id: int) -> None:
        """Initializing → InProgress: assume the role, check every fatal requirement before any
        task reaches a worker, read the label categories and template, ingest the manifest."""
        job = self._job(job_id)
        # An ingest interrupted after it opened the job (InProgress, not every line in) resumes.
        resuming = job.status == JobStatus.IN_PROGRESS and not job.ingest_complete and not job.is_streaming
        if job.status != JobStatus.INITIALIZING and not resuming:
            return
        behaviour = behaviour_of(job.request)
        session = self._session(job)  # the trust policy: sts:AssumeRole by SageMaker
        store = self.res.job_store(session, kms_key=encryption.output_kms_key(job))
        log = JobLog(self.res, session, job.name)
        if not resuming:
            log.event("StateChange", status="Initializing")
        preflight(self.steps, job, session)
        labels = self.steps.labels(job, behaviour, store)
        ui = job.request["HumanTaskConfig"]["UiConfig"].get("UiTemplateS3Uri")
        if ui:
            loc = parse_s3_uri(ui, "HumanTaskConfig.UiConfig.UiTemplateS3Uri")
            with reading_input("HumanTaskConfig.UiConfig.UiTemplateS3Uri", ui):
                store.head_object(loc.bucket, loc.key)  # authorised as s3:GetObject
        streaming = bool(job.is_streaming)
        if streaming:
            self.streams.setup(job, session, log)  # queue, its policy, the subscription
        has_manifest = not streaming or _has_manifest(job)
        # Tasks are available while the manifest streams in, unless every object must be seen
        # by something else before a worker (see opentruth.labeling.ingest).
        opening = Opening(
            job_id,
            early=not streaming and _opens_early(job, behaviour.prepare),
            on_open=lambda: log.event("StateChange", status="InProgress", ingesting=True),
        )
        count = ingest(self.steps, job, behaviour, labels, session, store, opening) if has_manifest else 0
        if opening.halted:
            return  # stopped (or failed) part-way: the stop step writes what is in
        if count == 0 and not streaming:
            raise ValidationError("the input manifest has no data objects; give at least one line")
        encryption.cache_task_payloads(self.res, job, session)  # VolumeKmsKeyId: sealed on disk
        self.autolabel.start(job, count, store, log)  # >= 1,250 objects; the first human sample
        with self.res.db.transaction() as s:
            if not streaming:  # a streaming job's input never ends
                repo_jobs.set_ingest_complete(s, job_id)
            current = repo_jobs.get_job_by_id(s, job_id)
            opened_before = current.status == JobStatus.IN_PROGRESS and not streaming
            if current.status != JobStatus.INITIALIZING and not opened_before:
                return
            if not opened_before:
                repo_jobs.transition_job(s, job_id, JobStatus.IN_PROGRESS, now=self.res.clock())
        if pointcloud.is_point_cloud(behaviour.suffix):  # objects failed at ingest may end the job
            self.request_consolidation(job_id)
        if opened_before:
            log.event("IngestComplete", dataObjects=count)
            return
        log.event("StateChange", status="InProgress", dataObjects=count)
        if behaviour.prepare:
            custom.queue_prepare(self.res, self.kick, job_id)

    # ------------------------------------------------------------------ prepare

    def prepare(self, job_id: int) -> None:
        """Custom workflows: run the pre-annotation function on the objects still preparing."""
        job = self._job(job_id)
        if job.status != JobStatus.IN_PROGRESS:
            return
        session = self._session(job)
        if custom.prepare_objects(self.res, job, session, JobLog(self.res, session, job.name)):
            self.request_consolidation(job_id)  # some objects ended: the job may be complete

    # ------------------------------------------------------------------ consolidate

    def consolidate(self, job_id: int) -> None:
        """Consolidate the objects whose answers are in, write their output, and complete the
        job when every object has ended."""
        # One consolidation of a job at a time in this process: huey's worker threads may run
        # two windows' items at once, which would consolidate the same objects twice. (Across
        # processes the steps stay correct: finishing an object is idempotent.)
        with self._job_lock(job_id):
            done = self._consolidate_locked(job_id)
        if done is not None:
            # Outside the lock: rewriting a streaming job's output manifest must not hold up the
            # next consolidation (each output is awaited on the output topic).
            job, store = done
            self.streams.after_consolidation(job, store)  # no StoppingConditions, no end

    def _job_lock(self, job_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(job_id, threading.Lock())

    def _consolidate_locked(self, job_id: int) -> tuple[LabelingJob, AuthorizedObjectStore] | None:
        """Consolidate; return the streaming job and its store when its follow-up is due."""
        job = self._job(job_id)
        if JobStatus(job.status) not in (JobStatus.IN_PROGRESS, JobStatus.STOPPING):
            return None
        session = self._session(job)
        store = self.res.job_store(session, kms_key=encryption.output_kms_key(job))
        log = JobLog(self.res, session, job.name)
        self.passes.run(job, session, store, log)
        if job.status == JobStatus.IN_PROGRESS:
            self.autolabel.advance(job, store, log)  # the active-learning loop's next iteration
        if job.status == JobStatus.IN_PROGRESS and job.is_streaming:
            return job, store
        if job.status == JobStatus.IN_PROGRESS:
            self._maybe_complete(job, store, log)
        return None

    def _maybe_complete(self, job: LabelingJob, store: AuthorizedObjectStore, log: JobLog) -> None:
        with self.res.db.read() as s:
            current = repo_jobs.get_job_by_id(s, job.id)
            if current.status != JobStatus.IN_PROGRESS:
                return  # another step already ended it
            states = repo_objects.count_objects_by_state(s, job.id)
            ingest_complete = current.ingest_complete
            human = current.human_labeled
            total = sum(states.values())
        open_objects = sum(n for st, n in states.items() if st not in _TERMINAL)
        conditions = job.request.get("StoppingConditions") or {}
        stop_now = False
        max_human = conditions.get("MaxHumanLabeledObjectCount")
        if max_human is not None and human >= int(max_human):
            stop_now = True
        max_pct = conditions.get("MaxPercentageOfInputDatasetLabeled")
        if (
            max_pct is not None
            and ingest_complete  # a share of the lines in so far is not one of the dataset
            and total
            and 100.0 * (total - open_objects) / total >= float(max_pct)
            and open_objects
        ):
            stop_now = True
        if stop_now:
            with self.res.db.transaction() as s:
                repo_jobs.transition_job(s, job.id, JobStatus.STOPPING, now=self.res.clock())
                repo_tasks.revoke_job_leases(s, job.id, now=self.res.clock())
            log.event("StateChange", status="Stopping", reason="a stopping condition was met")
            self.stop(job.id)
            return
        if not ingest_complete or open_objects:
            return
        self.steps.write_output(job, store)
        with self.res.db.transaction() as s:
            repo_jobs.transition_job(s, job.id, JobStatus.COMPLETED, now=self.res.clock())
        log.event("StateChange", status="Completed")
        log.metrics({"JobsSucceeded": 1})

    # ------------------------------------------------------------------ stop

    def stop(self, job_id: int) -> None:
        """Stopping → Stopped: consolidate what has answers, write the output, stop."""
        job = self._job(job_id)
        if job.status != JobStatus.STOPPING:
            return
        session = self._session(job)
        store = self.res.job_store(session, kms_key=encryption.output_kms_key(job))
        log = JobLog(self.res, session, job.name)
        self.streams.on_stop(job, session, log)  # unsubscribes; the queue is kept
        with self.res.db.transaction() as s:
            repo_tasks.revoke_job_leases(s, job_id, now=self.res.clock())
            # Objects out with answers go to consolidation; the rest stay unlabeled.
            repo_tasks.expire_unavailable_objects(s, job_id, now=self.res.clock() + timedelta(days=3650))
        self.passes.run(job, session, store, log)
        self.steps.write_output(job, store)
        with self.res.db.transaction() as s:
            repo_jobs.transition_job(s, job_id, JobStatus.STOPPED, now=self.res.clock())
        log.event("StateChange", status="Stopped")
        log.metrics({"JobsStopped": 1})

    # ------------------------------------------------------------------ reconcile

    def reconcile(self) -> list[str]:
        """Expire leases and unavailable objects, queue consolidation where answers wait,
        re-queue work whose lease ran out; return the keys to kick."""
        now = self.res.clock()
        keys: list[str] = []
        with self.res.db.transaction() as s:
            repo_tasks.expire_leases(s, now=now)
            jobs = list(
                s.scalars(select(LabelingJob.id).where(LabelingJob.status == JobStatus.IN_PROGRESS.value))
            )
        for job_id in jobs:
            with self.res.db.transaction() as s:
                repo_tasks.expire_unavailable_objects(s, job_id, now=now)
            # Read outside the write lock (the worker API's writers wait behind it), and only
            # as far as the first object that answers the question.
            with self.res.db.read() as s:
                job = repo_jobs.get_job_by_id(s, job_id)
                ready = repo_objects.has_objects(s, job_id, states=[ObjectState.ANNOTATED.value])
                finished = job.ingest_complete and not repo_objects.has_objects(
                    s, job_id, other_than=_TERMINAL
                )
            if ready or finished:
                window = self.window_for(job_id)
                with self.res.db.transaction() as s:
                    key, new = self._queue_consolidation(s, job_id, now, window)
                if new and window <= 0:
                    keys.append(key)  # due now; a later one is kicked by due_work once due
        with self.res.db.transaction() as s:
            keys.extend(repo_work.requeue_expired_work(s, now=now))
            keys.extend(repo_work.due_work(s, now=now))
        keys.extend(self.streams.reconcile())
        unique = list(dict.fromkeys(keys))
        for key in unique:
            self.kick(key)
        return unique

    def window_for(self, job_id: int) -> float:
        """The job's consolidation window (streaming jobs: none, each output is awaited)."""
        return self.streams.window_for(job_id, self.window)

    def request_consolidation(self, job_id: int) -> None:
        """Queue (and kick) a consolidation of the job, batched per time window."""
        now = self.res.clock()
        window = self.window_for(job_id)
        with self.res.db.transaction() as s:
            key, new = self._queue_consolidation(s, job_id, now, window)
            item = repo_work.get_work(s, key)
            if not new and item.state != WorkState.QUEUED.value:
                # This window's pass has started (or ended) and may have read the objects before
                # this answer committed: the answer joins the next window's pass, so it waits at
                # most one window rather than until the reconciler notices it.
                key, new = self._queue_consolidation(s, job_id, _next_window(now, window), window)
        if new and window <= 0:
            # Due now. An item due at its window's end is kicked by the reconciler once due
            # (within a second): kicked now, a worker thread would find it not yet claimable.
            self.kick(key)

    def _queue_consolidation(self, s: Session, job_id: int, at: datetime, window: float) -> tuple[str, bool]:
        """Queue the consolidation item of the window holding ``at``, due at its end (without
        a window: due now); return its key and whether it is new."""
        now = self.res.clock()
        key = consolidate_key(job_id, at, window)
        due = window_end(at, window) if window > 0 else now
        _, new = repo_work.enqueue_work(s, "consolidate", key, job_id=job_id, not_before=due, now=now)
        return key, new


def _opens_early(job: LabelingJob, prepare: bool) -> bool:
    """Whether workers may label the job's first objects while the rest are ingested: not when
    a pre-annotation function, automated labeling or the volume key's payload cache must see
    every object first."""
    if prepare or autolabel.enabled(job.request):
        return False
    return encryption.volume_kms_key(job.request) is None


def _has_manifest(job: LabelingJob) -> bool:
    """Whether the job has a manifest to ingest (a streaming job's initial one is optional)."""
    return bool(job.request["InputConfig"]["DataSource"].get("S3DataSource", {}).get("ManifestS3Uri"))
