"""Serving S3 on the shared AWS endpoint, including unsigned (anonymous) requests.

The endpoint routes every request whose credential scope names ``s3`` to the registered
handler after verifying its signature, but refuses unsigned requests outright. S3 serves them
when a bucket policy grants ``*``, so :func:`mount_s3` also puts a small fallback in front of
the endpoint: a request without any SigV4 credentials, target or query ``Action`` that no app
route matched is served by :meth:`S3Api.anonymous`; everything else goes to the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from opentruth.api.app import register_service
from opentruth.api.s3.routing import DEFAULT_DOMAINS
from opentruth.api.s3.service import S3Api
from opentruth.cloud.keys import KeyManager
from opentruth.cloud.objectstore import ObjectStore
from opentruth.iam.evaluate import Evaluator


def _unsigned_s3(scope: Scope) -> bool:
    """True for a request that carries no AWS credentials and does not look like a query call."""
    if scope.get("type") != "http":
        return False
    for name, value in scope.get("headers", []):
        low = name.lower()
        if low in (b"authorization", b"x-amz-target"):
            return False
        if low == b"content-type" and b"x-www-form-urlencoded" in value.lower():
            return False
    query: bytes = scope.get("query_string", b"")
    return (
        b"X-Amz-Credential=" not in query
        and b"X-Amz-Signature=" not in query
        and not query.startswith(b"Action=")
        and b"&Action=" not in query
    )


class AnonymousS3:
    """ASGI app: unsigned requests to :meth:`S3Api.anonymous`, the rest to ``endpoint``."""

    def __init__(self, endpoint: ASGIApp, api: S3Api) -> None:
        self.endpoint = endpoint
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _unsigned_s3(scope):
            response = await self.api.anonymous(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await self.endpoint(scope, receive, send)


def mount_s3(
    app: FastAPI,
    store: ObjectStore,
    *,
    evaluator: Evaluator | None = None,
    domains: Sequence[str] = DEFAULT_DOMAINS,
    keys: KeyManager | None = None,
) -> S3Api:
    """Serve S3 over ``store`` on ``app`` (built by :func:`opentruth.api.app.create_app`);
    ``keys`` enables SSE-KMS."""
    api = S3Api(store, evaluator=evaluator, domains=domains, keys=keys)
    register_service(app, "s3", api)
    endpoint: Any = app.state.aws
    app.router.default = AnonymousS3(endpoint, api)
    return api
