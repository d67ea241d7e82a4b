"""Latency of IAM's policy simulator: 100 action x resource pairs in one SimulatePrincipalPolicy.

Starts ``opentruth serve`` on a fresh data folder, creates the demo's execution role (the seed's
built-in policy, as ``opentruth demo`` makes it), and asks for 10 actions on 10 resources in
one call, over and over. The request is signed once with botocore's signer and sent again by a
keep-alive httpx client (a signed request stays valid within the clock-skew window), so the
figure is the server's round trip: SigV4, reading the role, 100 decisions and the XML answer.
boto3's own end-to-end time (serialising, signing and parsing 100 results) is printed beside
it. Target (issue 18): under 50 ms on this machine. Prints its figures; asserts nothing timed.

    python bench/iam_simulate.py            # BENCH_CALLS=200 by default
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import botocore.session
import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

CALLS = int(os.environ.get("BENCH_CALLS", "200"))
WARMUP = 10
TARGET_MS = 50.0
ACCOUNT, REGION = "000000000000", "us-east-1"
ACTIONS = [
    "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:AbortMultipartUpload",
    "s3:DeleteObject", "logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData", "sns:Publish",
]  # fmt: skip


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


def resources(bucket: str) -> list[str]:
    objects = [f"arn:aws:s3:::{bucket}/demo/texts/{i}.txt" for i in range(6)]
    return [
        f"arn:aws:s3:::{bucket}",
        *objects,
        "arn:aws:s3:::elsewhere/other.txt",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/LabelingJobs:log-stream:job",
        f"arn:aws:sns:{REGION}:{ACCOUNT}:groundtruth-output",
    ]


def start(data: Path) -> tuple[subprocess.Popen[bytes], str, Credentials]:
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


def make_role(iam: Any) -> str:
    from opentruth.cli import demo

    detail = demo.role_detail(ACCOUNT, REGION, demo.bucket_name(ACCOUNT))
    iam.create_role(
        RoleName=detail["RoleName"],
        Path=detail["Path"],
        AssumeRolePolicyDocument=json.dumps(detail["AssumeRolePolicyDocument"]),
    )
    for inline in detail["RolePolicyList"]:
        iam.put_role_policy(
            RoleName=detail["RoleName"],
            PolicyName=inline["PolicyName"],
            PolicyDocument=json.dumps(inline["PolicyDocument"]),
        )
    return str(detail["Arn"])


def signed_request(url: str, creds: Credentials, params: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    model = botocore.session.get_session().get_service_model("iam").operation_model("SimulatePrincipalPolicy")
    serialized = create_serializer("query").serialize_to_request(params, model)
    body = urlencode(serialized["body"]).encode()
    req = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(creds, "iam", REGION).add_auth(req)
    return dict(req.headers.items()), body


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, times: list[float]) -> float:
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    print(f"{name:<44} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   mean {statistics.fmean(times):6.1f} ms")
    return p99


def main() -> None:
    from opentruth.cli import demo

    with tempfile.TemporaryDirectory() as tmp:
        proc, url, creds = start(Path(tmp) / "data")
        try:
            kw: dict[str, Any] = {
                "endpoint_url": url,
                "region_name": REGION,
                "aws_access_key_id": creds.access_key,
                "aws_secret_access_key": creds.secret_key,
            }
            iam = boto3.client("iam", **kw)
            role = make_role(iam)
            arns = resources(demo.bucket_name(ACCOUNT))
            params: dict[str, Any] = {"PolicySourceArn": role, "ActionNames": ACTIONS, "ResourceArns": arns}
            pairs = len(ACTIONS) * len(arns)
            answer = iam.simulate_principal_policy(**params)
            results = answer["EvaluationResults"]
            assert len(results) == pairs and not answer["IsTruncated"], (len(results), answer["IsTruncated"])
            allowed = sum(r["EvalDecision"] == "allowed" for r in results)
            print(
                f"SimulatePrincipalPolicy: {len(ACTIONS)} actions x {len(arns)} resources = "
                f"{pairs} pairs in one call"
            )
            print(
                f"decisions: {allowed} allowed, {pairs - allowed} denied; "
                f"{CALLS} timed calls after {WARMUP} warm-up"
            )

            headers, body = signed_request(url, creds, params)
            server: list[float] = []
            with httpx.Client(timeout=30) as client:
                for i in range(WARMUP + CALLS):
                    t0 = time.perf_counter()
                    resp = client.post(url + "/", headers=headers, content=body)
                    elapsed = (time.perf_counter() - t0) * 1000
                    if resp.status_code != 200 or resp.text.count("<EvalActionName>") != pairs:
                        raise RuntimeError(f"unexpected answer {resp.status_code}: {resp.text[:300]}")
                    if i >= WARMUP:
                        server.append(elapsed)
            end_to_end: list[float] = []
            for _ in range(max(20, CALLS // 4)):
                t0 = time.perf_counter()
                iam.simulate_principal_policy(**params)
                end_to_end.append((time.perf_counter() - t0) * 1000)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    p99 = report("round trip (pre-signed request, httpx)", server)
    report("boto3 simulate_principal_policy end to end", end_to_end)
    verdict = "met" if p99 < TARGET_MS else "NOT met"
    print(f"target: {pairs} pairs in one call under {TARGET_MS:.0f} ms at p99: {verdict} (p99 {p99:.1f} ms)")


if __name__ == "__main__":
    main()
