"""Blocked template scripts, over HTTP: the render serves the copies and logs what the CSP will
block, once; the CSP's report-uri takes the browser's reports of scripts added at run time, for
the job its token was signed for only; the job's log is bounded."""

from __future__ import annotations

import json
import re
from typing import Any

from labsupport import job_request
from opentruth.labeling.joblog import LOG_GROUP
from opentruth.portal.script_report import MAX_PER_JOB, blocked_script_of
from opentruth.portal.signing import ReportTokens
from portalsupport import PortalEnv

TEMPLATE = (
    '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>'
    '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
    '<script src="https://blocked.example/lib.js"></script>'
    "<crowd-form><p>{{ task.input.source }}</p></crowd-form>"
)


def _job(env: PortalEnv, name: str, template: str = TEMPLATE) -> None:
    env.put(f"s3://input-data/{name}.liquid", template)
    human: dict[str, Any] = job_request(name, "PassThrough")["HumanTaskConfig"]
    human["UiConfig"] = {"UiTemplateS3Uri": f"s3://input-data/{name}.liquid"}
    env.create_job(name, "PassThrough", [{"source": "a"}, {"source": "b"}], HumanTaskConfig=human)


def _blocked(env: PortalEnv, job: str) -> list[dict[str, Any]]:
    events = [json.loads(e.message) for e in env.rt.res.logs.get_log_events(LOG_GROUP, job)]
    return [e for e in events if e["event"] == "TemplateScriptBlocked"]


def _report(url: str, directive: str = "script-src-elem") -> bytes:
    body = {
        "csp-report": {"document-uri": "about:srcdoc", "effective-directive": directive, "blocked-uri": url}
    }
    return json.dumps(body).encode()


def _report_route(env: PortalEnv, job: str) -> str:
    """The path of the report-uri in the CSP of a task of ``job`` (as ann)."""
    env.login("ann")
    task = env.next_task(job)
    csp = env.client.get(f"/worker/render/{task['taskId']}").headers["content-security-policy"]
    found = re.search(r"report-uri http://testserver(/worker/csp-report/[^\s;]+)", csp)
    assert found, csp
    env.client.cookies.clear()  # the browser's report carries no session
    return found.group(1)


def test_render_serves_the_copy_and_logs_the_blocked_script_once(portal_env: PortalEnv) -> None:
    env = portal_env
    _job(env, "scripts")
    env.login("ann")
    task = env.next_task("scripts")
    page = env.client.get(f"/worker/render/{task['taskId']}")
    assert page.status_code == 200
    assert 'src="/worker/static/vendor/jquery-3.7.1/jquery.min.js"' in page.text
    assert 'src="https://blocked.example/lib.js"' in page.text  # left for the browser to refuse
    served = env.client.get("/worker/static/vendor/jquery-3.7.1/jquery.min.js")
    assert served.status_code == 200 and served.text.startswith("/*! jQuery v3.7.1")
    env.client.get(f"/worker/render/{task['taskId']}")  # rendered again: not logged again
    [event] = _blocked(env, "scripts")
    assert event["url"] == "https://blocked.example/lib.js" and event["status"] == "blocked"
    assert "add https://blocked.example to OPENTRUTH_PORTAL_CSP_ALLOW" in event["hint"]


def test_csp_reports_reach_the_job_log_only_with_the_jobs_token(portal_env: PortalEnv) -> None:
    env = portal_env
    _job(env, "reported", "<crowd-form></crowd-form>")
    route = _report_route(env, "reported")
    headers = {"Content-Type": "application/csp-report"}
    late = "https://cdn.example.org/late.js"
    assert env.client.post(route, content=_report(late), headers=headers).status_code == 204
    # Not a script, or not a URL: nothing to tell the operator.
    for other in (_report("https://img.example/x.png", "img-src"), _report("inline"), b"not json"):
        assert env.client.post(route, content=other, headers=headers).status_code == 204
    assert [e["url"] for e in _blocked(env, "reported")] == [late]
    # A token that was not signed for a job is refused, and so is one changed to another job.
    forged = route.rsplit(".", 1)[0] + ".AAAA"
    assert env.client.post(forged, content=_report(late), headers=headers).status_code == 403
    other_job = ReportTokens(b"x" * 32).token("reported")
    assert env.client.post(f"/worker/csp-report/{other_job}", content=_report(late)).status_code == 403
    too_big = b"{" + b" " * (17 * 1024) + b"}"
    assert env.client.post(route, content=too_big, headers=headers).status_code == 413


def test_a_page_cannot_flood_the_job_log(portal_env: PortalEnv) -> None:
    env = portal_env
    _job(env, "flood", "<crowd-form></crowd-form>")
    route = _report_route(env, "flood")
    for i in range(MAX_PER_JOB + 10):
        env.client.post(route, content=_report(f"https://cdn.example.org/{i}.js"))
    assert len(_blocked(env, "flood")) == MAX_PER_JOB


def test_tokens_and_reports_parse_strictly() -> None:
    tokens = ReportTokens(b"k" * 32)
    assert tokens.verify(tokens.token("job-é")) == "job-é"
    assert tokens.verify("") is None and tokens.verify("am9i") is None
    assert tokens.verify(tokens.token("a") + "x") is None
    assert blocked_script_of(_report("https://a.example/s.js", "script-src")) == "https://a.example/s.js"
    assert blocked_script_of(_report("eval")) is None
    assert blocked_script_of(json.dumps({"csp-report": "x"}).encode()) is None
    assert blocked_script_of(b"[]") is None
