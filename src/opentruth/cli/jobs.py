"""``opentruth jobs``: create, describe, list and stop labeling jobs.

The commands call the same services as the SageMaker API of ``opentruth serve`` and work on
the same data, so they can run next to a server. After ``create`` and ``stop`` the command runs
the pending background steps inline (the job's initialisation, or its stop), so that a job
made from the command line moves on without a server; ``--no-wait`` leaves them to the server.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opentruth.cli.common import DataOption, DbOption, StoreOption
from opentruth.cli.context import EXIT_FAILURE, EXIT_USAGE, fail, load_json_object, open_runtime

if TYPE_CHECKING:
    from opentruth.runtime import Runtime

app = typer.Typer(help="Create, describe, list and stop labeling jobs.", no_args_is_help=True)

STATUSES = ("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped")
_STATUS_STYLE = {
    "Initializing": "cyan",
    "InProgress": "blue",
    "Completed": "green",
    "Failed": "bold red",
    "Stopping": "yellow",
    "Stopped": "yellow",
}


def aws_json(document: Any) -> str:
    """JSON as the AWS CLI prints it: four-space indent, timestamps in ISO 8601."""

    def default(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    return json.dumps(document, indent=4, ensure_ascii=False, default=default)


def _styled(status: str) -> str:
    return f"[{_STATUS_STYLE.get(status, '')}]{status}[/]"


def run_steps(runtime: Runtime, what: str) -> None:
    """Run the due background steps inline, behind a spinner on stderr."""
    from opentruth.cli.console import make_console

    with make_console(stderr=True).status(what):
        runtime.runner.run_pending()


def _report_status(runtime: Runtime, name: str) -> str:
    job = runtime.jobs.describe(name)
    status: str = job["LabelingJobStatus"]
    typer.echo(f"status: {status}")
    if job.get("FailureReason"):
        typer.echo(f"failure reason: {job['FailureReason']}")
    return status


@app.command("create")
def create(
    request: Annotated[
        Path,
        typer.Option(
            "--request",
            metavar="FILE",
            help="The CreateLabelingJob request (boto3 create_labeling_job JSON).",
        ),
    ],
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Only create the job; leave its initialisation to the server.")
    ] = False,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Create a labeling job and print its ARN; then initialise it and print its status.

    Exits 1 if the job fails while initialising (the reason is printed), 2 if the request is
    not valid.
    """
    with open_runtime(data, db, store) as runtime:
        document = load_json_object(request, "request")
        arn = runtime.jobs.create(document)
        typer.echo(arn)
        if no_wait:
            return
        name = arn.rsplit("/", 1)[1]
        run_steps(runtime, f"initialising labeling job {name}")
        status = _report_status(runtime, name)
    if status == "Failed":
        raise typer.Exit(EXIT_FAILURE)


@app.command("describe")
def describe(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The labeling job's name.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the DescribeLabelingJob response, as the AWS CLI does.")
    ] = False,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Show a labeling job: its status, counters, failure reason and output."""
    with open_runtime(data, db, store) as runtime:
        job = runtime.jobs.describe(name)
    if as_json:
        typer.echo(aws_json(job))
    else:
        _print_job(job)


def _print_job(job: dict[str, Any]) -> None:
    from rich.table import Table

    from opentruth.cli.console import make_console

    console = make_console()
    human = job.get("HumanTaskConfig", {})
    source = job.get("InputConfig", {}).get("DataSource", {})
    manifest = source.get("S3DataSource", {}).get("ManifestS3Uri") or "(streaming: SNS input topic)"
    rows: list[tuple[str, str]] = [
        ("Name", job["LabelingJobName"]),
        ("ARN", job["LabelingJobArn"]),
        ("Status", _styled(job["LabelingJobStatus"])),
        ("Created", job["CreationTime"].isoformat()),
        ("Last modified", job["LastModifiedTime"].isoformat()),
        ("Task", human.get("TaskTitle", "")),
        ("Workteam", human.get("WorkteamArn", "")),
        ("Workers per object", str(human.get("NumberOfHumanWorkersPerDataObject", ""))),
        ("Role", job.get("RoleArn", "")),
        ("Input manifest", manifest),
        ("Output path", job.get("OutputConfig", {}).get("S3OutputPath", "")),
    ]
    if job.get("FailureReason"):
        rows.append(("Failure reason", f"[red]{job['FailureReason']}[/]"))
    output = job.get("LabelingJobOutput", {}).get("OutputDatasetS3Uri")
    rows.append(("Output manifest", output or "(written when the job completes or stops)"))
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column(overflow="fold")
    for key, value in rows:
        info.add_row(key, value)
    console.print(info)
    names = ("TotalLabeled", "HumanLabeled", "MachineLabeled", "FailedNonRetryableError", "Unlabeled")
    counters = Table(title="Label counters")
    for column in names:
        counters.add_column(column, justify="right")
    c = job.get("LabelCounters", {})
    counters.add_row(*(str(c.get(k, 0)) for k in names))
    console.print(counters)


@app.command("list")
def list_jobs(
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS", help=f"Only jobs in this state: {', '.join(STATUSES)}."),
    ] = None,
    name_contains: Annotated[
        str | None,
        typer.Option("--name-contains", metavar="TEXT", help="Only jobs whose name contains this text."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the ListLabelingJobs response, as the AWS CLI does.")
    ] = False,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """List labeling jobs, oldest first."""
    if status is not None and status not in STATUSES:
        fail(f"--status {status!r} is not a job state; use one of {', '.join(STATUSES)}", EXIT_USAGE)
    summaries: list[dict[str, Any]] = []
    with open_runtime(data, db, store) as runtime:
        token: str | None = None
        while True:  # follow NextToken: the command shows every job
            page = runtime.jobs.list(
                name_contains=name_contains, status_equals=status, max_results=100, next_token=token
            )
            summaries.extend(page["LabelingJobSummaryList"])
            token = page.get("NextToken")
            if not token:
                break
    if as_json:
        typer.echo(aws_json({"LabelingJobSummaryList": summaries}))
        return
    _print_summaries(summaries)


def _print_summaries(summaries: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from opentruth.cli.console import make_console

    if not summaries:
        typer.echo("no labeling jobs (create one with: opentruth jobs create --request JOB.json)")
        return
    table = Table(title="Labeling jobs")
    for column in ("Name", "Status", "Created", "Labeled", "Unlabeled", "Failed", "Workteam"):
        numeric = column in ("Labeled", "Unlabeled", "Failed")
        table.add_column(column, overflow="fold", justify="right" if numeric else "left")
    for s in summaries:
        c = s.get("LabelCounters", {})
        table.add_row(
            s["LabelingJobName"],
            _styled(s["LabelingJobStatus"]),
            s["CreationTime"].strftime("%Y-%m-%d %H:%M:%S"),
            str(c.get("TotalLabeled", 0)),
            str(c.get("Unlabeled", 0)),
            str(c.get("FailedNonRetryableError", 0)),
            s.get("WorkteamArn", "").rsplit("/", 1)[-1],
        )
    make_console().print(table)


@app.command("stop")
def stop(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The labeling job's name.")],
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Only ask for the stop; leave the rest to the server.")
    ] = False,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Stop a labeling job: answers so far are consolidated and written out, then it is Stopped.

    Stopping a job that has already ended does nothing, as in SageMaker.
    """
    with open_runtime(data, db, store) as runtime:
        runtime.jobs.stop(name)
        if not no_wait:
            run_steps(runtime, f"stopping labeling job {name}")
        _report_status(runtime, name)
