"""A long labeling run: 8 workers label 100,000 annotations through the worker API.

Starts ``opentruth serve`` (SQLite by default, or PostgreSQL with ``--db postgresql``), ingests
one job of ``--annotations`` text objects (one worker per object), and lets the annotators
(``tasks/next`` + ``submit``, as fast as they go) label all of it. Meanwhile a thread samples,
every 50 ms: on SQLite the size of ``opentruth.db-wal``; on PostgreSQL the sessions of the
database that are ``idle in transaction`` (and the oldest open transaction). It prints:

* the WAL's peak (SQLite), or the most idle-in-transaction sessions seen (PostgreSQL);
* the database's growth per annotation, after the loop and once the job has completed
  (consolidation and output included);
* the loop's p50/p99 over the first 10% of the loops against the last 10%, to show whether
  it drifts upward as the database grows;
* on PostgreSQL, the largest tables and their indexes before and after, with live and dead
  rows (whether autovacuum keeps up).

Target on this 2-core machine: the WAL never above 16 MiB. The figures are printed, never
asserted.

Usage: python bench/soak.py [--annotations 100000] [--annotators 8] [--db sqlite|postgresql]
       [--seconds 1800] [--clients threads|processes]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from annotators import LoopRun, handed_twice, percentile, report_loop, run_loop
from harness import (
    PG_ADMIN_URL,
    ServeProcess,
    create_job,
    db_bytes,
    drop_pg_database,
    pg_database,
    pg_table_sizes,
    print_pg_tables,
    put_manifest,
    setup,
    wait_status,
)
from opentruth.runtime import Runtime, Settings

TARGET_WAL_MIB = 16.0


class Sampler(threading.Thread):
    """Samples the WAL's size (SQLite) or the idle-in-transaction sessions (PostgreSQL)."""

    def __init__(self, rt: Runtime, pg_name: str | None, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.pg_name = pg_name
        database = rt.db.engine.url.database or ""
        self.wal = Path(database + "-wal") if pg_name is None else None
        self.peak_wal = 0
        self.samples = 0
        self.peak_idle_in_transaction = 0
        self.oldest_transaction = 0.0  # seconds, of a transaction seen idle in transaction
        self._halt = threading.Event()

    def run(self) -> None:
        conn = None
        if self.pg_name is not None:
            import psycopg

            conn = psycopg.connect(PG_ADMIN_URL, autocommit=True)
        try:
            while not self._halt.wait(self.every):
                self.samples += 1
                if self.wal is not None:
                    size = self.wal.stat().st_size if self.wal.exists() else 0
                    self.peak_wal = max(self.peak_wal, size)
                elif conn is not None:
                    # A session is "idle in transaction" between two statements of a
                    # transaction while the server's Python runs: briefly, many times a second.
                    # A leaked one (a connection left inside a transaction) stays so, and the
                    # age of its transaction grows without end.
                    idle, oldest = conn.execute(
                        "SELECT count(*), coalesce(extract(epoch FROM max(now() - xact_start)), 0)"
                        " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
                        " AND state = 'idle in transaction'",
                        (self.pg_name,),
                    ).fetchone() or (0, 0)
                    self.peak_idle_in_transaction = max(self.peak_idle_in_transaction, int(idle))
                    self.oldest_transaction = max(self.oldest_transaction, float(oldest))
        finally:
            if conn is not None:
                conn.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def drift(run: LoopRun) -> tuple[tuple[float, float], tuple[float, float]]:
    """(p50, p99) in ms of the first 10% of the loops (by start) and of the last 10%."""
    tenth = max(1, len(run.timeline) // 10)
    first = sorted(lat * 1000 for _, lat in run.timeline[:tenth])
    last = sorted(lat * 1000 for _, lat in run.timeline[-tenth:])
    return (percentile(first, 50), percentile(first, 99)), (percentile(last, 50), percentile(last, 99))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=1800.0, help="time bound of the labeling")
    parser.add_argument("--clients", choices=("threads", "processes"), default="threads")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="opentruth-soak-"))
    data = root / "data"
    pg_name = f"opentruth_bench_soak_{os.getpid()}" if args.db == "postgresql" else None
    db_url = pg_database(pg_name) if pg_name is not None else None
    rt = Runtime.open(Settings.resolve(data, db=db_url))
    server: ServeProcess | None = None
    try:
        names = setup(rt, args.annotators)
        put_manifest(rt, "soak.jsonl", args.annotations)
        server = ServeProcess(data, db_url)
        print(f"opentruth serve pid {server.proc.pid} on {server.url} ({args.db}), data in {data}")
        create_job(rt, "soak", "soak.jsonl")
        took = wait_status(rt, "soak", "InProgress", timeout=args.seconds)
        print(f"ingest        {args.annotations} lines to InProgress in {took:.2f} s (from the reconciler)")
        if pg_name is not None:
            before_tables = pg_table_sizes(rt)
        before = sum(db_bytes(rt))
        sampler = Sampler(rt, pg_name)
        sampler.start()
        try:
            run = run_loop(
                server.url, names, "soak", args.seconds, args.annotations, server.cpu_seconds, args.clients
            )
            after_loop = sum(db_bytes(rt))
            report_loop(f"{len(names)} annotators", run, handed_twice(rt, "soak"))
            wait_status(rt, "soak", "Completed", timeout=args.seconds, every=0.5)
        finally:
            sampler.stop()
        after = sum(db_bytes(rt))
        (f50, f99), (l50, l99) = drift(run)
        print(
            f"drift         first 10%: p50 {f50:.1f} ms p99 {f99:.1f} ms   "
            f"last 10%: p50 {l50:.1f} ms p99 {l99:.1f} ms   (p99 last/first {l99 / f99:.2f})"
        )
        loops = max(run.loops, 1)
        print(
            f"growth        {(after_loop - before) / loops:.0f} B per annotation after the loop, "
            f"{(after - before) / loops:.0f} B once the job completed "
            f"(database{' + WAL' if pg_name is None else ''} {before / 2**20:.1f} -> {after / 2**20:.1f} MiB)"
        )
        if pg_name is None:
            peak = sampler.peak_wal / 2**20
            print(
                f"WAL           peak {peak:.2f} MiB over {sampler.samples} samples; target <= "
                f"{TARGET_WAL_MIB:g} MiB: {'met' if peak <= TARGET_WAL_MIB else 'NOT met'}"
            )
        else:
            print(
                f"sessions      idle in transaction: at most {sampler.peak_idle_in_transaction} "
                f"at once over {sampler.samples} samples; the oldest such transaction "
                f"{sampler.oldest_transaction:.2f} s old"
            )
            print_pg_tables("tables before", before_tables)
            print_pg_tables("tables after", pg_table_sizes(rt))
        print(f"server peak RSS {server.rss_mb('VmHWM'):.0f} MB")
    except SystemExit:
        if server is not None:
            print(f"--- the end of {server.log.name}:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        rt.close()
        if pg_name is not None:
            drop_pg_database(pg_name)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
