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
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import NoSuchKey
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db import repo_jobs, repo_objects, repo_tasks, repo_work
from opentruth.db.models import JobStatus, LabelingJob, ObjectState, WorkState
from opentruth.db.repo_objects import ObjectResult
from opentruth.errors import OpenTruthError, ValidationError
from opentruth.labeling import autolabel, custom, encryption, pointcloud
from opentruth.labeling.consolidate import ITERATION, consolidate_batch
from opentruth.labeling.joblog import JobLog, denial_fields
from opentruth.labeling.jobs import Kick, output_layout
from opentruth.labeling.jobtelemetry import record_consolidation
from opentruth.labeling.manifest import LabelConfig, parse_label_config, read_manifest
from opentruth.labeling.pacing import Pacer
from opentruth.labeling.pointcloud import ingest as pc_ingest
from opentruth.labeling.requirements import FATAL, derive_requirements, parse_s3_uri
from opentruth.labeling.resources import Resources
from opentruth.labeling.streaming import DEFAULT_IDLE_SECONDS, StreamingJobs
from opentruth.labeling.tasks import Behaviour, behaviour_of

logger = logging.getLogger("opentruth.runner")

INGEST_BATCH = 1000
_TERMINAL = {ObjectState.CONSOLIDATED.value, ObjectState.FAILED.value, ObjectState.EXPIRED.value}


