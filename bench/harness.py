"""What the benchmarks that drive ``opentruth serve`` share: the setup of a labeling job through
the data folder, the server in a subprocess, database sizes (annotators: ``annotators.py``).

``labeling_loop.py``, ``ingest.py`` and ``soak.py`` import it (``python bench/X.py`` puts
``bench/`` on the path).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from opentruth.db import repo_iam_roles, repo_workforce
from opentruth.runtime import Runtime

ACCOUNT = "000000000000"
REGION = "us-east-1"
GT = "432418664414"  # Ground Truth's Lambda account in us-east-1
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/BenchExecution"
PASSWORD = "bench password 1"
LABELS = ("positive", "negative", "neutral")


# ------------------------------------------------------------------------------- setup


def _policy() -> dict[str, Any]:
    buckets = ("input-data", "output-data")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{b}" for b in buckets],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                "Resource": [f"arn:aws:s3:::{b}/*" for b in buckets],
            },
            {
                "Effect": "Allow",
                "Action": ["cloudwatch:PutMetricData", "logs:*"],
                "Resource": "*",
            },
        ],
    }


def setup(rt: Runtime, annotators: int) -> list[str]:
    """Role, buckets, labels, template, workers and their team; return the usernames."""
    names = [f"annotator{i}" for i in range(annotators)]
    hasher = repo_workforce.fast_hasher()
    with rt.db.transaction() as s:
        repo_iam_roles.create_role_from_detail(
            s,
            {
                "RoleName": "BenchExecution",
                "Arn": ROLE_ARN,
                "Path": "/",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    },
                },
                "RolePolicyList": [{"PolicyName": "bench", "PolicyDocument": _policy()}],
                "AttachedManagedPolicies": [],
            },
        )
        for name in names:
            repo_workforce.create_worker(s, name, PASSWORD, hasher=hasher)
        repo_workforce.add_workers_to_group(s, "bench", names)
        repo_workforce.create_workteam(s, "bench", ["bench"], description="bench team")
    store = rt.res.store
    for bucket in ("input-data", "output-data"):
        store.create_bucket(bucket)
    labels = {"document-version": "2018-11-28", "labels": [{"label": x} for x in LABELS]}
    store.put_object("input-data", "labels.json", json.dumps(labels).encode())
    store.put_object(
        "input-data",
        "template.liquid",
        b"<crowd-form><crowd-classifier name='sentiment'></crowd-classifier></crowd-form>",
    )
    return names


def put_manifest(rt: Runtime, key: str, lines: int) -> None:
    """A text manifest of ``lines`` reviews (about 70 bytes a line)."""
    body = "".join(
        json.dumps({"source": f"review {i}: the product was fine, delivery took {i % 9} days"}) + "\n"
        for i in range(lines)
    )
    rt.res.store.put_object("input-data", key, body.encode())


def job_request(name: str, manifest_key: str) -> dict[str, Any]:
    """The CreateLabelingJob request of a text-classification job on the ``bench`` team."""
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "sentiment",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://input-data/{manifest_key}"}}},
        "OutputConfig": {"S3OutputPath": "s3://output-data/jobs/"},
        "RoleArn": ROLE_ARN,
        "LabelCategoryConfigS3Uri": "s3://input-data/labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/bench",
            "UiConfig": {"UiTemplateS3Uri": "s3://input-data/template.liquid"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-TextMultiClass",
            "TaskTitle": "Sentiment",
            "TaskDescription": "Pick the sentiment of the review",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": (
                    f"arn:aws:lambda:{REGION}:{GT}:function:ACS-TextMultiClass"
                )
            },
        },
    }


def create_job(rt: Runtime, name: str, manifest_key: str) -> None:
    """CreateLabelingJob in this process: the server's reconciler picks it up within a second
    (use :func:`sagemaker_client` to time the ingest from the call)."""
    rt.jobs.create(job_request(name, manifest_key))


def sagemaker_client(rt: Runtime, url: str) -> Any:
    """A boto3 SageMaker client for the account's ``admin`` user, against the server at ``url``."""
    import boto3

    from opentruth.api.bootstrap import bootstrap
    from opentruth.db.iam_secrets import SecretBox

    admin = bootstrap(rt.db, SecretBox.load(rt.settings.data_dir), hasher=repo_workforce.fast_hasher())
    make: Any = boto3.client
    return make(
        "sagemaker",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=admin.key_id,
        aws_secret_access_key=admin.secret,
    )


