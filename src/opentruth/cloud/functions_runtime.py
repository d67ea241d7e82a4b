"""Run a Python function's handler in a worker process, with a timeout and a memory limit.

Each invocation runs in a fresh child interpreter (this very file, run by path, so the child
imports nothing of opentruth and cannot reach the server's state). The child:

1. puts the function's code folder first on ``sys.path`` and drops this file's folder from it
   (a handler module called ``logs`` must not find opentruth's);
2. caps its address space with ``RLIMIT_AS`` at its start-up size plus the function's memory
   (Lambda's ``MemorySize``), and disables core dumps;
3. calls ``module.func(event, context)`` with a Lambda-like context object;
4. writes one JSON envelope to its original stdout; what the handler prints goes to stderr,
   which the parent keeps as the invocation's log (Lambda's ``LogResult`` shows its tail).

The parent (:class:`PythonRuntime`) limits how many children run at once (a small pool), kills a
child that outlives the timeout, and turns every way a handler can fail into Lambda's error
payload ``{"errorType", "errorMessage", "stackTrace"}``: an exception, a return value that is not
JSON (``Runtime.MarshalError``), a crash or an exhausted memory limit (``Runtime.ExitError``),
and a timeout (``Sandbox.Timedout``). A fresh process per call costs some tens of milliseconds;
it buys isolation (no state leaks between objects or jobs) and a hard kill on timeout.

This module uses the standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: How much of the handler's output is kept as the invocation's log.
LOG_TAIL = 4096
_THIS_FILE = str(Path(__file__).resolve())


@dataclass(frozen=True)
class Invocation:
    """One call of a Python handler."""

    code_dir: str
    handler: str  # "module.func" (module may be dotted: "pkg.mod.func")
    event: Any
    function_name: str
    function_arn: str
    timeout: float
    memory_mb: int
    #: The function's own variables (Lambda's ``Environment.Variables``).
    environment: dict[str, str] = field(default_factory=dict, repr=False)
    #: Variables the function's own cannot replace: its role's credentials, the endpoint.
    reserved: dict[str, str] = field(default_factory=dict, repr=False)
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Outcome:
    """What an invocation produced: the JSON payload, or Lambda's error object, and the log."""

    payload: Any
    error: dict[str, Any] | None
    log: str
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.error is None


def _error(kind: str, message: str, trace: list[str] | None = None) -> dict[str, Any]:
    return {"errorType": kind, "errorMessage": message, "stackTrace": trace or []}


