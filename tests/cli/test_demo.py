"""Tests of ``opentruth demo``: a complete sample job, set up idempotently."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from clisupport import Invoke, label_everything, ok
from opentruth.cli import demo as demo_cli
from opentruth.runtime import Runtime

_PASSWORD = re.compile(r"^worker:\s+(\S+) \((created|reused)\), password: (\S+)$", re.MULTILINE)
_JOB = re.compile(r"^job:\s+(\S+) \((created|existing)\), status (\w+)$", re.MULTILINE)


def _passwords(output: str) -> dict[str, str]:
    return {user: password for user, _, password in _PASSWORD.findall(output)}


def _job(output: str) -> tuple[str, str, str]:
    found = _JOB.search(output)
    assert found is not None, output
    name, state, status = found.groups()
    return name, state, status


def test_shipped_data() -> None:
    texts = demo_cli.demo_texts()
    assert len(texts) >= 24 and all(texts)
    assert len(set(texts)) == len(texts)
    assert 2 <= len(demo_cli.demo_labels()) <= 3
    assert b"crowd-classifier" in demo_cli.demo_file("template.liquid")


def test_demo_twice_then_label_to_completion(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    first = ok(ot("demo")).stdout
    passwords = _passwords(first)
    assert sorted(passwords) == list(demo_cli.WORKERS)
    job, state, status = _job(first)
    assert (job, state, status) == ("opentruth-demo-1", "created", "InProgress")
    # The next steps: the server, the worker login, and the curl loop of the worker API.
    assert "opentruth serve --data " in first
    assert "http://127.0.0.1:8080/worker " in first
    for fragment in ("/worker/api/login", "/worker/api/jobs/$JOB/tasks/next", "/worker/api/tasks/$ID/submit"):
        assert fragment in first
    assert "Authorization: Bearer $TOKEN" in first
    assert "crowd-classifier" in first
    for password in passwords.values():
        assert password in first

    second = ok(ot("demo")).stdout
    assert _job(second) == ("opentruth-demo-1", "existing", "InProgress")
    assert "(reused)" in second and "(created)" not in second
    assert _passwords(second) == {}  # passwords are only known when set
    assert "PASSWORD" in second  # the curl loop then asks for them

    rt = runtime_of()
    counters = rt.jobs.describe(job)["LabelCounters"]
    assert counters["Unlabeled"] == len(demo_cli.demo_texts())
    # The printed passwords log in; the demo workers label the whole job.
    user = demo_cli.WORKERS[0]
    answers = label_everything(rt, job, (user,), passwords[user])
    assert answers == len(demo_cli.demo_texts())
    described = json.loads(ok(ot("jobs", "describe", job, "--json")).stdout)
    assert described["LabelingJobStatus"] == "Completed"

    # Once the job has ended, another run creates the next one; new passwords on request.
    third = ok(ot("demo", "--reset-passwords")).stdout
    assert _job(third) == ("opentruth-demo-2", "created", "InProgress")
    renewed = _passwords(third)
    assert sorted(renewed) == list(demo_cli.WORKERS)
    rt.workers.login(user, renewed[user])
    assert len(rt.jobs.list()["LabelingJobSummaryList"]) == 2


def test_demo_role_is_the_seed_policy_with_a_scoped_trust(
    ot: Invoke, runtime_of: Callable[[], Runtime]
) -> None:
    ok(ot("demo"))
    rt = runtime_of()
    role = rt.res.roles.get_role("arn:aws:iam::000000000000:role/service-role/OpenTruthDemoRole")
    statement_ids = [s["Sid"] for s in role.inline[0].document["Statement"]]
    assert statement_ids == ["S3ViewBuckets", "S3GetPutObjects", "CloudWatch"]
    # SageMaker may assume it for this account's labeling jobs only.
    own = "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/x"
    other = "arn:aws:sagemaker:us-east-1:111111111111:labeling-job/x"
    assert role.trust_allows("sagemaker.amazonaws.com", "000000000000", own).allowed
    assert not role.trust_allows("sagemaker.amazonaws.com", "111111111111", other).allowed


def test_next_steps_serve_where_the_user_said(ot: Invoke) -> None:
    out = ok(ot("demo", "--host", "0.0.0.0", "--port", "9123")).stdout
    serve = next(line for line in out.splitlines() if "start the server:" in line)
    assert serve.split("start the server:", 1)[1].strip().endswith("--host 0.0.0.0 --port 9123")
    assert "http://0.0.0.0:9123/worker " in out
    assert "URL=http://0.0.0.0:9123;" in out  # the curl loop talks to the same server
    assert ":8080" not in out


def test_serve_command_for_each_way_of_saying_where() -> None:
    data = "/tmp/my data"
    base = "opentruth serve --data '/tmp/my data'"
    assert demo_cli.serve_command(data, None, None, None) == (base, "http://127.0.0.1:8080")
    assert demo_cli.serve_command(data, None, 9000, None) == (f"{base} --port 9000", "http://127.0.0.1:9000")
    # --portal-url alone: the server listens where the URL points.
    assert demo_cli.serve_command(data, None, None, "http://10.0.0.5:9000/") == (
        f"{base} --host 10.0.0.5 --port 9000",
        "http://10.0.0.5:9000",
    )
    # With --host/--port it is only the address workers use (a proxy in front): serve is told.
    assert demo_cli.serve_command(data, "0.0.0.0", 8080, "https://label.example") == (
        f"{base} --host 0.0.0.0 --portal-url https://label.example",
        "https://label.example",
    )
