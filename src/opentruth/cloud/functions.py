"""Functions (Lambda): register, invoke and guard them with resource policies.

A function lives under ``arn:aws:lambda:<region>:<account>:function:<name>`` and is either

- a **Python handler** (``module.func`` with Lambda's ``(event, context)`` signature) whose code
  (a zip, or a folder zipped on the way in) is unpacked under ``DATA/functions/<name>/<sha>/``
  and run in a worker process with a timeout and a memory limit
  (:mod:`opentruth.cloud.functions_runtime`); or
- an **HTTP endpoint** that receives the event as a JSON ``POST`` body and answers JSON.

:class:`FunctionStore` is the port; :class:`EmbeddedFunctions` the adapter over the database.
Every failure of an invocation (an exception, a crash, a timeout, a reply that is not JSON) comes
back as an :class:`InvokeResult` with Lambda's error object, never as a Python exception:
callers decide whether to retry (:func:`invoke_with_retries`).

Resource policies (``AddPermission``) are stored with the function and evaluated together with
the caller's policies (:func:`authorize_invoke`), as Lambda does.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from opentruth.cloud.functions_runtime import Invocation, PythonRuntime
from opentruth.cloud.session import RoleSession
from opentruth.db import repo_functions
from opentruth.db.engine import Database
from opentruth.db.models_functions import LambdaFunction
from opentruth.db.repo_functions import FunctionSpec, function_arn
from opentruth.errors import ConflictError, NotFoundError, OpenTruthError, ValidationError
from opentruth.iam import NamedPolicy
from opentruth.iam.evaluate import Result
from opentruth.iam.policy import parse_policy

__all__ = [
    "EmbeddedFunctions",
    "FunctionInfo",
    "FunctionStore",
    "InvokeResult",
    "RetryPolicy",
    "authorize_invoke",
    "invoke_with_retries",
    "zip_folder",
]

#: Lambda's quotas for a direct upload (zipped) and for the unpacked code.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
_RUNTIME = re.compile(r"^python3\.\d{1,2}$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class FunctionCodeError(ValidationError):
    """A zip or folder that cannot be a function's code (unsafe paths, too big, no handler)."""


@dataclass(frozen=True)
class FunctionInfo:
    """A registered function, as GetFunction describes it."""

    name: str
    arn: str
    kind: str  # "python" | "http"
    handler: str | None
    runtime: str | None
    code_dir: Path | None
    code_sha256: str | None
    code_size: int
    url: str | None
    timeout: int
    memory_size: int
    role: str | None
    description: str
    environment: Mapping[str, str]
    policy: Mapping[str, Any] | None
    revision_id: str
    last_modified: datetime

    def resource_policy(self) -> NamedPolicy | None:
        """The function policy for the IAM engine (None when AddPermission was never called)."""
        if not self.policy:
            return None
        return NamedPolicy(f"function policy of {self.name}", parse_policy(dict(self.policy)))

    def configuration(self) -> dict[str, Any]:
        """Lambda's ``FunctionConfiguration``."""
        out: dict[str, Any] = {
            "FunctionName": self.name,
            "FunctionArn": self.arn,
            "Timeout": self.timeout,
            "MemorySize": self.memory_size,
            "Description": self.description,
            "CodeSize": self.code_size,
            "Version": "$LATEST",
            "LastModified": self.last_modified.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "RevisionId": self.revision_id,
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["x86_64"],
        }
        if self.runtime:
            out["Runtime"] = self.runtime
        if self.handler:
            out["Handler"] = self.handler
        if self.code_sha256:
            out["CodeSha256"] = self.code_sha256
        if self.role:
            out["Role"] = self.role
        if self.environment:
            out["Environment"] = {"Variables": dict(self.environment)}
        return out


@dataclass(frozen=True)
class InvokeResult:
    """What one invocation returned: the JSON payload, or Lambda's error object."""

    function_arn: str
    payload: Any
    error: Mapping[str, Any] | None = None
    log: str = ""
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def error_text(self) -> str:
        """``<errorType>: <errorMessage>`` (what job logs and failure reasons show)."""
        if self.error is None:
            return ""
        return f"{self.error.get('errorType') or 'Error'}: {self.error.get('errorMessage') or ''}".strip()

    def body(self) -> bytes:
        """The Invoke response body: the payload, or the error object, as JSON."""
        return json.dumps(self.payload if self.error is None else dict(self.error)).encode("utf-8")


