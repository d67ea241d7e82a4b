"""The worker side of labeling: log in, list jobs, take, submit, decline and release tasks.

This is the service behind the worker JSON API (``/worker/api/...``). Tokens are stateless:
``<worker id>.<expiry>.<HMAC-SHA256>`` under the server's secret, checked in constant time, so
several server processes on one database accept each other's tokens.

``tasks/next`` and ``submit`` are the hot path (a worker calls them in a loop), so what rarely
changes is cached in the process for a few seconds (:data:`CACHE_SECONDS`): a token's worker,
the teams of a worker, and a job's fixed fields (its id, team and task type never change). A
worker disabled, or removed from a team, is therefore refused within those seconds, not at
once. Everything that decides who gets which object is read in the transaction, never cached.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from opentruth.db import repo_jobs, repo_tasks, repo_workforce
from opentruth.db.models import JobStatus, LabelingJob, Worker
from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.labeling.answers import check_answer, find_answer
from opentruth.labeling.resources import Resources
from opentruth.labeling.runner import JobRunner, consolidate_key
from opentruth.labeling.tasks import Behaviour, behaviour_of

#: How long a process trusts what it cached about workers and teams (see the module notes).
CACHE_SECONDS = 5.0

K = TypeVar("K")
V = TypeVar("V")


class _TtlCache(Generic[K, V]):
    """A small dict whose entries expire; bounded (emptied when full). Thread-safe enough:
    each operation is one dict operation under the GIL, and a lost entry is only re-read."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._data: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        hit = self._data.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: K, value: V) -> None:
        if len(self._data) >= self.size:
            self._data.clear()
        self._data[key] = (time.monotonic() + self.seconds, value)


@dataclass(frozen=True, slots=True)
class _JobInfo:
    """The fields of a job that never change after CreateLabelingJob."""

    id: int
    name: str
    workteam_arn: str
    behaviour: Behaviour


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
        self._tokens: _TtlCache[str, WorkerIdentity] = _TtlCache(CACHE_SECONDS)
        self._teams: _TtlCache[int, frozenset[str]] = _TtlCache(CACHE_SECONDS)
        # Fixed fields, so no expiry; keyed by the name as asked and by id.
        self._jobs: _TtlCache[str | int, _JobInfo] = _TtlCache(float("inf"))
        # The consolidation window each job was last kicked for (one kick per window suffices).
        self._kicked: dict[int, str] = {}

    # ------------------------------------------------------------------ tokens

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def login(self, username: str, password: str) -> tuple[str, WorkerIdentity]:
        """Check the password (Argon2); return a token and the worker.

        Argon2 is slow on purpose, so the check runs outside any write transaction: on SQLite
        a write transaction holds up every other writer, and a few logins at the start of a
        shift would stall everyone's submits. Only upgrading an old hash writes.
        """
        hasher = self.hasher or repo_workforce.default_hasher()
        with self.res.db.read() as s:
            worker = s.scalar(
                select(Worker).where(Worker.account_id == self.res.account, Worker.username == username)
            )
            if worker is None:
                # Verifies a dummy hash, so an unknown name costs as long as a wrong password.
                repo_workforce.authenticate_worker(
                    s, username, password, account_id=self.res.account, hasher=hasher
                )
                raise AuthenticationError("wrong username or password")
            s.expunge(worker)
        try:
            hasher.verify(worker.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise AuthenticationError("wrong username or password") from None
        if worker.disabled:
            raise AuthenticationError("wrong username or password")
        if hasher.check_needs_rehash(worker.password_hash):
            stronger = hasher.hash(password)  # once per worker, outside the transaction
            with self.res.db.transaction() as s:
                repo_workforce.upgrade_password_hash(s, worker.id, worker.password_hash, stronger)
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
        cached = self._tokens.get(public_id)
        if cached is not None:
            return cached
        with self.res.db.read() as s:
            worker = s.scalar(select(Worker).where(Worker.public_id == public_id))
            if worker is None or worker.disabled:
                raise AuthenticationError("unknown worker; log in again")
            ident = WorkerIdentity(worker.id, worker.public_id, worker.username)
        self._tokens.put(public_id, ident)
        return ident

    # ------------------------------------------------------------------ jobs

    def _team_arns(self, s: Any, worker: WorkerIdentity) -> frozenset[str]:
        teams = self._teams.get(worker.id)
        if teams is None:
            teams = frozenset(t.arn for t in repo_workforce.workteams_of_worker(s, worker.id))
            self._teams.put(worker.id, teams)
        return teams

    def _info(self, job: LabelingJob) -> _JobInfo:
        info = _JobInfo(job.id, job.name, job.workteam_arn, behaviour_of(job.request))
        self._jobs.put(job.id, info)
        return info

    def _job_for(self, s: Any, worker: WorkerIdentity, name: str) -> _JobInfo:
        """The job, if it is one of the worker's teams' jobs; NotFound otherwise (no probing)."""
        info = self._jobs.get(name)
        if info is None:
            try:
                info = self._info(repo_jobs.get_job(s, name, account_id=self.res.account))
            except NotFoundError:
                raise NotFoundError(f"no labeling job {name} for this worker") from None
            self._jobs.put(name, info)
        if info.workteam_arn not in self._team_arns(s, worker):
            raise NotFoundError(f"no labeling job {name} for this worker")
        return info

    def _job_by_id(self, s: Any, job_id: int) -> _JobInfo:
        return self._jobs.get(job_id) or self._info(repo_jobs.get_job_by_id(s, job_id))

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
        if not isinstance(answer_content, dict):
            raise ValidationError("answerContent must be an object keyed by element name")
        content: dict[str, Any] = answer_content

        with self.res.db.transaction() as s:

            def check(job_id: int, task_input: dict[str, Any] | None) -> None:
                behaviour = self._job_by_id(s, job_id).behaviour
                task = task_input or {}
                labels = tuple(str(x) for x in task.get("labels", []))
                text = task.get("taskObject") if behaviour.text else None
                check_answer(find_answer(content, behaviour.answer_kind), labels, text=text, task=task)

            outcome = repo_tasks.submit_task(
                s, task_id, worker.id, content, now=self.res.clock(), check=check
            )
        if outcome.object_state == "annotated":
            self._request_consolidation(outcome.job_id)
        return {"taskId": task_id, "status": "submitted", "duplicate": outcome.duplicate}

    def _request_consolidation(self, job_id: int) -> None:
        """Queue the job's consolidation for this window, once per window from this process
        (asking again in the same window would only find the work item already queued)."""
        key = consolidate_key(job_id, self.res.clock(), self.runner.window_for(job_id))
        if self._kicked.get(job_id) == key:
            return
        self.runner.request_consolidation(job_id)
        self._kicked[job_id] = key

    def decline(self, worker: WorkerIdentity, task_id: str) -> dict[str, Any]:
        """Decline: the task counts as declined; if every worker declines, the object expires."""
        with self.res.db.transaction() as s:
            outcome = repo_tasks.decline_task(s, task_id, worker.id, now=self.res.clock())
        if outcome.object_state == "annotated":
            self._request_consolidation(outcome.job_id)
        return {"taskId": task_id, "status": "declined", "duplicate": outcome.duplicate}

    def release(self, worker: WorkerIdentity, task_id: str) -> dict[str, Any]:
        """Give the task back to the pool; not counted as a decline."""
        with self.res.db.transaction() as s:
            outcome = repo_tasks.release_task(s, task_id, worker.id, now=self.res.clock())
        return {"taskId": task_id, "status": "released", "duplicate": outcome.duplicate}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
