"""Functions (Lambda): register, look up, list, delete, and keep their resource policies.

A function is named by its name, its ARN (``arn:aws:lambda:<region>:<account>:function:<name>``,
optionally with a ``:<qualifier>``) or a partial ARN (``<account>:function:<name>``), as Lambda
accepts. opentruth keeps one version of each function (``$LATEST``), so a qualifier other than
``$LATEST`` names nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from opentruth.db.models_functions import LambdaFunction
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError, ValidationError

__all__ = [
    "FunctionSpec",
    "create_function",
    "delete_function",
    "function_arn",
    "get_function",
    "list_functions",
    "parse_function_name",
    "set_policy",
    "update_function",
]

#: Lambda's function-name pattern (the name part of an ARN).
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
LATEST = "$LATEST"


def function_arn(region: str, account_id: str, name: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>``."""
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def parse_function_name(value: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> str:
    """The bare function name of a name, an ARN or a partial ARN.

    Raises :class:`NotFoundError` for an ARN of another account (opentruth serves one account)
    or a qualifier other than ``$LATEST``, and :class:`ValidationError` for a malformed name.
    """
    parts = value.split(":")
    qualifier = None
    if value.startswith("arn:"):
        if len(parts) not in (7, 8) or parts[2] != "lambda" or parts[5] != "function":
            raise ValidationError(
                f"{value!r} is not a Lambda function ARN (arn:aws:lambda:...:function:NAME)"
            )
        account, name = parts[4], parts[6]
        qualifier = parts[7] if len(parts) == 8 else None
    elif len(parts) in (3, 4) and parts[1] == "function":
        account, name = parts[0], parts[2]
        qualifier = parts[3] if len(parts) == 4 else None
    elif len(parts) in (1, 2):
        account, name = account_id, parts[0]
        qualifier = parts[1] if len(parts) == 2 else None
    else:
        raise ValidationError(f"{value!r} is not a function name or ARN")
    if not _NAME.match(name):
        raise ValidationError(f"function name {name!r} must be 1-64 letters, digits, hyphens or underscores")
    if account != account_id or (qualifier not in (None, LATEST)):
        raise NotFoundError(f"Function not found: {value}")
    return name


@dataclass(frozen=True)
class FunctionSpec:
    """What a new function is: a Python handler (``code_path``) or an HTTP endpoint (``url``)."""

    name: str
    kind: str  # "python" | "http"
    handler: str | None = None
    runtime: str | None = None
    code_path: str | None = None
    code_sha256: str | None = None
    code_size: int = 0
    url: str | None = None
    timeout: int = 3
    memory_size: int = 128
    role: str | None = None
    description: str = ""
    environment: dict[str, str] | None = None


def create_function(
    session: Session,
    spec: FunctionSpec,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    region: str = DEFAULT_REGION,
    now: datetime | None = None,
) -> LambdaFunction:
    """Store a new function; :class:`ConflictError` if the name is taken."""
    if not _NAME.match(spec.name):
        raise ValidationError(
            f"function name {spec.name!r} must be 1-64 letters, digits, hyphens or underscores"
        )
    existing = session.scalar(
        select(LambdaFunction.id).where(
            LambdaFunction.account_id == account_id, LambdaFunction.name == spec.name
        )
    )
    if existing is not None:
        raise ConflictError(f"Function already exist: {spec.name}")
    now = now or utcnow()
    row = LambdaFunction(
        account_id=account_id,
        name=spec.name,
        arn=function_arn(region, account_id, spec.name),
        kind=spec.kind,
        runtime=spec.runtime,
        handler=spec.handler,
        code_path=spec.code_path,
        code_sha256=spec.code_sha256,
        code_size=spec.code_size,
        url=spec.url,
        timeout=spec.timeout,
        memory_size=spec.memory_size,
        role=spec.role,
        description=spec.description,
        environment=dict(spec.environment) if spec.environment else None,
        policy=None,
        revision_id=str(uuid.uuid4()),
        created_at=now,
        last_modified_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_function(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> LambdaFunction:
    """The function named by ``name`` (name or ARN); :class:`NotFoundError` if there is none."""
    bare = parse_function_name(name, account_id=account_id)
    row = session.scalar(
        select(LambdaFunction).where(LambdaFunction.account_id == account_id, LambdaFunction.name == bare)
    )
    if row is None:
        raise NotFoundError(f"Function not found: {name}")
    return row


def list_functions(session: Session, *, account_id: str = DEFAULT_ACCOUNT_ID) -> list[LambdaFunction]:
    """Every function of the account, by name."""
    return list(
        session.scalars(
            select(LambdaFunction)
            .where(LambdaFunction.account_id == account_id)
            .order_by(LambdaFunction.name)
        )
    )


def delete_function(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> LambdaFunction:
    """Delete the function and return the deleted row (its code folder is the caller's to remove)."""
    row = get_function(session, name, account_id=account_id)
    session.expunge(row)
    session.execute(delete(LambdaFunction).where(LambdaFunction.id == row.id))
    return row


def set_policy(
    session: Session,
    name: str,
    policy: dict[str, Any] | None,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    expected_revision: str | None = None,
    now: datetime | None = None,
) -> LambdaFunction:
    """Replace the function's resource policy (None removes it); bumps the revision id.

    ``expected_revision`` is Lambda's optimistic lock (``RevisionId``): a mismatch is a
    :class:`ConflictError` (PreconditionFailed on the wire).
    """
    row = _locked(session, name, account_id, expected_revision)
    row.policy = policy
    return _touch(session, row, now)


#: The columns UpdateFunctionConfiguration may change.
UPDATABLE = ("role", "timeout", "memory_size", "description", "environment", "handler", "runtime")


def update_function(
    session: Session,
    name: str,
    change: dict[str, Any],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    expected_revision: str | None = None,
    now: datetime | None = None,
) -> LambdaFunction:
    """Apply UpdateFunctionConfiguration's ``change`` (keys of :data:`UPDATABLE`, already
    validated by the caller); bumps the revision id, with the same optimistic lock as
    :func:`set_policy`."""
    unknown = sorted(set(change) - set(UPDATABLE))
    if unknown:
        raise ValidationError(f"cannot update {', '.join(unknown)} of a function")
    row = _locked(session, name, account_id, expected_revision)
    for key, value in change.items():
        setattr(row, key, value)
    return _touch(session, row, now)


def _locked(session: Session, name: str, account_id: str, expected_revision: str | None) -> LambdaFunction:
    """The function, if ``expected_revision`` (Lambda's ``RevisionId``) is None or current."""
    row = get_function(session, name, account_id=account_id)
    if expected_revision is not None and expected_revision != row.revision_id:
        raise ConflictError(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetPolicy API to retrieve the latest Revision Id"
        )
    return row


def _touch(session: Session, row: LambdaFunction, now: datetime | None) -> LambdaFunction:
    """A change: a new revision id and modification time."""
    row.revision_id = str(uuid.uuid4())
    row.last_modified_at = now or utcnow()
    session.flush()
    return row
