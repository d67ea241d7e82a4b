"""``opentruth workers`` and ``opentruth workteams``: the private workforce.

Workers log in to the worker API with a username and a password (stored as an Argon2 hash).
A work team's members are worker groups, as with Ground Truth's OIDC member definitions:
``workteams create --name T --members a,b`` puts the workers ``a`` and ``b`` in a group ``T``
and makes the team ``T`` of that group.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from opentruth.cli.common import DataOption, DbOption, StoreOption
from opentruth.cli.context import EXIT_USAGE, fail, open_runtime

workers_app = typer.Typer(help="Create the workers who label.", no_args_is_help=True)
workteams_app = typer.Typer(help="Create and list work teams.", no_args_is_help=True)


def split_names(value: str | None, option: str) -> list[str]:
    """``a,b, c`` → ``["a", "b", "c"]``; empty items are a usage error naming the option."""
    if value is None:
        return []
    names = [item.strip() for item in value.split(",")]
    if any(not n for n in names):
        fail(f"{option} {value!r} has an empty name; give names separated by commas", EXIT_USAGE)
    return list(dict.fromkeys(names))


def _read_password(password: str | None, from_stdin: bool) -> str:
    if password is not None and from_stdin:
        fail("give the password with --password or --password-stdin, not both", EXIT_USAGE)
    if from_stdin:
        # One line, as `docker login --password-stdin` reads it; the newline is not part of it.
        return sys.stdin.readline().rstrip("\r\n")
    if password is not None:
        return password
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@workers_app.command("create")
def create_worker(
    username: Annotated[str, typer.Option("--username", metavar="NAME", help="The worker's login name.")],
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            metavar="PASSWORD",
            help="The password (prompted for when not given; never printed).",
        ),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    groups: Annotated[
        str | None,
        typer.Option("--groups", metavar="NAMES", help="Worker groups to join, separated by commas."),
    ] = None,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Create a worker, optionally in some worker groups (created if new)."""
    group_names = split_names(groups, "--groups")
    secret = _read_password(password, password_stdin)
    if not secret:
        fail("the password is empty; give one with --password, --password-stdin or at the prompt", EXIT_USAGE)
    from opentruth.db import repo_workforce

    with open_runtime(data, db, store) as runtime, runtime.db.transaction() as s:
        worker = repo_workforce.create_worker(
            s, username, secret, groups=group_names, account_id=runtime.settings.account
        )
        public_id = worker.public_id
    in_groups = f" in group(s) {', '.join(group_names)}" if group_names else ""
    typer.echo(f"created worker {username} (id {public_id}){in_groups}")


@workteams_app.command("create")
def create_workteam(
    name: Annotated[
        str,
        typer.Option("--name", metavar="NAME", help="The team's name (also the name of its worker group)."),
    ],
    members: Annotated[
        str, typer.Option("--members", metavar="NAMES", help="Usernames of the members, separated by commas.")
    ],
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="What the team does.")
    ] = None,
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Make a worker group NAME of the members and a work team of that group; print its ARN."""
    usernames = split_names(members, "--members")
    if not usernames:
        fail("--members names no worker; give usernames separated by commas", EXIT_USAGE)
    with open_runtime(data, db, store) as runtime:
        arn = runtime.workteams.create_of_workers(name, usernames, description=description or "")
    typer.echo(arn)


@workteams_app.command("list")
def list_workteams(
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """List the work teams with their worker groups and members."""
    from rich.table import Table

    from opentruth.cli.console import make_console

    with open_runtime(data, db, store) as runtime:
        listing = runtime.workteams.listing()
    if not listing:
        typer.echo("no work teams (create one with: opentruth workteams create --name T --members a,b)")
        return
    table = Table(title="Work teams")
    table.add_column("Name", overflow="fold")
    table.add_column("ARN", no_wrap=True)  # an ARN is copied whole; never fold it
    for column in ("Groups", "Members", "Description"):
        table.add_column(column, overflow="fold")
    for team in listing:
        members = ", ".join(team.members) or "(none)"
        table.add_row(team.name, team.arn, ", ".join(team.groups), members, team.description)
    make_console().print(table)
