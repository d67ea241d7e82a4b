"""IAM Access Analyzer's ``ValidatePolicy`` (REST-JSON, ``POST /policy/validation``).

The endpoint routes a request here when its credential scope names ``access-analyzer`` (the
service's signing name). The findings are those of ``opentruth iam lint``
(:func:`opentruth.iam.validate.validate_policy`), in Access Analyzer's shape
(:mod:`opentruth.iam.analyzer`). The call is authorised as ``access-analyzer:ValidatePolicy``
on ``*`` (the action has no resource type). Paging follows the model: ``maxResults`` and
``nextToken`` in the query string.

Policy types: ``IDENTITY_POLICY`` is checked as an identity policy, ``RESOURCE_POLICY`` as a
resource policy, or as a role trust policy when ``validatePolicyResourceType`` is
``AWS::IAM::AssumeRolePolicyDocument``. Service and resource control policies are refused with
a ``ValidationException`` that says so: opentruth has no Organizations.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, NotImplementedOperation, scope_path, wire_error
from opentruth.api.protocols.json import json_response
from opentruth.api.sigv4 import Family
from opentruth.awsmodel.validate import SerializationError, parse_input
from opentruth.errors import AccessDeniedError, ValidationError
from opentruth.iam.analyzer import analyzer_findings
from opentruth.iam.validate import PolicyType, validate_policy

SERVICE = "accessanalyzer"
_ROUTES = {("POST", "/policy/validation"): "ValidatePolicy"}
_TRUST_RESOURCE = "AWS::IAM::AssumeRolePolicyDocument"


def _policy_type(p: dict[str, Any]) -> PolicyType:
    kind = p["policyType"]
    if kind == "IDENTITY_POLICY":
        return PolicyType.IDENTITY
    if kind == "RESOURCE_POLICY":
        return (
            PolicyType.TRUST
            if p.get("validatePolicyResourceType") == _TRUST_RESOURCE
            else PolicyType.RESOURCE
        )
    raise ValidationError(
        f"policyType {kind} is not supported by opentruth, which has no AWS Organizations; "
        "use IDENTITY_POLICY or RESOURCE_POLICY"
    )


def _start(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError(f"nextToken {token[:40]!r} is not a token this API returned") from None


def validate(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    """ValidatePolicy: ``iam lint``'s findings, one page of them."""
    call.authorize("access-analyzer:ValidatePolicy", "*")
    kind = _policy_type(p)
    text: str = p["policyDocument"]
    findings = analyzer_findings(text, validate_policy(text, policy_type=kind), kind)
    start = _start(p.get("nextToken"))
    size = int(p.get("maxResults") or len(findings) or 1)
    if size < 1:
        raise ValidationError("maxResults must be at least 1")
    out: dict[str, Any] = {"findings": findings[start : start + size]}
    if start + size < len(findings):
        out["nextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return out


def _params(call: AwsCall, operation: str) -> dict[str, Any]:
    try:
        body = json.loads(call.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise SerializationError("The request body must be a JSON object")
    query = call.request.query_params
    for name in ("maxResults", "nextToken"):
        if name in query:
            value: Any = query[name]
            body[name] = int(value) if name == "maxResults" and value.isdigit() else value
    return parse_input(SERVICE, operation, body)


def _error(exc: BaseException, request_id: str) -> Response:
    code, message, status = wire_error(exc, Family.JSON)
    body: dict[str, Any] = {"message": message}
    if isinstance(exc, AccessDeniedError):
        status = 403  # Access Analyzer's AccessDeniedException is a 403 (the model says so)
    elif isinstance(exc, ValidationError):
        body["reason"] = "fieldValidationFailed"
    return Response(
        json.dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"x-amzn-RequestId": request_id, "x-amzn-ErrorType": code},
    )


def accessanalyzer_handler() -> Handler:
    """The handler to register as service ``accessanalyzer`` (signing name ``access-analyzer``)."""

    def run(call: AwsCall) -> Response:
        try:
            operation = _ROUTES.get((call.request.method, scope_path(call.request.scope)))
            if operation is None:
                raise NotImplementedOperation(
                    SERVICE, f"{call.request.method} {scope_path(call.request.scope)}"
                )
            result = validate(call, _params(call, operation))
        except Exception as exc:
            return _error(exc, call.request_id)
        return json_response(SERVICE, result, call.request_id)

    async def handle(call: AwsCall) -> Response:
        return await run_in_threadpool(run, call)

    return handle
