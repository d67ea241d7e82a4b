"""Operation tables for JSON and query services, and errors worded per protocol family.

A service is a table ``{operation name: function(call, params) -> result}``. The functions are
plain synchronous code (they use the database); :func:`query_service` and :func:`json_service`
wrap a table into an async handler that parses the request, validates it against botocore's
model (:func:`opentruth.awsmodel.validate.parse_input`), runs the function in a worker thread,
and serialises the result (or the error) the way the protocol wants. Operations a service names
as ``inline`` (quick reads) run on the event loop instead when the resources allow it
(:attr:`opentruth.api.call.ApiResources.inline_reads`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.protocols.json import json_error, json_response
from opentruth.api.protocols.query import CONTENT_TYPE, parse_params, xml_error, xml_response
from opentruth.api.sigv4 import Family, SigV4Error, decode_query
from opentruth.awsmodel.service import UnknownOperationError, operation_names
from opentruth.awsmodel.validate import SerializationError, parse_input
from opentruth.errors import AccessDeniedError, OpenTruthError, ValidationError

log = logging.getLogger("opentruth.api")

#: One operation: takes the call and the validated input, returns the output structure.
Operation = Callable[[AwsCall, dict[str, Any]], Mapping[str, Any] | None]
#: An async service handler, what :meth:`opentruth.api.app.AwsEndpoint.register_service` takes.
Handler = Callable[[AwsCall], Awaitable[Response]]


class NotImplementedOperation(OpenTruthError):
    """A real AWS operation that opentruth does not serve (the error names it)."""

    aws_code = "NotImplemented"
    http_status = 501

    def __init__(self, service: str, name: str) -> None:
        super().__init__(f"{service} operation {name} is not implemented by opentruth.")


def wire_error(exc: BaseException, family: Family) -> tuple[str, str, int]:
    """``(code, message, HTTP status)`` of an exception, as the protocol family words it."""
    if isinstance(exc, SigV4Error):
        code, status = exc.code_for(family)
        return code, exc.message, status
    if isinstance(exc, AccessDeniedError):
        # AWS: AccessDeniedException (400) on the JSON protocols, AccessDenied (403) elsewhere.
        if family is Family.JSON:
            return "AccessDeniedException", exc.message, 400
        return "AccessDenied", exc.message, 403
    if isinstance(exc, NotImplementedOperation) and family is Family.JSON:
        # What the JSON protocols answer for a target they do not serve; the message names it.
        return "UnknownOperationException", exc.message, 400
    if isinstance(exc, UnknownOperationError) and family is Family.QUERY:
        return "InvalidAction", exc.message, 400
    if isinstance(exc, OpenTruthError):
        code = exc.aws_code
        if family is Family.QUERY and code in ("ValidationException", "SerializationException"):
            code = "ValidationError"  # the query protocols' name for the same failure
        return code, exc.message, exc.http_status
    log.exception("internal error", exc_info=exc)
    return "InternalFailure", "The request processing has failed because of an unknown error.", 500


def error_response(exc: BaseException, family: Family, service: str | None, request_id: str) -> Response:
    """The error response for ``exc``: JSON body, query-XML body, or (for S3) S3's XML."""
    code, message, status = wire_error(exc, family)
    if family is Family.JSON:
        return json_error(service, code, message, status, request_id)
    if family is Family.S3:
        return Response(
            s3_error_xml(code, message, request_id), status_code=status, media_type="application/xml"
        )
    body = xml_error(service, code, message, request_id, sender=status < 500)
    return Response(
        body, status_code=status, media_type=CONTENT_TYPE, headers={"x-amzn-RequestId": request_id}
    )


def s3_error_xml(code: str, message: str, request_id: str) -> bytes:
    """S3's error body: ``<Error><Code>…</Code><Message>…</Message><RequestId>…``."""
    from xml.sax.saxutils import escape

    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message><RequestId>{escape(request_id)}</RequestId></Error>"
    ).encode()


def _check_operation(service: str, name: str, table: Mapping[str, Operation]) -> Operation:
    if name in table:
        return table[name]
    if name in operation_names(service):
        raise NotImplementedOperation(service, name)
    raise UnknownOperationError(service, name, f"Operation {name} is not a {service} operation.")


async def _run(
    call: AwsCall, fn: Operation, params: dict[str, Any], inline: bool
) -> Mapping[str, Any] | None:
    if inline and call.resources.inline_reads:
        return fn(call, params)
    return await run_in_threadpool(fn, call, params)


def query_service(service: str, table: Mapping[str, Operation], *, inline: Collection[str] = ()) -> Handler:
    """An async handler for a query-protocol service (IAM, STS, SNS) from its operation table.

    ``inline`` names quick, non-blocking reads that may run on the event loop.
    """
    quick = frozenset(inline)

    async def handle(call: AwsCall) -> Response:
        try:
            name = call.operation or ""
            fn = _check_operation(service, name, table)
            pairs = list(call.params.get("__pairs__", ()))
            params = parse_input(service, name, parse_params(service, name, pairs))
            result = await _run(call, fn, params, name in quick)
        except Exception as exc:
            return error_response(exc, Family.QUERY, service, call.request_id)
        body = xml_response(service, name, result, call.request_id)
        return Response(body, media_type=CONTENT_TYPE, headers={"x-amzn-RequestId": call.request_id})

    return handle


def json_service(service: str, table: Mapping[str, Operation], *, inline: Collection[str] = ()) -> Handler:
    """An async handler for a JSON-protocol service (SageMaker, KMS, Logs…) from its table.

    ``inline`` names quick, non-blocking reads that may run on the event loop.
    """
    quick = frozenset(inline)

    async def handle(call: AwsCall) -> Response:
        try:
            name = call.operation or ""
            fn = _check_operation(service, name, table)
            try:
                raw = json.loads(call.body or b"{}")
            except ValueError as exc:
                raise SerializationError(f"The request body is not valid JSON: {exc}") from None
            params = parse_input(service, name, raw)
            result = await _run(call, fn, params, name in quick)
        except Exception as exc:
            return error_response(exc, Family.JSON, service, call.request_id)
        return json_response(service, result, call.request_id)

    return handle


def form_pairs(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """The parameters of a form-encoded query-protocol body (``+`` means a space there)."""
    if content_type and "x-www-form-urlencoded" not in content_type:
        raise ValidationError("query-protocol requests must be application/x-www-form-urlencoded")
    text = body.decode("utf-8", errors="replace").replace("+", "%20")
    return decode_query(text)


def scope_path(scope: Mapping[str, Any]) -> str:
    """The request path exactly as sent (still percent-encoded), which is what was signed."""
    raw = scope.get("raw_path")
    if raw:
        return bytes(raw).decode("latin-1").split("?", 1)[0]
    return str(scope.get("path", "/"))
