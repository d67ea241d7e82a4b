"""The job's CloudWatch log stream and metrics, written through its role.

Ground Truth writes to the log group ``/aws/sagemaker/LabelingJobs`` (one stream per job) and
puts metrics with the job's role. Both are *advisory*: a role without the CloudWatch statements
still runs its job, and the denial lands in the service's own log instead (as on AWS).

Every advisory denial of the job's role (a metric put, a log group it may not create) is also
written to the job's own stream as an ``AccessDenied`` event while the role can still write
there; when it cannot (no ``logs:CreateLogStream`` or ``logs:PutLogEvents``), the service's log
(logger ``opentruth.jobs``) says so, naming the job and the denied action.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from opentruth.cloud.advisory import ADVISORY_LOG, AdvisoryDenial
from opentruth.cloud.logs import (
    LogEvent,
    LogResourceAlreadyExists,
    LogResourceNotFound,
    log_group_arn,
    log_stream_arn,
)
from opentruth.cloud.metrics import MetricDatum
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.iam.patterns import ContextValue
from opentruth.labeling.resources import Resources

LOG_GROUP = "/aws/sagemaker/LabelingJobs"
#: Ground Truth's job metrics namespace (third-party lists spell it with a lower-case "m").
JOB_NAMESPACE = "AWS/Sagemaker/LabelingJobs"
#: Worker metrics (DG workteam-private-tracking).
WORKTEAM_NAMESPACE = "AWS/SageMaker/Workteam"

logger = logging.getLogger("opentruth.jobs")

#: The actions the job's stream needs: when one is denied, nothing more can be written there.
_STREAM_ACTIONS = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})


def denial_fields(exc: RoleAccessDeniedError, *, advisory: bool = False) -> dict[str, Any]:
    """What the job log records of a denial: the action, the resource, and the deciding
    statements (``deniedBy``) or the policy layers that had no allow (``missing``)."""
    result = exc.result
    out: dict[str, Any] = {
        "action": exc.action,
        "resource": exc.resource,
        "decision": str(result.decision),
        "explanation": result.explanation,
    }
    if result.denied_by:
        out["deniedBy"] = [str(r) for r in result.denied_by]
    if result.missing:
        out["missing"] = list(result.missing)
    if advisory:
        out["advisory"] = True  # the job went on without it
    return out


class JobLog:
    """Writes one job's log events and metrics through its role's session."""

    def __init__(self, res: Resources, session: RoleSession, job_name: str) -> None:
        self.res = res
        self.session = session
        self.job_name = job_name
        self._stream_ready: bool | None = None  # None: not tried yet by this instance
        self._pending: list[RoleAccessDeniedError] = []
        self._reported: set[tuple[str, str]] = set()

    def _advise(
        self,
        action: str,
        resource: str,
        fn: Callable[[], object],
        *,
        context: Mapping[str, ContextValue] | None = None,
    ) -> bool:
        """Authorise an advisory request and run it; on a denial record it and return False."""
        try:
            self.session.authorize(action, resource, context=context)
        except RoleAccessDeniedError as exc:
            ADVISORY_LOG.record(
                AdvisoryDenial(
                    datetime.now(UTC), exc.principal, exc.action, exc.resource, exc.message,
                    exc.result.explanation,
                )
            )  # fmt: skip
            logger.warning(
                "labeling job %s: advisory request skipped: %s (%s)%s",
                self.job_name,
                exc.message,
                exc.result.explanation,
                "; the job's log events are written to this log only" if action in _STREAM_ACTIONS else "",
            )
            if action not in _STREAM_ACTIONS and (action, resource) not in self._reported:
                self._reported.add((action, resource))
                self._pending.append(exc)
            return False
        fn()
        return True

    def _ensure_stream(self) -> bool:
        if self._stream_ready is not None:
            return self._stream_ready
        logs = self.res.logs

        def group() -> None:
            with contextlib.suppress(LogResourceAlreadyExists):
                logs.create_log_group(LOG_GROUP)

        def stream() -> None:
            with contextlib.suppress(LogResourceAlreadyExists):
                logs.create_log_stream(LOG_GROUP, self.job_name)

        group_arn = log_group_arn(self.res.region, self.res.account, LOG_GROUP)
        stream_arn = log_stream_arn(self.res.region, self.res.account, LOG_GROUP, self.job_name)
        # The group may exist already: a role allowed only CreateLogStream still logs (its
        # CreateLogGroup denial is then recorded on the stream itself).
        self._advise("logs:CreateLogGroup", group_arn, group)
        try:
            self._stream_ready = self._advise("logs:CreateLogStream", stream_arn, stream)
        except LogResourceNotFound:  # the group does not exist and could not be created
            logger.warning(
                "labeling job %s: no log group %s; the job's log events are written to this log only",
                self.job_name,
                LOG_GROUP,
            )
            self._stream_ready = False
        return self._stream_ready

    def _write(self, message: str) -> bool:
        logger.info("%s %s", self.job_name, message)
        if not self._ensure_stream():
            return False
        stream_arn = log_stream_arn(self.res.region, self.res.account, LOG_GROUP, self.job_name)
        ts = int(self.res.clock().timestamp() * 1000)
        return self._advise(
            "logs:PutLogEvents",
            stream_arn,
            lambda: self.res.logs.put_log_events(LOG_GROUP, self.job_name, [LogEvent(ts, message)]),
        )

    def _message(self, event: str, fields: Mapping[str, Any]) -> str:
        return json.dumps({"event": event, "labelingJobName": self.job_name, **fields}, default=str)

    def _flush_denials(self) -> None:
        while self._pending:
            exc = self._pending.pop(0)
            self._write(self._message("AccessDenied", {"accessDenied": denial_fields(exc, advisory=True)}))

    def event(self, event: str, **fields: Any) -> None:
        """Log one structured event (JSON) on the job's stream, if the role may."""
        self._write(self._message(event, fields))
        self._flush_denials()

    def denied(self, exc: RoleAccessDeniedError, *, advisory: bool = False, **fields: Any) -> None:
        """Log an ``AccessDenied`` event: the action, the resource and the deciding statement."""
        self.event("AccessDenied", accessDenied=denial_fields(exc, advisory=advisory), **fields)

    def put_metric_data(self, namespace: str, data: Sequence[MetricDatum]) -> bool:
        """Put data points in one request (``cloudwatch:PutMetricData`` with the
        ``cloudwatch:namespace`` key); False when the role may not."""
        if not data:
            return True
        done = self._advise(
            "cloudwatch:PutMetricData",
            "*",
            lambda: self.res.metrics.put_metric_data(namespace, data),
            context={"cloudwatch:namespace": namespace},
        )
        self._flush_denials()
        return done

    def metrics(
        self,
        values: Mapping[str, float],
        namespace: str = JOB_NAMESPACE,
        *,
        unit: str = "Count",
        **dimensions: str,
    ) -> None:
        """Put metric values with the ``LabelingJobName`` dimension (and any others)."""
        dims = {"LabelingJobName": self.job_name, **dimensions}
        now = self.res.clock()
        self.put_metric_data(
            namespace, [MetricDatum(name, float(v), unit, dims, now) for name, v in values.items()]
        )
