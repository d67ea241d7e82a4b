"""Settings from the environment: the background share of a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from opentruth.errors import ValidationError
from opentruth.runtime import Settings


def test_the_background_share_defaults_to_half(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPENTRUTH_BACKGROUND_SHARE", raising=False)
    assert Settings.resolve(tmp_path).background_share == Settings.background_share == 0.5


def test_the_background_share_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENTRUTH_BACKGROUND_SHARE", "0.25")
    assert Settings.resolve(tmp_path).background_share == 0.25


@pytest.mark.parametrize("value", ["0", "1.5", "half", "-1"])
def test_a_bad_background_share_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("OPENTRUTH_BACKGROUND_SHARE", value)
    with pytest.raises(ValidationError, match=r"OPENTRUTH_BACKGROUND_SHARE=.*\(0, 1\]"):
        Settings.resolve(tmp_path)
