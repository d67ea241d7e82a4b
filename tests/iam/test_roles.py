"""Tests of roles read from get-account-authorization-details, and their policy sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from opentruth.errors import ValidationError
from opentruth.iam import Evaluator, Request
from opentruth.iam.managed import GROUND_TRUTH_EXECUTION_ARN
from opentruth.iam.roles import Role, decode_document

ACCOUNT = "000000000000"
ARN = f"arn:aws:iam::{ACCOUNT}:role/labeling/LabelingRole"
CUSTOMER = f"arn:aws:iam::{ACCOUNT}:policy/LabelingExtras"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/Boundary"
JOB_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/job-1"

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/*"},
            },
        }
    ],
}
INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
}
EXTRAS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Sqs", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
}
BOUNDARY_DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "OnlyLogsAndS3", "Effect": "Allow", "Action": ["logs:*", "s3:*"], "Resource": "*"}],
}


def detail(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Path": "/labeling/",
        "RoleName": "LabelingRole",
        "RoleId": "AROAEXAMPLEEXAMPLE123",
        "Arn": ARN,
        "AssumeRolePolicyDocument": TRUST,
        "RolePolicyList": [{"PolicyName": "inline-logs", "PolicyDocument": INLINE}],
        "AttachedManagedPolicies": [
            {"PolicyName": "AmazonSageMakerGroundTruthExecution", "PolicyArn": GROUND_TRUTH_EXECUTION_ARN},
            {"PolicyName": "LabelingExtras", "PolicyArn": CUSTOMER},
        ],
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": BOUNDARY},
        "Tags": [{"Key": "team", "Value": "vision"}],
        "ManagedPolicyDocuments": {CUSTOMER: EXTRAS, BOUNDARY: BOUNDARY_DOC},
    }
    base.update(overrides)
    return base


def session_request(action: str, resource: str = "*") -> Request:
    return Request(f"arn:aws:sts::{ACCOUNT}:assumed-role/LabelingRole/SageMaker", action, resource)


def test_reads_every_part_of_a_role_detail() -> None:
    role = Role.from_detail(detail())
    assert role.name == "LabelingRole"
    assert role.path == "/labeling/"
    assert role.account == ACCOUNT
    assert role.session_arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/LabelingRole/SageMaker"
    assert [p.name for p in role.inline] == ["inline-logs"]
    assert [p.arn for p in role.attached] == [GROUND_TRUTH_EXECUTION_ARN, CUSTOMER]
    assert role.boundary_arn == BOUNDARY
    assert role.tags == (("team", "vision"),)
    assert role.relies_on(GROUND_TRUTH_EXECUTION_ARN)


def test_policy_set_has_inline_then_managed_identity_and_the_boundary() -> None:
    policies = Role.from_detail(detail()).policy_set
    assert [p.name for p in policies.identity] == [
        "inline-logs",
        "AmazonSageMakerGroundTruthExecution",
        "LabelingExtras",
    ]
    assert policies.boundary is not None
    assert policies.boundary.name == "Boundary"
    ev = Evaluator()
    # Allowed by the inline policy and inside the boundary.
    assert ev.evaluate(policies, session_request("logs:PutLogEvents")).allowed
    # Allowed by the customer managed policy, but the boundary does not allow SQS.
    result = ev.evaluate(policies, session_request("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:q"))
    assert not result.allowed
    assert "boundary" in result.missing


@pytest.mark.parametrize("encode", [json.dumps, lambda d: quote(json.dumps(d), safe="")])
def test_documents_may_be_json_text_or_url_encoded(encode: Any) -> None:
    role = Role.from_detail(
        detail(
            AssumeRolePolicyDocument=encode(TRUST),
            RolePolicyList=[{"PolicyName": "inline-logs", "PolicyDocument": encode(INLINE)}],
        )
    )
    assert role.trust_document == TRUST
    assert role.inline[0].document == INLINE


def test_decode_document_rejects_non_objects() -> None:
    with pytest.raises(ValidationError, match="where"):
        decode_document("[1, 2]", "where")
    with pytest.raises(ValidationError, match="not a JSON policy document"):
        decode_document("%7Bnope", "where")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"RoleName": ""}, "RoleName"),
        ({"Arn": "arn:aws:iam::000000000000:user/alice"}, "not a role ARN"),
        ({"RolePolicyList": [{"PolicyName": "x"}]}, "PolicyDocument"),
        ({"AttachedManagedPolicies": "nope"}, "AttachedManagedPolicies"),
        ({"Tags": [{"Value": "x"}]}, "Tags[0]"),
    ],
)
def test_bad_role_details_name_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        Role.from_detail(detail(**overrides))
    assert message in err.value.message


def test_missing_trust_policy_is_an_error() -> None:
    d = detail()
    del d["AssumeRolePolicyDocument"]
    with pytest.raises(ValidationError, match="AssumeRolePolicyDocument"):
        Role.from_detail(d)


def test_unknown_aws_managed_policy_fails_when_the_policy_set_is_built() -> None:
    unknown = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
    role = Role.from_detail(
        detail(AttachedManagedPolicies=[{"PolicyName": "AmazonEC2FullAccess", "PolicyArn": unknown}])
    )
    with pytest.raises(ValidationError) as err:
        _ = role.policy_set
    assert unknown in err.value.message
    assert "ManagedPolicyDocuments" in err.value.message


def test_malformed_inline_policy_names_the_policy() -> None:
    role = Role.from_detail(
        detail(RolePolicyList=[{"PolicyName": "broken", "PolicyDocument": {"Statement": 3}}])
    )
    with pytest.raises(ValidationError, match="broken"):
        _ = role.policy_set


def authorization_details() -> dict[str, Any]:
    d = detail()
    del d["ManagedPolicyDocuments"]
    old = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    return {
        "UserDetailList": [],
        "RoleDetailList": [{**d, "RoleName": "Other", "Arn": f"arn:aws:iam::{ACCOUNT}:role/Other"}, d],
        "Policies": [
            {
                "PolicyName": "LabelingExtras",
                "Arn": CUSTOMER,
                "DefaultVersionId": "v2",
                "PolicyVersionList": [
                    {"Document": quote(json.dumps(old)), "VersionId": "v1", "IsDefaultVersion": False},
                    {"Document": quote(json.dumps(EXTRAS)), "VersionId": "v2", "IsDefaultVersion": True},
                ],
            },
            {
                "PolicyName": "Boundary",
                "Arn": BOUNDARY,
                "DefaultVersionId": "v1",
                "PolicyVersionList": [{"Document": BOUNDARY_DOC, "VersionId": "v1"}],
            },
        ],
    }


def test_whole_authorization_details_output_uses_default_versions() -> None:
    role = Role.from_authorization_details(authorization_details(), "LabelingRole")
    assert role.arn == ARN
    assert role.managed_documents[CUSTOMER] == EXTRAS
    assert role.managed_documents[BOUNDARY] == BOUNDARY_DOC
    assert [p.name for p in role.policy_set.identity][-1] == "LabelingExtras"


def test_load_requires_role_name_for_authorization_details(tmp_path: Path) -> None:
    path = tmp_path / "details.json"
    path.write_text(json.dumps(authorization_details()))
    with pytest.raises(ValidationError) as err:
        Role.load(path)
    assert "--role-name" in err.value.message
    assert "LabelingRole" in err.value.message
    assert Role.load(path, "LabelingRole").name == "LabelingRole"
    with pytest.raises(ValidationError, match="not in RoleDetailList"):
        Role.load(path, "Missing")


def test_load_reads_a_role_file_and_checks_the_name(tmp_path: Path) -> None:
    path = tmp_path / "role.json"
    path.write_text(json.dumps(detail()))
    assert Role.load(path).name == "LabelingRole"
    with pytest.raises(ValidationError, match="describes role"):
        Role.load(path, "Other")
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="not valid JSON"):
        Role.load(path)


def test_to_detail_round_trips() -> None:
    role = Role.from_detail(detail())
    again = Role.from_detail(json.loads(json.dumps(role.to_detail())))
    assert again == role
    assert role.to_detail()["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY


def test_trust_allows_sagemaker_for_this_accounts_jobs_only() -> None:
    role = Role.from_detail(detail())
    assert role.trust_allows("sagemaker.amazonaws.com", ACCOUNT, JOB_ARN).allowed
    assert not role.trust_allows("sagemaker.amazonaws.com", "111122223333", JOB_ARN).allowed
    other_job = "arn:aws:sagemaker:us-east-1:000000000000:training-job/x"
    assert not role.trust_allows("sagemaker.amazonaws.com", ACCOUNT, other_job).allowed
    assert not role.trust_allows("lambda.amazonaws.com", ACCOUNT, JOB_ARN).allowed
    # Without the confused-deputy keys, the conditions cannot hold.
    assert not role.trust_allows("sagemaker.amazonaws.com", None, None).allowed


def test_get_role_output_is_accepted() -> None:
    d = detail()
    for key in ("RolePolicyList", "AttachedManagedPolicies", "PermissionsBoundary", "ManagedPolicyDocuments"):
        del d[key]
    role = Role.from_detail({"Role": d})
    assert role.policy_set.identity == ()
