"""Manifest ingest from 1,000 to 1,000,000 lines, on SQLite and on PostgreSQL.

For each size and database, a fresh data folder (and a fresh PostgreSQL database) and a fresh
``opentruth serve`` (so that its peak RSS is this ingest's); the manifest is put in the embedded
store, then CreateLabelingJob is called with boto3 against the server and the clock starts.
It prints:

* ``first``: the seconds until a worker's ``tasks/next`` returns a task (polled every 10 ms):
  the job is ``InProgress`` once its first batch of lines is in, and the ingest goes on;
* ``all``: the seconds until every line is in (the job's ``ingest_complete``, read from the
  database every 10 ms);
* tasks/s (lines over ``all``), the server's peak RSS (``VmHWM``);
* the database's bytes per task after ingest, the database with its WAL on SQLite (what the
  job added, over the lines; the WAL as it is at ``InProgress``), and after labeling: for the
  sizes up to ``--label-up-to`` lines, 8 annotators label every task through the worker API,
  the job completes, and the bytes per task are measured again.

On PostgreSQL the bytes are ``pg_database_size``: PostgreSQL's WAL belongs to the cluster, is
shared by every database and recycled, so it is not the job's.

Targets on this 2-core machine: the 1,000,000-line manifest ingests with a peak RSS under
300 MB; the database and its WAL at most 2 KiB per task after ingest; the 10,000-line ingest
within 1.0 s. The figures are printed, never asserted.

Usage: python bench/ingest.py [--sizes 1000,10000,100000,1000000] [--db sqlite,postgresql]
       [--label-up-to 10000] [--annotators 8] [--timeout 900]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from annotators import Http, login, run_loop
from harness import (
    ServeProcess,
    db_bytes,
    drop_pg_database,
    job_request,
    pg_database,
    put_manifest,
    sagemaker_client,
    setup,
    wait_status,
)
from opentruth.db.models import LabelingJob
from opentruth.runtime import Runtime, Settings

TARGET_RSS_MB = 300.0
TARGET_BYTES_PER_TASK = 2048
TARGET_10K_SECONDS = 1.0


@dataclass
class Figures:
    backend: str
    lines: int
    first: float
    all: float
    peak_rss_mb: float
    db_after_ingest: int
    wal_after_ingest: int
    per_task_ingest: float
    per_task_labeled: float | None = None
    labeled_rate: float | None = None


def _first_task(worker: Http, job: str) -> bool:
    """Lease a task of the job and give it back at once; False while there is none."""
    try:
        status, task = worker.post(f"/worker/api/jobs/{job}/tasks/next")
    except RuntimeError:  # the job is not open to workers yet
        return False
    if status != 200:
        return False
    worker.post(f"/worker/api/tasks/{task['taskId']}/release")
    return True


def measure(backend: str, lines: int, args: argparse.Namespace) -> Figures:
    """One ingest (and labeling) on a fresh data folder and database."""
    root = Path(tempfile.mkdtemp(prefix="opentruth-ingest-"))
    data = root / "data"
    pg_name = f"opentruth_bench_ingest_{os.getpid()}_{lines}"
    db_url = pg_database(pg_name) if backend == "postgresql" else None
    rt = Runtime.open(Settings.resolve(data, db=db_url))
    server: ServeProcess | None = None
    try:
        names = setup(rt, args.annotators)
        put_manifest(rt, "ingest.jsonl", lines)
        server = ServeProcess(data, db_url)
        sm = sagemaker_client(rt, server.url)
        worker = login(server.url, names[0])
        rt.db.checkpoint("TRUNCATE")  # what the setup wrote is not the job's
        base = sum(db_bytes(rt))
        job = f"ingest-{lines}"
        t0 = time.perf_counter()
        sm.create_labeling_job(**job_request(job, "ingest.jsonl"))
        first = done = None
        deadline = t0 + args.timeout
        while first is None or done is None:
            now = time.perf_counter()
            if now > deadline:
                raise SystemExit(f"{job} not ingested after {args.timeout:.0f} s")
            if done is None:
                with rt.db.read() as s:
                    row = s.execute(
                        select(
                            LabelingJob.ingest_complete, LabelingJob.status, LabelingJob.failure_reason
                        ).where(LabelingJob.name == job)
                    ).one()
                if row.status == "Failed":
                    raise SystemExit(f"{job} failed: {row.failure_reason}")
                if row.ingest_complete:
                    done = time.perf_counter() - t0
            if first is None and _first_task(worker, job):
                first = time.perf_counter() - t0
            time.sleep(0.01)
        worker.close()
        peak = server.rss_mb("VmHWM")
        database, wal = db_bytes(rt)
        figures = Figures(backend, lines, first, done, peak, database, wal, (database + wal - base) / lines)
        if lines <= args.label_up_to:
            run = run_loop(server.url, names, job, args.timeout, lines, server.cpu_seconds)
            wait_status(rt, job, "Completed", timeout=args.timeout, every=0.2)
            figures.per_task_labeled = (sum(db_bytes(rt)) - base) / lines
            figures.labeled_rate = run.loops / run.wall if run.wall else 0.0
        return figures
    except SystemExit:
        if server is not None:
            print(f"--- the end of {server.log.name}:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        rt.close()
        if db_url is not None:
            drop_pg_database(pg_name)
        shutil.rmtree(root, ignore_errors=True)


def report(f: Figures) -> None:
    labeled = (
        f"{f.per_task_labeled:7.0f} B/task after labeling ({f.labeled_rate:.0f} loops/s)"
        if f.per_task_labeled is not None
        else "(not labeled)"
    )
    print(
        f"{f.backend:<10} {f.lines:>9} lines  first task {f.first:7.2f} s  all {f.all:7.2f} s  "
        f"{f.lines / f.all:9.0f} tasks/s  peak RSS {f.peak_rss_mb:5.0f} MB  "
        f"after ingest {f.per_task_ingest:6.0f} B/task (db {f.db_after_ingest / 2**20:.1f} MiB"
        f" + WAL {f.wal_after_ingest / 2**20:.1f} MiB)  {labeled}",
        flush=True,
    )


def targets(figures: list[Figures]) -> None:
    for f in figures:
        small = f.per_task_ingest <= TARGET_BYTES_PER_TASK
        checks = [f"B/task after ingest <= {TARGET_BYTES_PER_TASK}: {small}"]
        if f.lines >= 1_000_000:
            checks.append(f"peak RSS < {TARGET_RSS_MB:g} MB: {f.peak_rss_mb < TARGET_RSS_MB}")
        if f.lines == 10_000:
            checks.append(f"all within {TARGET_10K_SECONDS:g} s: {f.all <= TARGET_10K_SECONDS}")
        print(f"target {f.backend:<10} {f.lines:>9}: " + ", ".join(checks))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="comma-separated line counts")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--label-up-to", type=int, default=10_000, help="label the jobs up to this size")
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=900.0, help="bound of each ingest and labeling")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    backends = [x.strip() for x in args.db.split(",") if x.strip()]
    for backend in backends:
        if backend not in ("sqlite", "postgresql"):
            raise SystemExit(f"--db: unknown database {backend!r}; give sqlite, postgresql or both")
    figures: list[Figures] = []
    for backend in backends:
        for lines in sizes:
            figures.append(measure(backend, lines, args))
            report(figures[-1])
    targets(figures)


if __name__ == "__main__":
    main()
