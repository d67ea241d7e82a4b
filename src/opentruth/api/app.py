"""The one AWS endpoint of ``opentruth serve``: SigV4 first, then routing by protocol.

Routing, in order:

1. ``X-Amz-Target: <prefix>.<Operation>`` → the JSON service whose model has that target
   prefix (``SageMaker.`` → sagemaker, ``TrentService.`` → kms, ``Logs_20140328.`` → logs,
   ``AmazonSQS.`` → sqs, ``GraniteServiceVersion20100801.`` → monitoring);
2. a credential scope (header or presigned query) naming ``s3`` → the S3 handler, whatever
   the path or host (path-style ``/bucket/key`` and virtual-host ``bucket.localhost``);
3. otherwise the service whose signing name the scope names: query-protocol ones (``iam``,
   ``sts``, ``sns``) with ``Action`` from the form body (POST) or the query string (GET);
   REST-JSON ones (``lambda``, ``access-analyzer``) route by method and path themselves.

Registration point for other services::

    app = create_app(resources)
    register_service(app, "sagemaker", json_service("sagemaker", {"CreateLabelingJob": fn, ...}))

Other routes (the worker API, the dashboard) are ordinary FastAPI routes added to the app:
a request that carries SigV4 credentials or ``X-Amz-Target`` always goes to the AWS endpoint
first, and anything no route matches falls through to it as well.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from opentruth.api import sigv4
from opentruth.api.call import ApiResources, AwsCall
from opentruth.api.dispatch import Handler, error_response, form_pairs, scope_path
from opentruth.api.sigv4 import Failure, Family, SignedRequest, SigV4Error
from opentruth.awsmodel.service import ProtocolInfo, protocol_info
from opentruth.db.repo_iam import Caller
from opentruth.db.repo_iam_common import ExpiredTokenError, UnknownAccessKeyError
from opentruth.errors import OpenTruthError

__all__ = ["AwsEndpoint", "create_app", "register_service"]

#: Services whose endpoint is global: SDKs sign them for us-east-1 whatever the client's region.
_GLOBAL_SERVICES = frozenset({"iam"})
_JSON_PROTOCOLS = frozenset({"json", "rest-json"})
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class RequestTooLarge(OpenTruthError):
    """A non-S3 request body over the limit."""

    aws_code = "RequestEntityTooLarge"
    http_status = 413


class UnservedService(OpenTruthError):
    """The credential scope or target names a service that opentruth does not serve."""

    aws_code = "UnknownOperationException"
    http_status = 400


class AwsEndpoint:
    """The ASGI app behind every AWS request; services are added with :meth:`register_service`."""

    def __init__(self, resources: ApiResources) -> None:
        self.resources = resources
        self._handlers: dict[str, Handler] = {}
        self._info: dict[str, ProtocolInfo] = {}
        self._by_target: dict[str, str] = {}
        self._by_signing: dict[str, str] = {}

    def register_service(self, name: str, handler: Handler) -> None:
        """Serve botocore service ``name`` (``sagemaker``, ``s3``…) with ``handler``.

        The protocol, target prefix and signing name come from botocore's model of ``name``.
        Registering a name again replaces its handler.
        """
        info = protocol_info(name)
        self._handlers[name] = handler
        self._info[name] = info
        if info.target_prefix:
            self._by_target[info.target_prefix] = name
        self._by_signing[info.signing_name] = name

    @property
    def services(self) -> frozenset[str]:
        """The registered service names."""
        return frozenset(self._handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.dispatch(request)
        await response(scope, receive, send)

    # ------------------------------------------------------------------ routing

    def _family(self, service: str | None, target: str | None) -> Family:
        # rest-json services (Lambda) answer errors in JSON too; their handler routes by path.
        info = self._info.get(service) if service else None
        if target or (info is not None and info.protocol in _JSON_PROTOCOLS):
            return Family.JSON
        if service == "s3":
            return Family.S3
        return Family.QUERY

    async def dispatch(self, request: Request) -> Response:
        """Authenticate, route and run one request; every failure becomes a protocol error."""
        request_id = str(uuid.uuid4())
        scope = request.scope
        headers = sigv4.header_map(scope.get("headers", []))
        query = sigv4.decode_query(scope.get("query_string", b""))
        target = headers.get("x-amz-target")
        service: str | None = None
        signed: SignedRequest | None = None
        try:
            signed = sigv4.parse(headers, query)
            service, operation = self._route(target, signed, query, headers)
        except SigV4Error as exc:
            svc = service or self._scope_service(headers, query, target)
            return error_response(exc, self._family(svc, target), svc, request_id)
        except OpenTruthError as exc:
            return error_response(exc, self._family(service, target), service, request_id)
        family = self._family(service, target)
        try:
            if signed is None:
                raise SigV4Error(Failure.MISSING, "Request is missing Authentication Token")
            body: bytes | None = None
            params: dict[str, Any] = {}
            if service != "s3":
                body = await _read_body(request, self.resources.max_body)
                if family is Family.QUERY:
                    pairs = list(query)
                    if request.method == "POST":
                        pairs += form_pairs(body, headers.get("content-type"))
                    params["__pairs__"] = pairs
                    operation = next((v for k, v in pairs if k == "Action"), None)
            caller = await self._authenticate(request, signed, service, headers, query, body)
        except Exception as exc:
            return error_response(exc, family, service, request_id)
        call = AwsCall(
            request=request,
            resources=self.resources,
            service=service,
            operation=operation,
            caller=caller,
            signed=signed,
            request_id=request_id,
            body=body,
            params=params,
        )
        try:
            return await self._handlers[service](call)
        except Exception as exc:  # handlers answer their own errors; this is the safety net
            return error_response(exc, family, service, request_id)

    def _scope_service(
        self, headers: dict[str, Any], query: list[tuple[str, str]], target: str | None
    ) -> str | None:
        """The service a malformed request was meant for, read leniently, to word the error."""
        if target:
            return self._by_target.get(target.partition(".")[0])
        text = (
            headers.get("authorization", "") + "&" + "&".join(v for k, v in query if k == "X-Amz-Credential")
        )
        for name, service in self._by_signing.items():
            if f"/{name}/aws4_request" in text:
                return service
        return None

    def _route(
        self,
        target: str | None,
        signed: SignedRequest | None,
        query: list[tuple[str, str]],
        headers: dict[str, Any],
    ) -> tuple[str, str | None]:
        if target:
            prefix, dot, operation = target.partition(".")
            name = self._by_target.get(prefix)
            if name is None or not dot:
                raise UnservedService(f"opentruth does not serve X-Amz-Target {target[:200]!r}")
            return name, operation
        if signed is None:
            # Anonymous: say so in the words of the protocol the request looks like.
            is_query = any(k == "Action" for k, _ in query) or "x-www-form-urlencoded" in headers.get(
                "content-type", ""
            )
            name = "sts" if is_query and "sts" in self._handlers else ("s3" if "s3" in self._handlers else "")
            if not name:
                raise SigV4Error(Failure.MISSING, "Request is missing Authentication Token")
            return name, None
        name = self._by_signing.get(signed.service)
        if name is None:
            raise UnservedService(
                f"opentruth does not serve the service {signed.service[:60]!r} of the credential scope"
            )
        return name, None

    async def _authenticate(
        self,
        request: Request,
        signed: SignedRequest,
        service: str,
        headers: dict[str, Any],
        query: list[tuple[str, str]],
        body: bytes | None,
    ) -> Caller:
        resources = self.resources
        info = self._info[service]
        region = (
            signed.region
            if service in _GLOBAL_SERVICES and signed.region == "us-east-1"
            else resources.region
        )
        sigv4.check_scope_and_time(signed, region=region, service=info.signing_name, now=resources.clock())
        try:
            # A cached caller is answered on the loop; only a miss needs the database (a thread).
            caller = resources.callers.cached(resources, signed.key_id)
            if caller is None:
                caller = await run_in_threadpool(resources.callers.resolve, resources, signed.key_id)
        except UnknownAccessKeyError:
            message = (
                "The AWS Access Key Id you provided does not exist in our records."
                if service == "s3"
                else "The security token included in the request is invalid."
            )
            raise SigV4Error(Failure.UNKNOWN_KEY, message) from None
        except ExpiredTokenError as exc:
            raise SigV4Error(Failure.EXPIRED_TOKEN, exc.message) from None
        sigv4.check_token(signed, caller.token)
        payload = sigv4.payload_hash_for(signed, headers, body)
        raw_path = scope_path(request.scope)
        all_headers = [
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in request.scope.get("headers", [])
        ]
        expected = sigv4.expected_signature(
            signed,
            secret=caller.secret,
            method=request.method,
            raw_path=raw_path,
            query=query,
            headers=all_headers,
            payload_hash=payload,
        )
        sigv4.verify_signature(signed, expected)
        if resources.key_use.due(signed.key_id):  # about once a minute per key: a write
            await run_in_threadpool(
                resources.key_use.record, resources.db, signed.key_id, service, signed.region
            )
        return caller


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


class _AwsFirst:
    """Sends every request that carries AWS credentials or a target to the AWS endpoint, so an
    S3 key like ``worker/api/jobs`` can never reach an app route of the same path."""

    def __init__(self, app: ASGIApp, endpoint: AwsEndpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_aws(scope):
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class Lane(Protocol):
    """An ASGI app that answers the requests it :meth:`matches` past FastAPI's own layers."""

    def matches(self, scope: Scope) -> bool:
        """Whether this lane answers the request (called for every non-AWS HTTP request)."""
        ...

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...


