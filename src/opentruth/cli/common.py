"""Options shared by every command: where the data is."""

from __future__ import annotations

from typing import Annotated

import typer

#: Where `opentruth serve` listens unless told otherwise (and where `demo` says it will).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080

DataOption = Annotated[
    str | None,
    typer.Option(
        "--data", metavar="DIR", help="Data folder (default: $OPENTRUTH_DATA or ./data).", show_default=False
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL, e.g. postgresql+psycopg://... (default: SQLite in the data folder).",
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="DIR|URL",
        help="Object store: a folder, or an http(s):// S3 endpoint (default: the data folder).",
    ),
]
