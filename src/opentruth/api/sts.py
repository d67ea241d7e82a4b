"""The STS API: AssumeRole and GetCallerIdentity (query protocol).

AssumeRole is decided by the IAM engine with the role's trust policy as the resource policy and
the caller's own policies as the identity side, which gives AWS's rules: a trust policy that
names the caller (user or role ARN) grants by itself; one that names the account (``:root``)
only delegates, so the caller also needs an identity allow of ``sts:AssumeRole``; an explicit
deny anywhere wins. A missing role is reported as the same denial, as AWS does (it must not
reveal whether the role exists).
"""

from __future__ import annotations

import json
from typing import Any

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, Operation, query_service
from opentruth.db import repo_iam
from opentruth.db.repo_iam_common import NoSuchEntityError
from opentruth.db.repo_iam_roles import MAX_SESSION_LIMIT, role_info
from opentruth.errors import AccessDeniedError, ValidationError
from opentruth.iam.evaluate import NamedPolicy, PolicySet, Request
from opentruth.iam.roles import TRUST_POLICY_NAME, Role

#: Role chaining (a role session assuming a role) is limited to one hour by AWS.
CHAINED_MAX = 3600


def assume_role(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    caller = call.caller
    arn, session_name = p["RoleArn"], p["RoleSessionName"]
    duration = int(p.get("DurationSeconds", 3600))
    if p.get("PolicyArns") or p.get("Tags") or p.get("TransitiveTagKeys"):
        raise ValidationError(
            "opentruth's AssumeRole supports Policy (an inline session policy) but not PolicyArns or Tags"
        )

    def run(session: Any) -> dict[str, Any]:
        try:
            role: Role = repo_iam.get_role(session, arn)
        except NoSuchEntityError:
            raise AccessDeniedError(caller.arn, "sts:AssumeRole", arn) from None
        policies = PolicySet(
            identity=caller.policies.identity,
            resource=NamedPolicy(TRUST_POLICY_NAME, role.trust_policy),
            boundary=caller.policies.boundary,
            session=caller.policies.session,
        )
        request = Request(
            principal=caller.arn, action="sts:AssumeRole", resource=role.arn, context=call.context()
        )
        if not call.resources.evaluator.evaluate(policies, request).allowed:
            raise AccessDeniedError(caller.arn, "sts:AssumeRole", arn)
        limit = CHAINED_MAX if caller.kind == "assumed-role" else _max_session(session, role)
        if duration > limit:
            raise ValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role "
                f"({limit} seconds)."
            )
        creds = repo_iam.create_session(
            session,
            call.resources.box,
            role.arn,
            session_name,
            issued_to=caller.arn,
            duration_seconds=duration,
            session_policy=p.get("Policy"),
            now=call.resources.clock(),
        )
        out: dict[str, Any] = {
            "Credentials": {
                "AccessKeyId": creds.key_id,
                "SecretAccessKey": creds.secret,
                "SessionToken": creds.token,
                "Expiration": creds.expires_at,
            },
            "AssumedRoleUser": {"AssumedRoleId": creds.assumed_role_id, "Arn": creds.arn},
        }
        if p.get("Policy"):
            # A percentage of AWS's packed-policy budget; only its presence matters to clients.
            out["PackedPolicySize"] = min(100, len(json.dumps(p["Policy"])) * 100 // 2048)
        return out

    return call.resources.db.run(run)


def _max_session(session: Any, role: Role) -> int:
    _role, info = role_info(session, role.name, role.account)
    return min(int(info.get("MaxSessionDuration", 3600)), MAX_SESSION_LIMIT)


def get_caller_identity(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
    # No permission is needed: AWS answers GetCallerIdentity even when every action is denied.
    caller = call.caller
    return {"UserId": caller.userid, "Account": caller.account, "Arn": caller.arn}


OPERATIONS: dict[str, Operation] = {"AssumeRole": assume_role, "GetCallerIdentity": get_caller_identity}


def sts_handler() -> Handler:
    """The handler to register as service ``sts``."""
    return query_service("sts", OPERATIONS)
