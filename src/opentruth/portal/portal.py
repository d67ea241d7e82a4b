"""Add the worker portal's pages and the job dashboard to the server's app.

``install_portal(app, runtime)`` is the one call ``opentruth.server.create_app`` makes. Keys
are derived from the deployment's root key (through :func:`opentruth.runtime.token_secret`),
each under its own label, so every process of one deployment accepts the others' URLs and
sessions, and a token of one kind never verifies as another.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from opentruth.portal.admin import AdminSessions, build_admin
from opentruth.portal.render import TemplateRenderer
from opentruth.portal.security import LoginLimiter
from opentruth.portal.signing import ObjectUrlSigner, ReportTokens, derive_key
from opentruth.portal.taskview import build_task_views
from opentruth.portal.web import PortalConfig
from opentruth.portal.worker import build_worker_pages
from opentruth.runtime import Runtime, token_secret


def install_portal(
    app: FastAPI,
    runtime: Runtime,
    *,
    csp_allow: Sequence[str] | None = None,
    limiter: LoginLimiter | None = None,
) -> PortalConfig:
    """Add ``/worker`` pages, ``/worker/render``, ``/worker/objects``, ``/worker/static`` and
    ``/admin`` to ``app``; returns the shared configuration (tests reach the limiter there)."""
    settings = runtime.settings
    allow = tuple(csp_allow if csp_allow is not None else settings.portal_csp_allow)
    config = PortalConfig(
        csp_allow=allow,
        secure_cookies=settings.portal_url.startswith("https://"),
        limiter=limiter or LoginLimiter(),
    )
    root = token_secret(settings.data_dir)
    renderer = TemplateRenderer(ObjectUrlSigner(derive_key(root, "object urls")), csp_allow=allow)
    sessions = AdminSessions(derive_key(root, "dashboard sessions"))
    app.include_router(build_worker_pages(runtime.workers, config))
    reports = ReportTokens(derive_key(root, "csp reports"))
    app.include_router(build_task_views(runtime.workers, renderer, config, reports))
    app.include_router(build_admin(runtime.res, sessions, config, hasher=lambda: runtime.workers.hasher))
    app.state.portal = config
    return config
