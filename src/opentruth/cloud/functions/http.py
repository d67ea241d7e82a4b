"""Functions that are HTTP endpoints: the event as a JSON ``POST`` body, the reply as JSON.

Every failure (no answer, a timeout, a status outside 2xx, a body that is not JSON) becomes
Lambda's error object in the :class:`InvokeResult`, as a Python handler's failures do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from opentruth.cloud.functions.model import FunctionInfo, InvokeResult
from opentruth.errors import OpenTruthError

__all__ = ["HttpPost", "http_post", "invoke_http"]

#: ``post(url, body, timeout) -> (status, body)``; raises :class:`OpenTruthError` on no answer.
HttpPost = Callable[[str, bytes, float], tuple[int, bytes]]


def invoke_http(post: HttpPost, info: FunctionInfo, event: Any) -> InvokeResult:
    """POST ``event`` to the function's URL and read its JSON reply."""
    assert info.url is not None
    started = time.monotonic()
    try:
        status, body = post(info.url, json.dumps(event).encode("utf-8"), float(info.timeout))
    except OpenTruthError as exc:
        return InvokeResult(info.arn, None, {"errorType": "HttpError", "errorMessage": exc.message})
    took = (time.monotonic() - started) * 1000
    text = body[:1000].decode("utf-8", "replace")
    if not 200 <= status < 300:
        error = {"errorType": "HttpError", "errorMessage": f"{info.url} answered HTTP {status}: {text}"}
        return InvokeResult(info.arn, None, error, duration_ms=took)
    try:
        payload = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError):
        error = {
            "errorType": "Runtime.MarshalError",
            "errorMessage": f"{info.url} answered non-JSON: {text}",
        }
        return InvokeResult(info.arn, None, error, duration_ms=took)
    return InvokeResult(info.arn, payload, None, duration_ms=took)


def http_post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """POST with httpx; a timeout or a transport error raises :class:`OpenTruthError`."""
    import httpx

    try:
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=timeout)
    except httpx.TimeoutException:
        raise OpenTruthError(f"Task timed out after {timeout:.2f} seconds (POST {url})") from None
    except httpx.HTTPError as exc:
        raise OpenTruthError(f"POST {url} failed: {exc}") from None
    return r.status_code, r.content
