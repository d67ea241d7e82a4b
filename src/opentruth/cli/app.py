"""The typer application: each command group lives in its own module and is mounted here."""

from __future__ import annotations

import typer

from opentruth.cli import iam as _iam
from opentruth.cli import role as _role

app = typer.Typer(
    name="opentruth",
    help="Self-hosted SageMaker Ground Truth labeling jobs, every side effect authorised by IAM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(_iam.app, name="iam")
app.add_typer(_role.app, name="role")
