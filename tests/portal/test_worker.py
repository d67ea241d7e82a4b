"""The worker pages: login with CSRF and rate limiting, the job list, the task page, headers."""

from __future__ import annotations

import re

from portalsupport import PortalEnv

TEXTS = [{"source": "one"}, {"source": "two"}]


def test_login_logout_and_cookies(portal_env: PortalEnv) -> None:
    env = portal_env
    assert env.client.get("/worker", follow_redirects=False).headers["location"] == "/worker/login"
    assert env.client.get("/worker/jobs", follow_redirects=False).headers["location"] == "/worker/login"
    token = env.csrf()
    r = env.client.post(
        "/worker/login",
        data={"username": "ann", "password": "pw-ann", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/worker/jobs"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("ot_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    csrf = next(c for c in cookies if c.startswith("ot_csrf="))
    assert "SameSite=strict" in csrf and "HttpOnly" not in csrf
    assert env.client.cookies.get("ot_csrf") != token  # a fresh token for the session
    page = env.client.get("/worker/jobs")
    assert page.status_code == 200 and "ann" in page.text
    # Logging out is a form with the session's token.
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert fresh is not None
    out = env.client.post("/worker/logout", data={"csrf_token": fresh.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    assert env.client.get("/worker/jobs", follow_redirects=False).status_code == 303


def test_forms_without_the_csrf_token_are_refused(portal_env: PortalEnv) -> None:
    env = portal_env
    env.csrf()  # the cookie is set, but the form does not carry the token
    for data in (
        {"username": "ann", "password": "pw-ann"},
        {"username": "ann", "password": "pw-ann", "csrf_token": "forged-token-123456"},
    ):
        r = env.client.post("/worker/login", data=data, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text
        assert "ot_session" not in r.headers.get("set-cookie", "")
    env.login("ann")
    assert env.client.post("/worker/logout", data={}, follow_redirects=False).status_code == 403
    # The JSON API's cookie-authenticated calls need the header (bearer calls do not).
    r = env.client.post("/worker/api/jobs/x/tasks/next")
    assert r.status_code == 403


def test_wrong_password_then_rate_limit(portal_env: PortalEnv) -> None:
    env = portal_env
    token = env.csrf()
    for _ in range(5):
        r = env.client.post("/worker/login", data={"username": "ann", "password": "bad", "csrf_token": token})
        assert r.status_code == 401 and "Wrong username or password" in r.text
    limited = env.client.post(
        "/worker/login", data={"username": "ann", "password": "pw-ann", "csrf_token": token}
    )
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    # The same address is limited for other usernames too, and on the JSON API.
    other = env.client.post(
        "/worker/login", data={"username": "bob", "password": "pw-bob", "csrf_token": token}
    )
    assert other.status_code == 429
    api = env.client.post("/worker/api/login", json={"username": "bob", "password": "pw-bob"})
    assert api.status_code == 429 and "retry-after" in api.headers


def test_api_login_failures_count_too(portal_env: PortalEnv) -> None:
    env = portal_env
    for _ in range(5):
        assert (
            env.client.post("/worker/api/login", json={"username": "zed", "password": "x"}).status_code == 401
        )
    assert env.client.post("/worker/api/login", json={"username": "zed", "password": "x"}).status_code == 429


def test_job_list_task_page_and_headers(portal_env: PortalEnv) -> None:
    env = portal_env
    env.create_job("text-job", "TextMultiClass", TEXTS)
    env.login("ann")
    page = env.client.get("/worker/jobs")
    assert "Label things" in page.text and "/worker/jobs/text-job/work" in page.text
    assert re.search(r'<td class="num">2</td>', page.text)
    for response in (page, env.client.get("/worker/login"), env.client.get("/worker/jobs/text-job/work")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
    work = env.client.get("/worker/jobs/text-job/work")
    assert '<iframe id="task-frame" title="Task" sandbox="allow-scripts allow-forms"' in work.text
    assert "allow-same-origin" not in work.text
    assert 'src="/worker/static/portal/task.js"' in work.text
    assert 'data-time-limit="300"' in work.text and 'id="timer"' in work.text
    assert 'id="decline"' in work.text and 'id="release"' in work.text
    assert f'data-csrf="{env.client.cookies.get("ot_csrf")}"' in work.text


def test_other_teams_job_is_404_and_done_page(portal_env: PortalEnv) -> None:
    env = portal_env
    env.create_job("text-job", "TextMultiClass", TEXTS)
    env.login("eve")
    assert "text-job" not in env.client.get("/worker/jobs").text
    assert env.client.get("/worker/jobs/text-job/work").status_code == 404
    assert env.client.get("/worker/jobs/no-such-job/work").status_code == 404
    assert (
        env.client.post("/worker/api/jobs/text-job/tasks/next", headers=env.csrf_header()).status_code == 404
    )
    env.client.cookies.clear()
    env.login("ann")
    done = env.client.get("/worker/jobs/text-job/done")
    assert done.status_code == 200 and "No more tasks" in done.text


def test_extra_csp_origins_come_from_settings(tmp_path: object) -> None:
    from pathlib import Path

    from fastapi.testclient import TestClient

    from opentruth.runtime import Settings
    from opentruth.server import create_app

    base = Settings.resolve(Path(str(tmp_path)) / "data")
    settings = type(base)(**{**base.__dict__, "portal_csp_allow": ("https://cdn.example",)})
    with TestClient(create_app(settings, background=False)) as client:
        csp = client.get("/worker/login").headers["content-security-policy"]
    assert "script-src 'self' https://cdn.example" in csp
