"""The portal's own HTML pages: python-liquid templates with autoescape on.

Every value a page shows is escaped unless the code marks it safe (:class:`markupsafe.Markup`),
which only this package does, for HTML it built itself (a page body, an SVG chart).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from liquid import Environment
from liquid.template import BoundTemplate
from markupsafe import Markup
from starlette.responses import HTMLResponse

from opentruth.portal.security import harden, page_csp


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(autoescape=True)


@lru_cache(maxsize=32)
def _template(name: str) -> BoundTemplate:
    path = resources.files("opentruth.portal").joinpath("templates", "pages", f"{name}.liquid.html")
    return _env().from_string(path.read_text(encoding="utf-8"))


def render_fragment(name: str, **data: Any) -> Markup:
    """Render ``templates/pages/<name>.liquid.html``; the result is safe HTML."""
    return Markup(_template(name).render(**data))  # noqa: S704 - autoescaped by the template


def page(
    name: str,
    *,
    title: str,
    area: str,
    csp_allow: Sequence[str] = (),
    status: int = 200,
    user: str | None = None,
    csrf: str = "",
    logout_action: str = "/worker/logout",
    scripts: Sequence[str] = (),
    body_class: str = "",
    body: Markup | None = None,
    refresh: int = 0,
    **data: Any,
) -> HTMLResponse:
    """A whole page: ``name``'s fragment inside the layout, with the security headers.

    ``refresh``: the browser reloads the page every that many seconds (0: never).
    """
    inner = body if body is not None else render_fragment(name, csrf=csrf, **data)
    html = _template("layout").render(
        title=title,
        area=area,
        user=user,
        csrf=csrf,
        logout_action=logout_action,
        scripts=list(scripts),
        body_class=body_class,
        body=inner,
        refresh=refresh,
    )
    response = HTMLResponse(html, status_code=status)
    harden(response, page_csp(csp_allow))
    return response
