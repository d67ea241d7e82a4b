"""Annotators on the worker API (``tasks/next`` + ``submit``), as threads or processes, and the
figures of their loops. ``labeling_loop.py`` and ``soak.py`` run them (``ingest.py`` too, to label
what it ingested).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from harness import LABELS, PASSWORD
from opentruth.db.models import Assignment, DataObject, LabelingJob
from opentruth.runtime import Runtime

# ------------------------------------------------------------------------------- the loop


class Http:
    """A keep-alive HTTP/1.1 client on :mod:`http.client`: the annotators share two cores with
    the server, and this costs a fraction of the CPU that httpx spends per request, so the
    figures measure the server rather than the client."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.headers = {"Content-Type": "application/json"}

    def post(self, path: str, body: object = None) -> tuple[int, Any]:
        payload = b"" if body is None else json.dumps(body).encode()
        try:
            self.conn.request("POST", path, body=payload, headers=self.headers)
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # uvicorn closes a keep-alive connection idle for 5 s, before reading a request
            # sent on it: an annotator that logged in first waits that long for the others to
            # log in on a busy machine. The request was not served; send it again.
            self.conn.close()
            self.conn.request("POST", path, body=payload, headers=self.headers)
            r = self.conn.getresponse()
        data = r.read()
        if r.status >= 400:
            raise RuntimeError(f"POST {path}: HTTP {r.status} {data[:200]!r}")
        return r.status, (json.loads(data) if data else None)

    def close(self) -> None:
        self.conn.close()


