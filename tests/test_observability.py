"""The Prometheus ``/metrics`` endpoint: the text format, and counters that move with requests
on the whole server (routes, IAM decisions, jobs and work items)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from labsupport import TRUST, job_request
from obssupport import Full, full_server
from opentruth.observability import Counter, Histogram, Registry, route_label

_LINE = re.compile(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$")


def parse(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Samples of an exposition text by (name, labels)."""
    out: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        assert m is not None, line
        labels = frozenset(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def sample(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_counter_and_histogram_text() -> None:
    c = Counter("x_total", "Things.", ("kind",))
    c.inc(kind='a"b\\c')
    c.inc(2, kind='a"b\\c')
    assert c.render() == [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        'x_total{kind="a\\"b\\\\c"} 3.0',
    ]
    h = Histogram("lat_seconds", "Latency.", ("route",), buckets=(0.1, 1.0))
    for v in (0.05, 0.5, 5.0):
        h.observe(v, route="/r")
    lines = h.render()
    assert 'lat_seconds_bucket{route="/r",le="0.1"} 1' in lines
    assert 'lat_seconds_bucket{route="/r",le="1.0"} 2' in lines
    assert 'lat_seconds_bucket{route="/r",le="+Inf"} 3' in lines
    assert 'lat_seconds_count{route="/r"} 3' in lines
    assert 'lat_seconds_sum{route="/r"} 5.55' in lines
    r = Registry()
    r.gauge("g", "A gauge.", lambda: [((("k", "v"),), 2.0)])
    assert r.render().endswith('# TYPE g gauge\ng{k="v"} 2.0\n')


def test_route_labels_are_templates_or_served_targets() -> None:
    class Route:
        path = "/worker/api/tasks/{task_id}/submit"

    class Aws:
        services = frozenset({"logs"})

    assert route_label({"route": Route(), "headers": []}, None) == "/worker/api/tasks/{task_id}/submit"
    assert route_label({"headers": []}, None) == "unmatched"
    target = [(b"x-amz-target", b"Logs_20140328.GetLogEvents")]
    assert route_label({"headers": target}, Aws()) == "aws:Logs_20140328.GetLogEvents"
    bogus = [(b"x-amz-target", b"Logs_20140328.MadeUp123")]
    assert route_label({"headers": bogus}, Aws()) == "aws:unknown"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    yield from full_server(tmp_path_factory.mktemp("data"))


def scrape(full: Full) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = httpx.get(full.url + "/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(r.text)


def test_request_counters_move(full: Full) -> None:
    route = "aws:Logs_20140328.DescribeLogGroups"
    before = scrape(full)
    logs = full.client("logs")
    logs.describe_log_groups()
    logs.describe_log_groups()
    after = scrape(full)
    key: dict[str, str] = {"method": "POST", "route": route, "status": "200"}
    assert (
        sample(after, "opentruth_http_requests_total", **key)
        - sample(before, "opentruth_http_requests_total", **key)
        == 2
    )
    count = "opentruth_http_request_duration_seconds_count"
    assert (
        sample(after, count, method="POST", route=route) - sample(before, count, method="POST", route=route)
        == 2
    )
    # The scrape itself is counted under its template.
    assert sample(after, "opentruth_http_requests_total", method="GET", route="/metrics", status="200") >= 1


def test_iam_decisions_by_result(full: Full) -> None:
    key, secret = full.user(
        "nobody",
        {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "logs:*", "Resource": "*"}},
    )
    before = scrape(full)
    with pytest.raises(ClientError):
        full.client("logs", key, secret).describe_log_groups()
    with pytest.raises(ClientError):
        full.client("cloudwatch", key, secret).list_metrics()
    after = scrape(full)

    def moved(result: str) -> float:
        name = "opentruth_iam_decisions_total"
        return sample(after, name, result=result) - sample(before, name, result=result)

    assert moved("ExplicitlyDenied") == 1
    assert moved("ImplicitlyDenied") == 1
    status = {"method": "POST", "route": "aws:Logs_20140328.DescribeLogGroups", "status": "400"}
    assert sample(after, "opentruth_http_requests_total", **status) == 1


def test_jobs_and_work_items_gauges(full: Full) -> None:
    iam = full.client("iam")
    iam.create_role(RoleName="Powerless", AssumeRolePolicyDocument=json.dumps(TRUST))
    request: dict[str, Any] = job_request("gauge-job", "TextMultiClass")
    request["RoleArn"] = "arn:aws:iam::000000000000:role/Powerless"
    sm = full.client("sagemaker")
    sm.create_labeling_job(**request)
    deadline = time.monotonic() + 60
    while sm.describe_labeling_job(LabelingJobName="gauge-job")["LabelingJobStatus"] != "Failed":
        assert time.monotonic() < deadline, "the job did not fail"
        time.sleep(0.1)
    samples = scrape(full)
    assert sample(samples, "opentruth_labeling_jobs", status="Failed") == 1
    assert sample(samples, "opentruth_work_items", kind="init", state="done") == 1
    assert ("opentruth_huey_pending", frozenset()) in samples
