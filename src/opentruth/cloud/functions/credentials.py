"""A function's role: the temporary credentials a handler runs with, as Lambda gives them.

At invocation Lambda assumes the function's execution role as ``lambda.amazonaws.com``, and the
handler finds the session's keys in ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/
``AWS_SESSION_TOKEN``. :class:`FunctionCredentials` does the same with opentruth's own STS
machinery, not a second one:

- the trust check is :meth:`opentruth.iam.roles.Role.trust_allows`, the request that
  ``opentruth role check`` makes for SageMaker, here for Lambda with ``aws:SourceAccount`` (the
  function's account) and ``aws:SourceArn`` (the function's ARN), so a trust policy scoped to
  one function works;
- the session is :func:`opentruth.db.repo_iam.create_session`, the one AssumeRole uses, named
  after the function: its principal is ``arn:aws:sts::<account>:assumed-role/<role>/<function>``
  and every call the handler signs with it is decided by the role's identity policies and its
  boundary, with ``aws:PrincipalArn`` the role (:meth:`opentruth.db.repo_iam.Caller.context`).

A session is cached per (role, function) and reused while it outlives the function's
``Timeout`` by a margin, so a handler never holds keys that expire mid-call, and a warm
invocation pays a dictionary look-up instead of a trust evaluation and a database write. The
role is part of the key, so UpdateFunctionConfiguration's new role takes effect at the next
invocation. Like Lambda's, a cached session is not revoked when the trust policy changes later;
its policies, on the other hand, are read at each call the handler makes.

The secrets live only in this cache and in the handler's environment: never in the server's
``os.environ``, never in a log line (``TemporaryCredentials`` hides them from ``repr``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from opentruth.cloud.functions.model import FunctionInfo
from opentruth.db import repo_iam, repo_iam_roles
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_iam import TemporaryCredentials
from opentruth.db.repo_iam_common import NoSuchEntityError
from opentruth.db.types import utcnow
from opentruth.errors import ValidationError
from opentruth.iam import Evaluator
from opentruth.iam.arn import parse_arn

__all__ = ["LAMBDA_PRINCIPAL", "FunctionCredentials", "FunctionRoleError"]

#: The service principal that assumes a function's execution role.
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
#: AssumeRole's default duration; every role allows it (MaxSessionDuration is 1 to 12 hours).
SESSION_SECONDS = 3600
#: A cached session is reused only while it outlives the function's Timeout by this much.
MARGIN_SECONDS = 60


class FunctionRoleError(ValidationError):
    """Lambda cannot assume the function's role (missing, or its trust policy does not allow
    ``lambda.amazonaws.com``); the invocation fails before the handler runs."""

    aws_code = "InvalidParameterValueException"

    def __init__(self, role: str, why: str) -> None:
        # Lambda's own words, then why, so that an operator can fix the trust policy.
        super().__init__(f"The role defined for the function cannot be assumed by Lambda. ({role}: {why})")


class FunctionCredentials:
    """Temporary credentials of functions' roles, issued by STS and cached. Thread-safe."""

    def __init__(
        self,
        db: Database,
        box: SecretBox,
        *,
        evaluator: Evaluator | None = None,
        clock: Callable[[], datetime] = utcnow,
        session_seconds: int = SESSION_SECONDS,
    ) -> None:
        self.db = db
        self.box = box
        self.evaluator = evaluator or Evaluator()
        self.clock = clock
        self.session_seconds = session_seconds
        self._cache: dict[tuple[str, str], TemporaryCredentials] = {}
        self._lock = threading.Lock()

    def for_function(self, info: FunctionInfo) -> TemporaryCredentials:
        """The role session ``info`` runs with; raises :class:`FunctionRoleError`."""
        if not info.role:
            raise FunctionRoleError("(none)", "the function has no Role")
        key = (info.role, info.arn)
        # The session must outlast the longest call that may start now (Timeout) plus a margin.
        need = timedelta(seconds=info.timeout + MARGIN_SECONDS)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and cached.expires_at - self.clock() > need:
            return cached
        creds = self._assume(info, max(self.session_seconds, info.timeout + 2 * MARGIN_SECONDS))
        with self._lock:
            self._cache[key] = creds
        return creds

    def forget(self, function_arn: str) -> None:
        """Drop the cached sessions of a function (it was deleted or its role changed)."""
        with self._lock:
            for key in [k for k in self._cache if k[1] == function_arn]:
                del self._cache[key]

    def _assume(self, info: FunctionInfo, seconds: int) -> TemporaryCredentials:
        assert info.role is not None
        arn = parse_arn(info.arn)
        account = arn.account if arn is not None else None
        now = self.clock()
        with self.db.transaction() as s:
            try:
                role = repo_iam_roles.get_role(s, info.role)
            except NoSuchEntityError:
                raise FunctionRoleError(info.role, "no such role") from None
            result = role.trust_allows(LAMBDA_PRINCIPAL, account, info.arn, self.evaluator)
            if not result.allowed:
                raise FunctionRoleError(
                    info.role, f"its trust policy does not allow {LAMBDA_PRINCIPAL} to sts:AssumeRole"
                )
            return repo_iam.create_session(
                s,
                self.box,
                role.arn,
                info.name,
                issued_to=LAMBDA_PRINCIPAL,
                duration_seconds=seconds,
                now=now,
            )
