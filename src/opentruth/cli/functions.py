"""``opentruth functions``: register, list and invoke functions (Lambda) for custom workflows.

    opentruth functions create --name my-pre --handler pre_annotation.lambda_handler --code DIR
    opentruth functions create --name my-post --url http://127.0.0.1:9000/consolidate
    opentruth functions list
    opentruth functions invoke my-pre --payload '{"dataObject": {"source": "hi"}}'

A Python function's folder is zipped and stored under the data folder (``DATA/functions``), so
later edits to the folder do not change the registered function; create it again to update.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from opentruth.cli.common import DataOption, DbOption, StoreOption
from opentruth.cli.context import EXIT_FAILURE, EXIT_USAGE, fail, open_runtime, reported

app = typer.Typer(help="Functions (Lambda) for custom workflows.", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="The function name (letters, digits, - and _).")
    ],
    handler: Annotated[
        str | None,
        typer.Option(
            "--handler",
            metavar="MODULE.FUNCTION",
            help="module.function with Lambda's (event, context) signature.",
        ),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", metavar="DIR", help="The folder that holds the handler module.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", metavar="URL", help="An HTTP endpoint that receives each event as a JSON POST."
        ),
    ] = None,
    timeout: Annotated[
        int, typer.Option("--timeout", metavar="SECONDS", help="Seconds before an invocation is killed.")
    ] = 3,
    memory: Annotated[
        int, typer.Option("--memory", metavar="MB", help="Memory limit in MB (128-10240).")
    ] = 128,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            metavar="ARN",
            help="The execution role the handler runs as (its trust policy must allow lambda.amazonaws.com).",
        ),
    ] = None,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Register a Python handler (--handler and --code) or an HTTP endpoint (--url)."""
    from opentruth.cloud.functions import zip_folder

    if url and (handler or code):
        fail("give either --url, or --handler with --code, not both", EXIT_USAGE)
    if not url and not (handler and code):
        fail("give --handler module.function and --code DIR (or --url URL)", EXIT_USAGE)
    with open_runtime(data, db, store) as rt:
        fns = rt.res.functions
        assert fns is not None
        if url:
            info = fns.create_http(name, url, timeout=timeout)
        else:
            assert handler is not None and code is not None
            info = fns.create_python(
                name, handler, zip_folder(code), timeout=timeout, memory_size=memory, role=role
            )
    typer.echo(info.arn)


@app.command("list")
def list_functions(data: DataOption = None, db: DbOption = None, store: StoreOption = None) -> None:
    """One line per function: name, kind, handler or URL, timeout, memory, ARN."""
    with open_runtime(data, db, store) as rt:
        fns = rt.res.functions
        assert fns is not None
        for f in fns.list():
            target = f.handler if f.kind == "python" else f.url
            typer.echo(f"{f.name}\t{f.kind}\t{target}\t{f.timeout}s\t{f.memory_size}MB\t{f.arn}")


@app.command("invoke")
def invoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The function's name or ARN.")],
    payload: Annotated[
        str, typer.Option("--payload", metavar="JSON", help="The event, as JSON ('-' reads stdin).")
    ] = "{}",
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Invoke once and print the reply as JSON; a function error prints Lambda's error object
    and exits 1 (the function's log goes to stderr)."""
    text = sys.stdin.read() if payload == "-" else payload
    try:
        event = json.loads(text)
    except ValueError as exc:
        fail(f"--payload is not valid JSON: {exc}", EXIT_USAGE)
    with open_runtime(data, db, store) as rt, reported():
        fns = rt.res.functions
        assert fns is not None
        result = fns.invoke(name, event)
    if result.log:
        typer.echo(result.log.rstrip("\n"), err=True)
    typer.echo(result.body().decode("utf-8"))
    if not result.ok:
        raise typer.Exit(EXIT_FAILURE)
