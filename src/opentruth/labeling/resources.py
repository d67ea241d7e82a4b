"""What a labeling job touches, assembled once per process.

Every side effect of a job goes through its execution role: :meth:`Resources.session` assumes
the role as ``sagemaker.amazonaws.com`` (the trust policy must allow it) and
:meth:`Resources.job_store` wraps the object store so that each call is authorised first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.functions import FunctionStore
from opentruth.cloud.keys import KeyManager
from opentruth.cloud.logs import LogStore
from opentruth.cloud.metrics import MetricStore
from opentruth.cloud.objectstore import NoSuchKey, ObjectStore
from opentruth.cloud.session import RoleSession
from opentruth.db.engine import Database
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role


class RoleDirectory(Protocol):
    """Looks up an execution role by ARN (raises :class:`opentruth.errors.NotFoundError`)."""

    def get_role(self, role_arn: str) -> Role: ...


class InMemoryRoles:
    """A role directory held in memory (tests, and ``role check``-style tools)."""

    def __init__(self, *roles: Role) -> None:
        self._roles = {r.arn: r for r in roles}

    def add(self, role: Role) -> None:
        self._roles[role.arn] = role

    def get_role(self, role_arn: str) -> Role:
        from opentruth.errors import NotFoundError

        try:
            return self._roles[role_arn]
        except KeyError:
            raise NotFoundError(
                f"Role {role_arn} does not exist; create it first (opentruth iam create-role)"
            ) from None


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Resources:
    """The process-wide resources of the labeling engine."""

    db: Database
    store: ObjectStore
    logs: LogStore
    metrics: MetricStore
    roles: RoleDirectory
    evaluator: Evaluator = field(default_factory=Evaluator)
    account: str = "000000000000"
    region: str = "us-east-1"
    #: The worker portal's base URL: the ``issuer`` of worker identities.
    portal_url: str = "http://127.0.0.1:8080"
    clock: Callable[[], datetime] = _now
    #: Functions (Lambda) that custom workflows invoke; None: custom jobs with functions fail.
    functions: FunctionStore | None = None
    #: KMS (SSE-KMS of job output, job volumes); None: jobs naming a KMS key fail.
    keys: KeyManager | None = None
    #: Where jobs keep their own working files (``DATA/jobs``); None: no volume cache.
    work_dir: Path | None = None
    _sessions: dict[tuple[str, str], RoleSession] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def session(self, role_arn: str, job_arn: str) -> RoleSession:
        """The job's assumed session of its role (cached; the trust policy is checked once).

        Raises :class:`opentruth.cloud.session.RoleAccessDeniedError` when the trust policy does
        not let SageMaker assume the role for this job.
        """
        key = (role_arn, job_arn)
        with self._lock:
            found = self._sessions.get(key)
        if found is not None:
            return found
        role = self.roles.get_role(role_arn)
        session = RoleSession(
            role, account=self.account, region=self.region, evaluator=self.evaluator, clock=self.clock
        )
        session.assume(job_arn)
        with self._lock:
            self._sessions[key] = session
        return session

    def forget_sessions(self) -> None:
        """Drop cached sessions (after a role's policies change)."""
        with self._lock:
            self._sessions.clear()

    def job_store(self, session: RoleSession, *, kms_key: str | None = None) -> AuthorizedObjectStore:
        """The object store as the job's session sees it: every call authorised first.

        ``kms_key`` (the job's ``OutputConfig.KmsKeyId``) encrypts every write with SSE-KMS.
        """
        return AuthorizedObjectStore(self.store, session, keys=self.keys, default_kms_key=kms_key)

    def free_stamp(self, uri_at: Callable[[datetime], str], at: datetime) -> datetime:
        """The first second from ``at`` on whose file ``uri_at(second)`` is not stored yet.

        Ground Truth names a consolidation request and response by the second, and a second
        batch in the same second must not overwrite the first one's. The check is the
        service's own (the store unauthorised, as it reads its own bookkeeping): it writes
        nothing, and the job's write of the file is authorised as usual.
        """
        for bump in range(3600):
            when = at + timedelta(seconds=bump)
            bucket, _, key = uri_at(when).removeprefix("s3://").partition("/")
            try:
                self.store.head_object(bucket, key)
            except NoSuchKey:
                return when
        return at