def login(url: str, name: str) -> Http:
    client = Http(url)
    _, login = client.post("/worker/api/login", {"username": name, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {login['token']}"
    return client


def _annotate(
    client: Http, job: str, seconds: float, max_loops: int, interval: float = 0.0, offset: float = 0.0
) -> tuple[list[float], list[str], list[float]]:
    """next + submit until the job has nothing left, or the deadline, or ``max_loops``; return
    the latency of each loop, the errors, and when each loop started (``time.perf_counter``,
    the system's monotonic clock, so it compares across processes).

    With ``interval``, loop k starts at ``offset + k * interval`` seconds from now (a paced
    annotator), and its latency counts from that planned start: a loop held up by a slow one
    before it is charged the wait (no coordinated omission)."""
    latencies: list[float] = []
    errors: list[str] = []
    starts: list[float] = []
    empty = 0
    start = time.perf_counter()
    deadline = start + seconds
    try:
        while len(latencies) < max_loops and time.perf_counter() < deadline:
            if interval:
                t0 = start + offset + len(latencies) * interval
                if (ahead := t0 - time.perf_counter()) > 0:
                    time.sleep(ahead)
            else:
                t0 = time.perf_counter()
            status, task = client.post(f"/worker/api/jobs/{job}/tasks/next")
            if status == 204:
                empty += 1
                if empty > 50:
                    break
                continue
            label = LABELS[task["datasetObjectId"] % len(LABELS)]
            client.post(
                f"/worker/api/tasks/{task['taskId']}/submit",
                {"answerContent": {"sentiment": {"label": label}}},
            )
            latencies.append(time.perf_counter() - t0)
            starts.append(t0)
    except (OSError, RuntimeError, http.client.HTTPException) as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        client.close()
    return latencies, errors, starts


class Annotator(threading.Thread):
    """An annotator as a thread of this process (``--clients threads``, the default)."""

    def __init__(
        self, url: str, name: str, job: str, seconds: float, max_loops: int, pace: tuple[float, float]
    ) -> None:
        super().__init__(daemon=True)
        self.client = login(url, name)
        self.pace = pace
        self.job = job
        self.seconds = seconds
        self.max_loops = max_loops
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.starts: list[float] = []
        self.start_gate = threading.Event()

    def run(self) -> None:
        self.start_gate.wait()
        self.latencies, self.errors, self.starts = _annotate(
            self.client, self.job, self.seconds, self.max_loops, *self.pace
        )


def _annotator_process(
    url: str,
    name: str,
    job: str,
    seconds: float,
    max_loops: int,
    pace: tuple[float, float],
    start: Any,
    out: Any,
) -> None:
    """An annotator as a process of its own (``--clients processes``): reports to ``out``."""
    try:
        client = login(url, name)
    except Exception as exc:  # reported, not raised: the parent waits for every child
        out.put(("failed", name, f"{type(exc).__name__}: {exc}"))
        return
    out.put(("ready", name, ""))
    start.wait()
    cpu0 = time.process_time()
    latencies, errors, starts = _annotate(client, job, seconds, max_loops, *pace)
    out.put(("done", latencies, errors, time.process_time() - cpu0, starts))


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


@dataclass
class LoopRun:
    """The figures of one :func:`run_loop`."""

    loops: int
    wall: float  # seconds
    latencies: list[float]  # seconds, sorted
    errors: list[str]
    server_cpu: float  # seconds
    client_cpu: float  # seconds
    timeline: list[tuple[float, float]]  # (start, latency) of every loop, in the order they started


def run_loop(
    url: str,
    names: list[str],
    job: str,
    seconds: float,
    max_loops: int,
    cpu: Callable[[], float],
    clients: str = "threads",
    rate: float | None = None,
) -> LoopRun:
    """Run the annotators together. They log in first (Argon2 is slow on purpose); the clocks
    start when all are ready. With ``rate``, the annotators together start ``rate`` loops a
    second, evenly spread; without it, each starts its next loop at once."""
    per = max(1, max_loops // len(names))
    interval = len(names) / rate if rate else 0.0
    paces = [(interval, i * interval / len(names)) for i in range(len(names))]
    if clients == "threads":
        threads = [Annotator(url, n, job, seconds, per, pace) for n, pace in zip(names, paces, strict=True)]
        for t in threads:
            t.start()
        cpu0, t0, client0 = cpu(), time.perf_counter(), time.process_time()
        for t in threads:
            t.start_gate.set()
        for t in threads:
            t.join()
        wall, used = time.perf_counter() - t0, cpu() - cpu0
        client = time.process_time() - client0
        timeline = sorted(x for t in threads for x in zip(t.starts, t.latencies, strict=True))
        errors = [e for t in threads for e in t.errors]
        return LoopRun(len(timeline), wall, sorted(x[1] for x in timeline), errors, used, client, timeline)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_annotator_process, args=(url, n, job, seconds, per, pace, start, out), daemon=True
        )
        for n, pace in zip(names, paces, strict=True)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        kind, who, why = out.get(timeout=120)
        if kind != "ready":
            raise SystemExit(f"annotator {who} could not log in: {why}")
    cpu0, t0 = cpu(), time.perf_counter()
    start.set()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    wall, used = time.perf_counter() - t0, cpu() - cpu0
    for p in procs:
        p.join()
    timeline = sorted(x for r in results for x in zip(r[4], r[1], strict=True))
    errors = [e for r in results for e in r[2]]
    client = sum(r[3] for r in results)
    return LoopRun(len(timeline), wall, sorted(x[1] for x in timeline), errors, used, client, timeline)


def handed_twice(rt: Runtime, job: str) -> int:
    """Objects of the job that more than one worker was given (any assignment state)."""
    with rt.db.read() as s:
        per_object = (
            select(Assignment.object_id)
            .join(DataObject, DataObject.id == Assignment.object_id)
            .join(LabelingJob, LabelingJob.id == DataObject.job_id)
            .where(LabelingJob.name == job)
            .group_by(Assignment.object_id)
            .having(func.count(func.distinct(Assignment.worker_id)) > 1)
            .subquery()
        )
        return int(s.scalar(select(func.count()).select_from(per_object)) or 0)


def report_loop(label: str, run: LoopRun, twice: int) -> tuple[float, float, float, float]:
    """Print one loop's figures; return what it printed: loops/s and p50, p95, p99 in ms."""
    loops, wall, lat, errors, cpu, client = (
        run.loops,
        run.wall,
        run.latencies,
        run.errors,
        run.server_cpu,
        run.client_cpu,
    )
    ms = [x * 1000 for x in lat]
    rate = loops / wall if wall else 0.0
    p50, p95, p99 = (percentile(ms, q) for q in (50, 95, 99))
    print(
        f"{label:<14} {loops:>6} loops in {wall:6.2f} s = {rate:7.1f} loops/s   "
        f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"p99 {p99:6.1f} ms  max {max(ms, default=float('nan')):6.1f} ms   "
        f"handed to two workers: {twice}" + (f"   errors: {len(errors)} ({errors[0]})" if errors else "")
    )
    if lat:
        # CPU per loop does not depend on what else the machine runs; loops/s does.
        print(
            f"{'':<14} mean {statistics.fmean(ms):.1f} ms; server CPU {cpu / loops * 1000:.2f} ms "
            f"per loop ({cpu / wall:.2f} cores busy), background work included; "
            f"client CPU {client / loops * 1000:.2f} ms per loop"
        )
    return rate, p50, p95, p99
