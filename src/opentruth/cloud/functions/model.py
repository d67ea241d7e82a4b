"""What the functions port speaks: a function's description, an invocation's result, the port.

:class:`FunctionInfo` is what GetFunction describes, :class:`InvokeResult` what one invocation
returned, and :class:`FunctionStore` the port that :class:`~opentruth.cloud.functions.embedded.
EmbeddedFunctions` adapts over the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from opentruth.iam import NamedPolicy
from opentruth.iam.policy import parse_policy

__all__ = ["FunctionInfo", "FunctionStore", "InvokeResult"]


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
    #: Set when Lambda itself failed the call before the handler ran (the role cannot be
    #: assumed): the Invoke API answers this HTTP status with ``errorType`` as its error code,
    #: where a handler's own failure is a 200 with ``X-Amz-Function-Error``.
    service_status: int | None = None

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

    def update_configuration(self, name: str, change: Mapping[str, Any]) -> FunctionInfo: ...

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