class PythonRuntime:
    """Runs handlers in child processes, at most ``pool_size`` at a time. Thread-safe."""

    def __init__(self, *, pool_size: int = 4, python: str | None = None) -> None:
        self.python = python or sys.executable
        self._slots = threading.BoundedSemaphore(max(1, pool_size))

    def run(self, inv: Invocation) -> Outcome:
        """Run one invocation to its end (success, error, crash or timeout)."""
        request = json.dumps(
            {
                "code_dir": inv.code_dir,
                "handler": inv.handler,
                "event": inv.event,
                "function_name": inv.function_name,
                "function_arn": inv.function_arn,
                "timeout": inv.timeout,
                "memory_mb": inv.memory_mb,
                "request_id": inv.request_id,
            }
        ).encode("utf-8")
        env = _child_environment(inv)
        with self._slots:
            started = time.monotonic()
            # The command is fixed (this interpreter, this file); the handler arrives on stdin.
            proc = subprocess.Popen(  # noqa: S603
                [self.python, "-s", "-B", _THIS_FILE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=inv.code_dir,
                env=env,
                close_fds=True,
                start_new_session=True,  # a handler's own children die with the kill below
            )
            try:
                out, err = proc.communicate(request, timeout=inv.timeout)
            except subprocess.TimeoutExpired:
                _kill(proc)
                out, err = proc.communicate()
                took = (time.monotonic() - started) * 1000
                log = _tail(err)
                message = f"{inv.request_id} Task timed out after {inv.timeout:.2f} seconds"
                return Outcome(None, _error("Sandbox.Timedout", message), log, took)
            took = (time.monotonic() - started) * 1000
        log = _tail(err)
        try:
            envelope = json.loads(out.decode("utf-8")) if out.strip() else None
        except (UnicodeDecodeError, ValueError):
            envelope = None
        if not isinstance(envelope, dict) or "ok" not in envelope:
            status = proc.returncode
            what = f"signal: {-status}" if status is not None and status < 0 else f"exit status {status}"
            hint = " (out of memory?)" if "MemoryError" in log or (status is not None and status < 0) else ""
            message = f"RequestId: {inv.request_id} Error: Runtime exited with error: {what}{hint}"
            return Outcome(None, _error("Runtime.ExitError", message), log, took)
        if envelope["ok"]:
            return Outcome(envelope.get("payload"), None, log, took)
        error = {k: envelope.get(k) for k in ("errorType", "errorMessage", "stackTrace")}
        return Outcome(None, error, log, took)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _tail(data: bytes) -> str:
    return data[-LOG_TAIL:].decode("utf-8", "replace")


def _child_environment(inv: Invocation) -> dict[str, str]:
    """A clean environment: nothing of the server's (keys, database URLs) leaks to a handler.

    Lambda's reserved variables are set; the function's own variables come on top, except that
    they cannot replace the reserved ones (as in Lambda): neither Lambda's ``AWS_LAMBDA_*`` nor
    ``inv.reserved`` (the role's ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and
    ``AWS_SESSION_TOKEN``, and ``AWS_ENDPOINT_URL``). The secrets exist only in this dictionary,
    handed to ``Popen``; the server's own ``os.environ`` never holds them.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": inv.code_dir,
    }
    env.update({k: str(v) for k, v in inv.environment.items()})
    parts = inv.function_arn.split(":")
    region = parts[3] if len(parts) > 3 else "us-east-1"
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": inv.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(inv.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{inv.function_name}",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "LAMBDA_TASK_ROOT": inv.code_dir,
            "_HANDLER": inv.handler,
        }
    )
    env.update(inv.reserved)
    return env


# ---------------------------------------------------------------------------- the child side


class _Context:
    """The subset of Lambda's context object that handlers use."""

    def __init__(self, req: dict[str, Any], deadline: float) -> None:
        self.function_name = req["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = req["function_arn"]
        self.memory_limit_in_mb = int(req["memory_mb"])
        self.aws_request_id = req["request_id"]
        self.log_group_name = f"/aws/lambda/{req['function_name']}"
        self.log_stream_name = req["request_id"]
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: no limit
        return
    base = 0
    try:
        with open("/proc/self/statm") as f:
            base = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        base = 64 * 1024 * 1024
    limit = base + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child_main() -> int:  # pragma: no cover - runs in the child process
    import importlib
    import traceback

    result_fd = os.dup(1)
    os.dup2(2, 1)  # the handler's prints go to the log, not into the envelope
    sys.stdout = sys.stderr
    req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    deadline = time.monotonic() + float(req["timeout"])
    here = os.path.dirname(_THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, req["code_dir"])

    def emit(envelope: dict[str, Any]) -> None:
        os.write(result_fd, json.dumps(envelope).encode("utf-8"))

    try:
        _limit_memory(int(req["memory_mb"]))
        module_name, _, func_name = str(req["handler"]).rpartition(".")
        if not module_name:
            raise ValueError(f"Bad handler '{req['handler']}': expected module.function")
        func = getattr(importlib.import_module(module_name), func_name)
        value = func(req["event"], _Context(req, deadline))
    except BaseException as exc:  # everything a handler raises is its error
        trace = traceback.format_exception(type(exc), exc, exc.__traceback__)
        if isinstance(exc, MemoryError):
            limit = f"Runtime exited: the function ran out of its {req['memory_mb']} MB of memory"
            emit(
                {"ok": False, "errorType": "Runtime.OutOfMemory", "errorMessage": limit, "stackTrace": trace}
            )
            return 0
        emit({"ok": False, "errorType": type(exc).__name__, "errorMessage": str(exc), "stackTrace": trace})
        return 0
    try:
        payload = json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        emit(
            {
                "ok": False,
                "errorType": "Runtime.MarshalError",
                "errorMessage": f"Unable to marshal response: {exc}",
                "stackTrace": [],
            }
        )
        return 0
    emit({"ok": True, "payload": payload})
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process
    sys.exit(_child_main())
