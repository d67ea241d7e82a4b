"""The Lambda API with boto3: create, get, list, invoke (errors too), permissions, delete."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from opentruth.api.app import register_service
from opentruth.api.lambda_api import lambda_handler
from opentruth.cloud.functions import EmbeddedFunctions

if TYPE_CHECKING:
    # mypy knows the conftest as api.conftest; pytest never imports annotations.
    from api.conftest import MakeUser, Server

ROLE = "arn:aws:iam::000000000000:role/fn-role"
CODE = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event, "name": context.function_name}
"""


def _zip(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", source)
    return buf.getvalue()


@pytest.fixture(scope="module")
def lam(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Any:
    fns = EmbeddedFunctions(server.resources.db, tmp_path_factory.mktemp("fdata"))
    register_service(server.app, "lambda", lambda_handler(fns))
    return server.client("lambda")


def test_create_get_list_invoke_delete(lam: Any) -> None:
    made = lam.create_function(
        FunctionName="echo",
        Runtime="python3.11",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(CODE)},
        Timeout=10,
        MemorySize=256,
    )
    assert made["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:echo"
    assert made["Timeout"] == 10 and made["MemorySize"] == 256 and made["Handler"] == "app.handler"
    got = lam.get_function(FunctionName="echo")["Configuration"]
    assert got["CodeSha256"] == made["CodeSha256"]
    assert "echo" in [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    out = lam.invoke(FunctionName=made["FunctionArn"], Payload=json.dumps({"a": 1}))
    assert out["StatusCode"] == 200 and "FunctionError" not in out
    assert json.loads(out["Payload"].read()) == {"echo": {"a": 1}, "name": "echo"}
    bad = lam.invoke(FunctionName="echo", Payload=json.dumps({"fail": True}), LogType="Tail")
    assert bad["FunctionError"] == "Unhandled"
    error = json.loads(bad["Payload"].read())
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "asked to fail"
    with pytest.raises(ClientError) as exc:
        lam.create_function(
            FunctionName="echo",
            Runtime="python3.11",
            Role=ROLE,
            Handler="app.handler",
            Code={"ZipFile": _zip(CODE)},
        )
    assert exc.value.response["Error"]["Code"] == "ResourceConflictException"
    lam.delete_function(FunctionName="echo")
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="echo")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_permissions_and_caller_policies(lam: Any, server: Server, make_user: MakeUser) -> None:
    lam.create_function(
        FunctionName="guarded",
        Runtime="python3.11",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(CODE)},
    )
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName="guarded")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    key, secret = make_user(
        "caller",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "lambda:GetFunction", "Resource": "*"}],
        },
    )
    other = server.client("lambda", key, secret)
    with pytest.raises(ClientError) as exc:
        other.invoke(FunctionName="guarded", Payload=b"{}")
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "lambda:InvokeFunction" in exc.value.response["Error"]["Message"]
    added = lam.add_permission(
        FunctionName="guarded",
        StatementId="caller",
        Action="lambda:InvokeFunction",
        Principal="arn:aws:iam::000000000000:user/caller",
    )
    assert json.loads(added["Statement"])["Sid"] == "caller"
    policy = json.loads(lam.get_policy(FunctionName="guarded")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["caller"]
    # The function policy alone lets the user invoke it.
    out = other.invoke(FunctionName="guarded", Payload=b'{"x": 2}')
    assert json.loads(out["Payload"].read())["echo"] == {"x": 2}
    with pytest.raises(ClientError) as exc:
        lam.add_permission(
            FunctionName="guarded", StatementId="caller", Action="lambda:InvokeFunction", Principal="*"
        )
    assert exc.value.response["Error"]["Code"] == "ResourceConflictException"


def test_bad_zip_is_a_clear_error(lam: Any, tmp_path: Path) -> None:
    with pytest.raises(ClientError) as exc:
        lam.create_function(
            FunctionName="nohandler",
            Runtime="python3.11",
            Role=ROLE,
            Handler="missing.handler",
            Code={"ZipFile": _zip(CODE)},
        )
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "missing.py" in exc.value.response["Error"]["Message"]


def test_function_configuration_get_and_update(lam: Any, server: Server, make_user: MakeUser) -> None:
    lam.create_function(
        FunctionName="configured",
        Runtime="python3.11",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(CODE)},
    )
    got = lam.get_function_configuration(FunctionName="configured")
    assert got["Role"] == ROLE and got["Timeout"] == 3
    other_role = "arn:aws:iam::000000000000:role/other-fn-role"
    updated = lam.update_function_configuration(
        FunctionName="configured",
        Role=other_role,
        Timeout=20,
        Description="now longer",
        Environment={"Variables": {"MODE": "strict"}},
    )
    assert updated["Role"] == other_role and updated["Timeout"] == 20
    assert updated["Environment"] == {"Variables": {"MODE": "strict"}}
    assert updated["RevisionId"] != got["RevisionId"]
    assert lam.get_function_configuration(FunctionName="configured")["Description"] == "now longer"
    # A stale RevisionId is Lambda's optimistic lock; settings opentruth has no use for are refused.
    for bad, code in (
        ({"Timeout": 5, "RevisionId": got["RevisionId"]}, "ResourceConflictException"),
        ({"TracingConfig": {"Mode": "Active"}}, "InvalidParameterValueException"),
        ({"Timeout": 901}, "InvalidParameterValueException"),
    ):
        with pytest.raises(ClientError) as exc:
            lam.update_function_configuration(FunctionName="configured", **bad)
        assert exc.value.response["Error"]["Code"] == code, bad
    # Changing the role passes it to Lambda: iam:PassRole is needed, as on AWS.
    key, secret = make_user(
        "updater",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "lambda:UpdateFunctionConfiguration", "Resource": "*"}
            ],
        },
    )
    updater = server.client("lambda", key, secret)
    assert updater.update_function_configuration(FunctionName="configured", Timeout=7)["Timeout"] == 7
    with pytest.raises(ClientError) as exc:
        updater.update_function_configuration(FunctionName="configured", Role=ROLE)
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "iam:PassRole" in exc.value.response["Error"]["Message"]
    assert lam.get_function_configuration(FunctionName="configured")["Role"] == other_role
