"""Every AWS sample task UI (tests/data/task-uis, MIT-0) renders through the portal's Liquid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opentruth.portal.render import Granter, TemplateRenderer
from opentruth.portal.signing import ObjectUrlSigner

DATA = Path(__file__).resolve().parents[1] / "data" / "task-uis"
TEMPLATES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.html"))
KEY = b"k" * 32

# A representative task input: the keys the samples read from task.input (Ground Truth passes the
# pre-annotation Lambda's taskInput; samples use taskObject and a few domain-specific keys).
TASK_INPUT: dict[str, Any] = {
    "taskObject": "s3://bucket/images/cat.jpg",
    "text": "The quick brown fox.",
    "source": "The quick brown fox.",
    "sourceRef": "s3://bucket/images/cat.jpg",
    "labels": ["cat", "dog"],
}


def test_the_samples_are_present() -> None:
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("name", TEMPLATES)
def test_sample_renders(name: str) -> None:
    r = TemplateRenderer(ObjectUrlSigner(KEY))
    source = (DATA / name).read_text(encoding="utf-8")
    out = r.render(
        source, TASK_INPUT, nonce="n0", granter=Granter(r.signer, "job-a", 2_000_000_000, "http://o")
    )
    # Every sample is built from crowd elements, and no Liquid markup may survive the render.
    assert "<crowd-" in out
    assert "{{" not in out and "{%" not in out
