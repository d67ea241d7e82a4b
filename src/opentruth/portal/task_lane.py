"""The worker API's task calls as one lean ASGI app: ``tasks/next``, ``submit``, ``decline``,
``release``.

A worker loops over ``next`` and ``submit``, so these two calls are the server's hot path, and
their own work (a short transaction each) costs less than FastAPI's request machinery around
it: routing through every route, dependency resolution, body validation by pydantic, and four
middleware layers. Served here instead (the app sends the requests this lane :meth:`matches`
past those layers, under the outer middleware such as metrics: see
:func:`opentruth.api.app.add_lane`), a labeling loop costs about a quarter less CPU.

The contract is the one :mod:`opentruth.portal.api` documents, unchanged: the same paths,
authentication (bearer token, or the session cookie plus the CSRF header), bodies, status codes
and error bodies (another method on these paths gets 405). Every other worker API route stays
with FastAPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.types import Receive, Scope, Send

from opentruth.errors import OpenTruthError, ValidationError
from opentruth.labeling.workers import WorkerIdentity, WorkerService
from opentruth.portal.api import CSRF_HEADER, error_response, identify_worker

T = TypeVar("T")

#: The largest request body the lane reads (a segmentation answer carries a PNG mask).
MAX_BODY = 16 * 1024 * 1024

_NEXT = re.compile(r"/worker/api/jobs/([^/]+)/tasks/next\Z")
_TASK = re.compile(r"/worker/api/tasks/([^/]+)/(submit|decline|release)\Z")
_JSON_HEADERS = [(b"content-type", b"application/json")]


class MethodNotAllowedError(OpenTruthError):
    """Another method than POST on a task path."""

    aws_code = "MethodNotAllowed"
    http_status = 405


class BodyTooLargeError(OpenTruthError):
    """A request body over :data:`MAX_BODY`."""

    aws_code = "RequestEntityTooLarge"
    http_status = 413


@dataclass(frozen=True, slots=True)
class LaneRoute:
    """What ``scope["route"]`` holds for a lane request: the route template, so metrics label
    the request as they labelled the FastAPI route it replaces."""

    path: str


_NEXT_ROUTE = LaneRoute("/worker/api/jobs/{job}/tasks/next")
_TASK_ROUTES = {
    action: LaneRoute(f"/worker/api/tasks/{{task_id}}/{action}")
    for action in ("submit", "decline", "release")
}


class TaskLane:
    """The four task calls of the worker API over a :class:`WorkerService`."""

    def __init__(self, service: WorkerService, *, max_body: int = MAX_BODY) -> None:
        self.service = service
        self.max_body = max_body
        # On SQLite the short write transactions run one at a time whatever the thread, so
        # they run right on the event loop: that spares a thread hop and the GIL hand-offs
        # around it. On PostgreSQL a transaction can wait on a row lock held by another
        # process, which must not stall the loop: there they run in the thread pool.
        self.inline = service.res.db.dialect == "sqlite"

    def matches(self, scope: Scope) -> bool:
        """A request to one of the four task paths (only POST is allowed there)."""
        path: str = scope["path"]
        return path.startswith("/worker/api/") and (
            _NEXT.match(path) is not None or _TASK.match(path) is not None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["method"] != "POST":
                raise MethodNotAllowedError("use POST on this path")
            status, body = await self._answer(scope, receive)
        except OpenTruthError as exc:
            response = error_response(exc)
            if isinstance(exc, MethodNotAllowedError):
                response.headers["Allow"] = "POST"
            await response(scope, receive, send)
            return
        headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())] if body else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope, receive: Receive) -> tuple[int, bytes]:
        path: str = scope["path"]
        service = self.service
        # The route first, so that metrics label a refused call (401, 404) by its route too.
        found = _NEXT.match(path)
        scope["route"] = _NEXT_ROUTE if found is not None else _TASK_ROUTES[path.rsplit("/", 1)[1]]
        worker = await self._call(self._identify, scope)
        if found is not None:
            task = await self._call(service.next_task, worker, found.group(1))
            return (204, b"") if task is None else (200, orjson.dumps(task))
        found = _TASK.match(path)
        assert found is not None  # matches() said so
        task_id, action = found.group(1), found.group(2)
        if action == "submit":
            answer = _answer_content(await self._read_body(receive))
            result = await self._call(service.submit, worker, task_id, answer)
        elif action == "decline":
            result = await self._call(service.decline, worker, task_id)
        else:
            result = await self._call(service.release, worker, task_id)
        return 200, orjson.dumps(result)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self.inline:
            return fn(*args)
        return await run_in_threadpool(fn, *args)

    def _identify(self, scope: Scope) -> WorkerIdentity:
        authorization = csrf = ""
        cookies: dict[str, str] = {}
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"cookie":
                cookies.update(cookie_parser(value.decode("latin-1")))  # as Request.cookies
            elif name == CSRF_HEADER.encode():
                csrf = value.decode("latin-1")
        return identify_worker(self.service, authorization, cookies, csrf, state_changing=True)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLargeError(
                    f"the request body is over {self.max_body} bytes; send a smaller answer"
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _answer_content(body: bytes) -> Any:
    """``answerContent`` of a submit body, with the errors FastAPI's validation gave."""
    try:
        parsed = orjson.loads(body) if body else None
    except orjson.JSONDecodeError as exc:
        raise ValidationError(
            f'the body is not valid JSON ({exc}); send {{"answerContent": {{...}}}}'
        ) from None
    if not isinstance(parsed, dict) or "answerContent" not in parsed:
        raise ValidationError('answerContent: Field required; send {"answerContent": {...}}')
    content = parsed["answerContent"]
    if not isinstance(content, dict):
        raise ValidationError("answerContent: Input should be a valid dictionary keyed by element name")
    return content
