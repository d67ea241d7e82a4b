"""``opentruth role``: check an execution role against a labeling job, or generate one."""

from __future__ import annotations

import typer

app = typer.Typer(help="Check or generate the execution role of a labeling job.", no_args_is_help=True)
