"""``opentruth iam set-password``: set an IAM user's console (dashboard) password."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def set_password(
    user_name: Annotated[str, typer.Option("--user-name", metavar="NAME", help="The IAM user.")],
    data: Annotated[
        Path, typer.Option("--data", metavar="DIR", envvar="OPENTRUTH_DATA", help="The data directory.")
    ],
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="Database URL (default: SQLite in DATA).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            metavar="PASSWORD",
            help="The new password (prompted for, hidden, when left out).",
            envvar="OPENTRUTH_PASSWORD",
        ),
    ] = None,
) -> None:
    """Set (or create) the login profile of USER, the password the dashboard checks."""
    from opentruth.db.engine import Database
    from opentruth.db.repo_iam import set_login_profile
    from opentruth.errors import OpenTruthError

    secret = password or typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    database = Database.from_url(db, data_dir=data)
    try:
        database.run(lambda s: set_login_profile(s, user_name, secret))
    except OpenTruthError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(f"password of {user_name} set")
