"""``opentruth iam eval``: decide conformance cases read as JSON lines."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from typing import IO

# pathlib is not imported here: it costs more start-up time than a batch of a few hundred
# cases takes to evaluate, and plain os.path does all this module needs.


def run_eval(lines: Iterable[str | bytes], out: IO[bytes], explain: bool) -> None:
    """Write one JSON line per case to ``out``, in input order."""
    from opentruth.iam.cases import CaseRunner

    # A batch run allocates many small, acyclic objects; the cyclic collector would spend a
    # third of the run walking them. Freeze what exists and collect rarely.
    gc.freeze()
    gc.set_threshold(200_000, 50, 100)
    runner = CaseRunner()
    write = out.write
    for result in runner.run_lines_json(lines, explain=explain):
        write(result + b"\n")
    out.flush()


def eval_path(path: str | os.PathLike[str] | None, explain: bool) -> None:
    """Evaluate the cases of ``path`` (``None`` or ``-``: standard input)."""
    if path is None or str(path) == "-":
        run_eval(sys.stdin.buffer, sys.stdout.buffer, explain)
        return
    # Bytes, not text: the cases are JSON, which orjson reads as UTF-8 bytes directly.
    with open(path, "rb") as lines:
        run_eval(lines, sys.stdout.buffer, explain)


def fast_path(args: list[str]) -> int | None:
    """Run ``iam eval`` for the plain argument forms; ``None`` lets typer handle the rest
    (``--help``, unknown options, a missing file's error message)."""
    explain = "--explain" in args
    rest = [a for a in args if a != "--explain"]
    if len(rest) > 1 or any(a.startswith("-") and a != "-" for a in rest):
        return None
    path = rest[0] if rest else None
    if path is not None and path != "-" and not os.path.isfile(path):
        return None
    eval_path(path, explain)
    return 0
