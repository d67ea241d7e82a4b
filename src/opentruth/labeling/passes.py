"""One consolidation pass of a job: read the objects whose answers are in, consolidate them,
write their files, publish them (streaming) and finish them, a chunk at a time.

A pass shares the process with the worker API (see :mod:`opentruth.labeling.pacing`): it works
in small chunks and paces itself between them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.session import RoleSession
from opentruth.db import repo_objects
from opentruth.db.models import Assignment, AssignmentState, LabelingJob, Worker
from opentruth.labeling import custom
from opentruth.labeling.consolidate import ITERATION, consolidate_batch
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.jobs import output_layout
from opentruth.labeling.jobstep import JobSteps, StreamHooks
from opentruth.labeling.jobtelemetry import record_consolidation
from opentruth.labeling.pacing import Pacer
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.tasks import behaviour_of

#: Objects a consolidation pass takes at a time (read, consolidated, written and finished in
#: one write transaction; see :meth:`ConsolidationPasses.run`): small enough that no step of a
#: chunk holds the interpreter or SQLite's write lock for more than a few milliseconds.
CONSOLIDATE_PER_READ = 100


class ConsolidationPasses:
    """Runs consolidation passes; remembers the last second that named each job's files."""

    def __init__(self, steps: JobSteps, streams: StreamHooks, *, background_share: float = 1.0) -> None:
        self.steps = steps
        self.res = steps.res
        self.streams = streams
        #: The share of wall time a pass takes while it runs (1.0: unpaced).
        self.background_share = background_share
        #: The last second that named a consolidation file of each job (see ``files_at``).
        self._stamps: dict[int, datetime] = {}

    def run(self, job: LabelingJob, session: RoleSession, store: AuthorizedObjectStore, log: JobLog) -> int:
        """One pass over what the job's window holds; return how many objects it finished."""
        behaviour = behaviour_of(job.request)
        if behaviour.prepare:
            publish = lambda done: self.streams.publish_outputs(job, session, done)  # noqa: E731
            return custom.consolidate_custom(self.res, job, session, store, log, publish)
        labels = self.steps.labels(job, behaviour, store)
        pacer = Pacer(self.background_share)
        # Worker reliability across the job only matters when objects get several answers;
        # with one worker per object each label stands alone (confidence 0.00), so skip it.
        several = job.workers_per_object > 1 and behaviour.answer_kind.value == "label"
        history: list[tuple[int, str, dict[str, Any]]] | None = None
        consolidated: list[int] = []
        done = 0
        while True:
            with self.res.db.read() as s:
                objects = repo_objects.objects_to_consolidate(s, job.id, limit=CONSOLIDATE_PER_READ)
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
                files_at=self.files_at(job, now),
            )
            pacer.tick()
            with store.batch():  # durable together when it ends: one fsync per file and folder
                for uri, body, content_type in batch.files:
                    loc = parse_s3_uri(uri, "output")
                    store.put_object(loc.bucket, loc.key, body, content_type=content_type)
                    pacer.tick()
            self.streams.publish_outputs(job, session, batch.results)  # before: at least once
            # Finished only once their files are durable. Each object is finished once, so a
            # crash before this leaves the chunk for the next pass (its files rewritten with the
            # same content).
            with self.res.db.transaction() as s:
                repo_objects.finish_objects(s, job.id, batch.results, now=self.res.clock())
            pacer.tick()  # outside the transaction: a sleep must not hold the write lock
            done += len(batch.results)
            consolidated.extend(o.id for o in objects)
            log.event("Consolidation", objects=len(batch.results), summary=batch.summary)
            if len(objects) < CONSOLIDATE_PER_READ:
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

    def files_at(self, job: LabelingJob, now: datetime) -> datetime:
        """The second that names this batch's consolidation request and response: ``now``, or
        the first second after the job's last batch (file names have second resolution)."""
        layout = output_layout(job)
        last = self._stamps.get(job.id)
        start = now if last is None or now >= last + timedelta(seconds=1) else last + timedelta(seconds=1)
        at = self.res.free_stamp(lambda t: layout.consolidation_request(ITERATION, t), start)
        self._stamps[job.id] = at.replace(microsecond=0)
        return at


def _history(session: Any, job_id: int, limit: int = 50_000) -> list[tuple[int, str, dict[str, Any]]]:
    """The job's submitted answers so far (object id, worker id, answer), for estimating each
    worker's reliability across the job (Dawid–Skene needs more than one object's answers)."""
    rows = session.execute(
        select(Assignment.object_id, Worker.public_id, Assignment.answer)
        .join(Worker, Worker.id == Assignment.worker_id)
        .where(Assignment.job_id == job_id, Assignment.state == AssignmentState.SUBMITTED.value)
        .order_by(Assignment.id.desc())
        .limit(limit)
    )
    return [(int(o), str(w), a or {}) for o, w, a in rows]
