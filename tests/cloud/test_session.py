"""RoleSession: the trust check, the exact denial, and the request context it supplies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from opentruth.cloud.session import (
    SAGEMAKER_PRINCIPAL,
    RoleAccessDeniedError,
    RoleSession,
    SessionNotAssumedError,
)
from opentruth.errors import AccessDeniedError
from opentruth.iam import Decision, Evaluator, NamedPolicy, PolicySet, Request, Result, parse_policy
from opentruth.iam.context import role_unique_id
from opentruth.iam.roles import Role

ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/GroundTruthExecutionRole"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/GroundTruthExecutionRole/SageMaker"
JOB_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/my-job"
NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def trust(condition: dict[str, Any] | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


def make_role(
    statements: list[dict[str, Any]],
    trust_doc: dict[str, Any] | None = None,
    boundary: dict[str, Any] | None = None,
) -> Role:
    detail: dict[str, Any] = {
        "RoleName": "GroundTruthExecutionRole",
        "Arn": ROLE_ARN,
        "Path": "/service-role/",
        "AssumeRolePolicyDocument": trust_doc or trust(),
        "RolePolicyList": [
            {"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
        ],
    }
    if boundary is not None:
        arn = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
        detail["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
        detail["ManagedPolicyDocuments"] = {arn: boundary}
    return Role.from_detail(detail)


class RecordingEvaluator(Evaluator):
    """A real evaluator that also keeps the requests it was asked to decide."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []

    def evaluate(self, policies: PolicySet, request: Request) -> Result:
        self.requests.append(request)
        return super().evaluate(policies, request)


def session(role: Role, evaluator: Evaluator | None = None) -> RoleSession:
    return RoleSession(
        role, account=ACCOUNT, region="us-east-1", evaluator=evaluator or Evaluator(), clock=lambda: NOW
    )


