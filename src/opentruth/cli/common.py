"""Options shared by every command: where the data is."""

from __future__ import annotations

from typing import Annotated

import typer

DataOption = Annotated[
    str | None,
    typer.Option("--data", help="Data folder (default: $OPENTRUTH_DATA or ./data).", show_default=False),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL, e.g. postgresql+psycopg://... (default: SQLite in the data folder)."
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store", help="Object store: a folder, or an http(s):// S3 endpoint (default: the data folder)."
    ),
]
