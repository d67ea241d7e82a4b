"""The request context that a job's own requests carry, built in one place.

The role tools (``opentruth role check``) and the runtime (``opentruth.cloud``) must supply the
very same keys, or a role that passes the check could fail at run time (or the reverse). Both
build their context here. Only keys a real request would have are set: the engine never invents
keys, so a key left out here is absent for every condition that tests it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from opentruth.errors import ValidationError
from opentruth.iam.arn import parse_arn
from opentruth.iam.patterns import ContextValue

#: The session name under which SageMaker assumes a labeling job's execution role.
SESSION_NAME = "SageMaker"


def _role_parts(role_arn: str) -> tuple[str, str, str]:
    """(partition, account, role name) of a role ARN; the name drops the role's path."""
    arn = parse_arn(role_arn)
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
        raise ValidationError(f"{role_arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    return arn.partition, arn.account, arn.resource.rsplit("/", 1)[-1]


def session_arn(role_arn: str, session_name: str = SESSION_NAME) -> str:
    """``arn:aws:sts::<account>:assumed-role/<RoleName>/<session>``.

    An assumed-role ARN carries the role's name but never its path (AWS drops it).
    """
    partition, account, name = _role_parts(role_arn)
    return f"arn:{partition}:sts::{account}:assumed-role/{name}/{session_name}"


def role_unique_id(role_arn: str) -> str:
    """A stable stand-in for the role's unique id: ``AROA`` plus 17 base32 characters.

    AWS assigns ``AROA…`` ids at role creation and we cannot know the real one, so the id is
    derived from the role's ARN: every check and every run of the same role agree on it.
    """
    digest = hashlib.sha256(role_arn.encode("utf-8")).digest()
    return "AROA" + base64.b32encode(digest).decode("ascii")[:17]


def job_context(
    role_arn: str,
    *,
    now: datetime | None = None,
    session_name: str = SESSION_NAME,
    object_tags: Mapping[str, str] | None = None,
    extra: Mapping[str, ContextValue] | None = None,
) -> dict[str, ContextValue]:
    """The context keys of one request that a job makes through its role's session.

    - ``aws:SecureTransport`` is ``"true"``: the service always calls over TLS.
    - ``aws:CurrentTime`` / ``aws:EpochTime``: ``now`` (UTC; the current time by default).
    - ``aws:PrincipalArn`` is the *role* ARN (AWS documents it so for assumed-role sessions),
      ``aws:PrincipalAccount`` its account, ``aws:userid`` ``<role id>:<session name>``.
    - ``s3:ExistingObjectTag/<key>`` for each tag of an existing object (GetObject and the
      other object-level reads); pass ``object_tags`` only when the tags are known.
    - ``extra``: the action's own keys (``s3:prefix``, ``sns:Endpoint``, ``kms:ViaService``…).
    """
    _partition, account, _name = _role_parts(role_arn)
    when = (now or datetime.now(UTC)).astimezone(UTC)
    ctx: dict[str, ContextValue] = {
        "aws:SecureTransport": "true",
        "aws:CurrentTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(when.timestamp())),
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": account,
        "aws:userid": f"{role_unique_id(role_arn)}:{session_name}",
    }
    if object_tags:
        for key, value in object_tags.items():
            ctx[f"s3:ExistingObjectTag/{key}"] = value
    if extra:
        ctx.update(extra)
    return ctx
