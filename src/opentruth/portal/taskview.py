"""The task's own document and the objects it shows.

``GET /worker/render/{taskId}``
    The job's template rendered for one of the worker's leased tasks: the document of the
    sandboxed iframe on the task page. It carries its own CSP (scripts only with the render's
    nonce or from the portal's static files) and may be framed only by the portal.

``GET /worker/objects/{token}``
    What ``grant_read_access`` URLs point at. The token is checked (signature in constant time,
    then expiry: 403 otherwise) and the object is read **through the job's role** at fetch time
    (``s3:GetObject``; a denial is 403), then streamed with its content type.

``GET /worker/static/{path}``
    The portal's script, styles, the crowd HTML elements and the vendored libraries.

``POST /worker/csp-report/{token}``
    The template CSP's ``report-uri``: a script the browser blocked goes to the job's log
    (:mod:`opentruth.portal.script_report`). The token is signed for the job.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse

from opentruth.awsmodel.tasktypes import task_type_of
from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.db import repo_jobs, repo_tasks
from opentruth.db.models import AssignmentState, DataObject
from opentruth.errors import NotFoundError
from opentruth.labeling.workers import AuthenticationError, WorkerIdentity, WorkerService
from opentruth.portal.api import SESSION_COOKIE
from opentruth.portal.cdn import ScriptRef
from opentruth.portal.pages import render_fragment
from opentruth.portal.render import Granter, TemplateRenderer, TemplateUnavailable, fetch_template
from opentruth.portal.script_report import REPORT_ROUTE, ScriptReporter, blocked_script_of
from opentruth.portal.security import harden, origin_of, template_csp
from opentruth.portal.signing import BadObjectUrl, ObjectUrlSigner, ReportTokens
from opentruth.portal.web import PortalConfig

#: Object URLs stay valid this long after the task's lease ends (a slow last image load).
URL_GRACE = timedelta(minutes=5)

#: An HTML or SVG object opened directly must not run scripts in the portal's origin.
OBJECT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".md": "text/plain; charset=utf-8",
}


def _identify(service: WorkerService, request: Request) -> WorkerIdentity:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return service.authenticate(auth[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("not logged in")
    return service.authenticate(token)


def static_root() -> Path:
    """The folder of the portal's static files (package data)."""
    return Path(str(resources.files("opentruth.portal").joinpath("static")))


#: A CSP report is a small JSON document; anything longer is not read.
MAX_REPORT_BYTES = 16 * 1024


