"""The worker side of labeling: log in, list jobs, take, submit, decline and release tasks.

This is the service behind the worker JSON API (``/worker/api/...``). Tokens are stateless:
``<worker id>.<expiry>.<HMAC-SHA256>`` under the server's secret, checked in constant time, so
several server processes on one database accept each other's tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select

from opentruth.db import repo_jobs, repo_tasks, repo_workforce
from opentruth.db.models import JobStatus, LabelingJob, Worker
from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.labeling.answers import check_answer, find_answer
from opentruth.labeling.resources import Resources
from opentruth.labeling.runner import JobRunner
from opentruth.labeling.tasks import behaviour_of


class AuthenticationError(OpenTruthError):
    """A login or token that is not valid (HTTP 401)."""

    aws_code = "NotAuthorized"
    http_status = 401


@dataclass(frozen=True, slots=True)
class WorkerIdentity:
    """A logged-in worker."""

    id: int
    public_id: str
    username: str


class WorkerService:
    """What a worker may do, for the worker API and the portal."""

    def __init__(
        self,
        res: Resources,
        runner: JobRunner,
        secret: bytes,
        *,
        token_ttl: timedelta = timedelta(hours=12),
        hasher: PasswordHasher | None = None,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must have at least 32 bytes")
        self.res = res
        self.runner = runner
        self._secret = secret
        self.token_ttl = token_ttl
        self.hasher = hasher

    # ------------------------------------------------------------------ tokens

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def login(self, username: str, password: str) -> tuple[str, WorkerIdentity]:
        """Check the password (Argon2); return a token and the worker."""
        with self.res.db.transaction() as s:
            worker = repo_workforce.authenticate_worker(
                s, username, password, account_id=self.res.account, hasher=self.hasher
            )
            if worker is None:
                raise AuthenticationError("wrong username or password")
            ident = WorkerIdentity(worker.id, worker.public_id, worker.username)
        expires = int((self.res.clock() + self.token_ttl).timestamp())
        payload = f"{ident.public_id}.{expires}"
        return f"{payload}.{self._sign(payload)}", ident

    def authenticate(self, token: str) -> WorkerIdentity:
        """The worker of a valid, unexpired token; :class:`AuthenticationError` otherwise."""
        try:
            public_id, expires, sig = token.rsplit(".", 2)
            expiry = int(expires)
        except ValueError:
            raise AuthenticationError("malformed token; log in again") from None
        if not hmac.compare_digest(sig, self._sign(f"{public_id}.{expires}")):
            raise AuthenticationError("invalid token; log in again")
        if expiry < self.res.clock().timestamp():
            raise AuthenticationError("the session expired; log in again")
        with self.res.db.read() as s:
            worker = s.scalar(select(Worker).where(Worker.public_id == public_id))
            if worker is None or worker.disabled:
                raise AuthenticationError("unknown worker; log in again")
            return WorkerIdentity(worker.id, worker.public_id, worker.username)

    # ------------------------------------------------------------------ jobs

    def _team_arns(self, s: Any, worker: WorkerIdentity) -> set[str]:
        return {t.arn for t in repo_workforce.workteams_of_worker(s, worker.id)}

    def _job_for(self, s: Any, worker: WorkerIdentity, name: str) -> LabelingJob:
        """The job, if it is one of the worker's teams' jobs; NotFound otherwise (no probing)."""
        try:
            job = repo_jobs.get_job(s, name, account_id=self.res.account)
        except NotFoundError:
            raise NotFoundError(f"no labeling job {name} for this worker") from None
        if job.workteam_arn not in self._team_arns(s, worker):
            raise NotFoundError(f"no labeling job {name} for this worker")
        return job

    def jobs(self, worker: WorkerIdentity) -> list[dict[str, Any]]:
        """The in-progress jobs of the worker's teams that have tasks for this worker."""
        out = []
        with self.res.db.read() as s:
            teams = self._team_arns(s, worker)
            if not teams:
                return []
            rows = s.scalars(
                select(LabelingJob)
                .where(
                    LabelingJob.account_id == self.res.account,
                    LabelingJob.status == JobStatus.IN_PROGRESS.value,
                    LabelingJob.workteam_arn.in_(sorted(teams)),
                )
                .order_by(LabelingJob.created_at)
            )
            for job in rows:
                available = repo_tasks.available_task_count(s, job.id, worker.id, now=self.res.clock())
                if available <= 0:
                    continue
                human = job.request["HumanTaskConfig"]
                out.append(
                    {
                        "labelingJobName": job.name,
                        "taskTitle": human["TaskTitle"],
                        "taskDescription": human["TaskDescription"],
                        "availableTasks": available,
                    }
                )
        return out

    def next_task(self, worker: WorkerIdentity, job_name: str) -> dict[str, Any] | None:
        """Lease the next task of the job to the worker; None when there is none for them."""
        with self.res.db.transaction() as s:
            job = self._job_for(s, worker, job_name)
            lease = repo_tasks.lease_next_task(s, job.id, worker.id, now=self.res.clock())
            if lease is None:
                return None
            return {
                "taskId": lease.task_id,
                "labelingJobName": job.name,
                "datasetObjectId": lease.dataset_object_id,
                "taskInput": lease.task_input,
                "expiresAt": _iso(lease.lease_expires_at),
            }

    def submit(self, worker: WorkerIdentity, task_id: str, answer_content: object) -> dict[str, Any]:
        """Record an answer. Checked against the task first (400 naming what is wrong), so
        nothing half-written is kept; a retried submit is idempotent; after the lease: 409."""
        with self.res.db.read() as s:
            assignment = repo_tasks.get_assignment(s, task_id, worker.id)
            job = repo_jobs.get_job_by_id(s, assignment.job_id)
            request = job.request
            from opentruth.db.models import DataObject

            obj = s.get(DataObject, assignment.object_id)
            task_input = dict(obj.task_input or {}) if obj is not None else {}
        if not isinstance(answer_content, dict):
            raise ValidationError("answerContent must be an object keyed by element name")
        behaviour = behaviour_of(request)
        labels = tuple(str(x) for x in task_input.get("labels", []))
        text = task_input.get("taskObject") if behaviour.text else None
        check_answer(find_answer(answer_content, behaviour.answer_kind), labels, text=text)
        with self.res.db.transaction() as s:
            outcome = repo_tasks.submit_task(s, task_id, worker.id, answer_content, now=self.res.clock())
        if outcome.object_state == "annotated":
            self.runner.request_consolidation(outcome.job_id)
        return {"taskId": task_id, "status": "submitted", "duplicate": outcome.duplicate}

    def decline(self, worker: WorkerIdentity, task_id: str) -> dict[str, Any]:
        """Decline: the task counts as declined; if every worker declines, the object expires."""
        with self.res.db.transaction() as s:
            outcome = repo_tasks.decline_task(s, task_id, worker.id, now=self.res.clock())
        if outcome.object_state == "annotated":
            self.runner.request_consolidation(outcome.job_id)
        return {"taskId": task_id, "status": "declined", "duplicate": outcome.duplicate}

    def release(self, worker: WorkerIdentity, task_id: str) -> dict[str, Any]:
        """Give the task back to the pool; not counted as a decline."""
        with self.res.db.transaction() as s:
            outcome = repo_tasks.release_task(s, task_id, worker.id, now=self.res.clock())
        return {"taskId": task_id, "status": "released", "duplicate": outcome.duplicate}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
