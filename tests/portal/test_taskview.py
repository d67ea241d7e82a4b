"""The task's rendered document and the signed object URLs, over HTTP."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from opentruth.db import repo_iam_roles
from opentruth.portal.render import LOCAL_LOADER
from portalsupport import PNG, PortalEnv

IMAGES = [{"source-ref": "s3://input-data/img/0.png"}, {"source-ref": "s3://input-data/img/1.png"}]


def image_job(env: PortalEnv, name: str = "img-job", **extra: object) -> None:
    for line in IMAGES:
        env.put(line["source-ref"], PNG, content_type="image/png")
    env.create_job(name, "ImageMultiClass", IMAGES, **extra)


def object_url(page: str) -> str:
    found = re.search(r'src="(http://testserver/worker/objects/[^"]+)"', page)
    assert found, page
    return found.group(1).removeprefix("http://testserver")


def test_render_shows_the_template_with_its_own_csp(portal_env: PortalEnv) -> None:
    env = portal_env
    env.put(
        "s3://input-data/custom.liquid",
        '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>'
        "<script>var d = {{ task.input | to_json }};</script>"
        "<crowd-form><p>{{ task.input.taskObject }}</p></crowd-form>",
    )
    env.create_job(
        "text-job",
        "TextMultiClass",
        [{"source": "</script><script>alert(1)</script>"}],
        HumanTaskConfig={
            **_human("TextMultiClass"),
            "UiConfig": {"UiTemplateS3Uri": "s3://input-data/custom.liquid"},
        },
    )
    env.login("ann")
    task = env.next_task("text-job")
    r = env.client.get(f"/worker/render/{task['taskId']}")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in r.text
    assert f'src="{LOCAL_LOADER}"' in r.text
    assert "<script>alert(1)" not in r.text  # neither in the script block nor in the page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in r.text
    assert "form-action 'none'" in csp and "frame-ancestors 'self'" in csp
    assert "script-src 'nonce-" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert r.headers["cache-control"] == "no-store"
    # A new render, a new nonce.
    again = env.client.get(f"/worker/render/{task['taskId']}").headers["content-security-policy"]
    assert again != csp


def _human(kind: str) -> dict[str, object]:
    from labsupport import job_request

    human: dict[str, object] = job_request("x", kind)["HumanTaskConfig"]
    return human


def test_builtin_template_for_ner_ui_arn(portal_env: PortalEnv) -> None:
    env = portal_env
    env.create_job("ner-job", "NamedEntityRecognition", [{"source": "Ann met Bob in Paris"}])
    env.login("bob")
    task = env.next_task("ner-job")
    r = env.client.get(f"/worker/render/{task['taskId']}")
    assert r.status_code == 200
    assert '<crowd-entity-annotation\n    name="crowd-entity-annotation"' in r.text
    assert 'text="Ann met Bob in Paris"' in r.text


def test_another_workers_or_teams_task_is_404(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    env.client.cookies.clear()
    env.login("eve")  # another team
    assert env.client.get(f"/worker/render/{task['taskId']}").status_code == 404
    assert env.client.get("/worker/render/not-a-task").status_code == 404
    env.client.cookies.clear()
    env.login("bob")  # same team, but not his task
    assert env.client.get(f"/worker/render/{task['taskId']}").status_code == 404
    env.client.cookies.clear()
    assert env.client.get(f"/worker/render/{task['taskId']}").status_code == 401


def test_expired_lease_is_a_clear_409(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    real = env.rt.res.clock
    env.rt.res.clock = lambda: real() + timedelta(hours=1)
    try:
        r = env.client.get(f"/worker/render/{task['taskId']}")
    finally:
        env.rt.res.clock = real
    assert r.status_code == 409 and "time ran out" in r.text


def test_grant_read_access_url_serves_the_bytes(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    page = env.client.get(f"/worker/render/{task['taskId']}").text
    url = object_url(page)
    env.client.cookies.clear()  # the sandboxed iframe sends no cookie: the URL is enough
    r = env.client.get(url)
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["access-control-allow-origin"] == "*"
    assert "sandbox" in r.headers["content-security-policy"]


def test_tampered_or_expired_urls_are_403(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    url = object_url(env.client.get(f"/worker/render/{task['taskId']}").text)
    payload, sig = url.rsplit("/", 1)[1].split(".")
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    assert env.client.get(f"/worker/objects/{payload}.{flipped}").status_code == 403
    # Another object under the original signature.
    import base64

    other = (
        base64.urlsafe_b64encode(json.dumps(["input-data", "img/1.png", "img-job", 4_000_000_000]).encode())
        .decode()
        .rstrip("=")
    )
    assert env.client.get(f"/worker/objects/{other}.{sig}").status_code == 403
    assert env.client.get("/worker/objects/garbage").status_code == 403
    real = env.rt.res.clock
    env.rt.res.clock = lambda: real() + timedelta(hours=2)
    try:
        expired = env.client.get(url)
    finally:
        env.rt.res.clock = real
    assert expired.status_code == 403 and "expired" in expired.text
    assert env.client.get(url).status_code == 200


def test_object_fetch_is_authorised_through_the_job_role(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    url = object_url(env.client.get(f"/worker/render/{task['taskId']}").text)
    assert env.client.get(url).status_code == 200
    # The role loses s3:GetObject on the images (after the page was rendered): 403 at fetch.
    _restrict_role(env, readable=["arn:aws:s3:::input-data/*.json*", "arn:aws:s3:::input-data/*.liquid"])
    denied = env.client.get(url)
    assert denied.status_code == 403
    assert "s3:GetObject" in denied.text


def test_template_the_role_cannot_read_is_a_clear_error(portal_env: PortalEnv) -> None:
    env = portal_env
    image_job(env)
    env.login("ann")
    task = env.next_task("img-job")
    _restrict_role(env, readable=["arn:aws:s3:::input-data/img/*"])
    r = env.client.get(f"/worker/render/{task['taskId']}")
    assert r.status_code == 502
    assert "may not read the task template s3://input-data/template.liquid" in r.text
    assert "s3:GetObject" in r.text


def _restrict_role(env: PortalEnv, readable: list[str]) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": readable},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::input-data"},
        ],
    }
    with env.rt.db.transaction() as s:
        repo_iam_roles.put_role_policy(s, "GroundTruthExecution", "execution", policy)
    env.rt.res.forget_sessions()


def test_static_files_and_traversal(portal_env: PortalEnv) -> None:
    env = portal_env
    r = env.client.get("/worker/static/portal/task.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "postMessage" in r.text
    assert env.client.get("/worker/static/portal/portal.css").status_code == 200
    # Encoded slashes reach the route undecoded by the client: the route itself must refuse.
    for bad in (
        "/worker/static/portal%2F..%2F..%2Frender.py",
        "/worker/static/..%2Frender.py",
        "/worker/static/nope.js",
        "/worker/static/portal/.hidden.js",
    ):
        r = env.client.get(bad)
        assert r.status_code == 404, bad
        assert "import" not in r.text
