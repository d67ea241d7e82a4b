"""Functions: the worker-process runtime (errors, timeout, memory), code safety, resource
policies evaluated with a role session, HTTP endpoints, and retries."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from opentruth.cloud.functions import (
    EmbeddedFunctions,
    FunctionCodeError,
    InvokeResult,
    RetryPolicy,
    authorize_invoke,
    invoke_with_retries,
)
from opentruth.cloud.session import RoleAccessDeniedError, RoleSession
from opentruth.db.engine import Database
from opentruth.errors import ConflictError, NotFoundError
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role

CODE = """
import os, time
def ok(event, context):
    print("log line")
    return {"event": event, "memory": context.memory_limit_in_mb, "secret": os.environ.get("OT_SECRET")}
def boom(event, context):
    raise ValueError("bad input " + str(event.get("n")))
def slow(event, context):
    time.sleep(30)
def hog(event, context):
    return len(bytearray(1024 * 1024 * 1024))
def unjson(event, context):
    return {1, 2}
def crash(event, context):
    os._exit(7)
"""


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


@pytest.fixture
def fns(db: Database, tmp_path: Path) -> EmbeddedFunctions:
    return EmbeddedFunctions(db, tmp_path / "data")


def test_python_handler_runs_isolated_with_lambda_context(
    fns: EmbeddedFunctions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OT_SECRET", "server-only")
    info = fns.create_python("f", "app.ok", _zip({"app.py": CODE}), memory_size=256)
    assert info.arn == "arn:aws:lambda:us-east-1:000000000000:function:f"
    result = fns.invoke("f", {"a": [1, 2]})
    assert result.ok and result.payload == {"event": {"a": [1, 2]}, "memory": 256, "secret": None}
    assert "log line" in result.log
    with pytest.raises(ConflictError):
        fns.create_python("f", "app.ok", _zip({"app.py": CODE}))


@pytest.mark.parametrize(
    ("handler", "error_type", "text"),
    [
        ("app.boom", "ValueError", "bad input None"),
        ("app.slow", "Sandbox.Timedout", "Task timed out after 1.00 seconds"),
        ("app.hog", "Runtime.OutOfMemory", "128 MB"),
        ("app.unjson", "Runtime.MarshalError", "Unable to marshal response"),
        ("app.crash", "Runtime.ExitError", "exit status 7"),
    ],
)
def test_failures_come_back_as_lambda_errors(
    fns: EmbeddedFunctions, handler: str, error_type: str, text: str
) -> None:
    fns.create_python("g", handler, _zip({"app.py": CODE}), timeout=1)
    result = fns.invoke("g", {})
    assert not result.ok and result.error is not None
    assert result.error["errorType"] == error_type
    assert text in result.error["errorMessage"]
    assert json.loads(result.body())["errorType"] == error_type


@pytest.mark.parametrize("name", ["../evil.py", "/abs.py"])
def test_unsafe_zip_paths_are_refused(fns: EmbeddedFunctions, name: str) -> None:
    with pytest.raises(FunctionCodeError):
        fns.create_python("h", "app.ok", _zip({"app.py": CODE, name: "x"}))
    assert fns.find("h") is None


def test_resource_policy_with_role_session(fns: EmbeddedFunctions) -> None:
    info = fns.create_python("p", "app.ok", _zip({"app.py": CODE}))
    role = Role.from_detail(
        {
            "RoleName": "R",
            "Arn": "arn:aws:iam::000000000000:role/R",
            "Path": "/",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                },
            },
            "RolePolicyList": [],
            "AttachedManagedPolicies": [],
        }
    )
    session = RoleSession(role, account="000000000000", region="us-east-1", evaluator=Evaluator())
    session.assume("arn:aws:sagemaker:us-east-1:000000000000:labeling-job/j")
    with pytest.raises(RoleAccessDeniedError) as exc:
        authorize_invoke(session, info)
    assert exc.value.action == "lambda:InvokeFunction" and exc.value.resource == info.arn
    fns.add_permission("p", "job", "lambda:InvokeFunction", session.arn)
    assert authorize_invoke(session, fns.get("p")).allowed
    fns.remove_permission("p", "job")
    assert fns.get("p").policy is None
    with pytest.raises(NotFoundError):
        fns.remove_permission("p", "job")


def test_http_function(db: Database, tmp_path: Path) -> None:
    calls: list[tuple[str, Any]] = []

    def post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
        calls.append((url, json.loads(body)))
        return (200, b'{"taskInput": {}}') if "good" in url else (500, b"kaput")

    fns = EmbeddedFunctions(db, tmp_path, http_post=post)
    fns.create_http("good", "http://127.0.0.1:9/good")
    fns.create_http("bad", "http://127.0.0.1:9/bad")
    assert fns.invoke("good", {"x": 1}).payload == {"taskInput": {}}
    bad = fns.invoke("bad", {"x": 2})
    assert bad.error is not None and "HTTP 500: kaput" in bad.error["errorMessage"]
    assert calls == [("http://127.0.0.1:9/good", {"x": 1}), ("http://127.0.0.1:9/bad", {"x": 2})]


def test_retries_twice_with_exponential_backoff(fns: EmbeddedFunctions) -> None:
    fns.create_python("r", "app.boom", _zip({"app.py": CODE}))
    pauses: list[float] = []
    failures: list[int] = []
    retry = RetryPolicy(base_delay=0.5, sleep=pauses.append)

    def on_error(attempt: int, result: InvokeResult) -> None:
        failures.append(attempt)

    result = invoke_with_retries(fns, "r", {"n": 1}, retry, on_error=on_error)
    assert not result.ok and failures == [1, 2, 3] and pauses == [0.5, 1.0]