class _App(FastAPI):
    """FastAPI, with AWS requests (and the requests of added lanes) sent past its own layers.

    FastAPI wraps every request in its telemetry check, error page and body-limit middleware
    before the user middleware; for an AWS request (whose endpoint answers every error itself)
    those layers cost about a tenth of the request. Here an AWS request goes straight to the
    middleware added *after* :func:`create_app` (they sit outside :class:`_AwsFirst`, so they saw
    AWS requests before, and still do: metrics, for one), built a second time around the
    endpoint; every other request takes the full stack. Such middleware are thus instantiated
    twice: state they must share, such as a metrics registry, has to be passed in, as it is.

    A :class:`Lane` (:func:`add_lane`) gets the same treatment for the requests it matches:
    the worker API's task calls, a tight loop whose own work is smaller than FastAPI's.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._aws: ASGIApp | None = None
        self._lanes: list[Lane] = []
        self._lane_apps: list[ASGIApp] = []

    def add_lane(self, lane: Lane) -> None:
        if self.middleware_stack is not None:
            raise RuntimeError("add lanes before the application starts")
        self._lanes.append(lane)

    def build_middleware_stack(self) -> ASGIApp:
        full = super().build_middleware_stack()
        outer = []
        endpoint: AwsEndpoint | None = None
        for middleware in self.user_middleware:  # outermost first
            factory: object = middleware.cls
            if factory is _AwsFirst:
                found = middleware.kwargs["endpoint"]
                endpoint = found if isinstance(found, AwsEndpoint) else None
                break
            outer.append(middleware)

        def wrapped(app: ASGIApp) -> ASGIApp:
            for cls, args, kwargs in reversed(outer):
                app = cls(app, *args, **kwargs)
            return app

        if endpoint is not None:
            self._aws = wrapped(endpoint)
        self._lane_apps = [wrapped(lane) for lane in self._lanes]
        return full

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            lane = self._lane_for(scope)
            if lane is not None:
                if self.root_path:
                    scope["root_path"] = self.root_path
                scope["app"] = self
                await lane(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _lane_for(self, scope: Scope) -> ASGIApp | None:
        aws = _is_aws(scope)  # first: an S3 key may look like any path
        if not aws and not self._lanes:
            return None
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        if aws:
            return self._aws
        for lane, app in zip(self._lanes, self._lane_apps, strict=True):
            if lane.matches(scope):
                return app
        return None


def add_lane(app: FastAPI, lane: Lane) -> None:
    """Answer the requests ``lane`` matches past FastAPI's layers, under the middleware added
    after :func:`create_app` (see :class:`_App`); AWS requests still go to the AWS endpoint."""
    if not isinstance(app, _App):
        raise TypeError("add_lane needs an app made by opentruth.api.app.create_app")
    app.add_lane(lane)


def _is_aws(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        low = name.lower()
        if low == b"x-amz-target" or (low == b"authorization" and value.startswith(b"AWS4-")):
            return True
    return b"X-Amz-Credential=" in scope.get("query_string", b"")


def create_app(resources: ApiResources, *, iam: bool = True) -> FastAPI:
    """The FastAPI application of ``opentruth serve`` with the AWS endpoint (IAM, STS and
    Access Analyzer's policy validation).

    Add services with :func:`register_service`, and other routes with the usual FastAPI
    decorators or ``app.include_router``. The endpoint is ``app.state.aws``.
    """
    from opentruth.api.accessanalyzer import accessanalyzer_handler
    from opentruth.api.iam import iam_handler
    from opentruth.api.sts import sts_handler

    app = _App(title="opentruth", docs_url=None, redoc_url=None, openapi_url=None)
    endpoint = AwsEndpoint(resources)
    if iam:
        endpoint.register_service("iam", iam_handler())
        endpoint.register_service("sts", sts_handler())
        endpoint.register_service("accessanalyzer", accessanalyzer_handler())
    app.state.aws = endpoint
    app.state.resources = resources
    # Whatever no route matches is an AWS request (S3 paths are arbitrary).
    app.router.default = endpoint
    app.add_middleware(_AwsFirst, endpoint=endpoint)
    return app


def register_service(app: FastAPI, name: str, handler: Handler) -> None:
    """Serve botocore service ``name`` on ``app``'s AWS endpoint (:meth:`AwsEndpoint.register_service`)."""
    endpoint: AwsEndpoint = app.state.aws
    endpoint.register_service(name, handler)
