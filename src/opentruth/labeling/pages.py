"""Offset pagination for SageMaker's small lists (work teams, workforces, human task UIs).

These lists hold a few items per account, so a page is a slice and ``NextToken`` is the offset
of the next one, as text (clients treat it as opaque).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def page(items: list[dict[str, Any]], params: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``{key: items of this page}``, with ``NextToken`` when more follow; ``params`` holds
    the request's ``NextToken`` and ``MaxResults`` (100 when absent)."""
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    out: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        out["NextToken"] = str(start + size)
    return out