# ------------------------------------------------------------------------------- databases

PG_ADMIN_URL = os.environ.get("OPENTRUTH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_database(name: str) -> str:
    """Create (afresh) a PostgreSQL database for a run; return its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_bytes(rt: Runtime) -> tuple[int, int]:
    """(database, WAL) bytes: SQLite's ``opentruth.db`` and ``opentruth.db-wal``; on PostgreSQL,
    ``pg_database_size`` and 0 (its WAL is the cluster's, shared by every database, recycled)."""
    if rt.db.dialect == "sqlite":
        path = Path(rt.db.engine.url.database or "")
        wal = path.with_name(path.name + "-wal")
        return path.stat().st_size, wal.stat().st_size if wal.exists() else 0
    with rt.db.read() as s:
        return int(s.scalar(text("SELECT pg_database_size(current_database())")) or 0), 0


def pg_table_sizes(rt: Runtime, top: int = 8) -> list[tuple[str, int, int, int, int]]:
    """The largest tables: (name, table bytes, index bytes, live rows, dead rows)."""
    with rt.db.read() as s:
        rows = s.execute(
            text(
                "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid),"
                " coalesce(t.n_live_tup, 0), coalesce(t.n_dead_tup, 0)"
                " FROM pg_class c LEFT JOIN pg_stat_user_tables t ON t.relid = c.oid"
                " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
                " ORDER BY pg_total_relation_size(c.oid) DESC LIMIT :top"
            ),
            {"top": top},
        ).all()
    return [(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]


def print_pg_tables(title: str, sizes: list[tuple[str, int, int, int, int]]) -> None:
    print(f"{title}: table MiB / index MiB / live rows / dead rows")
    for name, table, index, live, dead in sizes:
        print(f"  {name:<28} {table / 2**20:8.2f} {index / 2**20:8.2f} {live:>10} {dead:>8}")


def wait_settled(rt: Runtime, name: str, timeout: float = 120) -> None:
    """Wait until the job has consolidated every labeled object (it is Completed)."""
    wait_status(rt, name, "Completed", timeout=timeout, every=0.2)


def wait_status(rt: Runtime, name: str, want: str, timeout: float, every: float = 0.02) -> float:
    """Poll DescribeLabelingJob until ``want``; return the seconds it took."""
    start = time.perf_counter()
    while True:
        described = rt.jobs.describe(name)
        status = described["LabelingJobStatus"]
        if status == want:
            return time.perf_counter() - start
        if status == "Failed":
            raise SystemExit(f"job {name} failed: {described.get('FailureReason')}")
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"job {name} still {status} after {timeout:.0f} s")
        time.sleep(every)


# ------------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _command() -> list[str]:
    script = Path(sys.executable).with_name("opentruth")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from opentruth.cli import main; main()"]


class ServeProcess:
    """``opentruth serve`` on the embedded default, in a subprocess."""

    def __init__(self, data: Path, db_url: str | None = None) -> None:
        self.data = data
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (data.parent / "serve.log").open("ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTRUTH_")}
        self.proc = subprocess.Popen(
            [
                *_command(),
                "serve",
                "--data",
                str(data),
                "--port",
                str(self.port),
                *(["--db", db_url] if db_url else []),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"opentruth serve exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("opentruth serve did not answer /health within 90 s")
            time.sleep(0.1)

    def rss_mb(self, field: str) -> float:
        """``VmRSS`` (now) or ``VmHWM`` (peak) of the server process, in MB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def log_tail(self, chars: int = 4000) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-chars:]

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used (``/proc/PID/stat``)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
