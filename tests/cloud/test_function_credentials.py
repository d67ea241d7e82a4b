"""The role a function runs as: STS sessions of lambda.amazonaws.com, cached until shortly
before they expire, always outliving the function's Timeout; roles Lambda cannot assume fail
before the handler runs; the session's caller is the role's, as the server authorises it."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opentruth.cloud.functions import EmbeddedFunctions, FunctionCredentials, FunctionRoleError
from opentruth.cloud.functions.credentials import MARGIN_SECONDS
from opentruth.db import repo_iam, repo_iam_roles
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_iam_common import ExpiredTokenError


def trust(service: str, **condition: Any) -> dict[str, Any]:
    """A trust policy that lets ``service`` assume the role (under ``condition``, if any)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


LAMBDA_TRUST = trust("lambda.amazonaws.com")
ONE_FUNCTION_TRUST = trust(
    "lambda.amazonaws.com", ArnLike={"aws:SourceArn": "arn:aws:lambda:*:000000000000:function:only-me"}
)
SAGEMAKER_TRUST = trust("sagemaker.amazonaws.com")
CODE = "import os\ndef h(event, context):\n    return {k: os.environ.get(k) for k in event['keys']}\n"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("fn.py", CODE)
    return buf.getvalue()


@pytest.fixture
def setup(db: Database, tmp_path: Path) -> tuple[EmbeddedFunctions, FunctionCredentials, Clock, SecretBox]:
    box = SecretBox.load(tmp_path / "keys")
    with db.transaction() as s:
        repo_iam_roles.create_role(s, "fn-role", LAMBDA_TRUST)
        repo_iam_roles.create_role(s, "one-fn", ONE_FUNCTION_TRUST)
        repo_iam_roles.create_role(s, "sm-role", SAGEMAKER_TRUST)
    clock = Clock()
    creds = FunctionCredentials(db, box, clock=clock)
    fns = EmbeddedFunctions(db, tmp_path / "data", credentials=creds, endpoint_url="http://127.0.0.1:9")
    return fns, creds, clock, box


def _role(name: str) -> str:
    return f"arn:aws:iam::000000000000:role/{name}"


def test_session_is_cached_until_it_would_not_outlive_the_timeout(
    setup: tuple[EmbeddedFunctions, FunctionCredentials, Clock, SecretBox], db: Database
) -> None:
    fns, creds, clock, box = setup
    info = fns.create_python("f", "fn.h", _zip(), role=_role("fn-role"), timeout=300)
    first = creds.for_function(info)
    assert first.key_id.startswith("ASIA")
    assert first.arn == "arn:aws:sts::000000000000:assumed-role/fn-role/f"
    assert first.expires_at - clock.now >= timedelta(seconds=info.timeout + MARGIN_SECONDS)
    assert creds.for_function(info) is first
    # Still reusable while it outlives a whole Timeout plus the margin...
    clock.now = first.expires_at - timedelta(seconds=info.timeout + MARGIN_SECONDS + 1)
    assert creds.for_function(info) is first
    # ...and renewed before a call could outlive it.
    clock.now = first.expires_at - timedelta(seconds=info.timeout + MARGIN_SECONDS)
    second = creds.for_function(info)
    assert second.key_id != first.key_id
    assert second.expires_at - clock.now >= timedelta(seconds=info.timeout + MARGIN_SECONDS)
    # The server resolves the session to the role's caller; the old one expires as STS's do.
    with db.read() as s:
        caller = repo_iam.principal_for_access_key(s, box, second.key_id, now=clock.now)
        assert caller.kind == "assumed-role" and caller.role_arn == _role("fn-role")
        assert caller.context()["aws:PrincipalArn"] == _role("fn-role")
        with pytest.raises(ExpiredTokenError):
            repo_iam.principal_for_access_key(s, box, first.key_id, now=first.expires_at)


def test_handler_environment_has_the_session_and_the_endpoint(
    setup: tuple[EmbeddedFunctions, FunctionCredentials, Clock, SecretBox],
) -> None:
    fns, creds, clock, _box = setup
    clock.now = datetime.now(UTC)
    keys = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
    ]
    # The function's own variables cannot replace the role's keys (Lambda reserves them).
    info = fns.create_python(
        "g", "fn.h", _zip(), role=_role("fn-role"), environment={"AWS_ACCESS_KEY_ID": "AKIAFAKE"}
    )
    result = fns.invoke("g", {"keys": keys})
    assert result.ok, result.error
    session = creds.for_function(info)
    assert result.payload == {
        "AWS_ACCESS_KEY_ID": session.key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret,
        "AWS_SESSION_TOKEN": session.token,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_REGION": "us-east-1",
    }


def test_roles_lambda_cannot_assume_fail_before_the_handler(
    setup: tuple[EmbeddedFunctions, FunctionCredentials, Clock, SecretBox],
) -> None:
    fns, creds, _clock, _box = setup
    for name, role in (("sm", "sm-role"), ("missing", "no-such-role"), ("other-fn", "one-fn")):
        fns.create_python(name, "fn.h", _zip(), role=_role(role))
        result = fns.invoke(name, {"keys": []})
        assert not result.ok and result.service_status == 400
        assert result.error is not None and result.error["errorType"] == "InvalidParameterValueException"
        assert "cannot be assumed by Lambda" in result.error["errorMessage"]
        assert role in result.error["errorMessage"]
        with pytest.raises(FunctionRoleError):
            creds.for_function(fns.get(name))
    # The trust policy scoped to one function (aws:SourceArn) lets that function assume it.
    fns.create_python("only-me", "fn.h", _zip(), role=_role("one-fn"))
    assert fns.invoke("only-me", {"keys": []}).ok


def test_update_configuration_takes_effect_at_the_next_call(
    setup: tuple[EmbeddedFunctions, FunctionCredentials, Clock, SecretBox],
) -> None:
    fns, creds, _clock, _box = setup
    info = fns.create_python("h", "fn.h", _zip(), role=_role("sm-role"))
    assert not fns.invoke("h", {"keys": []}).ok
    updated = fns.update_configuration("h", {"Role": _role("fn-role"), "Timeout": 60, "Description": "d"})
    assert updated.configuration()["Role"] == _role("fn-role")
    assert (updated.timeout, updated.description) == (60, "d")
    assert updated.revision_id != info.revision_id
    assert fns.invoke("h", {"keys": []}).ok
    assert creds.for_function(fns.get("h")).arn.endswith("assumed-role/fn-role/h")
