"""The service's own health as a Prometheus ``/metrics`` endpoint (text exposition format 0.0.4).

What it exposes:

- ``opentruth_http_requests_total{method,route,status}`` and the latency histogram
  ``opentruth_http_request_duration_seconds{method,route}``. ``route`` is the route *template*
  (``/worker/api/tasks/{task_id}/submit``), never the raw path, so label values stay few; AWS
  requests are labelled by their target (``aws:Logs_20140328.GetLogEvents``) or, for the query
  and S3 protocols, by the signing service (``aws:s3``), and only for services the endpoint
  serves (anything else is ``aws:unknown``);
- ``opentruth_iam_decisions_total{result}``: every decision of the IAM engine, by result
  (``Allowed``, ``ExplicitlyDenied``, ``ImplicitlyDenied``), for API callers and job roles alike;
- gauges read at scrape time from the database and the queue: work items by kind and state,
  labeling jobs by status, and huey's pending kicks.

The formatter is a few lines of code rather than a dependency: the format is small and stable.
Set ``OPENTRUTH_METRICS_TOKEN`` to require ``Authorization: Bearer <token>`` on ``/metrics``.
"""

from __future__ import annotations

import hmac
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opentruth.db.engine import Database
from opentruth.db.models import LabelingJob, WorkItem
from opentruth.iam import Evaluator, PolicySet, Result
from opentruth.iam import Request as IamRequest

if TYPE_CHECKING:
    from opentruth.background import Background

__all__ = ["Counter", "Histogram", "Registry", "install_observability", "route_label"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
TOKEN_ENV = "OPENTRUTH_METRICS_TOKEN"  # noqa: S105 (the name of a variable, not a secret)
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs)
    return "{" + inner + "}" if inner else ""


