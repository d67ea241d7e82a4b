"""The portal tests' fixture: a running app (see ``portalsupport``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portalsupport import PortalEnv, open_portal_env


@pytest.fixture
def portal_env(tmp_path: Path) -> Iterator[PortalEnv]:
    with open_portal_env(tmp_path) as env:
        yield env
