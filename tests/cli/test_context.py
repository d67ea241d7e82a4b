"""Tests of the shared helpers of the service commands (errors, exit codes, JSON files)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from opentruth.cli.context import (
    EXIT_FAILURE,
    EXIT_USAGE,
    exit_code_of,
    load_json_file,
    load_json_object,
    reported,
)
from opentruth.errors import ConflictError, NotFoundError, ValidationError


def test_exit_codes() -> None:
    assert exit_code_of(ValidationError("bad")) == EXIT_USAGE
    assert exit_code_of(NotFoundError("gone")) == EXIT_FAILURE
    assert exit_code_of(ConflictError("taken")) == EXIT_FAILURE


def test_reported_prints_the_message_and_exits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited, reported():
        raise NotFoundError("Could not find labeling job x")
    assert exited.value.exit_code == EXIT_FAILURE
    assert capsys.readouterr().err == "error: Could not find labeling job x\n"


def test_json_files(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"a": [1, 2]}')
    assert load_json_object(good, "request") == {"a": [1, 2]}

    with pytest.raises(ValidationError, match=r"request file .*absent\.json does not exist"):
        load_json_file(tmp_path / "absent.json", "request")

    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  }')
    with pytest.raises(ValidationError, match=r"not valid JSON: .* at line 3 column 3"):
        load_json_file(bad, "request")

    listed = tmp_path / "list.json"
    listed.write_text("[1]")
    with pytest.raises(ValidationError, match="must hold a JSON object, not list"):
        load_json_object(listed, "request")
