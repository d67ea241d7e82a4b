"""The task lane: the worker API's task calls served past FastAPI's layers, with the same
contract (the flows themselves are in ``test_api``), metrics labels, limits and precedence."""

from __future__ import annotations

from typing import Any

import pytest

from opentruth.portal.task_lane import TaskLane
from portalsupport import PortalEnv


def _bearer(env: PortalEnv, user: str) -> dict[str, str]:
    r = env.client.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture
def job(portal_env: PortalEnv) -> str:
    portal_env.create_job("lane-job", "TextMultiClass", [{"source": "one"}, {"source": "two"}])
    return "lane-job"


def _lane(env: PortalEnv) -> TaskLane:
    lanes: list[Any] = env.client.app._lanes  # type: ignore[attr-defined]
    found = [lane for lane in lanes if isinstance(lane, TaskLane)]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("method", "path", "answered"),
    [
        ("POST", "/worker/api/jobs/j/tasks/next", True),
        ("POST", "/worker/api/tasks/t-1/submit", True),
        ("POST", "/worker/api/tasks/t-1/decline", True),
        ("POST", "/worker/api/tasks/t-1/release", True),
        ("GET", "/worker/api/jobs/j/tasks/next", True),
        ("POST", "/worker/api/tasks/t-1/other", False),
        ("POST", "/worker/api/tasks/t-1/submit/extra", False),
        ("POST", "/worker/api/jobs", False),
        ("POST", "/worker/api/login", False),
    ],
)
def test_the_lane_answers_only_the_four_task_calls(
    portal_env: PortalEnv, method: str, path: str, answered: bool
) -> None:
    assert _lane(portal_env).matches({"type": "http", "method": method, "path": path}) is answered


def test_other_methods_on_task_paths_are_not_allowed(portal_env: PortalEnv, job: str) -> None:
    r = portal_env.client.get(f"/worker/api/jobs/{job}/tasks/next", headers=_bearer(portal_env, "ann"))
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_bodies_and_errors_keep_the_worker_api_contract(portal_env: PortalEnv, job: str) -> None:
    auth = _bearer(portal_env, "ann")
    client = portal_env.client
    r = client.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    task = r.json()
    submit = f"/worker/api/tasks/{task['taskId']}/submit"
    not_json = client.post(submit, headers={**auth, "Content-Type": "application/json"}, content=b"{nope")
    assert not_json.status_code == 400 and not_json.json()["error"] == "ValidationException"
    assert "not valid JSON" in not_json.json()["message"]
    not_object = client.post(submit, headers=auth, json={"answerContent": ["a"]})
    assert not_object.status_code == 400 and "answerContent" in not_object.json()["message"]
    missing = client.post(submit, headers=auth, json={})
    assert missing.status_code == 400 and "answerContent" in missing.json()["message"]
    # Nothing above was kept: the task is still open, and a good answer is taken once.
    ok = client.post(submit, headers=auth, json={"answerContent": {"c": {"label": "cat"}}})
    assert ok.status_code == 200 and ok.json() == {
        "taskId": task["taskId"],
        "status": "submitted",
        "duplicate": False,
    }
    unknown = client.post("/worker/api/tasks/no-such-task/submit", headers=auth, json={"answerContent": {}})
    assert unknown.status_code == 404 and unknown.json()["error"] == "ResourceNotFound"
    client.cookies.clear()  # the login above also set the session cookie
    nobody = client.post(f"/worker/api/jobs/{job}/tasks/next")
    assert nobody.status_code == 401 and "/worker/api/login" in nobody.json()["message"]


def test_a_body_over_the_limit_is_refused_with_413(portal_env: PortalEnv, job: str) -> None:
    lane = _lane(portal_env)
    lane.max_body = 1024
    auth = _bearer(portal_env, "ann")
    task = portal_env.client.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth).json()
    big = {"answerContent": {"c": {"label": "cat", "note": "x" * 2000}}}
    r = portal_env.client.post(f"/worker/api/tasks/{task['taskId']}/submit", headers=auth, json=big)
    assert r.status_code == 413 and r.json()["error"] == "RequestEntityTooLarge"
    assert "smaller" in r.json()["message"]


def test_metrics_label_lane_requests_by_their_route(portal_env: PortalEnv, job: str) -> None:
    auth = _bearer(portal_env, "ann")
    task = portal_env.client.post(f"/worker/api/jobs/{job}/tasks/next", headers=auth).json()
    portal_env.client.post(f"/worker/api/tasks/{task['taskId']}/release", headers=auth)
    portal_env.client.cookies.clear()
    assert portal_env.client.post("/worker/api/tasks/x/decline").status_code == 401
    text = portal_env.client.get("/metrics").text
    assert 'route="/worker/api/jobs/{job}/tasks/next"' in text
    assert 'route="/worker/api/tasks/{task_id}/release"' in text
    assert 'route="/worker/api/tasks/{task_id}/decline",status="401"' in text


def test_an_aws_request_on_a_task_path_goes_to_the_aws_endpoint(portal_env: PortalEnv, job: str) -> None:
    # An S3 key may look like any path: a request with AWS credentials is never a worker call.
    signed = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/s3/aws4_request"
    r = portal_env.client.post(f"/worker/api/jobs/{job}/tasks/next", headers={"Authorization": signed})
    assert r.status_code in (400, 403) and "xml" in r.headers["content-type"]
