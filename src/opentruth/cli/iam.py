"""``opentruth iam``: evaluate and lint IAM policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Evaluate and lint IAM policies.", no_args_is_help=True)


@app.command("eval")
def eval_cases(
    cases: Annotated[
        Path | None,
        typer.Argument(help="JSON-lines file of cases (the conformance schema); '-' or none reads stdin."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the deciding statements and the reason.")
    ] = False,
) -> None:
    """Decide each case and print one JSON line per case, in order: {"id", "decision"}.

    A case whose policies or request are invalid prints {"id", "decision": "Error", "error"}
    and the run carries on.
    """
    from opentruth.cli.evalcmd import eval_path

    if cases is not None and str(cases) != "-" and not cases.is_file():
        raise typer.BadParameter(f"{cases} is not a file; give a JSON-lines file or '-' for stdin")
    eval_path(cases, explain)


@app.command("lint")
def lint(
    policy: Annotated[Path, typer.Argument(help="The policy document (JSON) to check.")],
    policy_type: Annotated[
        str,
        typer.Option("--type", help="Where the policy goes: identity, resource, trust, boundary or session."),
    ] = "identity",
    managed: Annotated[bool, typer.Option("--managed", help="Apply the managed-policy size limit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per finding.")] = False,
) -> None:
    """Check a policy document the way IAM Access Analyzer does; exit 1 if any finding is an ERROR."""
    from opentruth.cli.lintcmd import lint_file

    raise typer.Exit(lint_file(policy, policy_type, managed=managed, as_json=as_json))
