"""Helpers shared by the IAM operations: transactions, ARNs, documents on the wire, paging."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy.orm import Session

from opentruth.api.call import AwsCall
from opentruth.db.repo_iam_common import iam_arn
from opentruth.db.repo_iam_roles import find_role_arn
from opentruth.errors import ValidationError
from opentruth.iam.patterns import ContextValue
from opentruth.iam.roles import Role

T = TypeVar("T")
_DEFAULT_MAX_ITEMS = 100


def write(call: AwsCall, fn: Callable[[Session], T]) -> T:
    """Run ``fn`` in a read-write transaction (retried on transient database errors)."""
    return call.resources.db.run(fn)


def read(call: AwsCall, fn: Callable[[Session], T]) -> T:
    """Run ``fn`` in a read-only transaction."""
    with call.resources.db.read() as session:
        return fn(session)


def encode_document(document: object) -> str:
    """A policy document as IAM sends it: URL-encoded JSON (botocore decodes it for boto3)."""
    return quote(json.dumps(document, separators=(",", ":")), safe="")


def role_arn(call: AwsCall, name: str, path: str | None = None) -> str:
    """The ARN to authorise a role operation on: the stored role's, else ``role/<path><name>``."""
    if path is None:
        stored = read(call, lambda s: find_role_arn(s, name, call.account_id))
        if stored:
            return stored
        path = "/"
    return iam_arn(call.account_id, "role", path, name)


def tag_keys(tags: Sequence[dict[str, str]] | None) -> dict[str, ContextValue]:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` for an operation that sets tags."""
    if not tags:
        return {}
    ctx: dict[str, ContextValue] = {f"aws:RequestTag/{t['Key']}": t.get("Value", "") for t in tags}
    ctx["aws:TagKeys"] = [t["Key"] for t in tags]
    return ctx


def role_to_api(role: Role, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``Role`` structure of IAM's API."""
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "AssumeRolePolicyDocument": encode_document(role.trust_document),
    }
    out.update(extra or {})
    if role.boundary_arn:
        out["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": role.boundary_arn,
        }
    if role.tags:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in role.tags]
    return out


def page(items: Sequence[T], params: dict[str, Any]) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` for IAM's ``Marker``/``MaxItems``; returns it and the paging fields."""
    start = 0
    marker = params.get("Marker")
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode())
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise ValidationError(f"Marker {marker[:40]!r} is not a marker this API returned") from None
    size = int(params.get("MaxItems") or _DEFAULT_MAX_ITEMS)
    chunk = list(items[start : start + size])
    more = start + size < len(items)
    fields: dict[str, Any] = {"IsTruncated": more}
    if more:
        fields["Marker"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return chunk, fields
