"""Every command's ``--help``, through typer's runner: what each option takes, in a word.

typer's own type labels (``<bool>``, ``<str>``, ``<path>``, ``<int>``…) say nothing a flag needs
and hide what a value is; options name it instead (``DIR``, ``FILE``, ``URL``, ``NAME``…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from opentruth.cli.app import app

_TYPE_LABEL = re.compile(r"<(bool|str|path|int|float|text|int range|float range)>")
_WIDE = {"COLUMNS": "200", "TERM": "dumb"}


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_every_command_is_walked() -> None:
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert {
        "",
        "serve",
        "demo",
        "jobs describe",
        "s3 cp",
        "workteams create",
        "iam lint",
        "role check",
    } <= paths
    assert len(paths) >= 25


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "opentruth")
def test_help_names_values_and_shows_nothing_for_flags(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env=_WIDE)
    assert result.exit_code == 0, result.output
    assert not _TYPE_LABEL.search(result.output), result.output
    command = dict(COMMANDS)[path]
    lines = result.output.splitlines()
    for param in command.params:
        if param.hidden or param.param_type_name != "option":
            continue
        row = next(line for line in lines if re.search(rf"\s{re.escape(param.opts[0])}(\s|,)", line))
        after = row.split(param.opts[0], 1)[1]
        shown = after.strip(" │").split("  ")[0].strip()
        if param.is_flag:
            # The next thing after a flag's name is its help text, never a metavar.
            assert shown == "" or not shown.isupper(), row
        else:
            assert param.metavar and param.metavar.upper() == param.metavar, param.opts
            assert param.metavar in after, row


def test_paths_and_urls_say_so() -> None:
    options = {(" ".join(p), o): param.metavar for p, c in COMMANDS for param in c.params for o in param.opts}
    assert options[("serve", "--data")] == "DIR"
    assert options[("serve", "--db")] == "URL"
    assert options[("serve", "--store")] == "DIR|URL"
    assert options[("role check", "--job")] == "FILE"
    assert options[("role policy", "--out")] == "DIR"
    assert options[("workteams create", "--name")] == "NAME"
    assert options[("init", "--endpoint-url")] == "URL"
    assert options[("jobs create", "--request")] == "FILE"
