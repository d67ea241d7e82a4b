"""Advisory requests: logs and metrics that a job writes if its role allows, and skips if not.

AWS runs a labeling job whose role lacks CloudWatch permissions: the job's logs and metrics are
simply missing. opentruth does the same, but leaves a trace: each denied advisory request is
recorded in the *service's own* log (Python logging, logger ``opentruth.advisory``) and in an
in-process :class:`AdvisoryLog`, so an operator can see why a job has no logs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.iam.patterns import ContextValue

T = TypeVar("T")

logger = logging.getLogger("opentruth.advisory")


@dataclass(frozen=True, slots=True)
class AdvisoryDenial:
    """One advisory request that the role did not allow."""

    time: datetime
    principal: str
    action: str
    resource: str
    message: str
    explanation: str


class AdvisoryLog:
    """The most recent advisory denials of this process (bounded, thread-safe)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: list[AdvisoryDenial] = []
        self._max = max_entries
        self._lock = threading.Lock()

    def record(self, denial: AdvisoryDenial) -> None:
        with self._lock:
            self._entries.append(denial)
            if len(self._entries) > self._max:
                del self._entries[: len(self._entries) - self._max]

    def entries(self) -> list[AdvisoryDenial]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: The process-wide advisory log (the default of :func:`advisory`).
ADVISORY_LOG = AdvisoryLog()


def advisory(
    session: RoleSession,
    action: str,
    resource: str,
    fn: Callable[[], T],
    *,
    context: dict[str, ContextValue] | None = None,
    log: AdvisoryLog | None = None,
) -> T | None:
    """Authorise ``action`` on ``resource`` and run ``fn``; on a denial, record it and return
    ``None`` instead of raising (the job carries on, as it does on AWS)."""
    try:
        session.authorize(action, resource, context=context)
    except RoleAccessDeniedError as exc:
        denial = AdvisoryDenial(
            datetime.now(UTC), exc.principal, exc.action, exc.resource, exc.message, exc.result.explanation
        )
        (log or ADVISORY_LOG).record(denial)
        logger.warning("advisory request skipped: %s (%s)", exc.message, exc.result.explanation)
        return None
    return fn()
