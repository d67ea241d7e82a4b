"""The worker JSON API (``/worker/api``): the public contract the portal is built on.

Authentication is a bearer token (``Authorization: Bearer <token>``) or the HttpOnly session
cookie that login sets. A state-changing call authenticated by the cookie must also carry the
CSRF token (header ``X-CSRF-Token`` equal to the ``ot_csrf`` cookie; double-submit): a bearer
token is not sent automatically by browsers, so bearer calls are exempt.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.labeling.workers import AuthenticationError, WorkerIdentity, WorkerService

T = TypeVar("T")

SESSION_COOKIE = "ot_session"
CSRF_COOKIE = "ot_csrf"
CSRF_HEADER = "x-csrf-token"


class Login(BaseModel):
    username: str
    password: str


class Submit(BaseModel):
    answerContent: dict[str, Any]


class LoginGuard(Protocol):
    """Login rate limiting (:class:`opentruth.portal.security.LoginLimiter`)."""

    def check(self, username: str, address: str) -> None:
        """Raise an OpenTruthError with ``retry_after`` when over the limit."""
        ...

    def failed(self, username: str, address: str) -> None: ...

    def succeeded(self, username: str) -> None: ...


class CsrfError(OpenTruthError):
    """A cookie-authenticated call without the CSRF token."""

    aws_code = "CsrfTokenMissing"
    http_status = 403


def error_response(exc: OpenTruthError) -> JSONResponse:
    """The worker API's error body: ``{"error": code, "message": text}``.

    Not-found is 404 here (the AWS APIs say 400 ResourceNotFound), so a worker cannot tell
    another team's task from one that does not exist.
    """
    status = 404 if isinstance(exc, NotFoundError) else exc.http_status
    if isinstance(exc, ValidationError):
        status = 400
    return JSONResponse({"error": exc.aws_code, "message": exc.message}, status_code=status)


def build_router(
    service: WorkerService, *, secure_cookies: bool = False, limiter: LoginGuard | None = None
) -> APIRouter:
    """The ``/worker/api`` routes over a :class:`WorkerService`.

    With ``limiter``, failed logins are counted per username and client address, and a login
    over the limit gets 429 with ``Retry-After`` (the portal's login form shares the limiter).
    """
    router = APIRouter(prefix="/worker/api")
    # The task calls are the hot path (a worker loops over next and submit). On SQLite their
    # short write transactions run one at a time whatever the thread, so they run right on the
    # event loop: that spares a thread hop and the GIL hand-offs around it (about a quarter
    # of the server's CPU per next + submit). On PostgreSQL a transaction can wait on a row
    # lock held by another process, which must not stall the loop: there they run in the
    # thread pool, as FastAPI runs any sync route.
    inline = service.res.db.dialect == "sqlite"

    async def call(fn: Callable[..., T], *args: Any) -> T:
        if inline:
            return fn(*args)
        return await run_in_threadpool(fn, *args)

    def identify(request: Request, state_changing: bool) -> WorkerIdentity:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return service.authenticate(auth[7:].strip())
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise AuthenticationError("not logged in: POST /worker/api/login, then send the token")
        if state_changing:
            sent = request.headers.get(CSRF_HEADER, "")
            expected = request.cookies.get(CSRF_COOKIE, "")
            if not sent or not expected or not hmac.compare_digest(sent, expected):
                raise CsrfError(
                    "missing or wrong CSRF token: send the ot_csrf cookie's value as X-CSRF-Token"
                )
        return service.authenticate(token)

    @router.post("/login")
    def login(body: Login, request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        if limiter is not None:
            try:
                limiter.check(body.username, address)
            except OpenTruthError as exc:
                retry = str(getattr(exc, "retry_after", 60))
                response = error_response(exc)
                response.headers["Retry-After"] = retry
                return response
        try:
            token, ident = service.login(body.username, body.password)
        except AuthenticationError:
            if limiter is not None:
                limiter.failed(body.username, address)
            raise
        if limiter is not None:
            limiter.succeeded(body.username)
        csrf = secrets.token_urlsafe(24)
        response = JSONResponse({"token": token, "workerId": ident.public_id, "csrfToken": csrf})
        max_age = int(service.token_ttl.total_seconds())
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_cookies,
            max_age=max_age,
            path="/",
        )
        response.set_cookie(
            CSRF_COOKIE,
            csrf,
            httponly=False,
            samesite="strict",
            secure=secure_cookies,
            max_age=max_age,
            path="/",
        )
        return response

    @router.post("/logout")
    def logout() -> Response:
        response = JSONResponse({"loggedOut": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response

    @router.get("/jobs")
    def jobs(request: Request) -> Response:
        return JSONResponse(service.jobs(identify(request, state_changing=False)))

    @router.post("/jobs/{job}/tasks/next")
    async def next_task(job: str, request: Request) -> Response:
        worker = await call(identify, request, True)
        task = await call(service.next_task, worker, job)
        if task is None:
            return Response(status_code=204)
        return JSONResponse(task)

    @router.post("/tasks/{task_id}/submit")
    async def submit(task_id: str, body: Submit, request: Request) -> Response:
        worker = await call(identify, request, True)
        return JSONResponse(await call(service.submit, worker, task_id, body.answerContent))

    @router.post("/tasks/{task_id}/decline")
    async def decline(task_id: str, request: Request) -> Response:
        worker = await call(identify, request, True)
        return JSONResponse(await call(service.decline, worker, task_id))

    @router.post("/tasks/{task_id}/release")
    async def release(task_id: str, request: Request) -> Response:
        worker = await call(identify, request, True)
        return JSONResponse(await call(service.release, worker, task_id))

    return router
