"""Routing of the one endpoint: JSON targets, registration, protocol errors, app routes, fuzz."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opentruth.api.app import create_app, register_service
from opentruth.api.bootstrap import bootstrap
from opentruth.api.call import ApiResources, AwsCall
from opentruth.api.dispatch import json_service
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_workforce import fast_hasher
from opentruth.errors import NotFoundError

if TYPE_CHECKING:
    # mypy knows the conftest as api.conftest; pytest never imports annotations.
    from api.conftest import MakeUser, Server


def _describe(call: AwsCall, params: dict[str, Any]) -> dict[str, Any]:
    name = params["LabelingJobName"]
    arn = f"arn:aws:sagemaker:{call.region}:{call.account_id}:labeling-job/{name.lower()}"
    call.authorize("sagemaker:DescribeLabelingJob", arn)
    raise NotFoundError(f"Could not find labeling job {name}")


def _get_queue_url(call: AwsCall, params: dict[str, Any]) -> dict[str, Any]:
    raise NotFoundError("The specified queue does not exist.")


@pytest.fixture(scope="module")
def served(server: Server) -> Server:
    app = server_app(server)
    register_service(app, "sagemaker", json_service("sagemaker", {"DescribeLabelingJob": _describe}))
    register_service(app, "sqs", json_service("sqs", {"GetQueueUrl": _get_queue_url}))
    return server


def server_app(server: Server) -> Any:
    return server.app


def test_json_service_registration_and_modeled_errors(served: Server) -> None:
    sm = served.client("sagemaker")
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_labeling_job(LabelingJobName="nope")
    with pytest.raises(ClientError) as exc:
        sm.describe_labeling_job(LabelingJobName="bad name!")
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sm.list_labeling_jobs()
    assert exc.value.response["Error"]["Code"] == "UnknownOperationException"
    assert "ListLabelingJobs" in exc.value.response["Error"]["Message"]


def test_json_denial_is_access_denied_exception(served: Server, make_user: MakeUser) -> None:
    key, secret = make_user("gina")
    with pytest.raises(ClientError) as exc:
        served.client("sagemaker", key, secret).describe_labeling_job(LabelingJobName="j1")
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert exc.value.response["Error"]["Message"] == (
        "User: arn:aws:iam::000000000000:user/gina is not authorized to perform: "
        "sagemaker:DescribeLabelingJob on resource: arn:aws:sagemaker:us-east-1:000000000000:labeling-job/j1"
    )
    with pytest.raises(ClientError) as exc:
        served.client("sagemaker", key, "x" * 40).describe_labeling_job(LabelingJobName="j1")
    assert exc.value.response["Error"]["Code"] == "InvalidSignatureException"
    with pytest.raises(ClientError) as exc:
        served.client("sagemaker", "AKIAZZZZZZZZZZZZZZZZ", "x" * 40).describe_labeling_job(
            LabelingJobName="j1"
        )
    assert exc.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_query_compatible_error_header(served: Server) -> None:
    sqs = served.client("sqs")
    with pytest.raises(ClientError) as exc:
        sqs.get_queue_url(QueueName="q")
    headers = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-query-error"].endswith(";Sender")


def test_unserved_target_is_named(served: Server) -> None:
    with pytest.raises(ClientError) as exc:
        served.client("kms").list_keys()
    assert exc.value.response["Error"]["Code"] == "UnknownOperationException"
    assert "TrentService.ListKeys" in exc.value.response["Error"]["Message"]


def test_app_routes_take_precedence_over_the_fallback(served: Server) -> None:
    app = server_app(served)

    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app.add_api_route("/worker/api/ping", ping, methods=["GET"])

    assert httpx.get(served.url + "/worker/api/ping").json() == {"pong": "yes"}
    # Unsigned requests to other paths are AWS requests (anonymous S3 here): refused.
    assert httpx.get(served.url + "/some-bucket/key").status_code == 403


# Header values a client can send at all (h11 refuses control characters on the client side).
PRINTABLE = st.characters(min_codepoint=33, max_codepoint=126)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.one_of(
        st.none(), st.text(alphabet=PRINTABLE, max_size=60), st.sampled_from(["SageMaker.", "SageMaker.X"])
    ),
    auth=st.one_of(st.none(), st.text(alphabet=PRINTABLE, max_size=200)),
    body=st.binary(max_size=200),
)
def test_dispatcher_fuzz_gives_clean_4xx(
    served: Server, target: str | None, auth: str | None, body: bytes
) -> None:
    headers: dict[str, str] = {}
    if target is not None:
        headers["X-Amz-Target"] = target
    if auth is not None:
        headers["Authorization"] = auth
    response = httpx.post(served.url + "/", content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    if target:
        assert "__type" in json.loads(response.content)


def test_middleware_added_after_create_app_sees_aws_requests(tmp_path: Path) -> None:
    """AWS requests skip FastAPI's own middleware, not the app's (metrics count them)."""
    db = Database.from_url(data_dir=tmp_path)
    box = SecretBox.load(tmp_path)
    bootstrap(db, box, hasher=fast_hasher())
    app = create_app(ApiResources(db=db, box=box, hasher=fast_hasher()))
    seen: list[tuple[str, int]] = []

    class Counting:
        def __init__(self, inner: ASGIApp, log: list[tuple[str, int]]) -> None:
            self.inner, self.log = inner, log

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    self.log.append((str(scope["path"]), int(message["status"])))
                await send(message)

            await self.inner(scope, receive, sending)

    app.add_middleware(Counting, log=seen)

    @app.get("/plain")
    def plain() -> dict[str, str]:
        return {"ok": "yes"}

    try:
        with TestClient(app) as client:
            aws = client.post("/", headers={"X-Amz-Target": "SageMaker.ListLabelingJobs"}, content=b"{}")
            assert aws.status_code == 400  # sagemaker is not registered here: a JSON protocol error
            assert aws.json()["__type"] == "UnknownOperationException"
            assert client.get("/plain").json() == {"ok": "yes"}
    finally:
        db.dispose()
    assert seen == [("/", 400), ("/plain", 200)]
