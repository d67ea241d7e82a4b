"""Tell an operator which of a template's scripts the browser will not load, and why.

A script from outside the portal that no local copy serves (:mod:`opentruth.portal.cdn`) and
the CSP's extra origins do not admit is refused by the worker's browser, and the template's
code that needs it never runs. Worse, nothing says so except the browser's console. So the
first render of such a template logs each script once per job and process:

- on the job's log stream (``/aws/sagemaker/LabelingJobs``, through the job's role, as every
  job event) as a ``TemplateScriptBlocked`` event with the URL and what to allow;
- in the service's log (logger ``opentruth.portal``);

and the dashboard's job page lists them (:func:`blocked_scripts`).

A template can also add scripts at run time (``document.createElement("script")``,
``$.getScript``), which no scan of its source sees. The template CSP therefore carries a
``report-uri`` with a token signed for the job (``signing.ReportTokens``): the browser posts each
violation there, and :func:`blocked_script_of` keeps those of ``script-src`` with an http(s)
URL, which are reported as above. A job logs at most :data:`MAX_PER_JOB` distinct scripts per
process, so that a page cannot flood its log.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from opentruth.cloud.logs import LogResourceNotFound
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.labeling.joblog import LOG_GROUP, JobLog
from opentruth.labeling.resources import Resources
from opentruth.portal.cdn import ScriptRef

__all__ = [
    "EVENT",
    "REPORT_ROUTE",
    "BlockedScript",
    "ScriptReporter",
    "blocked_script_of",
    "blocked_scripts",
]

EVENT = "TemplateScriptBlocked"
ALLOW_ENV = "OPENTRUTH_PORTAL_CSP_ALLOW"
#: Where the template CSP's ``report-uri`` points (``/<token>`` follows).
REPORT_ROUTE = "/worker/csp-report"
#: Distinct scripts logged per job and process.
MAX_PER_JOB = 50
logger = logging.getLogger("opentruth.portal")


def _hint(ref: ScriptRef) -> str:
    if ref.status == "dynamic":
        return (
            "its URL is a Liquid expression, so it is neither served locally nor checked; scripts "
            f"load only from the portal and the origins in {ALLOW_ENV}"
        )
    parts = urlsplit("https:" + ref.url if ref.url.startswith("//") else ref.url)
    if parts.hostname:
        origin = f"{parts.scheme}://{parts.netloc}"
        return f"the template CSP blocks it; to load it, add {origin} to {ALLOW_ENV}"
    return (
        "a relative URL resolves under /worker/render/, where the portal serves no scripts; "
        "inline the script in the template or load it from an allowed origin"
    )


class ScriptReporter:
    """Logs each blocked or unknown script once per (job, URL) in this process. Thread-safe."""

    def __init__(self, res: Resources) -> None:
        self.res = res
        self._seen: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def report(self, job_name: str, role_arn: str, job_arn: str, refs: Iterable[ScriptRef]) -> None:
        """Write a ``TemplateScriptBlocked`` event for each new blocked or dynamic script."""
        fresh: list[ScriptRef] = []
        with self._lock:
            seen = self._seen.setdefault(job_arn, set())
            for ref in refs:
                if ref.status in ("blocked", "dynamic") and ref.url not in seen and len(seen) < MAX_PER_JOB:
                    seen.add(ref.url)
                    fresh.append(ref)
        if not fresh:
            return
        for ref in fresh:
            logger.warning("labeling job %s: template script %s: %s", job_name, ref.url, _hint(ref))
        try:
            log = JobLog(self.res, self.res.session(role_arn, job_arn), job_name)
        except RoleAccessDeniedError:  # the role no longer trusts SageMaker: the service log says it
            return
        for ref in fresh:
            log.event(EVENT, url=ref.url, status=ref.status, hint=_hint(ref))


@dataclass(frozen=True, slots=True)
class BlockedScript:
    """A script the job's log reported as blocked or unknown."""

    url: str
    status: str
    hint: str


def blocked_scripts(res: Resources, job_name: str, limit: int = 50) -> list[BlockedScript]:
    """The distinct scripts reported on the job's log stream, first report first."""
    try:
        # A quoted term: one substring, which every logs adapter matches alike.
        events = res.logs.filter_log_events(LOG_GROUP, streams=[job_name], pattern=f'"{EVENT}"')
    except LogResourceNotFound:
        return []
    out: dict[str, BlockedScript] = {}
    for event in events:
        try:
            body = json.loads(event.message)
        except ValueError:
            continue
        if not isinstance(body, dict) or body.get("event") != EVENT:
            continue
        url = str(body.get("url", ""))
        if url and url not in out:
            out[url] = BlockedScript(url, str(body.get("status", "")), str(body.get("hint", "")))
        if len(out) >= limit:
            break
    return list(out.values())


def blocked_script_of(body: bytes) -> str | None:
    """The script URL of a CSP violation report (``report-uri``'s ``application/csp-report``),
    or None when the report is about something else (inline code, eval, styles, images)."""
    try:
        report = json.loads(body.decode("utf-8")).get("csp-report")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    if not isinstance(report, dict):
        return None
    directive = str(report.get("effective-directive") or report.get("violated-directive") or "")
    url = str(report.get("blocked-uri") or "")
    if not directive.startswith("script-src") or not url.startswith(("http://", "https://")):
        return None
    return url[:2048]
