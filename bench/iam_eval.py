"""IAM evaluation speed, one core, one run. Prints decisions per second.

(a) end to end through ``opentruth iam eval`` over the shared corpus repeated 5 times, as a
    subprocess: start-up, JSON parsing, policy compilation and evaluation all count. The best
    of five runs, with their median.
(b) the seed's built-in execution role (identity policy + trust policy) against every request of
    a 10,000-object job: the role's policies compiled once, one request per data object read,
    one per worker-response write, plus the job's bucket, log and metric requests.

Targets (issue 2): (a) >= 20,000/s, (b) >= 50,000/s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, parse_policy

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "tests/data/iam/cases.jsonl", ROOT / "tests/data/iam/handmade.jsonl"]
ACCOUNT, REGION, JOB = "000000000000", "us-east-1", "bench-job"
ROLE = "GroundTruthExecution"
IN, OUT = "opentruth-bench-input", "opentruth-bench-output"


def bench_cli(repeat: int = 5, runs: int = 5) -> tuple[int, float, float]:
    """(cases, best seconds, median seconds) of ``runs`` runs of the command."""
    text = "".join(p.read_text() for p in CORPUS) * repeat
    n = sum(1 for line in text.splitlines() if line.strip())
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(text)
    exe = Path(sys.executable).parent / "opentruth"
    # Pin to one core, as the target asks.
    cmd = ["taskset", "-c", "0", str(exe), "iam", "eval", f.name]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
        assert done.stdout.count(b"\n") == n, "every case must get one output line"
    os.unlink(f.name)
    return n, min(times), statistics.median(times)


def seed_role() -> PolicySet:
    """The seed's "built-in task types (non-streaming)" policy, placeholders filled in."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ViewBuckets",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{IN}", f"arn:aws:s3:::{OUT}"],
            },
            {
                "Sid": "S3GetPutObjects",
                "Effect": "Allow",
                "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                "Resource": [f"arn:aws:s3:::{IN}/*", f"arn:aws:s3:::{OUT}/*"],
            },
            {
                "Sid": "CloudWatch",
                "Effect": "Allow",
                "Action": [
                    "cloudwatch:PutMetricData",
                    "logs:CreateLogStream",
                    "logs:CreateLogGroup",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                "Resource": "*",
            },
        ],
    }
    return PolicySet(identity=[NamedPolicy("GroundTruthExecution", parse_policy(policy))])


def job_requests(objects: int) -> list[Request]:
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/SageMaker"
    now = datetime.now(UTC)
    base = {
        "aws:SecureTransport": "true",
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/{ROLE}",
        "aws:PrincipalAccount": ACCOUNT,
        "aws:userid": "AROAEXAMPLEROLEID:SageMaker",
    }
    out: list[Request] = []
    for bucket in (IN, OUT):
        out.append(
            Request(session, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {**base, "s3:prefix": ""}, ACCOUNT)
        )
        out.append(Request(session, "s3:GetBucketLocation", f"arn:aws:s3:::{bucket}", base, ACCOUNT))
    out.append(Request(session, "s3:GetObject", f"arn:aws:s3:::{IN}/manifests/input.manifest", base, ACCOUNT))
    for i in range(objects):
        out.append(Request(session, "s3:GetObject", f"arn:aws:s3:::{IN}/images/{i:06d}.jpg", base, ACCOUNT))
        key = f"{JOB}/annotations/worker-response/iteration-1/{i}/2026-11-29_07:00:00.json"
        out.append(Request(session, "s3:PutObject", f"arn:aws:s3:::{OUT}/{key}", base, ACCOUNT))
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/LabelingJobs:log-stream:{JOB}"
    out.append(Request(session, "logs:PutLogEvents", stream, base, ACCOUNT))
    out.append(Request(session, "cloudwatch:PutMetricData", "*", base, ACCOUNT))
    return out


def bench_role(objects: int = 10_000) -> tuple[int, float, bool]:
    requests = job_requests(objects)
    best = float("inf")
    all_allowed = True
    for _ in range(3):
        # Freshly parsed policies and a fresh evaluator: compilation counts (the compiled form
        # lives on the policy), and the decision cache starts empty.
        policies = seed_role()
        ev = Evaluator()
        t = time.perf_counter()
        results = [ev.evaluate(policies, r) for r in requests]
        best = min(best, time.perf_counter() - t)
        all_allowed = all(r.allowed for r in results)
    return len(requests), best, all_allowed


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    n, secs, median = bench_cli()
    # The best of five runs, and the median to show how noisy the machine was meanwhile.
    print(
        f"(a) opentruth iam eval, shared corpus x5: {n} decisions in {secs:.3f} s"
        f" = {n / secs:,.0f} decisions/s (target >= 20,000); median of 5 runs {n / median:,.0f}/s"
    )
    m, secs_b, ok = bench_role()
    print(
        f"(b) seed execution role, 10,000-object job: {m} decisions in {secs_b:.3f} s"
        f" = {m / secs_b:,.0f} decisions/s"
        f" (target >= 50,000); all allowed: {ok}"
    )


if __name__ == "__main__":
    main()
