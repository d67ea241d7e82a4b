"""The job dashboard (``/admin``) for IAM users.

Login uses an IAM user's console password (its login profile, Argon2). Each page is then
authorised by the IAM engine under the user's own policies, as the API would be:
``sagemaker:ListLabelingJobs`` on ``*`` for the list, ``sagemaker:DescribeLabelingJob`` on the
job's ARN for a job's page. A denial is a 403 page with AWS's wording.

The session cookie ``ot_admin`` is ``<user id>.<expiry>.<HMAC>`` under a key of its own; the
user and their policies are read again on every request, so a changed policy or a deleted
user takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from opentruth.db import repo_iam, repo_jobs
from opentruth.db.models import JobStatus, LabelingJob
from opentruth.db.models_iam import IamUser
from opentruth.errors import NotFoundError, OpenTruthError
from opentruth.iam import Evaluator
from opentruth.iam import Request as IamRequest
from opentruth.iam.patterns import ContextValue
from opentruth.labeling.resources import Resources
from opentruth.portal import charts, stats
from opentruth.portal.api import CSRF_COOKIE
from opentruth.portal.pages import page
from opentruth.portal.script_report import blocked_scripts
from opentruth.portal.security import (
    TooManyAttempts,
    client_address,
    set_csrf_cookie,
)
from opentruth.portal.web import PortalConfig, checked_form, login_form_page, message_page, redirect

ADMIN_COOKIE = "ot_admin"
AREA = "dashboard"
LOGOUT = "/admin/logout"

#: While a job on the page may still change, the page reloads itself this often (seconds), so
#: that an administrator watches the counters and the progress bar move without pressing reload.
REFRESH_SECONDS = 5
_ACTIVE = frozenset({JobStatus.INITIALIZING.value, JobStatus.IN_PROGRESS.value, JobStatus.STOPPING.value})


class AdminSessions:
    """Signs and checks dashboard session tokens."""

    def __init__(self, key: bytes, ttl: timedelta = timedelta(hours=8)) -> None:
        self._key = key
        self.ttl = ttl

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, user_id: str, now: datetime) -> str:
        payload = f"{user_id}.{int((now + self.ttl).timestamp())}"
        return f"{payload}.{self._mac(payload)}"

    def user_id(self, token: str, now: datetime) -> str | None:
        """The user id of a valid, unexpired token."""
        try:
            user_id, expires, mac = token.rsplit(".", 2)
            expiry = int(expires)
        except ValueError:
            return None
        if not hmac.compare_digest(mac.encode(), self._mac(f"{user_id}.{expires}").encode()):
            return None
        return user_id if expiry >= now.timestamp() else None


def _context(user: IamUser, request: Request, now: datetime) -> dict[str, ContextValue]:
    """The global condition keys of a dashboard request by ``user`` (as for an API call)."""
    ctx: dict[str, ContextValue] = {
        "aws:PrincipalArn": user.arn,
        "aws:PrincipalAccount": user.account_id,
        "aws:userid": user.user_id,
        "aws:username": user.name,
        "aws:PrincipalType": "User",
        "aws:SecureTransport": "true" if request.url.scheme == "https" else "false",
        "aws:CurrentTime": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:ViaAWSService": "false",
        "aws:SourceIp": client_address(request),
    }
    for tag in user.tags:
        ctx[f"aws:PrincipalTag/{tag['Key']}"] = tag["Value"]
    return ctx


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else ""


def _job_summary(s: Any, job: LabelingJob) -> dict[str, Any]:
    p = stats.progress(s, job)
    bar = charts.progress_bar(
        {"human": p.human, "machine": p.machine, "failed": p.failed, "remaining": p.remaining}
    )
    human = job.request.get("HumanTaskConfig", {})
    return {
        "name": job.name,
        "arn": job.arn,
        "status": job.status,
        "title": human.get("TaskTitle", ""),
        "description": human.get("TaskDescription", ""),
        "failure": job.failure_reason or "",
        "role": job.request.get("RoleArn", ""),
        "team": job.workteam_arn,
        "output": (job.output or {}).get("OutputDatasetS3Uri", ""),
        "total": p.total,
        "labeled": p.labeled,
        "human": p.human,
        "machine": p.machine,
        "failed": p.failed,
        "remaining": p.remaining,
        "bar": bar,
        "created": _when(job.created_at),
    }


def build_admin(
    res: Resources,
    sessions: AdminSessions,
    config: PortalConfig,
    *,
    hasher: Callable[[], PasswordHasher | None] = lambda: None,
) -> APIRouter:
    """The ``/admin`` routes. ``hasher`` returns the Argon2 parameters (tests use fast ones)."""
    router = APIRouter()
    evaluator = Evaluator()

    def current_user(request: Request) -> IamUser | None:
        token = request.cookies.get(ADMIN_COOKIE)
        user_id = sessions.user_id(token, res.clock()) if token else None
        if user_id is None:
            return None
        with res.db.read() as s:
            user = s.scalar(select(IamUser).where(IamUser.user_id == user_id))
            if user is None or user.password_hash is None:
                return None
            s.expunge(user)
            return user

    def denied(request: Request, user: IamUser, action: str, resource: str) -> Response | None:
        """None if ``user`` may do ``action`` on ``resource``; else the 403 page."""
        now = res.clock()
        with res.db.read() as s:
            row = s.get(IamUser, user.id)
            if row is None:
                return redirect("/admin/login", config)
            # The user's identity policies and boundary, exactly as SigV4 callers get them.
            policies = repo_iam._user_policies(s, row)
        decision = evaluator.evaluate(
            policies,
            IamRequest(
                principal=user.arn, action=action, resource=resource, context=_context(user, request, now)
            ),
        )
        if decision.allowed:
            return None
        return message_page(
            config,
            "Access denied",
            f"User: {user.arn} is not authorized to perform: {action} on resource: {resource}",
            status=403,
            area=AREA,
            user=user.name,
            csrf=request.cookies.get(CSRF_COOKIE, ""),
            logout_action=LOGOUT,
        )

    def login_form(request: Request, *, error: str = "", username: str = "", status: int = 200) -> Response:
        return login_form_page(
            config,
            request,
            area=AREA,
            title="Dashboard login",
            heading="Log in to the job dashboard",
            action="/admin/login",
            error=error,
            username=username,
            status=status,
        )

    @router.get("/admin/login")
    def login_page(request: Request) -> Response:
        return login_form(request)

    @router.post("/admin/login")
    async def login(request: Request) -> Response:
        try:
            form = await checked_form(request)
        except OpenTruthError as exc:
            return message_page(config, "Form refused", exc.message, status=exc.http_status, area=AREA)
        username = form.get("username", "").strip()
        address = client_address(request)
        try:
            config.limiter.check("iam:" + username, address)
        except TooManyAttempts as exc:
            response = login_form(request, error=exc.message, username=username, status=429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        with res.db.read() as s:
            user = repo_iam.verify_password(
                s, username, form.get("password", ""), hasher=hasher(), account_id=res.account
            )
            user_id = user.user_id if user is not None else None
        if user_id is None:
            config.limiter.failed("iam:" + username, address)
            return login_form(request, error="Wrong user name or password.", username=username, status=401)
        config.limiter.succeeded("iam:" + username)
        response = redirect("/admin", config)
        max_age = int(sessions.ttl.total_seconds())
        response.set_cookie(
            ADMIN_COOKIE,
            sessions.issue(user_id, res.clock()),
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
            max_age=max_age,
            path="/admin",
        )
        set_csrf_cookie(response, secrets.token_urlsafe(24), secure=config.secure_cookies, max_age=max_age)
        return response

    @router.post(LOGOUT)
    async def logout(request: Request) -> Response:
        try:
            await checked_form(request)
        except OpenTruthError as exc:
            return message_page(config, "Form refused", exc.message, status=exc.http_status, area=AREA)
        response = redirect("/admin/login", config)
        response.delete_cookie(ADMIN_COOKIE, path="/admin")
        return response

    @router.get("/admin")
    def jobs(request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return redirect("/admin/login", config)
        refused = denied(request, user, "sagemaker:ListLabelingJobs", "*")
        if refused is not None:
            return refused
        with res.db.read() as s:
            rows = s.scalars(
                select(LabelingJob)
                .where(LabelingJob.account_id == res.account)
                .order_by(LabelingJob.created_at.desc())
                .limit(500)
            )
            summaries = [_job_summary(s, job) for job in rows]
        return page(
            "admin_jobs",
            title="Labeling jobs",
            area=AREA,
            csp_allow=config.csp_allow,
            user=user.name,
            csrf=request.cookies.get(CSRF_COOKIE, ""),
            logout_action=LOGOUT,
            jobs=summaries,
            refresh=REFRESH_SECONDS if any(j["status"] in _ACTIVE for j in summaries) else 0,
        )

    @router.get("/admin/jobs/{name}")
    def job_page(name: str, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return redirect("/admin/login", config)
        csrf = request.cookies.get(CSRF_COOKIE, "")
        arn = repo_jobs.labeling_job_arn(res.region, res.account, name)
        # Authorise before looking the job up, as the API does: no probing for names.
        refused = denied(request, user, "sagemaker:DescribeLabelingJob", arn)
        if refused is not None:
            return refused
        with res.db.read() as s:
            try:
                job = repo_jobs.get_job(s, name, account_id=res.account)
            except NotFoundError:
                return message_page(
                    config,
                    "No such job",
                    f"There is no labeling job {name}.",
                    status=404,
                    area=AREA,
                    back="/admin",
                    user=user.name,
                    csrf=csrf,
                    logout_action=LOGOUT,
                )
            summary = _job_summary(s, job)
            times = stats.completions(s, job)
            classes = stats.class_distribution(s, job).most_common(30)
            workers = stats.worker_stats(s, job)
        log = stats.job_log(res, job.name)
        return page(
            "admin_job",
            title=job.name,
            area=AREA,
            csp_allow=config.csp_allow,
            user=user.name,
            csrf=csrf,
            logout_action=LOGOUT,
            refresh=REFRESH_SECONDS if summary["status"] in _ACTIVE else 0,
            job=summary,
            chart=charts.completion_chart(times),
            classes=charts.bar_chart(classes),
            workers=[
                {
                    "worker": w.worker,
                    "submitted": w.submitted,
                    "declined": w.declined,
                    "median": "–" if w.median_seconds is None else f"{w.median_seconds:.1f} s",
                    "agreement": "–" if w.agreement is None else f"{w.agreement:.0%} of {w.compared}",
                }
                for w in workers
            ],
            denials=[{"at": _when(e.at), "message": e.message} for e in log if e.denied],
            blocked=[
                {"url": b.url, "status": b.status, "hint": b.hint} for b in blocked_scripts(res, job.name)
            ],
            log=[{"at": _when(e.at), "message": e.message, "denied": e.denied} for e in log],
        )

    return router


__all__ = ["ADMIN_COOKIE", "AdminSessions", "build_admin"]
