"""Shared pieces of the IAM store: its errors, id and secret generators, document checks.

The errors carry IAM's own wire codes (``NoSuchEntity``, ``EntityAlreadyExists``…) so the query
protocol answers exactly what boto3's ``iam`` client models, while still deriving from the one
exception tree (a ``NoSuchEntityError`` *is* a :class:`~opentruth.errors.NotFoundError`).

Note on layering: the IAM store returns :class:`opentruth.iam.roles.Role` and policy sets, so
these modules import :mod:`opentruth.iam` (which imports nothing of ``db``); the rest of ``db``
stays free of it.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opentruth.db.models_iam import IamState, IamUser
from opentruth.errors import ConflictError, LimitExceededError, NotFoundError, OpenTruthError, ValidationError
from opentruth.iam.findings import Finding, Severity
from opentruth.iam.policy import PolicyError
from opentruth.iam.roles import decode_document
from opentruth.iam.store_rules import SYNTAX, iam_message, size_refusal, store_refusals
from opentruth.iam.validate import PolicyType


class NoSuchEntityError(NotFoundError):
    """IAM's ``NoSuchEntity``: the user, role, policy or key does not exist."""

    aws_code = "NoSuchEntity"
    http_status = 404


class EntityAlreadyExistsError(ConflictError):
    """IAM's ``EntityAlreadyExists``."""

    aws_code = "EntityAlreadyExists"
    http_status = 409


class DeleteConflictError(ConflictError):
    """IAM's ``DeleteConflict``: the entity still has something attached (as AWS refuses too)."""

    aws_code = "DeleteConflict"
    http_status = 409


class IamLimitExceededError(LimitExceededError):
    """IAM's ``LimitExceeded`` (five versions of a policy, two access keys of a user...)."""

    aws_code = "LimitExceeded"
    http_status = 409


class UnknownAccessKeyError(NotFoundError):
    """No active access key or session with that id. The API answers with its protocol's code
    (``InvalidClientTokenId``, ``UnrecognizedClientException`` or ``InvalidAccessKeyId``)."""

    aws_code = "InvalidClientTokenId"
    http_status = 403


class ExpiredTokenError(OpenTruthError):
    """The temporary credentials of an assumed-role session have expired."""

    aws_code = "ExpiredToken"
    http_status = 400


# IAM's name and path rules (the iam service model's patterns).
_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
_POLICY_NAME_RE = re.compile(r"^[\w+=,.@-]{1,128}$")
_PATH_RE = re.compile(r"^(/|/[\x21-\x7e]{1,510}/)$")
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def check_name(name: object, what: str, policy: bool = False) -> str:
    """``name`` if it is a valid IAM name, else a :class:`ValidationError` naming the rule."""
    pattern = _POLICY_NAME_RE if policy else _NAME_RE
    if not isinstance(name, str) or not pattern.match(name):
        limit = 128 if policy else 64
        raise ValidationError(
            f"{what} {name!r} is not a valid name: use 1 to {limit} letters, digits or the characters +=,.@_-"
        )
    return name


def check_path(path: object, what: str) -> str:
    """``path`` if it is a valid IAM path (``/`` or ``/a/b/``)."""
    if not isinstance(path, str) or not _PATH_RE.match(path):
        raise ValidationError(f"{what} path {path!r} must be '/' or begin and end with '/' (e.g. /service/)")
    return path


def new_id(prefix: str, length: int = 21) -> str:
    """An AWS-style unique id: ``prefix`` then base32 capitals and digits (``AIDA…``, ``AKIA…``)."""
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(length - len(prefix)))


