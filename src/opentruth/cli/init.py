"""``opentruth init``: create the account, the admin user and its keys, and the AWS profile."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_REGION


def init(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            metavar="DIR",
            envvar="OPENTRUTH_DATA",
            help="The data directory (database, objects, root key).",
        ),
    ],
    endpoint_url: Annotated[
        str,
        typer.Option(
            "--endpoint-url", metavar="URL", help="Where `opentruth serve` listens, for the AWS profile."
        ),
    ] = "http://127.0.0.1:8080",
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="Database URL (default: SQLite in DATA).")
    ] = None,
    rotate: Annotated[
        bool, typer.Option("--rotate", help="Issue a new admin access key (the old one is deleted).")
    ] = False,
    account_id: Annotated[
        str, typer.Option("--account-id", metavar="ID", help="The account id.")
    ] = DEFAULT_ACCOUNT_ID,
    region: Annotated[
        str, typer.Option("--region", metavar="REGION", help="The account's region.")
    ] = DEFAULT_REGION,
    profile: Annotated[
        bool, typer.Option("--profile/--no-profile", help="Write the AWS profile `opentruth`.")
    ] = True,
) -> None:
    """Create the account and an admin user; print its keys and dashboard password.

    A second run keeps the account and the keys. The AWS profile `opentruth` is written to the
    AWS config and credentials files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE are honoured),
    so `AWS_PROFILE=opentruth python script.py` talks to opentruth.
    """
    from opentruth.api.bootstrap import bootstrap, write_aws_profile
    from opentruth.db.engine import Database
    from opentruth.db.iam_secrets import SecretBox

    data.mkdir(parents=True, exist_ok=True)
    database = Database.from_url(db, data_dir=data)
    try:
        result = bootstrap(
            database, SecretBox.load(data), account_id=account_id, region=region, rotate=rotate
        )
    finally:
        database.dispose()
    state = "created" if result.created else ("kept, new key issued" if rotate else "kept")
    typer.echo(f"account:            {result.account_id} ({result.region}), admin {state}")
    typer.echo(f"admin user:         {result.user_arn}")
    typer.echo(f"access key id:      {result.key_id}")
    typer.echo(f"secret access key:  {result.secret}")
    if result.password is not None:
        typer.echo(f"dashboard password: {result.password}   (user name: admin; shown only now)")
    else:
        typer.echo(
            "dashboard password: unchanged (set one with: opentruth iam set-password --user-name admin)"
        )
    if profile:
        config, creds = write_aws_profile(result, endpoint_url)
        typer.echo(f"AWS profile `opentruth` written to {config} and {creds} (endpoint {endpoint_url})")
        typer.echo("try: AWS_PROFILE=opentruth aws sts get-caller-identity")
    if not os.environ.get("OPENTRUTH_ROOT_KEY"):
        typer.echo(
            f"root key: {data / 'iam-root.key'} (mode 0600; back it up: secrets cannot be read without it)"
        )
