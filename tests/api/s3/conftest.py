"""The ``s3_server`` fixture: one S3 endpoint per test module (see :mod:`api.s3.s3support`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.s3.s3support import S3Server, start_server


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """The endpoint with users ``admin`` (s3:*), ``alice`` (nothing) and ``gt`` (the managed
    Ground Truth execution policy)."""
    with start_server(tmp_path_factory.mktemp("s3api")) as server:
        yield server
