"""The worker portal's pages (``/worker``): login, logout, the job list, the task page.

The pages are thin: the task page's script (``static/portal/task.js``) takes tasks, submits,
declines and releases through the worker JSON API with the session cookie and the CSRF header.
Every page is authorised by the same session cookie as the API; without it, a page redirects
to the login form.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from opentruth.db import repo_jobs, repo_workforce
from opentruth.db.models import JobStatus, LabelingJob
from opentruth.errors import NotFoundError, OpenTruthError
from opentruth.labeling.resources import Resources
from opentruth.labeling.workers import AuthenticationError, WorkerIdentity, WorkerService
from opentruth.portal.api import CSRF_COOKIE, SESSION_COOKIE
from opentruth.portal.pages import page
from opentruth.portal.security import (
    TooManyAttempts,
    client_address,
    set_csrf_cookie,
)
from opentruth.portal.web import PortalConfig, checked_form, login_form_page, message_page, redirect

AREA = "worker"


def current_worker(service: WorkerService, request: Request) -> WorkerIdentity | None:
    """The worker of the session cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return service.authenticate(token)
    except AuthenticationError:
        return None


def job_of_worker(res: Resources, worker: WorkerIdentity, name: str) -> LabelingJob:
    """The job if one of the worker's teams works on it; NotFound otherwise (no probing)."""
    with res.db.read() as s:
        try:
            job = repo_jobs.get_job(s, name, account_id=res.account)
        except NotFoundError:
            raise NotFoundError(f"no labeling job {name} for you") from None
        teams = {t.arn for t in repo_workforce.workteams_of_worker(s, worker.id)}
        if job.workteam_arn not in teams:
            raise NotFoundError(f"no labeling job {name} for you")
        s.expunge(job)
        return job


def build_worker_pages(service: WorkerService, config: PortalConfig) -> APIRouter:
    """The ``/worker`` page routes."""
    router = APIRouter()
    res = service.res

    def not_found(exc: OpenTruthError, username: str, csrf: str) -> Response:
        return message_page(
            config, "Job not found", exc.message, status=404, back="/worker/jobs", user=username, csrf=csrf
        )

    def login_form(request: Request, *, error: str = "", username: str = "", status: int = 200) -> Response:
        return login_form_page(
            config,
            request,
            area=AREA,
            title="Log in",
            heading="Log in to label",
            action="/worker/login",
            error=error,
            username=username,
            status=status,
        )

    @router.get("/worker")
    def home(request: Request) -> Response:
        target = "/worker/jobs" if current_worker(service, request) else "/worker/login"
        return redirect(target, config)

    @router.get("/worker/login")
    def login_page(request: Request) -> Response:
        if current_worker(service, request):
            return redirect("/worker/jobs", config)
        return login_form(request)

    @router.post("/worker/login")
    async def login(request: Request) -> Response:
        try:
            form = await checked_form(request)
        except OpenTruthError as exc:
            return message_page(config, "Form refused", exc.message, status=exc.http_status, area=AREA)
        username = form.get("username", "").strip()
        address = client_address(request)
        try:
            config.limiter.check(username, address)
        except TooManyAttempts as exc:
            response = login_form(request, error=exc.message, username=username, status=429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        try:
            token, _ident = service.login(username, form.get("password", ""))
        except AuthenticationError:
            config.limiter.failed(username, address)
            return login_form(request, error="Wrong username or password.", username=username, status=401)
        config.limiter.succeeded(username)
        response = redirect("/worker/jobs", config)
        max_age = int(service.token_ttl.total_seconds())
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
            max_age=max_age,
            path="/",
        )
        # A fresh CSRF token per session: one planted before login is worth nothing after.
        set_csrf_cookie(response, secrets.token_urlsafe(24), secure=config.secure_cookies, max_age=max_age)
        return response

    @router.post("/worker/logout")
    async def logout(request: Request) -> Response:
        try:
            await checked_form(request)
        except OpenTruthError as exc:
            return message_page(config, "Form refused", exc.message, status=exc.http_status, area=AREA)
        response = redirect("/worker/login", config)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response

    @router.get("/worker/jobs")
    def jobs(request: Request) -> Response:
        worker = current_worker(service, request)
        if worker is None:
            return redirect("/worker/login", config)
        return page(
            "jobs",
            title="Your jobs",
            area=AREA,
            csp_allow=config.csp_allow,
            user=worker.username,
            csrf=request.cookies.get(CSRF_COOKIE, ""),
            jobs=service.jobs(worker),
        )

    @router.get("/worker/jobs/{job_name}/work")
    def work(job_name: str, request: Request) -> Response:
        worker = current_worker(service, request)
        if worker is None:
            return redirect("/worker/login", config)
        csrf = request.cookies.get(CSRF_COOKIE, "")
        try:
            job = job_of_worker(res, worker, job_name)
        except OpenTruthError as exc:
            return not_found(exc, worker.username, csrf)
        human = job.request["HumanTaskConfig"]
        if job.status != JobStatus.IN_PROGRESS.value:
            return redirect(f"/worker/jobs/{job_name}/done", config)
        return page(
            "task",
            title=human["TaskTitle"],
            area=AREA,
            csp_allow=config.csp_allow,
            user=worker.username,
            csrf=csrf,
            scripts=["/worker/static/portal/task.js"],
            body_class="task",
            job_name=job.name,
            title_text=human["TaskTitle"],
            description=human.get("TaskDescription", ""),
            time_limit=job.task_time_limit_seconds,
        )

    @router.get("/worker/jobs/{job_name}/done")
    def done(job_name: str, request: Request) -> Response:
        worker = current_worker(service, request)
        if worker is None:
            return redirect("/worker/login", config)
        csrf = request.cookies.get(CSRF_COOKIE, "")
        try:
            job = job_of_worker(res, worker, job_name)
        except OpenTruthError as exc:
            return not_found(exc, worker.username, csrf)
        return page(
            "done",
            title="No more tasks",
            area=AREA,
            csp_allow=config.csp_allow,
            user=worker.username,
            csrf=csrf,
            title_text=job.request["HumanTaskConfig"]["TaskTitle"],
        )

    return router
