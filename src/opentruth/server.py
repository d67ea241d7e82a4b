"""The one server process: the AWS APIs, the worker API and portal, and background work.

``opentruth serve`` builds this app. Everything runs in one process on the embedded default;
several processes can share one PostgreSQL database, one object store and one queue.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from opentruth.api.app import add_lane, register_service
from opentruth.api.app import create_app as create_api_app
from opentruth.api.call import ApiResources
from opentruth.api.cloudwatch import cloudwatch_handler
from opentruth.api.kms import kms_handler
from opentruth.api.lambda_api import lambda_handler
from opentruth.api.logs import logs_handler
from opentruth.api.s3 import mount_s3
from opentruth.api.sagemaker import sagemaker_handler
from opentruth.api.sns import confirm_router, sns_handler
from opentruth.api.sqs import sqs_handler
from opentruth.background import Background, make_huey
from opentruth.cloud.keys import EmbeddedKeyManager
from opentruth.db.iam_secrets import SecretBox
from opentruth.errors import OpenTruthError
from opentruth.observability import install_observability
from opentruth.portal.api import build_router, error_response
from opentruth.portal.portal import install_portal
from opentruth.portal.task_lane import TaskLane
from opentruth.runtime import Runtime, Settings


def create_app(settings: Settings, *, background: bool = True) -> FastAPI:
    """Build the application for ``settings``; ``background`` starts huey and the reconciler."""
    bg = Background(make_huey(settings.data_dir, settings.queue_url)) if background else None
    runtime = Runtime.open(settings, kick=bg.kick if bg else None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if bg is not None:
            bg.start(runtime.runner)
        # Everything built so far (service models, the IAM catalogue, the app) lives as long
        # as the process. Frozen, the collector stops walking it: a full collection took
        # about 190 ms here, every few seconds under load, stalling every request in flight.
        gc.collect()
        gc.freeze()
        runtime.db.start_checkpointer()
        try:
            yield
        finally:
            if bg is not None:
                bg.stop()
            runtime.close()

    api = ApiResources(
        db=runtime.db,
        box=SecretBox.load(settings.data_dir),
        account_id=settings.account,
        region=settings.region,
        evaluator=runtime.res.evaluator,
    )
    app = create_api_app(api)
    app.router.lifespan_context = lifespan
    register_service(app, "sagemaker", sagemaker_handler(runtime.jobs))
    register_service(app, "logs", logs_handler())
    register_service(app, "cloudwatch", cloudwatch_handler())
    if runtime.res.functions is not None:
        register_service(app, "lambda", lambda_handler(runtime.res.functions))
    # SNS and SQS (durable, in the database), shared with the streaming jobs of the runner.
    streaming = runtime.runner.streaming
    register_service(app, "sqs", sqs_handler(streaming.queues))
    register_service(app, "sns", sns_handler(streaming.topics))
    app.include_router(confirm_router(streaming.topics))
    if isinstance(runtime.res.keys, EmbeddedKeyManager):
        register_service(app, "kms", kms_handler(runtime.res.keys))
    mount_s3(app, runtime.res.store, keys=runtime.res.keys)
    app.state.runtime = runtime
    portal = install_portal(app, runtime)
    app.include_router(build_router(runtime.workers, limiter=portal.limiter))
    add_lane(app, TaskLane(runtime.workers))
    install_observability(app, runtime.db, runtime.res.evaluator, bg)

    @app.exception_handler(OpenTruthError)
    async def _opentruth_error(_request: Request, exc: OpenTruthError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _bad_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": "ValidationException", "message": problems}, status_code=400)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