#: Objects a consolidation pass takes at a time (read, consolidated, written and finished in
#: one write transaction; see ``_consolidate_all``): small enough that no step of a chunk holds
#: the interpreter or SQLite's write lock for more than a few milliseconds.
_CONSOLIDATE_PER_READ = 100


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
        #: The share of wall time a consolidation pass takes while it runs (1.0: unpaced).
        self.background_share = background_share
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.window = consolidation_window
        self.kick = kick or (lambda _key: None)
        self.lease_seconds = lease_seconds
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        #: The last second that named a consolidation file of each job (see ``_files_at``).
        self._stamps: dict[int, datetime] = {}
        #: Streaming jobs (SNS input through the job's SQS queue); see labeling/streaming.py.
        self.streaming = StreamingJobs(self, idle_seconds=stream_idle_seconds)
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
        except ValidationError as exc:
            self._fail(job_id, f"ClientError: {exc.message}")
        except JobFailed:
            pass

    # ------------------------------------------------------------------ helpers

    def _job(self, job_id: int) -> LabelingJob:
        with self.res.db.read() as s:
            job = repo_jobs.get_job_by_id(s, job_id)
            s.expunge(job)
            return job

    def _session(self, job: LabelingJob) -> RoleSession:
        return self.res.session(job.request["RoleArn"], job.arn)

    def _fail(self, job_id: int, reason: str, denial: RoleAccessDeniedError | None = None) -> None:
        """End the job as Failed with ``reason`` (unless it already ended)."""
        job = self._job(job_id)
        if JobStatus(job.status) in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED):
            return
        with self.res.db.transaction() as s:
            repo_jobs.transition_job(s, job_id, JobStatus.FAILED, failure_reason=reason, now=self.res.clock())
            repo_tasks.revoke_job_leases(s, job_id, now=self.res.clock())
        logger.warning("labeling job %s failed: %s", job.name, reason)
        try:
            log = JobLog(self.res, self._session(job), job.name)
        except RoleAccessDeniedError:
            return  # the trust policy itself refused: there is no session to log with
        fields: dict[str, Any] = {"status": "Failed", "failureReason": reason}
        if denial is not None:
            fields.update(accessDenied=denial_fields(denial))
        log.event("StateChange", **fields)
        log.metrics({"JobsFailed": 1})

    # ------------------------------------------------------------------ initialize

    def initialize(self, job_id: int) -> None:
        """Initializing → InProgress: assume the role, check every fatal requirement before any
        task reaches a worker, read the label categories and template, ingest the manifest."""
        job = self._job(job_id)
        if job.status != JobStatus.INITIALIZING:
            return
        behaviour = behaviour_of(job.request)
        session = self._session(job)  # the trust policy: sts:AssumeRole by SageMaker
        store = self.res.job_store(session, kms_key=encryption.output_kms_key(job))
        log = JobLog(self.res, session, job.name)
        log.event("StateChange", status="Initializing")
        self._preflight(job, session)
        labels = self._labels(job, behaviour, store)
        ui = job.request["HumanTaskConfig"]["UiConfig"].get("UiTemplateS3Uri")
        if ui:
            loc = parse_s3_uri(ui, "HumanTaskConfig.UiConfig.UiTemplateS3Uri")
            store.head_object(loc.bucket, loc.key)  # authorised as s3:GetObject
        streaming = self.streaming.active(job)
        if streaming:
            self.streaming.setup(job, session, log)  # queue, its policy, the subscription
        has_manifest = not streaming or self.streaming.has_manifest(job)
        count = self._ingest(job, behaviour, labels, session, store) if has_manifest else 0
        if count == 0 and not streaming:
            raise ValidationError("the input manifest has no data objects; give at least one line")
        encryption.cache_task_payloads(self.res, job, session)  # VolumeKmsKeyId: sealed on disk
        self.autolabel.start(job, count, store, log)  # >= 1,250 objects; the first human sample
        with self.res.db.transaction() as s:
            if not streaming:  # a streaming job's input never ends
                repo_jobs.set_ingest_complete(s, job_id)
            current = repo_jobs.get_job_by_id(s, job_id)
            if current.status != JobStatus.INITIALIZING:
                return
            repo_jobs.transition_job(s, job_id, JobStatus.IN_PROGRESS, now=self.res.clock())
        log.event("StateChange", status="InProgress", dataObjects=count)
        if behaviour.prepare:
            custom.queue_prepare(self.res, self.kick, job_id)
        if pointcloud.is_point_cloud(behaviour.suffix):  # objects failed at ingest may end the job
            self.request_consolidation(job_id)

    def _preflight(self, job: LabelingJob, session: RoleSession) -> None:
        """Fail early, better than Ground Truth: evaluate every fatal requirement now."""

        def tags(bucket: str, key: str) -> dict[str, str] | None:
            try:
                return self.res.store.get_object_tagging(bucket, key)
            except (NoSuchKey, OpenTruthError):
                return None

        reqs = derive_requirements(job.request, object_tags=tags, now=self.res.clock())
        for r in reqs.requirements:
            if r.severity != FATAL or r.trust:
                continue
            if r.action.startswith("kms:"):  # the key policy and grants decide, as in KMS
                encryption.authorize_key_use(self.res, session, r)
                continue
            # A function's own policy may grant the role what its identity policies do not.
            policy = custom.function_policy(self.res, r.resource) if r.action.startswith("lambda:") else None
            session.authorize(
                r.action,
                r.resource,
                context=r.context,
                resource_account=r.resource_account,
                resource_policy=policy,
            )

    def _labels(
        self, job: LabelingJob, behaviour: Behaviour, store: AuthorizedObjectStore
    ) -> LabelConfig | None:
        uri = job.request.get("LabelCategoryConfigS3Uri")
        if not uri and behaviour.prepare:
            return None  # custom workflows: label categories are optional
        if not uri:
            raise ValidationError(f"LabelCategoryConfigS3Uri is required for {behaviour.suffix} jobs")
        loc = parse_s3_uri(uri, "LabelCategoryConfigS3Uri")
        data = store.get_object(loc.bucket, loc.key).body
        return parse_label_config(data, min_labels=behaviour.min_labels, uri=uri)

    def _ingest(
        self,
        job: LabelingJob,
        behaviour: Behaviour,
        labels: LabelConfig | None,
        session: RoleSession,
        store: AuthorizedObjectStore,
    ) -> int:
        """Stream the manifest into the database in batches; resumable (idempotent inserts)."""
        loc = parse_s3_uri(
            job.request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"], "ManifestS3Uri"
        )
        with self.res.db.read() as s:
            start = repo_objects.next_ingest_index(s, job.id)
        label_names = labels.labels if labels else ()
        batch: list[tuple[int, str]] = []
        inputs: list[dict[str, Any] | None] = []
        failed: list[ObjectResult] = []
        total = 0

        def flush() -> None:
            if not batch:
                return
            with self.res.db.transaction() as s:
                repo_objects.insert_data_objects(
                    s,
                    job.id,
                    batch,
                    task_inputs=None if behaviour.prepare else inputs,
                    # Automated labeling holds every object until its loop releases it.
                    state=ObjectState.PREPARING
                    if behaviour.prepare or autolabel.enabled(job.request)
                    else ObjectState.PENDING,
                    now=self.res.clock(),
                )
                # A point cloud object whose data is bad fails alone, before any worker sees it.
                repo_objects.finish_objects(s, job.id, failed, now=self.res.clock())
            batch.clear()
            inputs.clear()
            failed.clear()

        with store.open_stream(loc.bucket, loc.key) as stream:
            for line in read_manifest(stream):
                total += 1
                if line.index < start:
                    continue
                text = None
                if line.is_reference:
                    ref = parse_s3_uri(line.source, f"manifest line {line.lineno}: source-ref")
                    self._check_object(session, ref.bucket, ref.key)
                    if behaviour.text:
                        text = store.get_object(ref.bucket, ref.key).body.decode("utf-8", "replace")
                batch.append((line.index, _compact(line.data)))
                if pointcloud.is_point_cloud(behaviour.suffix):  # frames read through the role
                    inputs.append(pc_ingest.for_line(store, behaviour.suffix, line, labels, failed))
                else:
                    inputs.append(behaviour.task_input(line.data, label_names, text))
                if len(batch) >= INGEST_BATCH:
                    flush()
        flush()
        return total

    def _check_object(self, session: RoleSession, bucket: str, key: str) -> None:
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
            self.streaming.after_consolidation(job, store)  # no StoppingConditions, no end

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
        self._consolidate_all(job, session, store, log)
        if job.status == JobStatus.IN_PROGRESS:
            self.autolabel.advance(job, store, log)  # the active-learning loop's next iteration
        if job.status == JobStatus.IN_PROGRESS and self.streaming.active(job):
            return job, store
        if job.status == JobStatus.IN_PROGRESS:
            self._maybe_complete(job, store, log)
        return None

    def _consolidate_all(
        self, job: LabelingJob, session: RoleSession, store: AuthorizedObjectStore, log: JobLog
    ) -> int:
        behaviour = behaviour_of(job.request)
        if behaviour.prepare:
            publish = lambda done: self.streaming.publish_outputs(job, session, done)  # noqa: E731
            return custom.consolidate_custom(self.res, job, session, store, log, publish)
        labels = self._labels(job, behaviour, store)
        # A pass shares the process with the worker API (see labeling/pacing.py): it works in
        # small chunks and paces itself between them.
        pacer = Pacer(self.background_share)
        # Worker reliability across the job only matters when objects get several answers;
        # with one worker per object each label stands alone (confidence 0.00), so skip it.
        several = job.workers_per_object > 1 and behaviour.answer_kind.value == "label"
        history: list[tuple[int, str, dict[str, Any]]] | None = None
        consolidated: list[int] = []
        done = 0
        while True:
            with self.res.db.read() as s:
                objects = repo_objects.objects_to_consolidate(s, job.id, limit=_CONSOLIDATE_PER_READ)
                if not objects:
                    break
                answers = repo_objects.submitted_answers(s, [o.id for o in objects])
                if history is None:  # once a pass: the job's answers so far, for every chunk
                    history = _history(s, job.id) if several else []
                s.expunge_all()  # detached rows stay readable after the session closes
            pacer.tick()
            now = self.res.clock()
            batch = consolidate_batch(
                behaviour,
                labels.labels if labels else (),
                labels.short_names if labels else {},
                job,
                output_layout(job),
                objects,
                answers,
                history,
                self.res.portal_url,
                now,
                files_at=self._files_at(job, now),
            )
            pacer.tick()
            with store.batch():  # durable together when it ends: one fsync per file and folder
                for uri, body, content_type in batch.files:
                    loc = parse_s3_uri(uri, "output")
                    store.put_object(loc.bucket, loc.key, body, content_type=content_type)
                    pacer.tick()
            self.streaming.publish_outputs(job, session, batch.results)  # before: at least once
            # Finished only once their files are durable. Each object is finished once, so a
            # crash before this leaves the chunk for the next pass (its files rewritten with the
            # same content).
            with self.res.db.transaction() as s:
                repo_objects.finish_objects(s, job.id, batch.results, now=self.res.clock())
            pacer.tick()  # outside the transaction: a sleep must not hold the write lock
            done += len(batch.results)
            consolidated.extend(o.id for o in objects)
            log.event("Consolidation", objects=len(batch.results), summary=batch.summary)
            if len(objects) < _CONSOLIDATE_PER_READ:
                # The pass ends with what its window holds. Answers that came in while it ran
                # belong to a later window, whose item their submit queued: chasing them here
                # would make passes of a few objects each, every one paying a pass's fixed cost
                # (metrics, history) while the workers wait on the write lock.
                break
        if consolidated:
            # Once a pass (the metrics are advisory: a crash mid-pass loses these data points,
            # never an annotation).
            record_consolidation(self.res, job, log, consolidated)
        return done

    def _files_at(self, job: LabelingJob, now: datetime) -> datetime:
        """The second that names this batch's consolidation request and response: ``now``, or
        the first second after the job's last batch (file names have second resolution)."""
        layout = output_layout(job)
        last = self._stamps.get(job.id)
        start = now if last is None or now >= last + timedelta(seconds=1) else last + timedelta(seconds=1)
        at = self.res.free_stamp(lambda t: layout.consolidation_request(ITERATION, t), start)
        self._stamps[job.id] = at.replace(microsecond=0)
        return at

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
        self._write_output(job, store)
        with self.res.db.transaction() as s:
            repo_jobs.transition_job(s, job.id, JobStatus.COMPLETED, now=self.res.clock())
        log.event("StateChange", status="Completed")
        log.metrics({"JobsSucceeded": 1})

    def _write_output(self, job: LabelingJob, store: AuthorizedObjectStore) -> None:
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

    # ------------------------------------------------------------------ stop

    def stop(self, job_id: int) -> None:
        """Stopping → Stopped: consolidate what has answers, write the output, stop."""
        job = self._job(job_id)
        if job.status != JobStatus.STOPPING:
            return
        session = self._session(job)
        store = self.res.job_store(session, kms_key=encryption.output_kms_key(job))
        log = JobLog(self.res, session, job.name)
        self.streaming.on_stop(job, session, log)  # unsubscribes; the queue is kept
        with self.res.db.transaction() as s:
            repo_tasks.revoke_job_leases(s, job_id, now=self.res.clock())
            # Objects out with answers go to consolidation; the rest stay unlabeled.
            repo_tasks.expire_unavailable_objects(s, job_id, now=self.res.clock() + timedelta(days=3650))
        self._consolidate_all(job, session, store, log)
        self._write_output(job, store)
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
        keys.extend(self.streaming.reconcile())
        unique = list(dict.fromkeys(keys))
        for key in unique:
            self.kick(key)
        return unique

    def window_for(self, job_id: int) -> float:
        """The job's consolidation window (streaming jobs: none, each output is awaited)."""
        return self.streaming.window_for(job_id, self.window)

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


def _compact(data: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(data).decode("utf-8")


def _history(session: Any, job_id: int, limit: int = 50_000) -> list[tuple[int, str, dict[str, Any]]]:
    """The job's submitted answers so far (object id, worker id, answer), for estimating each
    worker's reliability across the job (Dawid–Skene needs more than one object's answers)."""
    from opentruth.db.models import Assignment, AssignmentState, Worker

    rows = session.execute(
        select(Assignment.object_id, Worker.public_id, Assignment.answer)
        .join(Worker, Worker.id == Assignment.worker_id)
        .where(Assignment.job_id == job_id, Assignment.state == AssignmentState.SUBMITTED.value)
        .order_by(Assignment.id.desc())
        .limit(limit)
    )
    return [(int(o), str(w), a or {}) for o, w, a in rows]
