"""``opentruth iam``: evaluate and lint IAM policies."""

from __future__ import annotations

import typer

app = typer.Typer(help="Evaluate and lint IAM policies.", no_args_is_help=True)
