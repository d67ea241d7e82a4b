"""How ``--help`` shows what an option takes: nothing for a flag, a word (``DIR``, ``FILE``…) otherwise.

typer prints a type column of its own (``<bool>`` for a flag, ``<str>`` for text and paths),
which tells a user nothing a flag needs and hides what a value is. Options name their value with
``metavar=`` where they are declared. What cannot be declared there is set here, once for every
command: flags (typer's own ``--help`` and completion options among them) get an empty metavar,
and an argument, whose name column already shows its metavar, shows no type beside it.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption


class _NamedArgument(TyperArgument):
    """An argument that shows only its name (its metavar) in help, without typer's type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _quiet(params: list[Any]) -> None:
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
        elif type(param) is TyperArgument:
            param.__class__ = _NamedArgument


def quiet_metavars(command: Any) -> None:
    """Flags without a metavar, arguments without a type, in ``command`` and every subcommand."""
    params = list(command.params)
    help_option = command.get_help_option(typer.Context(command))
    if help_option is not None:
        params.append(help_option)
    _quiet(params)
    for sub in getattr(command, "commands", {}).values():
        quiet_metavars(sub)


class OpenTruthGroup(TyperGroup):
    """The root command group: builds the command tree, then quiets its metavars."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quiet_metavars(self)

    def get_params(self, ctx: Any) -> list[Any]:
        # typer adds the completion options to the root after building it.
        params: list[Any] = super().get_params(ctx)
        _quiet(params)
        return params
