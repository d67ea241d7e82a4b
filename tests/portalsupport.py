"""Helpers of the portal tests: a running server app (FastAPI's test client) with a team,
workers, IAM users and buckets."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from labsupport import ROLE_ARN, job_request, make_role, seed_policy
from opentruth.db import repo_iam, repo_iam_roles, repo_workforce
from opentruth.runtime import Runtime, Settings
from opentruth.server import create_app

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
READER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeLabelingJob", "sagemaker:ListLabelingJobs"],
            "Resource": "*",
        }
    ],
}
LIST_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sagemaker:ListLabelingJobs", "Resource": "*"}],
}


@dataclass
class PortalEnv:
    """The app, its runtime and helpers."""

    client: TestClient
    rt: Runtime

    def put(self, uri: str, body: bytes | str, content_type: str | None = None) -> None:
        bucket, _, key = uri[len("s3://") :].partition("/")
        data = body.encode() if isinstance(body, str) else body
        self.rt.res.store.put_object(bucket, key, data, content_type=content_type)

    def create_job(self, name: str, kind: str, lines: list[dict[str, Any]], **extra: Any) -> None:
        manifest = f"s3://input-data/{name}.jsonl"
        self.put(manifest, "".join(json.dumps(line) + "\n" for line in lines))
        self.rt.jobs.create(job_request(name, kind, manifest=manifest, **extra))
        self.rt.runner.run_pending()

    def csrf(self, path: str = "/worker/login") -> str:
        """Load a form page and return its CSRF token (the cookie is now set too)."""
        page = self.client.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, page.text
        return found.group(1)

    def login(self, user: str) -> None:
        token = self.csrf()
        r = self.client.post(
            "/worker/login",
            data={"username": user, "password": "pw-" + user, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text

    def admin_login(self, user: str) -> None:
        token = self.csrf("/admin/login")
        r = self.client.post(
            "/admin/login",
            data={"username": user, "password": "pw-" + user, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text

    def csrf_header(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.client.cookies.get("ot_csrf") or ""}

    def next_task(self, job: str) -> dict[str, Any]:
        r = self.client.post(f"/worker/api/jobs/{job}/tasks/next", headers=self.csrf_header())
        assert r.status_code == 200, r.text
        task: dict[str, Any] = r.json()
        return task


@contextmanager
def open_portal_env(tmp_path: Path) -> Iterator[PortalEnv]:
    """The app with two teams (ann and bob; eve), IAM users reader, lister and nobody."""
    # No consolidation window: the tests run the background steps themselves (run_pending),
    # and a windowed pass would only be due at its window's end.
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
        for user, policy in (("reader", READER_POLICY), ("lister", LIST_ONLY_POLICY), ("nobody", None)):
            repo_iam.create_user(s, user)
            repo_iam.set_login_profile(s, user, "pw-" + user, hasher=hasher)
            if policy is not None:
                repo_iam.put_user_policy(s, user, "dash", policy)
    store = rt.res.store
    for bucket in ("input-data", "output-data", "secret-data"):
        store.create_bucket(bucket)
    env = PortalEnv(TestClient(app), rt)
    env.put(
        "s3://input-data/labels.json",
        json.dumps({"document-version": "2018-11-28", "labels": [{"label": "cat"}, {"label": "dog"}]}),
    )
    env.put(
        "s3://input-data/template.liquid",
        '<crowd-form><img src="{{ task.input.taskObject | grant_read_access }}">'
        "<p>{{ task.input.taskObject }}</p></crowd-form>",
    )
    with env.client:
        yield env
    assert ROLE_ARN
