"""Authorising API calls: the caller's own policies, the operation's action and resource ARN.

Every API handler calls :func:`authorize` (or :meth:`opentruth.api.app.AwsCall.authorize`, which
adds the request's context keys) before it touches anything. A denial raises
:class:`~opentruth.errors.AccessDeniedError` worded exactly as AWS words it::

    User: arn:aws:iam::000000000000:user/alice is not authorized to perform: iam:PassRole
    on resource: arn:aws:iam::000000000000:role/R

The protocol layer sends it as ``AccessDenied`` (query protocols, HTTP 403) or
``AccessDeniedException`` (JSON protocols).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from opentruth.db.repo_iam import Caller
from opentruth.errors import AccessDeniedError
from opentruth.iam.evaluate import Evaluator, NamedPolicy, PolicySet, Request, Result
from opentruth.iam.patterns import ContextValue
from opentruth.iam.policy import Policy

_DEFAULT_EVALUATOR = Evaluator()


def request_context(
    caller: Caller, *, source_ip: str | None, secure: bool, now: datetime | None = None
) -> dict[str, ContextValue]:
    """The global condition keys of one API request by ``caller``.

    ``aws:SecureTransport`` is ``false`` on plain HTTP (opentruth listens on 127.0.0.1 without
    TLS by default), so a policy that demands TLS denies, as it would on AWS.
    """
    when = (now or datetime.now(UTC)).astimezone(UTC)
    ctx: dict[str, ContextValue] = {
        "aws:SecureTransport": "true" if secure else "false",
        "aws:CurrentTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(when.timestamp())),
        "aws:ViaAWSService": "false",
    }
    if source_ip:
        ctx["aws:SourceIp"] = source_ip
    ctx.update(caller.context())
    return ctx


def authorize(
    caller: Caller,
    action: str,
    resource: str,
    *,
    context: Mapping[str, ContextValue] | None = None,
    resource_policy: Policy | NamedPolicy | None = None,
    resource_account: str | None = None,
    evaluator: Evaluator | None = None,
) -> Result:
    """Allow ``caller`` to do ``action`` on ``resource`` or raise :class:`AccessDeniedError`.

    ``context`` should come from :func:`request_context` (plus the action's own keys);
    ``resource_policy`` is the resource's policy where it has one (a bucket policy), evaluated
    with the caller's policies as AWS does (an explicit deny anywhere wins).
    """
    named: NamedPolicy | None
    if isinstance(resource_policy, Policy):
        named = NamedPolicy("resource", resource_policy)
    else:
        named = resource_policy
    policies = PolicySet(
        identity=caller.policies.identity,
        resource=named,
        boundary=caller.policies.boundary,
        session=caller.policies.session,
    )
    ctx = dict(context) if context is not None else caller.context()
    request = Request(
        principal=caller.arn, action=action, resource=resource, context=ctx, resource_account=resource_account
    )
    result = (evaluator or _DEFAULT_EVALUATOR).evaluate(policies, request)
    if not result.allowed:
        raise AccessDeniedError(caller.arn, action, resource)
    return result


def require_pass_role(
    caller: Caller,
    role_arn: str,
    service: str,
    *,
    context: Mapping[str, ContextValue] | None = None,
    evaluator: Evaluator | None = None,
) -> Result:
    """``iam:PassRole`` on ``role_arn`` with ``iam:PassedToService`` = ``service``.

    What CreateLabelingJob needs besides ``sagemaker:CreateLabelingJob``: the caller may hand
    the role to SageMaker (``service="sagemaker.amazonaws.com"``).
    """
    ctx: dict[str, ContextValue] = dict(context) if context is not None else caller.context()
    ctx["iam:PassedToService"] = service
    return authorize(caller, "iam:PassRole", role_arn, context=ctx, evaluator=evaluator)
