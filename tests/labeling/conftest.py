"""Fixtures of the labeling tests (helpers live in ``tests/labsupport.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from labsupport import Lab, build_lab
from opentruth.db.engine import Database


@pytest.fixture
def lab(db: Database, tmp_path: Path, hasher: PasswordHasher) -> Lab:
    """A complete labeling environment on the test database (SQLite and PostgreSQL)."""
    return build_lab(db, tmp_path, hasher)
