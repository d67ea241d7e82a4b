"""Fixtures of the service-command tests: a data folder, a runner of ``opentruth`` commands on
it, and a labeling environment built through the CLI (see ``tests/clisupport.py``).

The fixtures are opt-in (none is autouse), so the other CLI tests are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from clisupport import Invoke, TextLab, build_text_lab, open_runtime
from opentruth.cli.app import app
from opentruth.runtime import Runtime

_ENV = (
    "OPENTRUTH_DATA",
    "OPENTRUTH_DB",
    "OPENTRUTH_STORE",
    "OPENTRUTH_ACCOUNT",
    "OPENTRUTH_REGION",
    "OPENTRUTH_PORTAL_URL",
    "OPENTRUTH_QUEUE",
    "OPENTRUTH_ROOT_KEY",
)


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder; the OPENTRUTH_* environment is cleared so only options count."""
    for var in _ENV:
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "data"


@pytest.fixture
def ot(cli_data: Path) -> Invoke:
    """``ot("jobs", "list")`` runs ``opentruth jobs list --data <cli_data>``.

    ``data=False`` leaves ``--data`` out; ``input=`` feeds stdin (str or bytes).
    """
    runner = CliRunner()

    def invoke(*args: str, data: bool = True, input: str | bytes | None = None) -> Result:
        argv = [*args, "--data", str(cli_data)] if data else list(args)
        return runner.invoke(app, argv, input=input)

    return invoke


@pytest.fixture
def text_lab(ot: Invoke, tmp_path: Path) -> TextLab:
    """:func:`clisupport.build_text_lab` on the test's data folder."""
    return build_text_lab(ot, tmp_path / "files")


@pytest.fixture
def runtime_of(cli_data: Path) -> Iterator[Callable[[], Runtime]]:
    """Opens (and finally closes) runtimes on the test's data folder."""
    opened: list[Runtime] = []

    def make() -> Runtime:
        rt = open_runtime(cli_data)
        opened.append(rt)
        return rt

    yield make
    for rt in opened:
        rt.close()
