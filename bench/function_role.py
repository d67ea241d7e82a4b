"""What running a function as its role adds to an invocation. Prints its figures.

A Python function runs with its role's temporary credentials (``cloud/functions/credentials``):
the first call of a (role, function) evaluates the trust policy and issues an STS session (a
database write); later calls reuse the cached session until shortly before it expires. This
bench, on the embedded default (SQLite in a temporary folder):

- times the role step of each invocation (``FunctionCredentials.for_function``) over
  ``BENCH_INVOCATIONS`` invocations of one function, as they come: the first one cold, the rest
  warm, as a job's calls are;
- times a cold assumption on its own (cache dropped each time), the price paid once an hour;
- runs whole invocations of the same handler with and without a role, for scale (a fresh
  interpreter per call costs tens of milliseconds; the difference is noise-bound).

Target (issue 22): role assumption adds p50 < 5 ms to an invocation.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from opentruth.cloud.functions import EmbeddedFunctions, FunctionCredentials  # noqa: E402
from opentruth.db import repo_iam_roles  # noqa: E402
from opentruth.db.engine import Database  # noqa: E402
from opentruth.db.iam_secrets import SecretBox  # noqa: E402
from opentruth.db.migrate import upgrade  # noqa: E402
from opentruth.db.repo_jobs import ensure_account  # noqa: E402

INVOCATIONS = int(os.environ.get("BENCH_INVOCATIONS", "2000"))
COLD = int(os.environ.get("BENCH_COLD", "50"))
WHOLE = int(os.environ.get("BENCH_WHOLE", "15"))
TARGET_P50_MS = 5.0
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def code() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("fn.py", "def h(event, context):\n    return event\n")
    return buf.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        db = Database.from_url(f"sqlite:///{data / 'bench.db'}")
        upgrade(db.engine)
        with db.transaction() as s:
            ensure_account(s)
            repo_iam_roles.create_role(s, "fn-role", TRUST)
        box = SecretBox.load(data)
        creds = FunctionCredentials(db, box)
        fns = EmbeddedFunctions(db, data, credentials=creds, endpoint_url="http://127.0.0.1:8080")
        info = fns.create_python("with-role", "fn.h", code(), role="arn:aws:iam::000000000000:role/fn-role")
        fns.create_python("no-role", "fn.h", code())

        per_call = []
        for _ in range(INVOCATIONS):
            started = time.perf_counter()
            creds.for_function(info)
            per_call.append((time.perf_counter() - started) * 1000)
        cold = []
        for _ in range(COLD):
            creds.forget(info.arn)
            started = time.perf_counter()
            creds.for_function(info)
            cold.append((time.perf_counter() - started) * 1000)

        whole: dict[str, list[float]] = {"with-role": [], "no-role": []}
        for _ in range(WHOLE):
            for name, times in whole.items():
                started = time.perf_counter()
                result = fns.invoke(name, {"n": 1})
                assert result.ok, result.error
                times.append((time.perf_counter() - started) * 1000)
        db.dispose()

    p50 = statistics.median(per_call)
    print(f"role step per invocation over {INVOCATIONS} invocations (first cold, then cached):")
    print(f"  p50 {p50:.4f} ms   p99 {pct(per_call, 0.99):.4f} ms   max {max(per_call):.2f} ms")
    print(f"cold assumption (trust evaluation + STS session written), {COLD} times:")
    print(f"  p50 {statistics.median(cold):.2f} ms   p99 {pct(cold, 0.99):.2f} ms")
    print(f"whole invocations (fresh interpreter each), {WHOLE} each:")
    for name, times in whole.items():
        print(f"  {name:9} p50 {statistics.median(times):.1f} ms")
    met = "met" if p50 < TARGET_P50_MS else "NOT met"
    print(f"target: role assumption adds p50 < {TARGET_P50_MS:.0f} ms -> {p50:.4f} ms, {met}")


if __name__ == "__main__":
    main()
