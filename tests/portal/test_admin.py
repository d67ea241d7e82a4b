"""The job dashboard: IAM login, per-page authorisation, counters, statistics and the job log."""

from __future__ import annotations

import re

from opentruth.db.models import JobStatus
from portalsupport import PortalEnv

TEXTS = [{"source": "a cat"}, {"source": "another cat"}, {"source": "a dog?"}]


def label_text_job(env: PortalEnv) -> None:
    """ann and bob label three texts; they agree on two and disagree on the third."""
    env.create_job(
        "pets", "TextMultiClass", TEXTS, HumanTaskConfig={**_human(), "NumberOfHumanWorkersPerDataObject": 2}
    )
    for worker in ("ann", "bob"):
        env.client.cookies.clear()
        env.login(worker)
        while True:
            r = env.client.post("/worker/api/jobs/pets/tasks/next", headers=env.csrf_header())
            if r.status_code == 204:
                break
            task = r.json()
            label = "dog" if worker == "bob" and task["datasetObjectId"] == 2 else "cat"
            ok = env.client.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                headers=env.csrf_header(),
                json={"answerContent": {"crowd-classifier": {"label": label}}},
            )
            assert ok.status_code == 200, ok.text
    env.rt.runner.run_pending()
    env.client.cookies.clear()


def _human() -> dict[str, object]:
    from labsupport import job_request

    human: dict[str, object] = job_request("x", "TextMultiClass")["HumanTaskConfig"]
    return human


def test_login_and_authorisation_per_page(portal_env: PortalEnv) -> None:
    env = portal_env
    env.create_job("pets", "TextMultiClass", TEXTS)
    assert env.client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login"
    token = env.csrf("/admin/login")
    bad = env.client.post(
        "/admin/login", data={"username": "reader", "password": "nope", "csrf_token": token}
    )
    assert bad.status_code == 401
    no_csrf = env.client.post("/admin/login", data={"username": "reader", "password": "pw-reader"})
    assert no_csrf.status_code == 403

    env.admin_login("nobody")
    denied = env.client.get("/admin")
    assert denied.status_code == 403
    assert "is not authorized to perform: sagemaker:ListLabelingJobs on resource: *" in denied.text
    assert env.client.get("/admin/jobs/pets").status_code == 403

    env.client.cookies.clear()
    env.admin_login("lister")
    assert env.client.get("/admin").status_code == 200
    job_page = env.client.get("/admin/jobs/pets")
    assert job_page.status_code == 403
    arn = "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/pets"
    assert f"sagemaker:DescribeLabelingJob on resource: {arn}" in job_page.text

    env.client.cookies.clear()
    env.admin_login("reader")
    listing = env.client.get("/admin")
    assert listing.status_code == 200 and 'href="/admin/jobs/pets"' in listing.text
    assert '<svg class="progress"' in listing.text
    assert env.client.get("/admin/jobs/pets").status_code == 200
    assert env.client.get("/admin/jobs/nope").status_code == 404
    for r in (listing, env.client.get("/admin/login")):
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
    # A worker's session is no dashboard session.
    env.client.cookies.clear()
    env.login("ann")
    assert env.client.get("/admin", follow_redirects=False).status_code == 303


def test_job_page_shows_counters_classes_and_workers(portal_env: PortalEnv) -> None:
    env = portal_env
    label_text_job(env)
    described = env.rt.jobs.describe("pets")
    assert described["LabelingJobStatus"] == JobStatus.COMPLETED.value
    counters = described["LabelCounters"]
    env.admin_login("reader")
    page = env.client.get("/admin/jobs/pets").text

    def count(name: str) -> int:
        found = re.search(rf'id="count-{name}">(\d+)<', page)
        assert found, name
        return int(found.group(1))

    assert count("labeled") == counters["TotalLabeled"] == 3
    assert count("human") == counters["HumanLabeled"]
    assert count("failed") == counters["FailedNonRetryableError"]
    assert count("remaining") == 0 and count("total") == 3
    # The completion chart plots every consolidated object.
    assert 'aria-label="3 labels completed over time"' in page
    # Class distribution: "cat" twice for sure, and the third object's label once.
    bars = dict(
        re.findall(
            r'text-anchor="end">(cat|dog)</text>.*?<text class="tick" x="[^"]+" y="[^"]+">(\d+)<', page
        )
    )
    assert sum(int(v) for v in bars.values()) == 3 and int(bars["cat"]) >= 2
    # Workers: three answers each; all agree with the consensus except one of the two on the third text.
    rows = re.findall(
        r"<tr><td>(ann|bob)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
        r"<td class=\"num\">([^<]+)</td><td class=\"num\">(\d+)% of (\d+)</td></tr>",
        page,
    )
    assert {r[0] for r in rows} == {"ann", "bob"}
    assert all(r[1] == "3" and r[2] == "0" and r[3].endswith(" s") for r in rows)
    agreed = sum(round(int(r[4]) * int(r[5]) / 100) for r in rows)
    assert agreed == 5
    assert "StateChange" in page  # the job's log stream


def test_access_denied_events_are_listed(portal_env: PortalEnv) -> None:
    env = portal_env
    env.put("s3://secret-data/m.jsonl", '{"source": "x"}\n')
    from labsupport import job_request

    env.rt.jobs.create(job_request("locked", "TextMultiClass", manifest="s3://secret-data/m.jsonl"))
    env.rt.runner.run_pending()
    assert env.rt.jobs.describe("locked")["LabelingJobStatus"] == "Failed"
    env.admin_login("reader")
    page = env.client.get("/admin/jobs/locked").text
    denials = page.split("<h2>Access denied</h2>")[1].split("</section>")[0]
    assert "accessDenied" in denials and "secret-data" in denials
    assert "is not authorized to perform" in page  # the failure reason