def _num(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


class Counter:
    """A monotonically increasing count per label set. Thread-safe."""

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str]) -> None:
        self.name, self.help, self.labelnames = name, help_text, tuple(labelnames)
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = tuple((n, labels[n]) for n in self.labelnames)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        """The current count of one label set (0 when never incremented)."""
        return self._values.get(tuple((n, labels[n]) for n in self.labelnames), 0.0)

    def render(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        lines += [f"{self.name}{_labels(k)} {_num(v)}" for k, v in items]
        return lines


class Histogram:
    """Observations in cumulative buckets per label set, with their sum and count. Thread-safe."""

    def __init__(
        self, name: str, help_text: str, labelnames: Sequence[str], buckets: Sequence[float] = DEFAULT_BUCKETS
    ) -> None:
        self.name, self.help, self.labelnames = name, help_text, tuple(labelnames)
        self.buckets = tuple(sorted(buckets))
        self._series: dict[Labels, tuple[list[int], list[float]]] = {}
        self._lock = threading.Lock()

    def observe(self, value: float, **labels: str) -> None:
        key = tuple((n, labels[n]) for n in self.labelnames)
        with self._lock:
            counts, total = self._series.setdefault(key, ([0] * (len(self.buckets) + 1), [0.0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            counts[-1] += 1  # +Inf, which is also the count
            total[0] += value

    def count(self, **labels: str) -> int:
        """How many observations one label set has."""
        hit = self._series.get(tuple((n, labels[n]) for n in self.labelnames))
        return hit[0][-1] if hit else 0

    def render(self) -> list[str]:
        with self._lock:
            items = sorted((k, (list(c), t[0])) for k, (c, t) in self._series.items())
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        for key, (counts, total) in items:
            for bound, n in zip((*self.buckets, math.inf), counts, strict=True):
                lines.append(f"{self.name}_bucket{_labels((*key, ('le', _num(bound))))} {n}")
            lines.append(f"{self.name}_sum{_labels(key)} {_num(total)}")
            lines.append(f"{self.name}_count{_labels(key)} {counts[-1]}")
        return lines


#: A gauge read at scrape time: ``[(labels, value), ...]``.
GaugeFn = Callable[[], list[tuple[Labels, float]]]


class Registry:
    """The metrics of one server: counters, histograms, and gauges computed when scraped."""

    def __init__(self) -> None:
        self.requests = Counter(
            "opentruth_http_requests_total", "HTTP requests by method, route template and status.",
            ("method", "route", "status"),
        )  # fmt: skip
        self.latency = Histogram(
            "opentruth_http_request_duration_seconds", "HTTP request latency in seconds.", ("method", "route")
        )
        self.decisions = Counter(
            "opentruth_iam_decisions_total", "IAM engine decisions by result.", ("result",)
        )
        self._gauges: list[tuple[str, str, GaugeFn]] = []

    def gauge(self, name: str, help_text: str, fn: GaugeFn) -> None:
        """Add a gauge whose values ``fn`` computes at each scrape."""
        self._gauges.append((name, help_text, fn))

    def render(self) -> str:
        """The exposition text of every metric."""
        lines = self.requests.render() + self.latency.render() + self.decisions.render()
        for name, help_text, fn in self._gauges:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
            lines += [f"{name}{_labels(k)} {_num(v)}" for k, v in sorted(fn())]
        return "\n".join(lines) + "\n"


class _CountingEvaluate:
    """Wraps an Evaluator's ``evaluate`` to count decisions (memoised ones too)."""

    def __init__(self, inner: Callable[[PolicySet, IamRequest], Result], counter: Counter) -> None:
        self.inner = inner
        self.counter = counter

    def __call__(self, policies: PolicySet, request: IamRequest) -> Result:
        result = self.inner(policies, request)
        self.counter.inc(result=str(result.decision))
        return result


def count_decisions(evaluator: Evaluator, counter: Counter) -> None:
    """Count every decision ``evaluator`` makes in ``counter`` (idempotent)."""
    current = evaluator.evaluate
    if isinstance(current, _CountingEvaluate):
        current.counter = counter
        return
    # An instance attribute shadows the method: every holder of this evaluator (API callers,
    # role sessions, the trust check) is counted without changing the IAM package.
    setattr(evaluator, "evaluate", _CountingEvaluate(current, counter))  # noqa: B010


_TARGET = re.compile(r"^([A-Za-z0-9_]+)\.([A-Za-z0-9]+)$")
_SCOPE = re.compile(rb"Credential=[^/,\s]+/\d{8}/[^/]+/([a-z0-9-]+)/aws4_request")
_QUERY_SCOPE = re.compile(rb"X-Amz-Credential=[^/&]+(?:/|%2F)\d{8}(?:/|%2F)[^/&%]+(?:/|%2F)([a-z0-9-]+)")


def route_label(scope: Scope, aws: Any | None) -> str:
    """The ``route`` label of a finished request (see the module notes)."""
    headers = dict(scope.get("headers") or [])
    target = headers.get(b"x-amz-target")
    signed = _SCOPE.search(headers.get(b"authorization", b"")) or _QUERY_SCOPE.search(
        scope.get("query_string", b"")
    )
    if target is not None or signed is not None:
        return _aws_label(target, signed.group(1).decode() if signed else None, aws)
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path + ("/{path}" if type(route).__name__ == "Mount" else "")
    return "unmatched"


def _aws_label(target: bytes | None, signing: str | None, aws: Any | None) -> str:
    from opentruth.awsmodel.service import operation_names, protocol_info

    services: frozenset[str] = getattr(aws, "services", frozenset())
    if target is not None:
        m = _TARGET.match(target.decode("latin-1"))
        if m:
            for name in services:
                info = protocol_info(name)
                if info.target_prefix == m.group(1) and m.group(2) in operation_names(name):
                    return f"aws:{m.group(1)}.{m.group(2)}"
        return "aws:unknown"
    for name in services:
        if protocol_info(name).signing_name == signing:
            return f"aws:{name}"
    return "aws:unknown"


class MetricsMiddleware:
    """Counts and times every HTTP request (ASGI, so streamed bodies are timed to the end)."""

    def __init__(self, app: ASGIApp, registry: Registry, aws: Any | None = None) -> None:
        self.app = app
        self.registry = registry
        self.aws = aws

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_label(scope, self.aws)
            method = str(scope.get("method", ""))
            self.registry.requests.inc(method=method, route=route, status=str(status))
            self.registry.latency.observe(time.perf_counter() - started, method=method, route=route)


def _grouped(db: Database, *columns: Any) -> list[tuple[Any, ...]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(*columns, func.count()).group_by(*columns))]


def database_gauges(registry: Registry, db: Database, background: Background | None = None) -> None:
    """Work items by kind and state, jobs by status, and huey's pending kicks."""

    def work_items() -> list[tuple[Labels, float]]:
        rows = _grouped(db, WorkItem.kind, WorkItem.state)
        return [((("kind", str(k)), ("state", str(st))), float(n)) for k, st, n in rows]

    def jobs() -> list[tuple[Labels, float]]:
        return [((("status", str(st)),), float(n)) for st, n in _grouped(db, LabelingJob.status)]

    registry.gauge("opentruth_work_items", "Background work items by kind and state.", work_items)
    registry.gauge("opentruth_labeling_jobs", "Labeling jobs by status.", jobs)
    if background is not None:
        huey = background.huey
        registry.gauge(
            "opentruth_huey_pending",
            "Kicks waiting in the huey queue.",
            lambda: [((), float(huey.pending_count()))],
        )


def install_observability(
    app: FastAPI, db: Database, evaluator: Evaluator, background: Background | None
) -> Registry:
    """Add the middleware, the ``/metrics`` route and the decision counter to ``app``."""
    registry = Registry()
    count_decisions(evaluator, registry.decisions)
    database_gauges(registry, db, background)
    app.add_middleware(MetricsMiddleware, registry=registry, aws=getattr(app.state, "aws", None))
    app.state.metrics_registry = registry

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> PlainTextResponse:
        token = os.environ.get(TOKEN_ENV)
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return PlainTextResponse("unauthorized\n", status_code=401)
        return PlainTextResponse(registry.render(), media_type=CONTENT_TYPE)

    return registry
