"""What callers of functions share: the invoke authorisation of a job's role, and retries.

Ground Truth invokes a job's functions through the job's execution role
(``lambda:InvokeFunction``, with the function's own policy as the resource policy) and retries a
failed call as Lambda's asynchronous invocations do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opentruth.cloud.functions.model import FunctionInfo, FunctionStore, InvokeResult
from opentruth.cloud.session import RoleSession
from opentruth.db.repo_functions import function_arn
from opentruth.iam.evaluate import Result

__all__ = ["RetryPolicy", "authorize_invoke", "function_arn_of", "invoke_with_retries"]


def authorize_invoke(session: RoleSession, info: FunctionInfo) -> Result:
    """``lambda:InvokeFunction`` of a job's role session on the function, with the function's
    policy as the resource policy (raises :class:`RoleAccessDeniedError` on a denial)."""
    return session.authorize("lambda:InvokeFunction", info.arn, resource_policy=info.resource_policy())


@dataclass(frozen=True)
class RetryPolicy:
    """Lambda's asynchronous retry rule, which Ground Truth's calls follow: two retries with
    exponential back-off (``base_delay``, then twice that)."""

    attempts: int = 3
    base_delay: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """The pause after failed attempt ``attempt`` (1-based)."""
        return float(self.base_delay * 2.0 ** (attempt - 1))


def invoke_with_retries(
    store: FunctionStore,
    name: str,
    event: Any,
    retry: RetryPolicy,
    *,
    on_error: Callable[[int, InvokeResult], None] | None = None,
    check: Callable[[InvokeResult], str | None] | None = None,
) -> InvokeResult:
    """Invoke until one attempt succeeds or ``retry.attempts`` have failed; return the last.

    ``check`` may reject a successful reply (return a reason), which counts as a failure;
    ``on_error(attempt, result)`` is told of each failed attempt (for the job log).
    """
    result = InvokeResult(
        function_arn=name, payload=None, error={"errorType": "NotInvoked", "errorMessage": ""}
    )
    for attempt in range(1, retry.attempts + 1):
        result = store.invoke(name, event)
        if result.ok and check is not None:
            problem = check(result)
            if problem is not None:
                result = InvokeResult(
                    result.function_arn,
                    result.payload,
                    {"errorType": "InvalidResponse", "errorMessage": problem},
                    result.log,
                    result.duration_ms,
                )
        if result.ok:
            return result
        if on_error is not None:
            on_error(attempt, result)
        if attempt < retry.attempts:
            retry.sleep(retry.delay(attempt))
    return result


def function_arn_of(region: str, account: str, name: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>`` (re-exported for callers)."""
    return function_arn(region, account, name)
