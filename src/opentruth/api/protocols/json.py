"""The AWS JSON protocols 1.0 and 1.1 (SageMaker, KMS, Logs; SQS and CloudWatch query-compatible).

A request is ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>`` and a JSON body; the
response is JSON with content type ``application/x-amz-json-<version>``. Errors are
``{"__type": "<Code>", "message": "..."}``; for ``awsQueryCompatible`` services they also carry
``x-amzn-query-error: <Code>;Sender``, from which boto3 takes the legacy query error code.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.responses import Response

from opentruth.awsmodel.service import protocol_info


def content_type(service: str) -> str:
    """``application/x-amz-json-1.0`` or ``-1.1``, as the service model says."""
    return f"application/x-amz-json-{protocol_info(service).json_version or '1.1'}"


def _default(value: object) -> object:
    # JSON protocols send timestamps as epoch seconds and blobs as base64.
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot serialise {type(value).__name__} in a JSON protocol response")


def json_response(
    service: str, result: Mapping[str, Any] | None, request_id: str, status: int = 200
) -> Response:
    """A successful JSON-protocol response."""
    body = json.dumps(result or {}, default=_default, separators=(",", ":"))
    return Response(
        body, status_code=status, media_type=content_type(service), headers={"x-amzn-RequestId": request_id}
    )


def json_error(
    service: str | None, code: str, message: str, status: int, request_id: str, *, sender: bool = True
) -> Response:
    """A JSON-protocol error that boto3 turns into the modeled exception named ``code``."""
    headers = {"x-amzn-RequestId": request_id}
    if service is not None and protocol_info(service).aws_query_compatible:
        headers["x-amzn-query-error"] = f"{code};{'Sender' if sender else 'Receiver'}"
    media = content_type(service) if service else "application/x-amz-json-1.1"
    body = json.dumps({"__type": code, "message": message})
    return Response(body, status_code=status, media_type=media, headers=headers)