GET_ALL = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*sagemaker*/*"}


def test_session_arn_drops_the_role_path() -> None:
    assert session(make_role([GET_ALL])).arn == SESSION_ARN


def test_assume_then_authorize() -> None:
    s = session(make_role([GET_ALL])).assume(JOB_ARN)
    assert s.assumed
    result = s.authorize("s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/in.manifest")
    assert result.decision is Decision.ALLOWED
    assert [str(r) for r in result.allowed_by] == ["inline/#0"]


def test_requests_before_assume_are_refused() -> None:
    with pytest.raises(SessionNotAssumedError):
        session(make_role([GET_ALL])).authorize("s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/k")


def test_trust_policy_without_sagemaker_is_denied() -> None:
    other = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    s = session(make_role([GET_ALL], trust_doc=other))
    with pytest.raises(RoleAccessDeniedError) as exc:
        s.assume(JOB_ARN)
    assert exc.value.message == (
        f"User: {SAGEMAKER_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
    )
    assert exc.value.result.decision is Decision.IMPLICIT_DENY
    assert not s.assumed


def test_trust_confused_deputy_conditions_use_source_keys() -> None:
    cond = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"{JOB_ARN[:-6]}my-*"},
    }
    role = make_role([GET_ALL], trust_doc=trust(cond))
    session(role).assume(JOB_ARN)  # the job's account and ARN match
    with pytest.raises(RoleAccessDeniedError):
        session(role).assume(f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/other-job")
    foreign = RoleSession(role, account="999999999999", region="us-east-1", evaluator=Evaluator())
    with pytest.raises(RoleAccessDeniedError):
        foreign.assume(JOB_ARN)


def test_assume_role_request_carries_only_the_source_keys() -> None:
    ev = RecordingEvaluator()
    session(make_role([GET_ALL]), ev).assume(JOB_ARN)
    (req,) = ev.requests
    assert (req.principal, req.action, req.resource) == (SAGEMAKER_PRINCIPAL, "sts:AssumeRole", ROLE_ARN)
    assert dict(req.context) == {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": JOB_ARN}


def test_denial_message_is_exactly_awss() -> None:
    s = session(make_role([GET_ALL])).assume(JOB_ARN)
    resource = "arn:aws:s3:::my-sagemaker-bucket/out/output.manifest"
    with pytest.raises(RoleAccessDeniedError) as exc:
        s.authorize("s3:PutObject", resource)
    err = exc.value
    assert isinstance(err, AccessDeniedError)
    assert (
        err.message
        == f"User: {SESSION_ARN} is not authorized to perform: s3:PutObject on resource: {resource}"
    )
    assert str(err) == err.message
    assert err.failure_reason == "ClientError: " + err.message
    assert (err.principal, err.action, err.resource) == (SESSION_ARN, "s3:PutObject", resource)
    assert err.result.decision is Decision.IMPLICIT_DENY
    assert "identity" in err.result.missing


def test_explicit_deny_keeps_the_deciding_statement() -> None:
    deny = {
        "Sid": "NoOutput",
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::*/secret/*",
    }
    s = session(make_role([GET_ALL, deny])).assume(JOB_ARN)
    with pytest.raises(RoleAccessDeniedError) as exc:
        s.authorize("s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/secret/x")
    assert exc.value.result.decision is Decision.EXPLICIT_DENY
    assert [str(r) for r in exc.value.result.denied_by] == ["inline/NoOutput"]


def test_context_keys_present_and_nothing_invented() -> None:
    ev = RecordingEvaluator()
    s = session(make_role([GET_ALL]), ev).assume(JOB_ARN)
    s.authorize(
        "s3:GetObject",
        "arn:aws:s3:::my-sagemaker-bucket/k",
        context={"s3:prefix": "in/"},
        object_tags={"SageMaker": "true"},
    )
    req = ev.requests[-1]
    assert req.principal == SESSION_ARN
    assert dict(req.context) == {
        "aws:SecureTransport": "true",
        "aws:CurrentTime": "2025-03-04T05:06:07Z",
        "aws:EpochTime": str(int(NOW.timestamp())),
        "aws:PrincipalArn": ROLE_ARN,  # the role, not the session: AWS sets it so for role sessions
        "aws:PrincipalAccount": ACCOUNT,
        "aws:userid": f"{role_unique_id(ROLE_ARN)}:SageMaker",
        "s3:ExistingObjectTag/SageMaker": "true",
        "s3:prefix": "in/",
    }


def test_condition_on_context_keys_decides() -> None:
    tls_only = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {
            "Bool": {"aws:SecureTransport": "true"},
            "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
        },
    }
    s = session(make_role([tls_only])).assume(JOB_ARN)
    assert s.authorize("s3:GetObject", "arn:aws:s3:::any-bucket/k").allowed
    # A username variable is absent for roles: the statement never matches (no key invented).
    by_user = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}
    s2 = session(make_role([by_user])).assume(JOB_ARN)
    with pytest.raises(RoleAccessDeniedError):
        s2.authorize("s3:GetObject", "arn:aws:s3:::b/GroundTruthExecutionRole/k")


def test_boundary_filters_and_resource_policy_grants() -> None:
    boundary = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}],
    }
    s = session(make_role([GET_ALL], boundary=boundary)).assume(JOB_ARN)
    with pytest.raises(RoleAccessDeniedError) as exc:
        s.authorize("s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/k")
    assert exc.value.result.missing == ("boundary",)
    # A same-account bucket policy naming the session grants on its own.
    bucket_policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": SESSION_ARN},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::my-sagemaker-bucket/*",
                }
            ],
        },
        name="bucket",
    )
    res = s.authorize(
        "s3:GetObject",
        "arn:aws:s3:::my-sagemaker-bucket/k",
        resource_policy=NamedPolicy("bucket", bucket_policy),
        resource_account=ACCOUNT,
    )
    assert res.allowed
    # Cross-account: the bucket's grant alone is not enough without the identity side.
    with pytest.raises(RoleAccessDeniedError):
        s.authorize(
            "s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/k", resource_policy=bucket_policy,
            resource_account="999999999999",
        )  # fmt: skip


def test_decisions_are_counted() -> None:
    s = session(make_role([GET_ALL])).assume(JOB_ARN)
    for _ in range(3):
        s.authorize("s3:GetObject", "arn:aws:s3:::my-sagemaker-bucket/k")
    with pytest.raises(RoleAccessDeniedError):
        s.authorize("s3:PutObject", "arn:aws:s3:::my-sagemaker-bucket/k")
    counts = s.counts()
    assert (counts.allowed, counts.denied) == (4, 1)  # three reads and the AssumeRole
    assert counts.by_action[("s3:GetObject", "Allowed")] == 3
    assert counts.by_action[("s3:PutObject", "ImplicitlyDenied")] == 1
    assert counts.by_action[("sts:AssumeRole", "Allowed")] == 1