class FunctionStore(Protocol):
    """The functions port."""

    def create_python(
        self,
        name: str,
        handler: str,
        code_zip: bytes,
        *,
        runtime: str = "python3.11",
        timeout: int = 3,
        memory_size: int = 128,
        role: str | None = None,
        description: str = "",
        environment: Mapping[str, str] | None = None,
    ) -> FunctionInfo: ...

    def create_http(
        self, name: str, url: str, *, timeout: int = 3, description: str = ""
    ) -> FunctionInfo: ...

    def get(self, name: str) -> FunctionInfo: ...

    def find(self, name: str) -> FunctionInfo | None: ...

    def list(self) -> list[FunctionInfo]: ...

    def delete(self, name: str) -> None: ...

    def add_permission(
        self,
        name: str,
        statement_id: str,
        action: str,
        principal: str,
        *,
        source_arn: str | None = None,
        source_account: str | None = None,
        revision_id: str | None = None,
    ) -> dict[str, Any]: ...

    def remove_permission(self, name: str, statement_id: str) -> None: ...

    def invoke(self, name: str, event: Any) -> InvokeResult: ...


# ---------------------------------------------------------------------------- code handling


def zip_folder(folder: str | Path) -> bytes:
    """Zip a code folder (``__pycache__`` and dot-files left out), as ``functions create --code``."""
    root = Path(folder)
    if not root.is_dir():
        raise FunctionCodeError(
            f"--code {folder}: not a folder; give the folder that holds the handler module"
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(p.startswith(".") or p == "__pycache__" for p in rel.parts) or not path.is_file():
                continue
            zf.write(path, rel.as_posix())
    return buf.getvalue()


def _unpack(code_zip: bytes, target: Path) -> int:
    """Unpack a zip safely (no absolute paths, no ``..``, no links); return the unpacked size."""
    if len(code_zip) > MAX_ZIP_BYTES:
        raise FunctionCodeError(f"the code zip is {len(code_zip)} bytes; the limit is {MAX_ZIP_BYTES}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(code_zip))
    except zipfile.BadZipFile:
        raise FunctionCodeError(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None
    total = 0
    with zf:
        members = zf.infolist()
        for info in members:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                raise FunctionCodeError(f"the code zip has an unsafe path {info.filename!r}")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise FunctionCodeError(
                    f"the code zip has a symbolic link {info.filename!r}; links are not allowed"
                )
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise FunctionCodeError(f"the unpacked code is over {MAX_UNZIPPED_BYTES} bytes")
        target.mkdir(parents=True, exist_ok=True)
        for info in members:
            dest = target.joinpath(*PurePosixPath(info.filename).parts)
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    return total


def _check_handler(handler: str, code_dir: Path) -> None:
    if not _HANDLER.match(handler):
        raise ValidationError(
            f"handler {handler!r} must be module.function (e.g. lambda_function.lambda_handler)"
        )
    module = handler.rpartition(".")[0].replace(".", "/")
    if not ((code_dir / f"{module}.py").is_file() or (code_dir / module / "__init__.py").is_file()):
        raise FunctionCodeError(
            f"handler {handler!r}: the code has no {module}.py (nor {module}/__init__.py); "
            "zip the folder that holds the module at its top level"
        )


# ---------------------------------------------------------------------------- the adapter


#: Extra environment for a Python function's process, e.g. credentials of its role and the
#: endpoint that serves them (``AWS_ENDPOINT_URL``), so that boto3 inside a handler reaches this
#: opentruth the way a real function reaches AWS.
EnvProvider = Callable[[FunctionInfo], Mapping[str, str]]


class EmbeddedFunctions:
    """Functions stored in the database, code under ``DATA/functions``, run locally."""

    def __init__(
        self,
        db: Database,
        data_dir: str | Path,
        *,
        account: str = "000000000000",
        region: str = "us-east-1",
        runtime: PythonRuntime | None = None,
        env_provider: EnvProvider | None = None,
        http_post: Callable[[str, bytes, float], tuple[int, bytes]] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """``retry`` is how jobs retry a failed invocation (two retries, 1 s then 2 s apart)."""
        self.db = db
        self.retry = retry or RetryPolicy()
        self.data_dir = Path(data_dir).resolve()
        self.account = account
        self.region = region
        self.runtime = runtime or PythonRuntime()
        self.env_provider = env_provider
        self._post = http_post or _http_post

    # ------------------------------------------------------------------ registry

    def _info(self, row: LambdaFunction) -> FunctionInfo:
        return FunctionInfo(
            name=row.name,
            arn=row.arn,
            kind=row.kind,
            handler=row.handler,
            runtime=row.runtime,
            code_dir=(self.data_dir / row.code_path) if row.code_path else None,
            code_sha256=row.code_sha256,
            code_size=row.code_size,
            url=row.url,
            timeout=row.timeout,
            memory_size=row.memory_size,
            role=row.role,
            description=row.description,
            environment=dict(row.environment or {}),
            policy=row.policy,
            revision_id=row.revision_id,
            last_modified=row.last_modified_at,
        )

    def create_python(
        self,
        name: str,
        handler: str,
        code_zip: bytes,
        *,
        runtime: str = "python3.11",
        timeout: int = 3,
        memory_size: int = 128,
        role: str | None = None,
        description: str = "",
        environment: Mapping[str, str] | None = None,
    ) -> FunctionInfo:
        """Register a Python handler from a zip of its code."""
        if not _RUNTIME.match(runtime):
            raise ValidationError(
                f"runtime {runtime!r} is not served: opentruth runs python3.x functions "
                "(with the server's own interpreter)"
            )
        _limits(timeout, memory_size)
        with self.db.read() as s:
            if self._find_row(s, name) is not None:
                raise ConflictError(f"Function already exist: {name}")
        digest = hashlib.sha256(code_zip).digest()
        sha = base64.b64encode(digest).decode("ascii")
        rel = Path("functions") / name / digest.hex()[:16]
        target = self.data_dir / rel
        if target.exists():
            shutil.rmtree(target)
        _unpack(code_zip, target)
        try:
            _check_handler(handler, target)
            spec = FunctionSpec(
                name=name,
                kind="python",
                handler=handler,
                runtime=runtime,
                code_path=rel.as_posix(),
                code_sha256=sha,
                code_size=len(code_zip),
                timeout=timeout,
                memory_size=memory_size,
                role=role,
                description=description,
                environment=dict(environment or {}),
            )
            with self.db.transaction() as s:
                row = repo_functions.create_function(s, spec, account_id=self.account, region=self.region)
                return self._info(row)
        except Exception:
            shutil.rmtree(target, ignore_errors=True)
            raise

    def create_http(self, name: str, url: str, *, timeout: int = 3, description: str = "") -> FunctionInfo:
        """Register an HTTP endpoint that receives each event as a JSON POST body."""
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValidationError(f"--url {url!r}: give an http:// or https:// URL")
        _limits(timeout, 128)
        spec = FunctionSpec(name=name, kind="http", url=url, timeout=timeout, description=description)
        with self.db.transaction() as s:
            return self._info(
                repo_functions.create_function(s, spec, account_id=self.account, region=self.region)
            )

    def _find_row(self, s: Any, name: str) -> LambdaFunction | None:
        try:
            return repo_functions.get_function(s, name, account_id=self.account)
        except NotFoundError:
            return None

    def get(self, name: str) -> FunctionInfo:
        """The function named by ``name`` or its ARN (:class:`NotFoundError` otherwise)."""
        with self.db.read() as s:
            return self._info(repo_functions.get_function(s, name, account_id=self.account))

    def find(self, name: str) -> FunctionInfo | None:
        """Like :meth:`get`, but None for a function that does not exist."""
        try:
            return self.get(name)
        except NotFoundError:
            return None

    def list(self) -> list[FunctionInfo]:
        """Every function, by name."""
        with self.db.read() as s:
            return [self._info(r) for r in repo_functions.list_functions(s, account_id=self.account)]

    def delete(self, name: str) -> None:
        """Delete the function and its code."""
        with self.db.transaction() as s:
            row = repo_functions.delete_function(s, name, account_id=self.account)
        if row.code_path:
            shutil.rmtree(self.data_dir / "functions" / row.name, ignore_errors=True)

    # ------------------------------------------------------------------ resource policy

    def add_permission(
        self,
        name: str,
        statement_id: str,
        action: str,
        principal: str,
        *,
        source_arn: str | None = None,
        source_account: str | None = None,
        revision_id: str | None = None,
    ) -> dict[str, Any]:
        """Add one statement to the function policy; return the statement (AddPermission)."""
        if not re.match(r"^[a-zA-Z0-9_-]{1,100}$", statement_id):
            raise ValidationError("StatementId must be 1-100 letters, digits, hyphens or underscores")
        if not re.match(r"^(lambda:[*]|lambda:[A-Za-z*?]+)$", action):
            raise ValidationError(f"Action {action!r} must be a lambda: action, e.g. lambda:InvokeFunction")
        info = self.get(name)
        statement: dict[str, Any] = {
            "Sid": statement_id,
            "Effect": "Allow",
            "Principal": _principal(principal),
            "Action": action,
            "Resource": info.arn,
        }
        condition: dict[str, dict[str, str]] = {}
        if source_arn:
            condition["ArnLike"] = {"AWS:SourceArn": source_arn}
        if source_account:
            condition["StringEquals"] = {"AWS:SourceAccount": source_account}
        if condition:
            statement["Condition"] = condition
        empty: dict[str, Any] = {"Version": "2012-10-17", "Id": "default", "Statement": []}
        doc: dict[str, Any] = dict(info.policy) if info.policy else empty
        statements: list[dict[str, Any]] = list(doc.get("Statement") or [])
        if any(st.get("Sid") == statement_id for st in statements):
            raise ConflictError(
                f"The statement id ({statement_id}) provided already exists. "
                "Please provide a new statement id, or remove the existing statement."
            )
        doc["Statement"] = [*statements, statement]
        parse_policy(doc)  # the engine must be able to evaluate it
        with self.db.transaction() as s:
            repo_functions.set_policy(s, name, doc, account_id=self.account, expected_revision=revision_id)
        return statement

    def remove_permission(self, name: str, statement_id: str) -> None:
        """Remove one statement (RemovePermission); the policy goes when it is empty."""
        info = self.get(name)
        statements = list((info.policy or {}).get("Statement") or [])
        kept = [st for st in statements if st.get("Sid") != statement_id]
        if len(kept) == len(statements):
            raise NotFoundError(f"No policy is associated with the given resource: statement {statement_id}")
        doc = {**dict(info.policy or {}), "Statement": kept} if kept else None
        with self.db.transaction() as s:
            repo_functions.set_policy(s, name, doc, account_id=self.account)

    # ------------------------------------------------------------------ invoke

    def invoke(self, name: str, event: Any) -> InvokeResult:
        """Invoke synchronously (RequestResponse). Errors come back in the result, not raised;
        only an unknown function raises :class:`NotFoundError`."""
        info = self.get(name)
        if info.kind == "http":
            return self._invoke_http(info, event)
        assert info.code_dir is not None and info.handler is not None
        env = dict(info.environment)
        if self.env_provider is not None:
            env.update(self.env_provider(info))
        outcome = self.runtime.run(
            Invocation(
                code_dir=str(info.code_dir),
                handler=info.handler,
                event=event,
                function_name=info.name,
                function_arn=info.arn,
                timeout=float(info.timeout),
                memory_mb=info.memory_size,
                environment=env,
            )
        )
        return InvokeResult(info.arn, outcome.payload, outcome.error, outcome.log, outcome.duration_ms)

    def _invoke_http(self, info: FunctionInfo, event: Any) -> InvokeResult:
        assert info.url is not None
        started = time.monotonic()
        try:
            status, body = self._post(info.url, json.dumps(event).encode("utf-8"), float(info.timeout))
        except OpenTruthError as exc:
            return InvokeResult(info.arn, None, {"errorType": "HttpError", "errorMessage": exc.message})
        took = (time.monotonic() - started) * 1000
        text = body[:1000].decode("utf-8", "replace")
        if not 200 <= status < 300:
            error = {"errorType": "HttpError", "errorMessage": f"{info.url} answered HTTP {status}: {text}"}
            return InvokeResult(info.arn, None, error, duration_ms=took)
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else None
        except (UnicodeDecodeError, ValueError):
            error = {
                "errorType": "Runtime.MarshalError",
                "errorMessage": f"{info.url} answered non-JSON: {text}",
            }
            return InvokeResult(info.arn, None, error, duration_ms=took)
        return InvokeResult(info.arn, payload, None, duration_ms=took)


def _limits(timeout: int, memory_size: int) -> None:
    if not 1 <= timeout <= 900:
        raise ValidationError(f"Timeout {timeout}: must be 1 to 900 seconds")
    if not 128 <= memory_size <= 10240:
        raise ValidationError(f"MemorySize {memory_size}: must be 128 to 10240 MB")


def _principal(principal: str) -> Any:
    if principal == "*":
        return "*"
    if principal.endswith(".amazonaws.com"):
        return {"Service": principal}
    if re.fullmatch(r"\d{12}", principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    raise ValidationError(
        f"Principal {principal!r}: give *, an account id, an IAM ARN or a service (x.amazonaws.com)"
    )


def _http_post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    import httpx

    try:
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=timeout)
    except httpx.TimeoutException:
        raise OpenTruthError(f"Task timed out after {timeout:.2f} seconds (POST {url})") from None
    except httpx.HTTPError as exc:
        raise OpenTruthError(f"POST {url} failed: {exc}") from None
    return r.status_code, r.content


# ---------------------------------------------------------------------------- callers' helpers


def authorize_invoke(session: RoleSession, info: FunctionInfo) -> Result:
    """``lambda:InvokeFunction`` of a job's role session on the function, with the function's
    policy as the resource policy (raises :class:`RoleAccessDeniedError` on a denial)."""
    return session.authorize("lambda:InvokeFunction", info.arn, resource_policy=info.resource_policy())


@dataclass(frozen=True)
class RetryPolicy:
    """Lambda's asynchronous retry rule, which Ground Truth's calls follow: two retries with
    exponential back-off (``base_delay``, then twice that)."""

    attempts: int = 3
    base_delay: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """The pause after failed attempt ``attempt`` (1-based)."""
        return float(self.base_delay * 2.0 ** (attempt - 1))


def invoke_with_retries(
    store: FunctionStore,
    name: str,
    event: Any,
    retry: RetryPolicy,
    *,
    on_error: Callable[[int, InvokeResult], None] | None = None,
    check: Callable[[InvokeResult], str | None] | None = None,
) -> InvokeResult:
    """Invoke until one attempt succeeds or ``retry.attempts`` have failed; return the last.

    ``check`` may reject a successful reply (return a reason), which counts as a failure;
    ``on_error(attempt, result)`` is told of each failed attempt (for the job log).
    """
    result = InvokeResult(
        function_arn=name, payload=None, error={"errorType": "NotInvoked", "errorMessage": ""}
    )
    for attempt in range(1, retry.attempts + 1):
        result = store.invoke(name, event)
        if result.ok and check is not None:
            problem = check(result)
            if problem is not None:
                result = InvokeResult(
                    result.function_arn,
                    result.payload,
                    {"errorType": "InvalidResponse", "errorMessage": problem},
                    result.log,
                    result.duration_ms,
                )
        if result.ok:
            return result
        if on_error is not None:
            on_error(attempt, result)
        if attempt < retry.attempts:
            retry.sleep(retry.delay(attempt))
    return result


def function_arn_of(region: str, account: str, name: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>`` (re-exported for callers)."""
    return function_arn(region, account, name)
