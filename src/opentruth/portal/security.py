"""The portal's web security: content security policies, page headers, CSRF for forms, and
login rate limiting.

CSRF is a double submit: the ``ot_csrf`` cookie (SameSite=Strict, readable by the portal's
script) must equal the form field ``csrf_token`` (or the ``X-CSRF-Token`` header of an API
call). Another site can make the browser send the cookie with a cross-site form, but cannot
read it to put the same value in the form.
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response

from opentruth.errors import OpenTruthError
from opentruth.portal.api import CSRF_COOKIE

CSRF_FIELD = "csrf_token"


class CsrfFormError(OpenTruthError):
    """A form posted without the CSRF token (or with a wrong one)."""

    aws_code = "CsrfTokenMissing"
    http_status = 403


class TooManyAttempts(OpenTruthError):
    """Too many failed logins; ``retry_after`` seconds until the next attempt is allowed."""

    aws_code = "TooManyRequests"
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# --------------------------------------------------------------------------- CSP


def _join(*parts: Iterable[str]) -> str:
    out: list[str] = []
    for part in parts:
        for item in part:
            if item not in out:
                out.append(item)
    return " ".join(out)


def page_csp(allow: Iterable[str] = ()) -> str:
    """The policy of the portal's own pages: its own scripts, styles and images only.

    ``frame-ancestors 'none'``: no other page may frame the portal (clickjacking).
    """
    extra = tuple(allow)
    own = ["'self'"]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + _join(own, extra),
            "style-src " + _join(own, extra),
            "img-src " + _join(own, ["data:"], extra),
            "connect-src " + _join(own, extra),
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def template_csp(nonce: str, origin: str, allow: Iterable[str] = (), report: str | None = None) -> str:
    """The policy of a rendered task template (the sandboxed iframe's document).

    The iframe's origin is opaque, so the portal's origin is named explicitly besides
    ``'self'``. Scripts run only with the render's nonce or from the portal's static files;
    styles may be inline (templates style themselves); images may be ``data:`` and ``blob:``
    (segmentation masks are drawn and exported in the browser). Forms never navigate
    (``form-action 'none'``): answers go to the parent page by ``postMessage``. ``report``: the
    ``report-uri`` that the browser posts each violation to (blocked scripts reach the job log).
    """
    extra = tuple(allow)
    own = ["'self'", origin]
    scripts = ["'nonce-" + nonce + "'", origin + "/worker/static/"]
    return "; ".join(
        [
            "default-src " + _join(own),
            "script-src " + _join(scripts, extra),
            "style-src " + _join(own, ["'unsafe-inline'"], extra),
            "img-src " + _join(own, ["data:", "blob:"], extra),
            "media-src " + _join(own, ["data:", "blob:"], extra),
            "font-src " + _join(own, ["data:"], extra),
            "connect-src " + _join(own, extra),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            *([f"report-uri {report}"] if report else []),
        ]
    )


def harden(response: Response, csp: str, *, frame: str = "DENY", private: bool = True) -> Response:
    """Set the security headers of a portal response (and ``no-store`` if ``private``)."""
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Frame-Options"] = frame
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def origin_of(request: Request) -> str:
    """``scheme://host[:port]`` of the request, as the browser sees the portal."""
    return f"{request.url.scheme}://{request.url.netloc}"


# --------------------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> tuple[str, bool]:
    """The CSRF token for a form on this page, and whether the cookie must be (re)set."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if len(current) >= 16:
        return current, False
    return secrets.token_urlsafe(24), True


def set_csrf_cookie(response: Response, token: str, *, secure: bool, max_age: int = 12 * 3600) -> None:
    """Set the double-submit cookie (readable by the portal's own script, never sent cross-site)."""
    response.set_cookie(
        CSRF_COOKIE, token, httponly=False, samesite="strict", secure=secure, max_age=max_age, path="/"
    )


def check_csrf_form(request: Request, sent: object) -> None:
    """Raise :class:`CsrfFormError` unless the form's token equals the cookie."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    if (
        not isinstance(sent, str)
        or not sent
        or not expected
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfFormError("the form has no valid CSRF token; reload the page and try again")


# --------------------------------------------------------------------------- rate limiting


class LoginLimiter:
    """At most ``limit`` failed logins per ``window`` seconds per username and per client address.

    Kept in memory, per process: with several processes each allows ``limit``, which still
    bounds guessing. A success does not reset the address's count (one account's password must
    not unlock guessing at others from the same address).
    """

    def __init__(
        self, limit: int = 5, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()}", f"addr:{address}"

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` if either the username or the address is over the limit."""
        now = self.clock()
        with self._lock:
            waits = []
            for key in self._keys(username, address):
                times = self._recent(key, now)
                if len(times) >= self.limit:
                    waits.append(times[0] + self.window - now)
            if len(self._failures) > 10_000:  # drop idle entries now and then
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise TooManyAttempts(f"too many failed logins; try again in {retry} seconds", retry)

    def failed(self, username: str, address: str) -> None:
        """Count one failed login."""
        now = self.clock()
        with self._lock:
            for key in self._keys(username, address):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        """Forget the username's failures (its owner knows the password)."""
        with self._lock:
            self._failures.pop(self._keys(username, "")[0], None)


def client_address(request: Request) -> str:
    """The peer address (proxies' headers are not trusted: opentruth listens on 127.0.0.1)."""
    return request.client.host if request.client else "unknown"
