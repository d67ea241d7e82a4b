"""The worker JSON API over HTTP (FastAPI's test client): login, jobs, next/submit/decline/
release, bearer vs cookie+CSRF, another team's task is 404, expired lease is 409."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from labsupport import TEAM_ARN, job_request, make_role, seed_policy
from opentruth.db import repo_iam_roles, repo_workforce
from opentruth.runtime import Runtime, Settings
from opentruth.server import create_app


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[TestClient, Runtime]]:
    # No consolidation window: the tests run the background steps themselves (run_pending).
    settings = dataclasses.replace(Settings.resolve(tmp_path / "data"), consolidation_window=0)
    app = create_app(settings, background=False)
    rt: Runtime = app.state.runtime
    hasher = repo_workforce.fast_hasher()
    rt.workers.hasher = hasher
    with rt.db.transaction() as s:
        repo_iam_roles.create_role_from_detail(
            s, make_role(seed_policy(["input-data", "output-data"])).to_detail()
        )
        for name in ("ann", "bob", "eve"):
            repo_workforce.create_worker(s, name, "pw-" + name, hasher=hasher)
        repo_workforce.add_workers_to_group(s, "labelers", ["ann", "bob"])
        repo_workforce.create_workteam(s, "labelers", ["labelers"], description="team")
        repo_workforce.add_workers_to_group(s, "others", ["eve"])
        repo_workforce.create_workteam(s, "others", ["others"], description="other team")
    store = rt.res.store
    for b in ("input-data", "output-data"):
        store.create_bucket(b)
    store.put_object("input-data", "manifest.jsonl", b'{"source": "one"}\n{"source": "two"}\n')
    labels = {"document-version": "2018-11-28", "labels": [{"label": "a"}, {"label": "b"}]}
    store.put_object("input-data", "labels.json", json.dumps(labels).encode())
    store.put_object("input-data", "template.liquid", b"<crowd-form></crowd-form>")
    rt.jobs.create(job_request("api-job", "TextMultiClass"))
    rt.runner.run_pending()
    with TestClient(app) as client:
        yield client, rt
    assert TEAM_ARN  # the labsupport team name is the one used above


def login(client: TestClient, user: str) -> dict[str, Any]:
    r = client.post("/worker/api/login", json={"username": user, "password": "pw-" + user})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_bearer_flow_labels_the_job(env: tuple[TestClient, Runtime]) -> None:
    client, rt = env
    token = login(client, "ann")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    jobs = client.get("/worker/api/jobs", headers=auth).json()
    assert jobs == [
        {
            "labelingJobName": "api-job",
            "taskTitle": "Label things",
            "taskDescription": "Pick the right label",
            "availableTasks": 2,
        }
    ]
    seen = []
    while True:
        r = client.post("/worker/api/jobs/api-job/tasks/next", headers=auth)
        if r.status_code == 204:
            break
        task = r.json()
        assert set(task) == {"taskId", "labelingJobName", "datasetObjectId", "taskInput", "expiresAt"}
        seen.append(task["datasetObjectId"])
        ok = client.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=auth,
            json={"answerContent": {"crowd-classifier": {"label": "a"}}},
        )
        assert ok.status_code == 200
        again = client.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=auth,
            json={"answerContent": {"crowd-classifier": {"label": "a"}}},
        )
        assert again.status_code == 200 and again.json()["duplicate"] is True
    assert sorted(seen) == [0, 1]
    rt.runner.run_pending()
    assert rt.jobs.describe("api-job")["LabelingJobStatus"] == "Completed"
    assert rt.jobs.describe("api-job")["LabelCounters"]["HumanLabeled"] == 2


def test_errors_are_clear(env: tuple[TestClient, Runtime]) -> None:
    client, _rt = env
    assert client.post("/worker/api/login", json={"username": "ann", "password": "nope"}).status_code == 401
    assert client.get("/worker/api/jobs").status_code == 401
    bad = client.get("/worker/api/jobs", headers={"Authorization": "Bearer x.1.y"})
    assert bad.status_code == 401
    auth = {"Authorization": f"Bearer {login(client, 'ann')['token']}"}
    task = client.post("/worker/api/jobs/api-job/tasks/next", headers=auth).json()
    r = client.post(
        f"/worker/api/tasks/{task['taskId']}/submit",
        headers=auth,
        json={"answerContent": {"c": {"label": "zzz"}}},
    )
    assert r.status_code == 400 and "unknown label 'zzz'" in r.json()["message"]
    r = client.post(f"/worker/api/tasks/{task['taskId']}/submit", headers=auth, json={"answer": 1})
    assert r.status_code == 400 and "answerContent" in r.json()["message"]
    # Another team's worker sees neither the job nor the task.
    eve = {"Authorization": f"Bearer {login(client, 'eve')['token']}"}
    assert client.get("/worker/api/jobs", headers=eve).json() == []
    assert client.post("/worker/api/jobs/api-job/tasks/next", headers=eve).status_code == 404
    assert (
        client.post(
            f"/worker/api/tasks/{task['taskId']}/submit",
            headers=eve,
            json={"answerContent": {"c": {"label": "a"}}},
        ).status_code
        == 404
    )


def test_cookie_calls_need_the_csrf_token(env: tuple[TestClient, Runtime]) -> None:
    client, _rt = env
    body = login(client, "bob")  # sets the HttpOnly session cookie and the CSRF cookie
    assert client.get("/worker/api/jobs").status_code == 200  # reads need no CSRF token
    refused = client.post("/worker/api/jobs/api-job/tasks/next")
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    ok = client.post("/worker/api/jobs/api-job/tasks/next", headers={"X-CSRF-Token": body["csrfToken"]})
    assert ok.status_code == 200


def test_decline_release_and_expired_lease(env: tuple[TestClient, Runtime]) -> None:
    client, rt = env
    auth = {"Authorization": f"Bearer {login(client, 'ann')['token']}"}
    task = client.post("/worker/api/jobs/api-job/tasks/next", headers=auth).json()
    assert (
        client.post(f"/worker/api/tasks/{task['taskId']}/release", headers=auth).json()["status"]
        == "released"
    )
    task2 = client.post("/worker/api/jobs/api-job/tasks/next", headers=auth).json()
    assert task2["datasetObjectId"] != task["datasetObjectId"]  # never the released object again
    assert (
        client.post(f"/worker/api/tasks/{task2['taskId']}/decline", headers=auth).json()["status"]
        == "declined"
    )
    # A lease that ran out: submitting is a 409.
    bob = {"Authorization": f"Bearer {login(client, 'bob')['token']}"}
    task3 = client.post("/worker/api/jobs/api-job/tasks/next", headers=bob).json()
    real = rt.res.clock
    rt.res.clock = lambda: real() + timedelta(hours=1)
    try:
        r = client.post(
            f"/worker/api/tasks/{task3['taskId']}/submit",
            headers=bob,
            json={"answerContent": {"c": {"label": "a"}}},
        )
    finally:
        rt.res.clock = real
    assert r.status_code == 409