def build_task_views(
    service: WorkerService,
    renderer: TemplateRenderer,
    config: PortalConfig,
    report_tokens: ReportTokens | None = None,
) -> APIRouter:
    """The render, object, static and CSP report routes (no ``report-uri`` without tokens)."""
    router = APIRouter()
    res = service.res
    signer: ObjectUrlSigner = renderer.signer
    reporter = ScriptReporter(res)

    def doc(request: Request, heading: str, message: str, status: int) -> Response:
        nonce = secrets.token_urlsafe(16)
        body = render_fragment("render_error", heading=heading, message=message)
        response = HTMLResponse(body, status_code=status)
        return harden(response, template_csp(nonce, origin_of(request), config.csp_allow), frame="SAMEORIGIN")

    @router.get("/worker/render/{task_id}")
    def render(task_id: str, request: Request) -> Response:
        try:
            worker = _identify(service, request)
        except AuthenticationError as exc:
            return doc(request, "Not logged in", f"{exc.message}. Log in again.", 401)
        with res.db.read() as s:
            try:
                assignment = repo_tasks.get_assignment(s, task_id, worker.id)
            except NotFoundError:
                return doc(request, "Task not found", "There is no such task for you.", 404)
            job = repo_jobs.get_job_by_id(s, assignment.job_id)
            obj = s.get(DataObject, assignment.object_id)
            task_input: dict[str, Any] = dict(obj.task_input or {}) if obj is not None else {}
            source_line = obj.source if obj is not None else "{}"
            s.expunge(job)
            state, expires = assignment.state, assignment.lease_expires_at
        if state != AssignmentState.LEASED.value or expires <= res.clock():
            return doc(
                request,
                "This task is no longer yours",
                "Its time ran out or it was already submitted, declined or released. "
                "Take the next task from the task page.",
                409,
            )
        if _reviews_labels(job.request) and "manifestLine" not in task_input:
            # Verification and adjustment templates read the labels under review from it.
            task_input["manifestLine"] = json.loads(source_line)
        try:
            source = fetch_template(res, job)
            nonce = secrets.token_urlsafe(16)
            origin = origin_of(request)
            granter = Granter(signer, job.name, int((expires + URL_GRACE).timestamp()), origin)
            human = job.request["HumanTaskConfig"]
            html = renderer.render(
                source,
                task_input,
                nonce=nonce,
                granter=granter,
                extra={"job": {"title": human["TaskTitle"], "description": human.get("TaskDescription", "")}},
            )
        except TemplateUnavailable as exc:
            return doc(request, "The task cannot be shown", exc.message, 502)
        # Scripts the browser will refuse go to the job's log, once, for the operator.
        reporter.report(job.name, job.request["RoleArn"], job.arn, renderer.scripts(source))
        report = f"{origin}{REPORT_ROUTE}/{report_tokens.token(job.name)}" if report_tokens else None
        response = HTMLResponse(html)
        return harden(response, template_csp(nonce, origin, config.csp_allow, report), frame="SAMEORIGIN")

    @router.post(REPORT_ROUTE + "/{token}")
    async def csp_report(token: str, request: Request) -> Response:
        name = report_tokens.verify(token) if report_tokens else None
        if name is None:
            return _plain(403, "not a report URL of this portal")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_REPORT_BYTES:
                return _plain(413, "the report is too large")
        url = blocked_script_of(body)
        if url is not None:
            await run_in_threadpool(report_blocked, name, url)
        return Response(status_code=204)

    def report_blocked(name: str, url: str) -> None:
        with res.db.read() as s:
            try:
                job = repo_jobs.get_job(s, name, account_id=res.account)
            except NotFoundError:
                return
            role, arn = job.request["RoleArn"], job.arn
        reporter.report(name, role, arn, [ScriptRef(url, "blocked")])

    @router.get("/worker/objects/{token}")
    def read_object(token: str) -> Response:
        try:
            grant = signer.verify(token, res.clock().timestamp())
            with res.db.read() as s:
                job = repo_jobs.get_job(s, grant.job, account_id=res.account)
                role, arn = job.request["RoleArn"], job.arn
            store = res.job_store(res.session(role, arn))
            stream = store.open_stream(grant.bucket, grant.key)
        except (BadObjectUrl, RoleAccessDeniedError) as exc:
            return _plain(403, exc.message)
        except NotFoundError as exc:
            # A deleted job or object; never more than the signed URL already told.
            if isinstance(exc, (NoSuchKey, NoSuchBucket)):
                return _plain(404, exc.message)
            return _plain(403, "the object URL is no longer valid")

        def chunks() -> Iterator[bytes]:
            with stream:
                yield from stream

        headers = {
            "Content-Length": str(stream.info.size),
            # Signed URLs are capabilities, not cookie-authenticated: any origin may read them,
            # which the opaque-origin iframe needs to draw images on a canvas.
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": OBJECT_CSP,
        }
        return StreamingResponse(chunks(), media_type=stream.info.content_type, headers=headers)

    @router.get("/worker/static/{path:path}")
    def static(path: str) -> Response:
        parts = PurePosixPath(path).parts
        if not parts or any(p in ("..", ".") or p.startswith(".") or "\\" in p for p in parts):
            return _plain(404, "not found")
        root = static_root().resolve()
        target = root.joinpath(*parts).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return _plain(404, "not found")
        kind = _CONTENT_TYPES.get(target.suffix.lower())
        if kind is None:
            return _plain(404, "not found")
        return FileResponse(
            target,
            media_type=kind,
            headers={
                # Module scripts loaded by the opaque-origin iframe are CORS requests.
                "Access-Control-Allow-Origin": "*",
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return router


def _reviews_labels(request: dict[str, Any]) -> bool:
    return task_type_of(request).suffix.startswith(("Verification", "Adjustment"))


def _plain(status: int, message: str) -> Response:
    return Response(
        message + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
