"""The worker JSON API (``/worker/api``): the public contract the portal is built on.

Authentication is a bearer token (``Authorization: Bearer <token>``) or the HttpOnly session
cookie that login sets. A state-changing call authenticated by the cookie must also carry the
CSRF token (header ``X-CSRF-Token`` equal to the ``ot_csrf`` cookie; double-submit): a bearer
token is not sent automatically by browsers, so bearer calls are exempt.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Protocol

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.labeling.workers import AuthenticationError, WorkerIdentity, WorkerService

SESSION_COOKIE = "ot_session"
CSRF_COOKIE = "ot_csrf"
CSRF_HEADER = "x-csrf-token"


class Login(BaseModel):
    username: str
    password: str


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


def identify_worker(
    service: WorkerService,
    authorization: str,
    cookies: Mapping[str, str],
    csrf_header: str,
    *,
    state_changing: bool,
) -> WorkerIdentity:
    """The worker of a request: its bearer token, or its session cookie (a state-changing call
    by cookie must also send the CSRF cookie's value in ``X-CSRF-Token``)."""
    if authorization.lower().startswith("bearer "):
        return service.authenticate(authorization[7:].strip())
    token = cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("not logged in: POST /worker/api/login, then send the token")
    if state_changing:
        expected = cookies.get(CSRF_COOKIE, "")
        if not csrf_header or not expected or not hmac.compare_digest(csrf_header, expected):
            raise CsrfError("missing or wrong CSRF token: send the ot_csrf cookie's value as X-CSRF-Token")
    return service.authenticate(token)


def build_router(
    service: WorkerService, *, secure_cookies: bool = False, limiter: LoginGuard | None = None
) -> APIRouter:
    """The ``/worker/api`` routes over a :class:`WorkerService`: login, logout and jobs. The task
    calls (next, submit, decline, release) are :class:`opentruth.portal.task_lane.TaskLane`.

    With ``limiter``, failed logins are counted per username and client address, and a login
    over the limit gets 429 with ``Retry-After`` (the portal's login form shares the limiter).
    """
    router = APIRouter(prefix="/worker/api")

    def identify(request: Request, state_changing: bool) -> WorkerIdentity:
        return identify_worker(
            service,
            request.headers.get("authorization", ""),
            request.cookies,
            request.headers.get(CSRF_HEADER, ""),
            state_changing=state_changing,
        )

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

    return router
