"""The Lambda API subset that boto3 uses for custom workflows (REST-JSON, ``/2015-03-31/...``).

Lambda speaks botocore's ``rest-json`` protocol: the operation is the method and path, the
function name is in the path, and Invoke's payload is the raw body. The shared endpoint verifies
SigV4 (signing name ``lambda``) and hands the call here; :func:`lambda_handler` routes it:

====================================================  ================
``POST   /2015-03-31/functions``                      CreateFunction
``GET    /2015-03-31/functions/``                     ListFunctions
``GET    /2015-03-31/functions/{name}``               GetFunction
``GET    /2015-03-31/functions/{name}/configuration`` GetFunctionConfiguration
``PUT    /2015-03-31/functions/{name}/configuration`` UpdateFunctionConfiguration
``DELETE /2015-03-31/functions/{name}``               DeleteFunction
``POST   /2015-03-31/functions/{name}/invocations``   Invoke
``POST   /2015-03-31/functions/{name}/policy``        AddPermission
``GET    /2015-03-31/functions/{name}/policy``        GetPolicy
``DELETE /2015-03-31/functions/{name}/policy/{sid}``  RemovePermission
====================================================  ================

Each operation is authorised with the caller's policies as ``lambda:<Operation>`` on the
function's ARN (Invoke with the function policy as the resource policy; CreateFunction also
needs ``iam:PassRole`` of its ``Role`` to ``lambda.amazonaws.com``, as does an update that
changes the role). A handler runs as its role; a role Lambda cannot assume fails Invoke with
``InvalidParameterValueException`` before the handler runs. Errors are Lambda's:
``ResourceNotFoundException`` (404), ``ResourceConflictException`` (409),
``InvalidParameterValueException`` (400), ``AccessDeniedException`` (403), each with the
``x-amzn-ErrorType`` header that boto3 reads.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, scope_path
from opentruth.awsmodel.validate import parse_input
from opentruth.cloud.functions import FunctionStore
from opentruth.db.repo_functions import function_arn
from opentruth.errors import AccessDeniedError, ConflictError, NotFoundError, OpenTruthError, ValidationError

PREFIX = "/2015-03-31/functions"
LAMBDA = "lambda.amazonaws.com"

#: (status, body, headers) of one answer.
Answer = tuple[int, bytes, dict[str, str]]


def _json(status: int, value: Any) -> Answer:
    return status, json.dumps(value, default=str).encode("utf-8"), {"Content-Type": "application/json"}


def _error(exc: BaseException) -> Answer:
    if isinstance(exc, NotFoundError):
        code, status = "ResourceNotFoundException", 404
    elif isinstance(exc, ConflictError):
        code, status = "ResourceConflictException", 409
    elif isinstance(exc, AccessDeniedError):
        code, status = "AccessDeniedException", 403
    elif isinstance(exc, ValidationError):
        code, status = "InvalidParameterValueException", 400
    elif isinstance(exc, OpenTruthError):
        code, status = exc.aws_code, exc.http_status
    else:
        code, status = "ServiceException", 500
    message = exc.message if isinstance(exc, OpenTruthError) else "An internal error occurred."
    body = json.dumps({"Type": "User" if status < 500 else "Service", "message": message}).encode("utf-8")
    return status, body, {"Content-Type": "application/json", "x-amzn-ErrorType": code}


class LambdaApi:
    """The operations over a :class:`FunctionStore`."""

    def __init__(self, functions: FunctionStore) -> None:
        self.functions = functions

    def _arn(self, call: AwsCall, name: str) -> str:
        bare = name.split(":function:")[-1].split(":")[0] if ":" in name else name
        return function_arn(call.region, call.account_id, bare)

    def route(self, call: AwsCall) -> Answer:
        method = call.request.method
        parts = [unquote(p) for p in scope_path(call.request.scope).split("/") if p]
        if parts[:2] != ["2015-03-31", "functions"]:
            raise NotFoundError(f"opentruth's Lambda API has no route {method} /{'/'.join(parts)}")
        rest = parts[2:]
        table: dict[tuple[str, int, str], Callable[[AwsCall, list[str]], Answer]] = {
            ("POST", 0, ""): self.create_function,
            ("GET", 0, ""): self.list_functions,
            ("GET", 1, ""): self.get_function,
            ("DELETE", 1, ""): self.delete_function,
            ("GET", 2, "configuration"): self.get_configuration,
            ("PUT", 2, "configuration"): self.update_configuration,
            ("POST", 2, "invocations"): self.invoke,
            ("POST", 2, "policy"): self.add_permission,
            ("GET", 2, "policy"): self.get_policy,
            ("DELETE", 3, "policy"): self.remove_permission,
        }
        op = table.get((method, len(rest), rest[1] if len(rest) > 1 else ""))
        if op is None:
            raise NotFoundError(f"opentruth's Lambda API has no route {method} /{'/'.join(parts)}")
        return op(call, rest)

    def _body(self, call: AwsCall) -> dict[str, Any]:
        try:
            value = json.loads(call.body or b"{}")
        except ValueError:
            raise ValidationError("The request body is not valid JSON") from None
        if not isinstance(value, dict):
            raise ValidationError("The request body must be a JSON object")
        return value

    # ------------------------------------------------------------------ operations

    def create_function(self, call: AwsCall, _rest: list[str]) -> Answer:
        p = parse_input("lambda", "CreateFunction", self._body(call))
        name = p["FunctionName"]
        call.authorize("lambda:CreateFunction", self._arn(call, name))
        call.require_pass_role(p["Role"], LAMBDA)
        code = p.get("Code") or {}
        if "ZipFile" not in code:
            raise ValidationError("opentruth takes the code as Code.ZipFile (a zip of a Python handler)")
        if p.get("PackageType", "Zip") != "Zip" or not p.get("Handler") or not p.get("Runtime"):
            raise ValidationError("give Runtime (python3.x), Handler (module.function) and Code.ZipFile")
        info = self.functions.create_python(
            name,
            p["Handler"],
            code["ZipFile"],
            runtime=p["Runtime"],
            timeout=int(p.get("Timeout", 3)),
            memory_size=int(p.get("MemorySize", 128)),
            role=p["Role"],
            description=p.get("Description", ""),
            environment=(p.get("Environment") or {}).get("Variables"),
        )
        return _json(201, info.configuration())

    def list_functions(self, call: AwsCall, _rest: list[str]) -> Answer:
        call.authorize("lambda:ListFunctions", "*")
        query = dict(call.request.query_params)
        start = int(query.get("Marker") or 0)
        size = max(1, min(int(query.get("MaxItems") or 50), 10000))
        items = [f.configuration() for f in self.functions.list()]
        out: dict[str, Any] = {"Functions": items[start : start + size]}
        if start + size < len(items):
            out["NextMarker"] = str(start + size)
        return _json(200, out)

    def get_function(self, call: AwsCall, rest: list[str]) -> Answer:
        call.authorize("lambda:GetFunction", self._arn(call, rest[0]))
        info = self.functions.get(rest[0])
        return _json(200, {"Configuration": info.configuration(), "Code": {"RepositoryType": "opentruth"}})

    def get_configuration(self, call: AwsCall, rest: list[str]) -> Answer:
        call.authorize("lambda:GetFunctionConfiguration", self._arn(call, rest[0]))
        return _json(200, self.functions.get(rest[0]).configuration())

    def update_configuration(self, call: AwsCall, rest: list[str]) -> Answer:
        body = {**self._body(call), "FunctionName": rest[0]}
        p = parse_input("lambda", "UpdateFunctionConfiguration", body)
        call.authorize("lambda:UpdateFunctionConfiguration", self._arn(call, rest[0]))
        if "Role" in p:
            call.require_pass_role(p["Role"], LAMBDA)
        supported = {"Role", "Timeout", "MemorySize", "Description", "Environment", "Handler", "Runtime"}
        unsupported = sorted(set(p) - supported - {"FunctionName", "RevisionId"})
        if unsupported:
            raise ValidationError(
                f"opentruth's UpdateFunctionConfiguration changes {', '.join(sorted(supported))}; "
                f"not {', '.join(unsupported)}"
            )
        change = {k: v for k, v in p.items() if k != "FunctionName"}
        return _json(200, self.functions.update_configuration(rest[0], change).configuration())

    def delete_function(self, call: AwsCall, rest: list[str]) -> Answer:
        call.authorize("lambda:DeleteFunction", self._arn(call, rest[0]))
        self.functions.delete(rest[0])
        return 204, b"", {}

    def invoke(self, call: AwsCall, rest: list[str]) -> Answer:
        info = self.functions.find(rest[0])
        arn = info.arn if info else self._arn(call, rest[0])
        call.authorize("lambda:InvokeFunction", arn, resource_policy=info.resource_policy() if info else None)
        if info is None:
            raise NotFoundError(f"Function not found: {arn}")
        headers = {k.lower(): v for k, v in call.request.headers.items()}
        kind = headers.get("x-amz-invocation-type", "RequestResponse")
        try:
            event = json.loads(call.body or b"{}")
        except ValueError:
            raise ValidationError(
                "Could not parse request body into json: the payload must be JSON"
            ) from None
        if kind == "DryRun":
            return 204, b"", {}
        if kind == "Event":
            threading.Thread(target=self.functions.invoke, args=(info.arn, event), daemon=True).start()
            return 202, b"", {}
        if kind != "RequestResponse":
            raise ValidationError(f"InvocationType {kind!r} must be RequestResponse, Event or DryRun")
        result = self.functions.invoke(info.arn, event)
        if result.service_status is not None and result.error is not None:
            # Lambda failed the call itself (its role cannot be assumed): an API error.
            err_body = {"Type": "User", "message": result.error.get("errorMessage", "")}
            err_headers = {"Content-Type": "application/json", "x-amzn-ErrorType": result.error["errorType"]}
            return result.service_status, json.dumps(err_body).encode("utf-8"), err_headers
        out = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
        if not result.ok:
            out["X-Amz-Function-Error"] = "Unhandled"
        if headers.get("x-amz-log-type") == "Tail":
            out["X-Amz-Log-Result"] = base64.b64encode(result.log[-4096:].encode("utf-8")).decode("ascii")
        return 200, result.body(), out

    def add_permission(self, call: AwsCall, rest: list[str]) -> Answer:
        p = parse_input("lambda", "AddPermission", {**self._body(call), "FunctionName": rest[0]})
        call.authorize("lambda:AddPermission", self._arn(call, rest[0]))
        statement = self.functions.add_permission(
            rest[0],
            p["StatementId"],
            p["Action"],
            p["Principal"],
            source_arn=p.get("SourceArn"),
            source_account=p.get("SourceAccount"),
            revision_id=p.get("RevisionId"),
        )
        return _json(201, {"Statement": json.dumps(statement)})

    def get_policy(self, call: AwsCall, rest: list[str]) -> Answer:
        call.authorize("lambda:GetPolicy", self._arn(call, rest[0]))
        info = self.functions.get(rest[0])
        if not info.policy:
            raise NotFoundError("The resource you requested does not exist.")
        return _json(200, {"Policy": json.dumps(dict(info.policy)), "RevisionId": info.revision_id})

    def remove_permission(self, call: AwsCall, rest: list[str]) -> Answer:
        call.authorize("lambda:RemovePermission", self._arn(call, rest[0]))
        self.functions.remove_permission(rest[0], rest[2])
        return 204, b"", {}


def lambda_handler(functions: FunctionStore) -> Handler:
    """The handler to register as service ``lambda`` (``register_service(app, "lambda", ...)``)."""
    api = LambdaApi(functions)

    def run(call: AwsCall) -> Answer:
        try:
            return api.route(call)
        except Exception as exc:
            return _error(exc)

    async def handle(call: AwsCall) -> Response:
        status, body, headers = await run_in_threadpool(run, call)
        headers = {**headers, "x-amzn-RequestId": call.request_id}
        return Response(body, status_code=status, headers=headers)

    return handle
