"""Functions stored in the database, their code under ``DATA/functions``, run locally.

:class:`EmbeddedFunctions` adapts the functions port (:class:`~opentruth.cloud.functions.model.
FunctionStore`) over the database. A Python handler runs in a worker process
(:mod:`opentruth.cloud.functions_runtime`) with its role's temporary credentials
(:mod:`opentruth.cloud.functions.credentials`) and the endpoint that serves them; an HTTP
function gets the event as a JSON ``POST`` (:mod:`opentruth.cloud.functions.http`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from opentruth.cloud.functions.calls import RetryPolicy
from opentruth.cloud.functions.code import RUNTIME, check_handler, check_limits, unpack
from opentruth.cloud.functions.credentials import FunctionCredentials, FunctionRoleError
from opentruth.cloud.functions.http import HttpPost, invoke_http
from opentruth.cloud.functions.http import http_post as http_post_default
from opentruth.cloud.functions.model import FunctionInfo, InvokeResult
from opentruth.cloud.functions_runtime import Invocation, PythonRuntime
from opentruth.db import repo_functions
from opentruth.db.engine import Database
from opentruth.db.models_functions import LambdaFunction
from opentruth.db.repo_functions import FunctionSpec
from opentruth.errors import ConflictError, NotFoundError, ValidationError
from opentruth.iam.policy import parse_policy

__all__ = ["EmbeddedFunctions"]


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
        http_post: HttpPost | None = None,
        retry: RetryPolicy | None = None,
        credentials: FunctionCredentials | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        """``retry`` is how jobs retry a failed invocation (two retries, 1 s then 2 s apart).

        With ``credentials``, a function that has a ``Role`` runs as that role (a role Lambda
        cannot assume fails the invocation); ``endpoint_url`` is the ``AWS_ENDPOINT_URL`` that
        boto3 inside a handler uses to reach this opentruth, as a real function reaches AWS.
        """
        self.db = db
        self.retry = retry or RetryPolicy()
        self.data_dir = Path(data_dir).resolve()
        self.account = account
        self.region = region
        self.runtime = runtime or PythonRuntime()
        self._post = http_post or http_post_default
        self.credentials = credentials
        self.endpoint_url = endpoint_url

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
        if not RUNTIME.match(runtime):
            raise ValidationError(
                f"runtime {runtime!r} is not served: opentruth runs python3.x functions "
                "(with the server's own interpreter)"
            )
        check_limits(timeout, memory_size)
        with self.db.read() as s:
            if self._find_row(s, name) is not None:
                raise ConflictError(f"Function already exist: {name}")
        digest = hashlib.sha256(code_zip).digest()
        sha = base64.b64encode(digest).decode("ascii")
        rel = Path("functions") / name / digest.hex()[:16]
        target = self.data_dir / rel
        if target.exists():
            shutil.rmtree(target)
        unpack(code_zip, target)
        try:
            check_handler(handler, target)
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
        check_limits(timeout, 128)
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
        if self.credentials is not None:
            self.credentials.forget(row.arn)
        if row.code_path:
            shutil.rmtree(self.data_dir / "functions" / row.name, ignore_errors=True)

    def update_configuration(self, name: str, change: Mapping[str, Any]) -> FunctionInfo:
        """UpdateFunctionConfiguration: ``Role``, ``Timeout``, ``MemorySize``, ``Description``,
        ``Environment``, ``Handler``, ``Runtime`` (Lambda's names); the next invocation uses
        them (a new role is assumed afresh, as the session cache is keyed by role)."""
        info = self.get(name)
        fields: dict[str, Any] = {}
        if "Role" in change:
            fields["role"] = str(change["Role"])
        if "Timeout" in change or "MemorySize" in change:
            fields["timeout"] = int(change.get("Timeout", info.timeout))
            fields["memory_size"] = int(change.get("MemorySize", info.memory_size))
            check_limits(fields["timeout"], fields["memory_size"])
        if "Description" in change:
            fields["description"] = str(change["Description"])
        if "Environment" in change:
            variables = (change["Environment"] or {}).get("Variables") or {}
            fields["environment"] = {str(k): str(v) for k, v in variables.items()} or None
        if info.kind == "python" and "Handler" in change:
            assert info.code_dir is not None
            check_handler(str(change["Handler"]), info.code_dir)
            fields["handler"] = str(change["Handler"])
        if info.kind == "python" and "Runtime" in change:
            if not RUNTIME.match(str(change["Runtime"])):
                raise ValidationError(f"runtime {change['Runtime']!r} is not served: give python3.x")
            fields["runtime"] = str(change["Runtime"])
        with self.db.transaction() as s:
            row = repo_functions.update_function(
                s, name, fields, account_id=self.account, expected_revision=change.get("RevisionId")
            )
            return self._info(row)

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
            return invoke_http(self._post, info, event)
        assert info.code_dir is not None and info.handler is not None
        env = dict(info.environment)
        reserved: dict[str, str] = {}
        if self.endpoint_url:
            reserved["AWS_ENDPOINT_URL"] = self.endpoint_url
        if self.credentials is not None and info.role:
            try:
                creds = self.credentials.for_function(info)
            except FunctionRoleError as exc:
                # Lambda fails the call itself (no handler runs): a service error, not 200.
                error = {"errorType": exc.aws_code, "errorMessage": exc.message}
                return InvokeResult(info.arn, None, error, service_status=exc.http_status)
            reserved.update(
                AWS_ACCESS_KEY_ID=creds.key_id,
                AWS_SECRET_ACCESS_KEY=creds.secret,
                AWS_SESSION_TOKEN=creds.token,
            )
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
                reserved=reserved,
            )
        )
        return InvokeResult(info.arn, outcome.payload, outcome.error, outcome.log, outcome.duration_ms)


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
