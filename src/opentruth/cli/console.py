"""The rich console every command prints with.

Rich assumes 80 columns when output is not a terminal (a pipe, a file, CI logs), which folds
ARNs into unreadable slivers; there the console is 160 columns wide instead (``COLUMNS`` wins).
"""

from __future__ import annotations

import os

from rich.console import Console


def make_console(*, stderr: bool = False) -> Console:
    """A console for command output (``stderr`` for warnings and errors)."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal or os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, width=width)
