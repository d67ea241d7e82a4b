"""The role session a labeling job acts through.

SageMaker assumes the job's execution role as ``sagemaker.amazonaws.com`` under the session
name ``SageMaker``; every later request of the job is made by the session
``arn:aws:sts::<account>:assumed-role/<RoleName>/SageMaker`` and decided by the role's
identity policies, its permissions boundary, and the resource's own policy (a bucket policy).

:class:`RoleSession` does both steps with the IAM engine:

- :meth:`RoleSession.assume` checks ``sts:AssumeRole`` against the role's trust policy, with the
  confused-deputy keys ``aws:SourceAccount`` and ``aws:SourceArn`` that SageMaker sets;
- :meth:`RoleSession.authorize` decides one request and raises :class:`RoleAccessDeniedError`
  on a denial, whose message is AWS's (``User: <session> is not authorized to perform: <action>
  on resource: <arn>``) and which keeps the engine's :class:`Result` for explanations.

The request context comes from :func:`opentruth.iam.context.job_context`, the one builder that
``opentruth role check`` uses too, so a role that passes the check passes at run time with
exactly the same keys. Nothing else is added: the engine never invents keys.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from opentruth.errors import AccessDeniedError, OpenTruthError
from opentruth.iam import Evaluator, NamedPolicy, Policy, PolicySet, Request, Result
from opentruth.iam.context import SESSION_NAME, job_context, session_arn
from opentruth.iam.patterns import ContextValue
from opentruth.iam.roles import TRUST_POLICY_NAME

#: The service principal that assumes a labeling job's execution role.
SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"


class RoleLike(Protocol):
    """What a session needs from a role (:class:`opentruth.iam.roles.Role` fits)."""

    @property
    def arn(self) -> str: ...

    @property
    def policy_set(self) -> PolicySet:
        """The identity policies and the permissions boundary (no resource policy)."""
        ...

    @property
    def trust_policy(self) -> Policy: ...


class RoleAccessDeniedError(AccessDeniedError):
    """The IAM engine denied a request of a role session.

    ``result`` is the engine's decision with the deciding statements (or the layers that had no
    allow). ``failure_reason`` is what a job reports as its ``FailureReason``.
    """

    def __init__(self, principal: str, action: str, resource: str, result: Result) -> None:
        super().__init__(principal, action, resource)
        self.result = result

    @property
    def failure_reason(self) -> str:
        """``ClientError: User: ... is not authorized to perform: ... on resource: ...``."""
        return f"ClientError: {self.message}"


class SessionNotAssumedError(OpenTruthError):
    """A request was made through a session whose role has not been assumed yet."""


@dataclass(frozen=True, slots=True)
class DecisionCounts:
    """How many requests a session had allowed and denied, in all and per action."""

    allowed: int
    denied: int
    by_action: Mapping[tuple[str, str], int]  # (action, "Allowed" | "ExplicitlyDenied" | ...)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class RoleSession:
    """A labeling job's session of its execution role. Thread-safe."""

    def __init__(
        self,
        role: RoleLike,
        *,
        account: str,
        region: str,
        evaluator: Evaluator,
        clock: Callable[[], datetime] = _utcnow,
        session_name: str = SESSION_NAME,
    ) -> None:
        """``account`` and ``region`` are the job's (``aws:SourceAccount``, ARNs it builds);
        ``clock`` gives ``aws:CurrentTime``/``aws:EpochTime`` (injectable for tests)."""
        self.role = role
        self.account = account
        self.region = region
        self.evaluator = evaluator
        self.session_name = session_name
        self.arn = session_arn(role.arn, session_name)
        self._clock = clock
        self._assumed = False
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    @property
    def role_arn(self) -> str:
        return self.role.arn

    @property
    def assumed(self) -> bool:
        return self._assumed

    # ---------------------------------------------------------------- assume

    def assume(self, source_arn: str) -> RoleSession:
        """Assume the role as SageMaker on behalf of ``source_arn`` (the labeling job's ARN).

        Raises :class:`RoleAccessDeniedError` (principal ``sagemaker.amazonaws.com``, action
        ``sts:AssumeRole``, resource the role ARN) unless the trust policy allows it.
        """
        # The same request as `Role.trust_allows`, used by `role check`: the service principal
        # and the two confused-deputy keys that SageMaker sets.
        context = {"aws:SourceAccount": self.account, "aws:SourceArn": source_arn}
        request = Request(SAGEMAKER_PRINCIPAL, "sts:AssumeRole", self.role.arn, context)
        policies = PolicySet(resource=NamedPolicy(TRUST_POLICY_NAME, self.role.trust_policy))
        result = self.evaluator.evaluate(policies, request)
        self._count("sts:AssumeRole", result)
        if not result.allowed:
            raise RoleAccessDeniedError(SAGEMAKER_PRINCIPAL, "sts:AssumeRole", self.role.arn, result)
        self._assumed = True
        return self

    # ---------------------------------------------------------------- authorize

    def context(
        self,
        extra: Mapping[str, ContextValue] | None = None,
        *,
        object_tags: Mapping[str, str] | None = None,
    ) -> dict[str, ContextValue]:
        """The request context: the session's common keys plus the call's own.

        Common keys: ``aws:SecureTransport``, ``aws:CurrentTime``, ``aws:EpochTime``,
        ``aws:PrincipalArn`` (the role ARN, as AWS sets it for role sessions),
        ``aws:PrincipalAccount`` and ``aws:userid``; ``object_tags`` become
        ``s3:ExistingObjectTag/<key>``.
        """
        return job_context(
            self.role.arn,
            now=self._clock(),
            session_name=self.session_name,
            object_tags=object_tags,
            extra=extra,
        )

    def evaluate(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        object_tags: Mapping[str, str] | None = None,
        resource_policy: NamedPolicy | Policy | None = None,
        resource_account: str | None = None,
    ) -> Result:
        """Decide one request of this session (counted), without raising on a denial."""
        if not self._assumed:
            raise SessionNotAssumedError(
                f"the session of role {self.role.arn} has not been assumed; call assume() first"
            )
        base = self.role.policy_set
        if isinstance(resource_policy, Policy):
            resource_policy = NamedPolicy(resource_policy.name, resource_policy)
        policies = PolicySet(
            identity=base.identity, resource=resource_policy, boundary=base.boundary, session=base.session
        )
        request = Request(
            principal=self.arn,
            action=action,
            resource=resource,
            context=self.context(context, object_tags=object_tags),
            resource_account=resource_account,
        )
        result = self.evaluator.evaluate(policies, request)
        self._count(action, result)
        return result

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        object_tags: Mapping[str, str] | None = None,
        resource_policy: NamedPolicy | Policy | None = None,
        resource_account: str | None = None,
    ) -> Result:
        """Decide one request; raise :class:`RoleAccessDeniedError` unless it is allowed.

        ``context`` holds the call's own keys (``s3:prefix``...), ``object_tags`` the tags of
        the existing object for object-level reads, ``resource_policy`` the resource's policy
        (a bucket policy) and ``resource_account`` the account owning the resource where its
        ARN has none (S3).
        """
        result = self.evaluate(
            action,
            resource,
            context=context,
            object_tags=object_tags,
            resource_policy=resource_policy,
            resource_account=resource_account,
        )
        if not result.allowed:
            raise RoleAccessDeniedError(self.arn, action, resource, result)
        return result

    # ---------------------------------------------------------------- counts

    def _count(self, action: str, result: Result) -> None:
        with self._lock:
            self._counts[(action, str(result.decision))] += 1

    def counts(self) -> DecisionCounts:
        """A snapshot of the decisions made so far (for the job's metrics)."""
        with self._lock:
            by_action = dict(self._counts)
        allowed = sum(n for (_, d), n in by_action.items() if d == "Allowed")
        return DecisionCounts(allowed, sum(by_action.values()) - allowed, by_action)
