"""``opentruth logs tail JOB`` and ``opentruth metrics JOB``: what a job wrote to CloudWatch.

A job logs to the group ``/aws/sagemaker/LabelingJobs``, on the stream named after the job, and
puts metrics with the dimension ``LabelingJobName``, both through its role. A role without the
CloudWatch statements still runs its job; then there is nothing here, and the server's own log
says why.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opentruth.cli.common import DataOption, DbOption, StoreOption
from opentruth.cli.context import open_runtime

if TYPE_CHECKING:
    from opentruth.cloud.logs import StoredLogEvent
    from opentruth.runtime import Runtime

app = typer.Typer(help="Read a labeling job's CloudWatch log stream.", no_args_is_help=True)


def _job_name(runtime: Runtime, name: str) -> str:
    """The job's name as created (names match in any case, the stream keeps the original)."""
    found: str = runtime.jobs.describe(name)["LabelingJobName"]
    return found


def format_event(event: StoredLogEvent) -> str:
    """``<ISO-8601 UTC time> <message>``, one line per event."""
    at = datetime.fromtimestamp(event.timestamp / 1000, UTC)
    return f"{at.isoformat(timespec='milliseconds').replace('+00:00', 'Z')} {event.message}"


@app.command("tail")
def tail(
    job: Annotated[str, typer.Argument(metavar="NAME", help="The labeling job's name.")],
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events until Ctrl-C.")
    ] = False,
    interval: Annotated[
        float,
        typer.Option("--interval", metavar="SECONDS", min=0.1, help="Seconds between polls with --follow."),
    ] = 1.0,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Print the job's log events, oldest first; with --follow, keep printing new ones."""
    from opentruth.cloud.db_telemetry import DatabaseLogStore
    from opentruth.labeling.joblog import LOG_GROUP

    with open_runtime(data, db, store) as runtime:
        stream = _job_name(runtime, job)
        logs = DatabaseLogStore(runtime.db, runtime.settings.account)
        last_id: int | None = None
        try:
            while True:
                # Continue after the last event shown (by id), so no event prints twice or is
                # skipped when several arrive within one millisecond; page until none is left.
                while events := logs.get_log_events(LOG_GROUP, stream, after_id=last_id):
                    for event in events:
                        typer.echo(format_event(event))
                        last_id = max(last_id or 0, int(event.event_id))
                if not follow:
                    if last_id is None:
                        typer.echo(f"no log events for labeling job {stream} yet", err=True)
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return  # Ctrl-C ends --follow; that is the normal way out


def metrics(
    job: Annotated[str, typer.Argument(metavar="NAME", help="The labeling job's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Show the job's metrics: every metric with the job's dimension, its count, sum and latest value."""
    rows: list[dict[str, Any]] = []
    with open_runtime(data, db, store) as runtime:
        name = _job_name(runtime, job)
        metric_store = runtime.res.metrics
        for metric in metric_store.list_metrics(dimensions={"LabelingJobName": name}):
            points = metric_store.get_datapoints(metric.namespace, metric.name, dict(metric.dimensions))
            if not points:
                continue
            latest = max(points, key=lambda p: p.timestamp)
            rows.append(
                {
                    "Namespace": metric.namespace,
                    "MetricName": metric.name,
                    "Dimensions": {k: v for k, v in metric.dimensions if k != "LabelingJobName"},
                    "SampleCount": len(points),
                    "Sum": sum(p.value for p in points),
                    "Latest": latest.value,
                    "LatestTimestamp": latest.timestamp.isoformat(),
                    "Unit": latest.unit,
                }
            )
    if as_json:
        typer.echo(json.dumps(rows, indent=4))
        return
    if not rows:
        typer.echo(f"no metrics for labeling job {name} yet")
        return
    from rich.table import Table

    from opentruth.cli.console import make_console

    table = Table(title=f"Metrics of labeling job {name}")
    for column in ("Namespace", "Metric", "Dimensions", "Samples", "Sum", "Latest", "Last put", "Unit"):
        numeric = column in ("Samples", "Sum", "Latest")
        table.add_column(column, overflow="fold", justify="right" if numeric else "left")
    for r in rows:
        dims = ", ".join(f"{k}={v}" for k, v in r["Dimensions"].items())
        table.add_row(
            r["Namespace"],
            r["MetricName"],
            dims,
            str(r["SampleCount"]),
            f"{r['Sum']:g}",
            f"{r['Latest']:g}",
            r["LatestTimestamp"],
            r["Unit"],
        )
    make_console().print(table)
