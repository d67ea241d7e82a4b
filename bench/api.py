"""Requests per second through the AWS APIs, SigV4 on, in one run. Prints its figures.

- SageMaker DescribeLabelingJob against ``opentruth serve`` (as it runs by default);
- S3 GetObject and PutObject of 4 KiB against ``opentruth serve`` and, side by side, against
  moto's server mode (started here as the peer).

One client for all: httpx with keep-alive and 8 connections (a synchronous client shared by 8
threads: less client overhead per request than asyncio on these 2 cores); every request is signed with
botocore's signer ahead of the timed loop (a signed request can be sent again within the clock
skew window). Targets (issue 4): S3 GetObject >= 2x moto's server; DescribeLabelingJob >= 500/s.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
CONNECTIONS = 8
BODY = os.urandom(4096)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def signed(
    creds: Credentials,
    service: str,
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[str, str, dict[str, str], bytes]:
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    (S3SigV4Auth if service == "s3" else SigV4Auth)(creds, service, "us-east-1").add_auth(req)
    return method, url, dict(req.headers.items()), body


def blast(requests: list[tuple[str, str, dict[str, str], bytes]], expect: int) -> float:
    """Send every request over 8 keep-alive connections (one httpx client, 8 threads each
    holding one connection); return requests per second."""
    import threading

    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    with httpx.Client(limits=limits, timeout=30) as client:
        chunks = [requests[i::CONNECTIONS] for i in range(CONNECTIONS)]
        errors: list[str] = []

        def worker(chunk: list[tuple[str, str, dict[str, str], bytes]]) -> None:
            for method, url, headers, body in chunk:
                resp = client.request(method, url, headers=headers, content=body)
                if resp.status_code != expect:
                    errors.append(f"{method} {url}: {resp.status_code} {resp.text[:200]}")
                    return

        threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(errors[0])
    return len(requests) / elapsed


def start_opentruth(data: Path) -> tuple[subprocess.Popen[bytes], str, Credentials]:
    from opentruth.api.bootstrap import bootstrap
    from opentruth.db.engine import Database
    from opentruth.db.iam_secrets import SecretBox

    db = Database.from_url(data_dir=data)
    admin = bootstrap(db, SecretBox.load(data))
    db.dispose()
    port = free_port()
    exe = Path(sys.executable).parent / "opentruth"
    proc = subprocess.Popen(
        [str(exe), "serve", "--data", str(data), "--port", str(port)], stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health")
    return proc, url, Credentials(admin.key_id, admin.secret)


def setup_job(url: str, creds: Credentials) -> None:
    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": creds.access_key,
        "aws_secret_access_key": creds.secret_key,
    }
    s3, iam, sm = boto3.client("s3", **kw), boto3.client("iam", **kw), boto3.client("sagemaker", **kw)
    s3.create_bucket(Bucket="bench-in")
    s3.put_object(Bucket="bench-in", Key="m.jsonl", Body=b'{"source": "x"}\n')
    s3.put_object(
        Bucket="bench-in",
        Key="labels.json",
        Body=json.dumps(
            {"document-version": "2018-11-28", "labels": [{"label": "a"}, {"label": "b"}]}
        ).encode(),
    )
    s3.put_object(Bucket="bench-in", Key="t.liquid", Body=b"<crowd-form></crowd-form>")
    trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    iam.create_role(RoleName="BenchRole", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName="BenchRole",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
        ),
    )
    team = sm.create_workteam(
        WorkteamName="bench",
        MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["bench"]}}],
        Description="bench",
    )
    gt = "arn:aws:lambda:us-east-1:432418664414:function:"
    sm.create_labeling_job(
        LabelingJobName="bench-job",
        LabelAttributeName="label",
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://bench-in/m.jsonl"}}},
        OutputConfig={"S3OutputPath": "s3://bench-in/out/"},
        RoleArn="arn:aws:iam::000000000000:role/BenchRole",
        LabelCategoryConfigS3Uri="s3://bench-in/labels.json",
        HumanTaskConfig={
            "WorkteamArn": team["WorkteamArn"],
            "UiConfig": {"UiTemplateS3Uri": "s3://bench-in/t.liquid"},
            "PreHumanTaskLambdaArn": gt + "PRE-TextMultiClass",
            "TaskTitle": "t",
            "TaskDescription": "d",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": gt + "ACS-TextMultiClass"},
        },
    )


def s3_requests(url: str, creds: Credentials, bucket: str) -> tuple[list[Any], list[Any]]:
    gets = [signed(creds, "s3", "GET", f"{url}/{bucket}/obj-4k")] * REQUESTS
    puts = [
        signed(
            creds,
            "s3",
            "PUT",
            f"{url}/{bucket}/put-{i}",
            BODY,
            {"Content-Type": "application/octet-stream"},
        )
        for i in range(REQUESTS)
    ]
    return gets, puts


def main() -> None:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, creds = start_opentruth(Path(tmp) / "data")
        try:
            setup_job(url, creds)
            boto3.client(
                "s3",
                endpoint_url=url,
                region_name="us-east-1",
                aws_access_key_id=creds.access_key,
                aws_secret_access_key=creds.secret_key,
            ).put_object(Bucket="bench-in", Key="obj-4k", Body=BODY)
            describe = signed(
                creds,
                "sagemaker",
                "POST",
                url + "/",
                json.dumps({"LabelingJobName": "bench-job"}).encode(),
                {
                    "X-Amz-Target": "SageMaker.DescribeLabelingJob",
                    "Content-Type": "application/x-amz-json-1.1",
                },
            )
            (blast([describe] * 200, 200))  # warm up
            results["opentruth DescribeLabelingJob"] = blast([describe] * REQUESTS, 200)
            gets, puts = s3_requests(url, creds, "bench-in")
            (blast(gets[:200], 200))
            results["opentruth S3 GetObject 4 KiB"] = blast(gets, 200)
            results["opentruth S3 PutObject 4 KiB"] = blast(puts, 200)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    port = free_port()
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    murl = f"http://127.0.0.1:{port}"
    try:
        wait_http(murl + "/moto-api/")
        fake = Credentials("testing", "testing")
        ms3 = boto3.client(
            "s3",
            endpoint_url=murl,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        ms3.create_bucket(Bucket="bench-in")
        ms3.put_object(Bucket="bench-in", Key="obj-4k", Body=BODY)
        gets, puts = s3_requests(murl, fake, "bench-in")
        (blast(gets[:200], 200))
        results["moto S3 GetObject 4 KiB"] = blast(gets, 200)
        results["moto S3 PutObject 4 KiB"] = blast(puts, 200)
    finally:
        moto.terminate()
        moto.wait(timeout=30)
    print(f"{REQUESTS} requests per figure, httpx keep-alive with {CONNECTIONS} connections, SigV4 on")
    for name, rps in results.items():
        print(f"  {name:32s} {rps:8,.0f} requests/s")
    ratio = results["opentruth S3 GetObject 4 KiB"] / results["moto S3 GetObject 4 KiB"]
    print(f"S3 GetObject: opentruth / moto = {ratio:.2f}x (target >= 2x)")
    print(f"DescribeLabelingJob: {results['opentruth DescribeLabelingJob']:,.0f}/s (target >= 500/s)")


if __name__ == "__main__":
    main()
