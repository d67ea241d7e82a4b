"""Plumbing shared by the portal's page routers: form bodies, redirects, error pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from opentruth.errors import ValidationError
from opentruth.portal.pages import page
from opentruth.portal.security import (
    LoginLimiter,
    check_csrf_form,
    csrf_token,
    harden,
    page_csp,
    set_csrf_cookie,
)

MAX_FORM_BYTES = 16 * 1024


@dataclass
class PortalConfig:
    """What the page routers share: the extra CSP origins, cookie flags, the login limiter."""

    csp_allow: tuple[str, ...] = ()
    secure_cookies: bool = False
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (first value of each field), size-limited."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ValidationError("send the form as application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise ValidationError(f"the form is larger than {MAX_FORM_BYTES} bytes")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("the form is not valid UTF-8 form data") from None
    return {k: v[0] for k, v in fields.items()}


async def checked_form(request: Request) -> dict[str, str]:
    """The form, after checking its CSRF token (:class:`CsrfFormError` otherwise).

    A body that is not form data has no token either: it is refused as such (403).
    """
    try:
        form = await read_form(request)
    except ValidationError:
        form = {}
    check_csrf_form(request, form.get("csrf_token"))
    return form


def redirect(url: str, config: PortalConfig) -> Response:
    """A 303 See Other (a POST's result is fetched with GET), with the page headers."""
    return harden(RedirectResponse(url, status_code=303), page_csp(config.csp_allow))


def message_page(
    config: PortalConfig,
    heading: str,
    message: str,
    *,
    status: int,
    area: str = "worker",
    back: str | None = None,
    user: str | None = None,
    csrf: str = "",
    logout_action: str = "/worker/logout",
    headers: Sequence[tuple[str, str]] = (),
) -> Response:
    """An error or notice page."""
    response = page(
        "message",
        title=heading,
        area=area,
        csp_allow=config.csp_allow,
        status=status,
        user=user,
        csrf=csrf,
        logout_action=logout_action,
        heading=heading,
        message=message,
        back=back,
    )
    for name, value in headers:
        response.headers[name] = value
    return response


def login_form_page(
    config: PortalConfig,
    request: Request,
    *,
    area: str,
    title: str,
    heading: str,
    action: str,
    error: str = "",
    username: str = "",
    status: int = 200,
) -> Response:
    """The login form of an area, with a CSRF token (set as a cookie when it is new)."""
    token, fresh = csrf_token(request)
    response = page(
        "login",
        title=title,
        area=area,
        csp_allow=config.csp_allow,
        status=status,
        csrf=token,
        heading=heading,
        action=action,
        error=error,
        username=username,
    )
    if fresh:
        set_csrf_cookie(response, token, secure=config.secure_cookies)
    return response
