"""The ``opentruth`` command line.

The typer application is built in :mod:`opentruth.cli.app`. ``main`` answers the batch command
``opentruth iam eval`` without importing typer and rich at all: start-up time counts when the
command is a step in a pipeline (and in ``bench/iam_eval.py``).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``opentruth`` console script."""
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["iam", "eval"]:
        from opentruth.cli.evalcmd import fast_path

        code = fast_path(args[2:])
        if code is not None:
            sys.exit(code)
    from opentruth.cli.app import app

    app(args=args)
