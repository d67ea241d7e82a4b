"""What an AWS API handler gets: the server's resources and one authenticated call.

:class:`ApiResources` holds what every handler shares (database, root key box, account, region,
IAM evaluator, clock). :class:`AwsCall` is one request after SigV4 verification: who signed it
(:class:`~opentruth.db.repo_iam.Caller`), for which service and operation, its body, and
:meth:`AwsCall.authorize`, which evaluates the caller's policies with the request's context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from starlette.requests import Request

from opentruth.api import table_writes
from opentruth.api.authz import authorize, request_context, require_pass_role
from opentruth.api.key_use import KeyUse
from opentruth.api.sigv4 import SignedRequest, signing_key
from opentruth.api.sigv4_chunked import ChunkedDecoder
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from opentruth.db.models_iam import IamState
from opentruth.db.repo_iam import Caller, generation, principal_for_access_key
from opentruth.db.types import utcnow
from opentruth.iam.evaluate import Evaluator, NamedPolicy, Result
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy


@dataclass
class ApiResources:
    """Everything the AWS endpoint's handlers share. ``clock`` is injectable for tests."""

    db: Database
    box: SecretBox
    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION
    evaluator: Evaluator = field(default_factory=Evaluator)
    clock: Callable[[], datetime] = utcnow
    #: Bodies of non-S3 requests are read whole; AWS caps most JSON/query requests far lower.
    max_body: int = 16 * 1024 * 1024
    callers: CallerCache = field(default_factory=lambda: CallerCache())
    #: Records when each access key last signed a request (GetAccessKeyLastUsed).
    key_use: KeyUse = field(default_factory=KeyUse)
    #: Console passwords (login profiles); tests pass a cheap one.
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    #: Run the quick reads a service marks as such (DescribeLabelingJob…) on the event loop
    #: rather than in a worker thread. ``None``: when the database is SQLite, a local file whose
    #: readers never wait for writers (WAL); handing such a read to a thread costs more than the
    #: read, and the thread competes with the loop for the GIL. A network database keeps threads.
    inline_reads: bool | None = None

    def __post_init__(self) -> None:
        if self.inline_reads is None:
            self.inline_reads = self.db.dialect == "sqlite"

    @classmethod
    def open(cls, data_dir: str | Path, db_url: str | None = None, **kw: Any) -> ApiResources:
        """Resources for ``DATA`` (SQLite there unless ``db_url``), root key from ``DATA``/env."""
        return cls(db=Database.from_url(db_url, data_dir=data_dir), box=SecretBox.load(data_dir), **kw)


_IAM_STATE = IamState.__tablename__


class CallerCache:
    """Resolved callers by access key id, valid while the account's IAM generation is unchanged.

    Resolving a caller means reading its policies and opening its secret; doing that for every
    request would cost more than the request. Any IAM write bumps the generation (one row).

    The generation itself is not read on every request either (a database transaction, and a
    worker thread to run it in, cost more than the rest of a small request). It is trusted for
    ``ttl`` seconds after it was read, unless this process commits an IAM write in between
    (:mod:`opentruth.api.table_writes` counts those): a change made through this server applies to
    the next request, and a change made by another process (another server sharing the database,
    ``opentruth iam ...`` on the command line) within ``ttl``. AWS's own IAM is eventually
    consistent too, on a scale of seconds, so callers cannot rely on more.
    """

    def __init__(self, max_entries: int = 4096, *, ttl: float = 1.0) -> None:
        table_writes.install()
        self._entries: dict[str, tuple[int, Caller]] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self.ttl = ttl
        #: (generation, this process's iam_state writes when it was read, monotonic read time)
        self._generation: tuple[int, int, float] | None = None

    def _fresh_generation(self) -> int | None:
        seen = self._generation
        if (
            seen is None
            or seen[1] != table_writes.count(_IAM_STATE)
            or time.monotonic() - seen[2] >= self.ttl
        ):
            return None
        return seen[0]

    def cached(self, resources: ApiResources, key_id: str) -> Caller | None:
        """The caller of ``key_id`` when the cache can answer without the database, else ``None``.

        Cheap and non-blocking: the endpoint calls it on the event loop, and only on ``None``
        runs :meth:`resolve` in a worker thread.
        """
        gen = self._fresh_generation()
        if gen is None:
            return None
        hit = self._entries.get(key_id)
        if hit is None or hit[0] != gen:
            return None
        caller = hit[1]
        if caller.expires_at is not None and caller.expires_at <= resources.clock():
            return None  # resolve() reports the expiry
        return caller

    def resolve(self, resources: ApiResources, key_id: str) -> Caller:
        """The caller of ``key_id`` (raises the repo's unknown-key / expired-token errors)."""
        now = resources.clock()
        # Taken before the read: a write committed after this point changes the count, so a
        # generation read before that write is never trusted past it.
        writes = table_writes.count(_IAM_STATE)
        read_at = time.monotonic()
        with resources.db.read() as session:
            gen = self._fresh_generation()
            if gen is None:
                gen = generation(session, resources.account_id)
                self._generation = (gen, writes, read_at)
            with self._lock:
                hit = self._entries.get(key_id)
            if hit is not None and hit[0] == gen and (hit[1].expires_at is None or hit[1].expires_at > now):
                return hit[1]
            caller = principal_for_access_key(session, resources.box, key_id, now=now)
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key_id] = (gen, caller)
        return caller


@dataclass
class AwsCall:
    """One authenticated AWS API request."""

    request: Request
    resources: ApiResources
    service: str
    operation: str | None
    caller: Caller
    signed: SignedRequest
    request_id: str
    body: bytes | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return self.resources.account_id

    @property
    def region(self) -> str:
        return self.resources.region

    def context(self, extra: Mapping[str, ContextValue] | None = None) -> dict[str, ContextValue]:
        """The request's condition keys (``aws:SourceIp``, ``aws:SecureTransport``, time, principal)."""
        client = self.request.client
        ctx = request_context(
            self.caller,
            source_ip=client.host if client else None,
            # The scope's scheme is what request.url would parse out, without building a URL.
            secure=self.request.scope.get("scheme") == "https",
            now=self.resources.clock(),
        )
        if extra:
            ctx.update(extra)
        return ctx

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        extra: Mapping[str, ContextValue] | None = None,
        resource_policy: Policy | NamedPolicy | None = None,
        resource_account: str | None = None,
    ) -> Result:
        """:func:`opentruth.api.authz.authorize` with this request's context (plus ``extra`` keys)."""
        return authorize(
            self.caller,
            action,
            resource,
            context=self.context(extra),
            resource_policy=resource_policy,
            resource_account=resource_account,
            evaluator=self.resources.evaluator,
        )

    def require_pass_role(self, role_arn: str, service: str) -> Result:
        """``iam:PassRole`` of ``role_arn`` to ``service`` (``sagemaker.amazonaws.com``)."""
        return require_pass_role(
            self.caller, role_arn, service, context=self.context(), evaluator=self.resources.evaluator
        )

    def chunk_decoder(self, marker: str) -> ChunkedDecoder:
        """A verifying decoder for an S3 ``aws-chunked`` body (``marker``: x-amz-content-sha256)."""
        sr = self.signed
        key = signing_key(self.caller.secret, sr.day, sr.region, sr.service)
        return ChunkedDecoder.for_marker(
            marker, signing_key=key, amz_date=sr.amz_date, scope=sr.scope, seed=sr.signature
        )