def new_secret() -> str:
    """A 40-character secret access key from AWS's alphabet."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def new_session_token() -> str:
    """An opaque session token (base64, as long as AWS's are)."""
    return base64.b64encode(secrets.token_bytes(264)).decode("ascii")


def iam_arn(account_id: str, kind: str, path: str, name: str) -> str:
    """``arn:aws:iam::<account>:<kind><path><name>`` (``role/``, ``user/``, ``policy/``)."""
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


def bump_generation(session: Session, account_id: str) -> None:
    """Record that IAM data of the account changed (drops every process's caller cache)."""
    state = session.get(IamState, account_id)
    if state is None:
        session.add(IamState(account_id=account_id, generation=2))
        session.flush()
        return
    session.execute(
        update(IamState).where(IamState.account_id == account_id).values(generation=IamState.generation + 1)
    )


def generation(session: Session, account_id: str) -> int:
    """The IAM generation of the account (changes whenever any IAM data changes)."""
    value = session.scalar(select(IamState.generation).where(IamState.account_id == account_id))
    return int(value or 1)


def check_document(
    document: object,
    policy_type: PolicyType,
    where: str,
    managed: bool = False,
    *,
    entity: str = "",
) -> dict[str, Any]:
    """A policy document (dict, JSON or URL-encoded JSON) as IAM would store it.

    IAM refuses only grammar errors (:class:`~opentruth.iam.policy.PolicyError`, that is
    ``MalformedPolicyDocument``, worded as IAM words it and prefixed by ``where``) and broken
    size quotas (``LimitExceeded``); every other finding of the validator is left for
    ``opentruth iam lint`` (see :mod:`opentruth.iam.store_rules`). ``entity`` names the owner
    of an inline policy (``role R``, ``user U``): its quota differs, and is on the sum of its
    inline policies (see :func:`check_inline_quota`).
    """
    try:
        doc = decode_document(document, where)
    except ValidationError as exc:
        finding = Finding(Severity.ERROR, "INVALID_JSON", exc.message, "$")
        # (JSON that is not an object is a syntax error for IAM, not invalid JSON.)
        sentence = SYNTAX if "must be a JSON object" in exc.message else "This policy contains invalid Json"
        raise PolicyError([finding], f"{sentence} ({exc.message})") from None
    findings = store_refusals(doc, policy_type, managed=managed)
    if findings:
        # IAM's sentence first, verbatim (scripts match on it), then which policy and where.
        first = findings[0]
        extra = f"; and {len(findings) - 1} more" if len(findings) > 1 else ""
        raise PolicyError(
            findings, f"{iam_message(doc, first)} ({where}: {first.message} at {first.path}{extra})"
        )
    if policy_type is not PolicyType.SESSION:
        quota = size_refusal(policy_type, managed, [doc], entity)
        if quota:
            raise IamLimitExceededError(quota)
    return doc


def check_inline_quota(docs: Iterable[Mapping[str, Any]], entity: str) -> None:
    """IAM's ``LimitExceeded`` when all inline policies of ``entity`` (``role R``, ``user U``)
    together exceed its quota."""
    quota = size_refusal(PolicyType.IDENTITY, False, docs, entity)
    if quota:
        raise IamLimitExceededError(quota)


def tags_list(tags: object, where: str) -> list[dict[str, str]]:
    """Tags as IAM's ``[{"Key", "Value"}]`` list, from that list or a ``{key: value}`` mapping."""
    if tags is None:
        return []
    if isinstance(tags, Mapping):
        return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()]
    if not isinstance(tags, list):
        raise ValidationError(f'{where}: Tags must be a list of {{"Key": ..., "Value": ...}}')
    out: list[dict[str, str]] = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, Mapping) or not isinstance(tag.get("Key"), str):
            raise ValidationError(f'{where}: Tags[{i}] must be {{"Key": ..., "Value": ...}}')
        out.append({"Key": tag["Key"], "Value": str(tag.get("Value", ""))})
    return out


def user_row(session: Session, name: str, account_id: str) -> IamUser:
    """The user ``name`` (IAM user names are case-insensitive), or IAM's ``NoSuchEntity``."""
    row = session.scalar(
        select(IamUser).where(IamUser.account_id == account_id, IamUser.name_key == name.lower())
    )
    if row is None:
        raise NoSuchEntityError(f"The user with name {name} cannot be found.")
    return row
