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
        typer.Argument(
            metavar="FILE", help="JSON-lines file of cases (the conformance schema); '-' or none reads stdin."
        ),
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
    policy: Annotated[Path, typer.Argument(metavar="FILE", help="The policy document (JSON) to check.")],
    policy_type: Annotated[
        str,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Where the policy goes: identity, resource, trust, boundary or session.",
        ),
    ] = "identity",
    managed: Annotated[bool, typer.Option("--managed", help="Apply the managed-policy size limit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per finding.")] = False,
) -> None:
    """Check a policy document the way IAM Access Analyzer does; exit 1 if any finding is an ERROR."""
    from opentruth.cli.lintcmd import lint_file

    raise typer.Exit(lint_file(policy, policy_type, managed=managed, as_json=as_json))


# ----------------------------------------------------------------------------- create-role
# (opentruth iam create-role: store an execution role for labeling jobs; issue 3 §5)

from opentruth.cli.common import DataOption as _DataOption  # noqa: E402
from opentruth.cli.common import DbOption as _DbOption  # noqa: E402
from opentruth.cli.common import StoreOption as _StoreOption  # noqa: E402


@app.command("create-role")
def create_role(
    role: Annotated[
        Path,
        typer.Option(
            "--role", metavar="FILE", help="ROLE.json, or a get-account-authorization-details output."
        ),
    ],
    role_name: Annotated[
        str | None,
        typer.Option(
            "--role-name",
            metavar="NAME",
            help="The role to take from a get-account-authorization-details file.",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an existing role of that name.")
    ] = False,
    data: _DataOption = None,
    db: _DbOption = None,
    store: _StoreOption = None,
) -> None:
    """Store an execution role (trust policy, inline and attached policies) and print its ARN.

    Customer managed policies the role attaches are created from its ManagedPolicyDocuments
    when they do not exist yet. Exit 1 if a role of that name exists (see --replace), 2 if the
    file is not a valid role.
    """
    from opentruth.cli.context import open_runtime
    from opentruth.db import repo_iam_roles
    from opentruth.iam.roles import Role

    with open_runtime(data, db, store) as runtime:
        detail = Role.load(role, role_name).to_detail()
        with runtime.db.transaction() as s:
            stored = repo_iam_roles.create_role_from_detail(
                s, detail, replace=replace, account_id=runtime.settings.account
            )
            arn = stored.arn
        runtime.res.forget_sessions()
    typer.echo(arn)
