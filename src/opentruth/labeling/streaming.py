"""Streaming labeling jobs: objects arrive on an SNS topic, through the job's own SQS queue.

As in Ground Truth, and always through the job's execution role:

* at initialisation the job creates the queue ``GroundTruth-<job name lowercased>``
  (``sqs:CreateQueue``), gives it a policy that lets the input topic send to it
  (``sqs:SetQueueAttributes``) and subscribes it to the topic (``sns:Subscribe`` with
  ``sns:Protocol`` = ``sqs`` and ``sns:Endpoint`` = the queue ARN);
* it then takes messages from the queue (``sqs:ReceiveMessage``, ``sqs:DeleteMessage``) while
  fewer than ``MaxConcurrentTaskCount - NumberOfHumanWorkersPerDataObject`` objects are
  outstanding; each message is one manifest line, or an S3 event notification, or S3's test
  event (ignored), read by :mod:`opentruth.labeling.stream_input` (which also says how a job's
  output topic feeds the next job); duplicates are dropped;
* each consolidated object's output line is published to ``OutputConfig.SnsTopicArn``
  (``sns:Publish``), and ``output.manifest`` is rewritten every ``output_every`` seconds;
* StoppingConditions are ignored; the job stops after ``idle_seconds`` with nothing to do
  (10 days by default); StopLabelingJob unsubscribes the queue and keeps it.

Objects get dataset object ids in arrival order, after those of the optional initial manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.queues import DatabaseQueues, Queue, QueueDoesNotExist
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.cloud.topics import DatabaseTopics, TopicNotFound
from opentruth.db import repo_jobs, repo_messaging, repo_objects, repo_tasks, repo_work
from opentruth.db.models import JobStatus, LabelingJob, ObjectState
from opentruth.db.repo_objects import ObjectResult
from opentruth.db.repository import for_update
from opentruth.errors import DataObjectError, ValidationError
from opentruth.labeling.ingest import FamilyHook, family_hook, has_family_hook
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.jobstep import JobSteps, reading_input
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.stream_input import StreamObject, parse_message
from opentruth.labeling.tasks import Behaviour, behaviour_of

logger = logging.getLogger("opentruth.streaming")

DEFAULT_IDLE_SECONDS = 10 * 24 * 3600.0
QUEUE_PREFIX = "GroundTruth-"
#: Ground Truth's queue keeps objects 14 days.
_RETENTION = "1209600"
#: A received message stays hidden this long while the job stores its objects.
_HIDE_SECONDS = 300
_OPEN = [
    ObjectState.PREPARING.value,
    ObjectState.PENDING.value,
    ObjectState.IN_PROGRESS.value,
    ObjectState.ANNOTATED.value,
]


def queue_name(job_name: str) -> str:
    """``GroundTruth-<job name lowercased>``, the queue a streaming job creates."""
    return QUEUE_PREFIX + job_name.lower()


def queue_policy(queue_arn: str, topic_arn: str) -> dict[str, Any]:
    """The queue policy that lets the input topic (and only it) send to the job's queue."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GroundTruthInputTopic",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class StreamingJobs:
    """The streaming side of labeling jobs (the runner calls it as its :class:`StreamHooks`)."""

    def __init__(
        self,
        steps: JobSteps,
        *,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        output_every: float = 5.0,
        queues: DatabaseQueues | None = None,
        topics: DatabaseTopics | None = None,
    ) -> None:
        res = steps.res
        self.steps = steps
        self.res = res
        self.idle_seconds = idle_seconds
        self.output_every = output_every
        self.queues = queues or DatabaseQueues(res.db, res.account, res.region, clock=res.clock)
        self.topics = topics or DatabaseTopics(
            res.db,
            self.queues,
            res.account,
            res.region,
            evaluator=res.evaluator,
            public_url=res.portal_url,
            clock=res.clock,
        )
        self.queues.listeners.append(self._on_send)
        self._locks: dict[int, threading.Lock] = {}
        self._labels: dict[int, tuple[str, ...]] = {}
        self._written: dict[int, float] = {}
        self._streaming: dict[int, bool] = {}
        self._wanted: set[int] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- helpers

    def window_for(self, job_id: int, window: float) -> float:
        """The consolidation window: none for streaming jobs, whose outputs are awaited one by one."""
        streaming = self._streaming.get(job_id)
        if streaming is None:
            with self.res.db.read() as s:
                streaming = bool(repo_jobs.get_job_by_id(s, job_id).is_streaming)
            self._streaming[job_id] = streaming
        return 0.0 if streaming else window

    def _lock(self, job_id: int) -> threading.Lock:
        return self._locks.setdefault(job_id, threading.Lock())

    # ---------------------------------------------------------------- initialise

    def setup(self, job: LabelingJob, session: RoleSession, log: JobLog) -> None:
        """Create the job's queue, let the input topic send to it, subscribe it: via the role."""
        topic = job.request["InputConfig"]["DataSource"]["SnsDataSource"]["SnsTopicArn"]
        name = queue_name(job.name)
        arn = self.queues.arn_of(name)
        session.authorize("sqs:CreateQueue", arn)
        try:
            self.queues.get_queue(name)
        except QueueDoesNotExist:
            self.queues.create_queue(name, {"MessageRetentionPeriod": _RETENTION})
        session.authorize("sqs:SetQueueAttributes", arn)
        self.queues.set_attributes(name, {"Policy": json.dumps(queue_policy(arn, topic))})
        try:
            found = self.topics.get_topic(topic)
        except TopicNotFound:
            raise ValidationError(
                f"InputConfig.DataSource.SnsDataSource.SnsTopicArn {topic} does not exist; create it first"
            ) from None
        session.authorize(
            "sns:Subscribe",
            topic,
            context={"sns:Protocol": "sqs", "sns:Endpoint": arn},
            resource_policy=found.policy(),
        )
        sub = self.topics.subscribe(topic, "sqs", arn)
        with self.res.db.transaction() as s:
            repo_messaging.save_streaming_job(
                s, job.id, queue_arn=arn, topic_arn=topic, subscription_arn=sub.arn, now=self.res.clock()
            )
        log.event("StreamingSetup", queue=arn, inputTopic=topic, subscription=sub.arn)

    # ---------------------------------------------------------------- pull

    def request_pull(self, job_id: int) -> None:
        """Pull for the job soon, in the background puller thread (started on first use)."""
        with self._wake:
            self._wanted.add(job_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._puller, name="opentruth-stream-pull", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _puller(self) -> None:
        while True:
            with self._wake:
                while not self._wanted:
                    if not self._wake.wait(timeout=60):
                        self._thread = None
                        return
                job_id = self._wanted.pop()
            try:
                self.pull(job_id)
            except Exception:  # the reconciler pulls again; the messages stay in the queue
                logger.exception("pull for streaming job %s failed", job_id)

    def _on_send(self, queue: Queue) -> None:
        if not queue.name.startswith(QUEUE_PREFIX):
            return
        key = queue.name[len(QUEUE_PREFIX) :]
        with self.res.db.read() as s:
            job_id = s.scalar(
                select(LabelingJob.id).where(
                    LabelingJob.account_id == self.res.account,
                    LabelingJob.name_key == key,
                    LabelingJob.status == JobStatus.IN_PROGRESS.value,
                    LabelingJob.is_streaming.is_(True),
                )
            )
        if job_id is not None:
            self.request_pull(int(job_id))

    def pull(self, job_id: int) -> int:
        """Take objects from the job's queue while there is room; return how many were taken.

        A denial (of the queue, or of a ``source-ref`` object) fails the job, as Ground Truth
        ends a job that cannot reach its input.
        """
        with self._lock(job_id):
            job = self.steps.job(job_id)
            if job.status != JobStatus.IN_PROGRESS or not job.is_streaming:
                return 0
            try:
                return self._pull(job)
            except RoleAccessDeniedError as exc:
                self.steps.fail(job_id, exc.failure_reason, denial=exc)
                return 0

    def _room(self, job: LabelingJob) -> int:
        limit = max(1, job.max_concurrent_task_count - job.workers_per_object)
        with self.res.db.read() as s:
            states = repo_objects.count_objects_by_state(s, job.id)
        return limit - sum(n for st, n in states.items() if st in _OPEN)

    def _pull(self, job: LabelingJob) -> int:
        session = self.steps.session(job)
        name = queue_name(job.name)
        arn = self.queues.arn_of(name)
        taken = 0
        log: JobLog | None = None
        while (room := self._room(job)) > 0:
            session.authorize("sqs:ReceiveMessage", arn)
            messages = self.queues.receive(
                name, max_messages=min(10, room), visibility_timeout=_HIDE_SECONDS, wait_seconds=0
            )
            if not messages:
                break
            for msg in messages:
                try:
                    objects = parse_message(msg.body, msg.message_id)
                except ValidationError as exc:
                    log = log or JobLog(self.res, session, job.name)
                    log.event("InvalidInput", messageId=msg.message_id, reason=exc.message)
                    objects = []
                taken += self._store(job, session, objects)
                session.authorize("sqs:DeleteMessage", arn)
                self.queues.delete_message(name, msg.receipt_handle)
        return taken

    def _store(self, job: LabelingJob, session: RoleSession, objects: Sequence[StreamObject]) -> int:
        if not objects:
            return 0
        behaviour = behaviour_of(job.request)
        store = self.res.job_store(session)
        labels = self._label_names(job, store)
        prepared: list[tuple[StreamObject, str, dict[str, Any]]] = []
        hook = self._hook(job, behaviour, session, store)
        for obj in objects:
            if hook is not None:
                # The family reads the line's files through the role; bad data drops only its message.
                try:
                    task_input = hook.task_input(obj.line, f"message {obj.key}")
                except DataObjectError as exc:
                    JobLog(self.res, session, job.name).event("InvalidInput", reason=exc.message)
                    continue
                compact = json.dumps(obj.line, separators=(",", ":"), ensure_ascii=False)
                prepared.append((obj, compact, task_input))
                continue
            text = None
            if "source-ref" in obj.line and "source" not in obj.line:
                ref = parse_s3_uri(str(obj.line["source-ref"]), "source-ref")
                self.steps.check_object(session, ref.bucket, ref.key)
                if behaviour.text:
                    with reading_input("source-ref", str(obj.line["source-ref"])):
                        text = store.get_object(ref.bucket, ref.key).body.decode("utf-8", "replace")
            compact = json.dumps(obj.line, separators=(",", ":"), ensure_ascii=False)
            prepared.append((obj, compact, behaviour.task_input(obj.line, labels, text)))
        now = self.res.clock()
        added = 0
        with self.res.db.transaction() as s:
            # The job row lock serialises id assignment between processes.
            s.execute(for_update(s, select(LabelingJob.id).where(LabelingJob.id == job.id)))
            index = repo_objects.next_ingest_index(s, job.id)
            for obj, compact, task_input in prepared:
                if not repo_messaging.claim_stream_key(s, job.id, _hash(obj.key), index):
                    continue  # a duplicate: Ground Truth drops it
                repo_objects.insert_data_objects(
                    s, job.id, [(index, compact)], task_inputs=[task_input], now=now
                )
                index += 1
                added += 1
            if added:
                repo_messaging.touch_streaming_job(s, job.id, now)
        return added

    def _hook(
        self, job: LabelingJob, behaviour: Behaviour, session: RoleSession, store: AuthorizedObjectStore
    ) -> FamilyHook | None:
        """The job's family hook (video frames, point clouds), as the manifest's ingest uses it."""
        if not has_family_hook(behaviour):
            return None  # the label category file is read only when a family needs it
        config = self.steps.labels(job, behaviour, store)
        return family_hook(self.steps, job, behaviour, config, session, store)

    def _label_names(self, job: LabelingJob, store: AuthorizedObjectStore) -> tuple[str, ...]:
        found = self._labels.get(job.id)
        if found is None:
            config = self.steps.labels(job, behaviour_of(job.request), store)
            found = config.labels if config else ()
            self._labels[job.id] = found
        return found

    # ---------------------------------------------------------------- outputs

    def publish_outputs(self, job: LabelingJob, session: RoleSession, results: Sequence[ObjectResult]) -> int:
        """Publish each consolidated object's output line to the output topic (if any)."""
        topic = job.request.get("OutputConfig", {}).get("SnsTopicArn")
        lines = [r.output_line for r in results if r.state is ObjectState.CONSOLIDATED and r.output_line]
        if not topic or not lines or not job.is_streaming:
            return 0
        try:
            policy = self.topics.get_topic(topic).policy()
        except TopicNotFound:
            policy = None
        session.authorize("sns:Publish", topic, resource_policy=policy)
        for line in lines:
            self.topics.publish(topic, line)
        return len(lines)

    def after_consolidation(self, job: LabelingJob, store: AuthorizedObjectStore) -> None:
        """Room was freed: take more objects; rewrite the output manifest now and then."""
        with self.res.db.transaction() as s:
            repo_messaging.touch_streaming_job(s, job.id, self.res.clock())
        last = self._written.get(job.id)
        if last is None or time.monotonic() - last >= self.output_every:
            self._written[job.id] = time.monotonic()
            self.steps.write_output(job, store)
        self.request_pull(job.id)

    # ---------------------------------------------------------------- reconcile, stop

    def reconcile(self) -> list[str]:
        """Retry due SNS deliveries, pull for every streaming job with room, and stop the jobs
        idle for longer than ``idle_seconds``; return the work keys to kick."""
        keys: list[str] = []
        try:
            self.topics.retry_due()
        except Exception:  # deliveries are retried on the next round
            logger.exception("retrying SNS deliveries failed")
        now = self.res.clock()
        with self.res.db.read() as s:
            jobs = list(
                s.scalars(
                    select(LabelingJob.id).where(
                        LabelingJob.status == JobStatus.IN_PROGRESS.value, LabelingJob.is_streaming.is_(True)
                    )
                )
            )
        for job_id in jobs:
            self.pull(job_id)
            with self.res.db.transaction() as s:
                state = repo_messaging.get_streaming_job(s, job_id)
                job = repo_jobs.get_job_by_id(s, job_id)
                if state is None or job.status != JobStatus.IN_PROGRESS:
                    continue
                open_objects = repo_objects.has_objects(s, job_id, states=_OPEN)
                if open_objects or now - state.last_activity_at < timedelta(seconds=self.idle_seconds):
                    continue
                name = queue_name(job.name)
            try:
                wanted = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
                counts = self.queues.get_attributes(name, wanted)
            except QueueDoesNotExist:
                counts = {}
            if any(int(v) for v in counts.values()):
                continue
            keys.extend(self._stop_idle(job_id))
        return keys

    def _stop_idle(self, job_id: int) -> list[str]:
        from opentruth.labeling.jobs import stop_key

        now = self.res.clock()
        with self.res.db.transaction() as s:
            job = repo_jobs.get_job_by_id(s, job_id)
            if job.status != JobStatus.IN_PROGRESS:
                return []
            repo_jobs.transition_job(s, job_id, JobStatus.STOPPING, now=now)
            repo_tasks.revoke_job_leases(s, job_id, now=now)
            repo_work.enqueue_work(s, "stop", stop_key(job_id), job_id=job_id, now=now)
        logger.info("streaming job %s stops: idle for %s seconds", job_id, self.idle_seconds)
        return [stop_key(job_id)]

    def on_stop(self, job: LabelingJob, session: RoleSession, log: JobLog) -> None:
        """Unsubscribe the job's queue from the input topic (``sns:Unsubscribe``); keep the queue."""
        if not job.is_streaming:
            return
        with self.res.db.read() as s:
            state = repo_messaging.get_streaming_job(s, job.id)
            sub = state.subscription_arn if state is not None else None
            topic = state.topic_arn if state is not None else None
        if sub and topic:
            try:
                policy = self.topics.get_topic(topic).policy()
            except TopicNotFound:
                policy = None
            session.authorize("sns:Unsubscribe", topic, resource_policy=policy)
            self.topics.unsubscribe(sub)
            with self.res.db.transaction() as s:
                row = repo_messaging.get_streaming_job(s, job.id)
                if row is not None:
                    row.subscription_arn = None
            log.event("StreamingStopped", unsubscribed=sub, queueKept=queue_name(job.name))
