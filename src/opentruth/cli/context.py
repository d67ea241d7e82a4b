"""What the service commands share: opening the runtime, reading JSON files, and turning
opentruth's errors into messages and exit codes.

Exit codes follow the usual CLI convention: 0 ok, 1 the operation failed (a missing job, a
name in use, a denial), 2 bad usage or bad input (a missing file, invalid JSON, a request
that does not validate).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from opentruth.errors import OpenTruthError, ValidationError

if TYPE_CHECKING:
    from opentruth.runtime import Runtime

EXIT_FAILURE = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def exit_code_of(exc: OpenTruthError) -> int:
    """Bad input is a usage error (2); anything else that went wrong is a failure (1)."""
    return EXIT_USAGE if isinstance(exc, ValidationError) else EXIT_FAILURE


@contextmanager
def reported() -> Iterator[None]:
    """Turn an :class:`OpenTruthError` raised inside into ``error: ...`` and its exit code."""
    try:
        yield
    except OpenTruthError as exc:
        fail(exc.message, exit_code_of(exc))


@contextmanager
def open_runtime(data: str | None, db: str | None, store: str | None) -> Iterator[Runtime]:
    """The runtime on ``--data`` (or ``--db`` and ``--store``), closed on the way out.

    Errors raised inside are reported as by :func:`reported`. The database is migrated on
    open, so a command works on a fresh data folder and next to a running ``opentruth serve``.
    """
    from opentruth.runtime import Runtime, Settings

    with reported():
        runtime = Runtime.open(Settings.resolve(data, db, store))
        try:
            yield runtime
        finally:
            runtime.close()


def load_json_file(path: Path, what: str) -> Any:
    """Read a JSON document; :class:`ValidationError` naming the file, and the line and column
    of a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"{what} file {path} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read {what} file {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def load_json_object(path: Path, what: str) -> dict[str, Any]:
    """Like :func:`load_json_file`, and the document must be a JSON object."""
    doc = load_json_file(path, what)
    if not isinstance(doc, dict):
        raise ValidationError(f"{what} file {path} must hold a JSON object, not {type(doc).__name__}")
    return doc
