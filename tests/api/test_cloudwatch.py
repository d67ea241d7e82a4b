"""The CloudWatch metrics API with real boto3 against the whole server: a labeling job's job and
worker metrics, statistics over periods, filters, errors with ``x-amzn-query-error``, and the
older query form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from labsupport import seed_policy
from obssupport import Full, full_server, run_job

JOBS = "AWS/Sagemaker/LabelingJobs"
TEAM = "AWS/SageMaker/Workteam"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    yield from full_server(tmp_path_factory.mktemp("data"))


def _query(
    ns: str, name: str, stat: str, dims: dict[str, str], period: int = 60, qid: str = "q"
) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": ns,
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            },
            "Period": period,
            "Stat": stat,
        },
    }


def _values(cw: Any, *queries: dict[str, Any], **kw: Any) -> dict[str, list[float]]:
    now = datetime.now(UTC)
    window = {"StartTime": now - timedelta(hours=1), "EndTime": now + timedelta(hours=1)}
    out = cw.get_metric_data(MetricDataQueries=list(queries), **{**window, **kw})
    return {r["Id"]: r["Values"] for r in out["MetricDataResults"]}


def test_job_and_worker_metrics(full: Full) -> None:
    d = run_job(full, "cw-job", "CwRole", seed_policy(["input-data", "output-data"]))
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    cw = full.client("cloudwatch")
    job = {"LabelingJobName": "cw-job"}
    names = {
        m["MetricName"]
        for m in cw.list_metrics(Namespace=JOBS, Dimensions=[{"Name": "LabelingJobName", "Value": "cw-job"}])[
            "Metrics"
        ]
    }
    assert {"DatasetObjectsHumanAnnotated", "TotalDatasetObjectsLabeled", "JobsSucceeded"} <= names
    got = _values(
        cw,
        _query(JOBS, "TotalDatasetObjectsLabeled", "Maximum", job, 3600, "total"),
        _query(JOBS, "DatasetObjectsHumanAnnotated", "Maximum", job, 3600, "human"),
        _query(JOBS, "JobsSucceeded", "Sum", job, 3600, "ok"),
    )
    assert sum(got["total"]) == 3 and sum(got["human"]) == 3 and sum(got["ok"]) == 1

    workers = cw.list_metrics(
        Namespace=TEAM,
        MetricName="TasksSubmitted",
        Dimensions=[{"Name": "LabelingJob", "Value": "cw-job"}, {"Name": "WorkerId"}],
    )["Metrics"]
    assert len(workers) == 2  # ann and bob
    for m in workers:
        dims = {x["Name"]: x["Value"] for x in m["Dimensions"]}
        assert dims["Workteam"] == "labelers"
        per = _values(
            cw,
            _query(TEAM, "TasksSubmitted", "Sum", dims, 3600, "submitted"),
            _query(TEAM, "TimeSpent", "SampleCount", dims, 3600, "spent"),
        )
        assert sum(per["submitted"]) == 3  # every worker labelled each of the 3 objects
        assert sum(per["spent"]) >= 1


def test_statistics_over_periods(full: Full) -> None:
    cw = full.client("cloudwatch")
    t0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    dims = [{"Name": "Host", "Value": "a"}]
    cw.put_metric_data(
        Namespace="Test/Stats",
        MetricData=[
            {"MetricName": "Load", "Dimensions": dims, "Timestamp": t0, "Value": 1.0},
            {"MetricName": "Load", "Dimensions": dims, "Timestamp": t0 + timedelta(seconds=10), "Value": 3.0},
            {"MetricName": "Load", "Dimensions": dims, "Timestamp": t0 + timedelta(seconds=70), "Value": 5.0},
            {
                "MetricName": "Batch",
                "Dimensions": dims,
                "Timestamp": t0,
                "Values": [2.0, 4.0],
                "Counts": [1, 3],
            },
        ],
    )
    host = {"Host": "a"}
    queries = [
        _query("Test/Stats", "Load", stat, host, qid=stat.lower())
        for stat in ("Sum", "Average", "Maximum", "Minimum", "SampleCount")
    ]
    window = {"StartTime": t0, "EndTime": t0 + timedelta(minutes=5)}
    out = cw.get_metric_data(MetricDataQueries=queries, **window)["MetricDataResults"]
    by_id = {r["Id"]: r for r in out}
    # Newest first, as AWS returns them by default.
    assert by_id["sum"]["Timestamps"] == [t0 + timedelta(minutes=1), t0]
    assert by_id["sum"]["Values"] == [5.0, 4.0]
    assert by_id["average"]["Values"] == [5.0, 2.0]
    assert by_id["maximum"]["Values"] == [5.0, 3.0]
    assert by_id["minimum"]["Values"] == [5.0, 1.0]
    assert by_id["samplecount"]["Values"] == [1.0, 2.0]
    assert all(r["StatusCode"] == "Complete" and r["Label"] == "Load" for r in out)
    ascending = cw.get_metric_data(MetricDataQueries=queries[:1], ScanBy="TimestampAscending", **window)
    assert ascending["MetricDataResults"][0]["Values"] == [4.0, 5.0]
    batch = cw.get_metric_data(
        MetricDataQueries=[
            _query("Test/Stats", "Batch", "Sum", host, 300, "s"),
            _query("Test/Stats", "Batch", "SampleCount", host, 300, "n"),
        ],
        **window,
    )["MetricDataResults"]
    assert [r["Values"] for r in batch] == [[14.0], [4.0]]
    paged = cw.get_metric_data(MetricDataQueries=queries[:1], MaxDatapoints=1, **window)
    assert paged["MetricDataResults"][0]["Values"] == [5.0]
    assert paged["MetricDataResults"][0]["StatusCode"] == "PartialData"
    rest = cw.get_metric_data(MetricDataQueries=queries[:1], NextToken=paged["NextToken"], **window)
    assert rest["MetricDataResults"][0]["Values"] == [4.0]


def test_list_metrics_filters(full: Full) -> None:
    cw = full.client("cloudwatch")
    cw.put_metric_data(
        Namespace="Test/List",
        MetricData=[
            {"MetricName": "A", "Dimensions": [{"Name": "Env", "Value": "dev"}], "Value": 1.0},
            {"MetricName": "A", "Dimensions": [{"Name": "Env", "Value": "prod"}], "Value": 1.0},
            {"MetricName": "B", "Value": 1.0},
        ],
    )
    every = cw.list_metrics(Namespace="Test/List")["Metrics"]
    assert sorted((m["MetricName"], json.dumps(m["Dimensions"])) for m in every) == sorted(
        [
            ("A", json.dumps([{"Name": "Env", "Value": "dev"}])),
            ("A", json.dumps([{"Name": "Env", "Value": "prod"}])),
            ("B", "[]"),
        ]
    )
    any_env = cw.list_metrics(Namespace="Test/List", Dimensions=[{"Name": "Env"}])["Metrics"]
    assert len(any_env) == 2
    prod = cw.list_metrics(Namespace="Test/List", Dimensions=[{"Name": "Env", "Value": "prod"}])["Metrics"]
    assert [m["Dimensions"] for m in prod] == [[{"Name": "Env", "Value": "prod"}]]
    assert [m["MetricName"] for m in cw.list_metrics(Namespace="Test/List", MetricName="B")["Metrics"]] == [
        "B"
    ]


def _error(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    r = info.value.response
    return (
        str(r["Error"]["Code"]),
        str(r["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-query-error")),
        int(r["ResponseMetadata"]["HTTPStatusCode"]),
    )


def test_errors_carry_the_query_error_header(full: Full) -> None:
    cw = full.client("cloudwatch")
    now = datetime.now(UTC)
    window = {"StartTime": now - timedelta(hours=1), "EndTime": now}
    with pytest.raises(ClientError) as bad_stat:
        cw.get_metric_data(MetricDataQueries=[_query("Test/Stats", "Load", "Median", {})], **window)
    assert _error(bad_stat) == ("InvalidParameterValue", "InvalidParameterValue;Sender", 400)
    assert "Median" in bad_stat.value.response["Error"]["Message"]
    with pytest.raises(cw.exceptions.InvalidParameterValueException):
        cw.get_metric_data(MetricDataQueries=[_query("Test/Stats", "Load", "Sum", {}, period=7)], **window)
    with pytest.raises(ClientError) as reserved:
        cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "X", "Value": 1.0}])
    assert _error(reserved)[:2] == ("InvalidParameterValue", "InvalidParameterValue;Sender")
    with pytest.raises(ClientError) as invalid:
        # botocore does not check enums; the server does, with the model's wording.
        cw.get_metric_data(MetricDataQueries=[_query("Test/Stats", "Load", "Sum", {})], ScanBy="Up", **window)
    assert _error(invalid) == ("ValidationError", "ValidationError;Sender", 400)

    key, secret = full.user(
        "metrics-reader",
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "cloudwatch:ListMetrics", "Resource": "*"},
        },
    )
    limited = full.client("cloudwatch", key, secret)
    assert limited.list_metrics(Namespace="Test/List")["Metrics"]
    with pytest.raises(ClientError) as denied:
        limited.put_metric_data(Namespace="Test/List", MetricData=[{"MetricName": "A", "Value": 1.0}])
    assert _error(denied) == ("AccessDenied", "AccessDenied;Sender", 403)
    assert "cloudwatch:PutMetricData" in denied.value.response["Error"]["Message"]


def test_the_older_query_form_is_answered_in_xml(full: Full) -> None:
    body = "Action=ListMetrics&Version=2010-08-01&Namespace=Test%2FList&MetricName=B"
    request = AWSRequest(
        method="POST",
        url=full.url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(full.admin.key_id, full.admin.secret), "monitoring", "us-east-1").add_auth(request)
    r = httpx.post(full.url + "/", content=body, headers=dict(request.headers.items()))
    assert r.status_code == 200, r.text
    assert "<ListMetricsResponse" in r.text and "<MetricName>B</MetricName>" in r.text
