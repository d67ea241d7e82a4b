"""The job's CloudWatch log stream and metrics, written through its role.

Ground Truth writes to the log group ``/aws/sagemaker/LabelingJobs`` (one stream per job) and
puts metrics with the job's role. Both are *advisory*: a role without the CloudWatch statements
still runs its job, and the denial lands in the service's own log instead (as on AWS).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from opentruth.cloud.advisory import advisory
from opentruth.cloud.logs import LogEvent, LogResourceAlreadyExists, log_group_arn, log_stream_arn
from opentruth.cloud.metrics import MetricDatum
from opentruth.cloud.session import RoleSession
from opentruth.labeling.resources import Resources

LOG_GROUP = "/aws/sagemaker/LabelingJobs"
#: Ground Truth's job metrics namespace (third-party lists spell it with a lower-case "m").
JOB_NAMESPACE = "AWS/Sagemaker/LabelingJobs"
#: Worker metrics (DG workteam-private-tracking).
WORKTEAM_NAMESPACE = "AWS/SageMaker/Workteam"

logger = logging.getLogger("opentruth.jobs")


class JobLog:
    """Writes one job's log events and metrics through its role's session."""

    def __init__(self, res: Resources, session: RoleSession, job_name: str) -> None:
        self.res = res
        self.session = session
        self.job_name = job_name
        self._stream_ready = False

    def _ensure_stream(self) -> bool:
        if self._stream_ready:
            return True
        logs = self.res.logs

        def group() -> bool:
            with contextlib.suppress(LogResourceAlreadyExists):
                logs.create_log_group(LOG_GROUP)
            return True

        def stream() -> bool:
            with contextlib.suppress(LogResourceAlreadyExists):
                logs.create_log_stream(LOG_GROUP, self.job_name)
            return True

        group_arn = log_group_arn(self.res.region, self.res.account, LOG_GROUP)
        stream_arn = log_stream_arn(self.res.region, self.res.account, LOG_GROUP, self.job_name)
        made = advisory(self.session, "logs:CreateLogGroup", group_arn, group)
        made = made and advisory(self.session, "logs:CreateLogStream", stream_arn, stream)
        self._stream_ready = bool(made)
        return self._stream_ready

    def event(self, event: str, **fields: Any) -> None:
        """Log one structured event (JSON) on the job's stream, if the role may."""
        message = json.dumps({"event": event, "labelingJobName": self.job_name, **fields}, default=str)
        logger.info("%s %s", self.job_name, message)
        if not self._ensure_stream():
            return
        stream_arn = log_stream_arn(self.res.region, self.res.account, LOG_GROUP, self.job_name)
        ts = int(self.res.clock().timestamp() * 1000)
        advisory(
            self.session,
            "logs:PutLogEvents",
            stream_arn,
            lambda: self.res.logs.put_log_events(LOG_GROUP, self.job_name, [LogEvent(ts, message)]),
        )

    def metrics(self, values: Mapping[str, float], namespace: str = JOB_NAMESPACE, **dimensions: str) -> None:
        """Put metric values with the ``LabelingJobName`` dimension (and any others)."""
        dims = {"LabelingJobName": self.job_name, **dimensions}
        now = self.res.clock()
        data = [MetricDatum(name, float(v), "Count", dims, now) for name, v in values.items()]
        advisory(
            self.session,
            "cloudwatch:PutMetricData",
            "*",
            lambda: self.res.metrics.put_metric_data(namespace, data),
        )
