"""Tests of policy validation: one test (at least) per finding code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.iam.findings import Finding, Severity
from opentruth.iam.validate import (
    INLINE_ROLE_POLICY_LIMIT,
    MANAGED_POLICY_LIMIT,
    PolicyType,
    validate_policy,
)

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
V = "2012-10-17"


def policy(*statements: dict[str, Any], version: str | None = V) -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def one(findings: list[Finding], code: str) -> Finding:
    hits = only(findings, code)
    assert len(hits) == 1, f"expected one {code}, got {findings}"
    return hits[0]


GOOD = policy(
    {"Sid": "S3ViewBuckets", **allow(["s3:ListBucket", "s3:GetBucketLocation"], "arn:aws:s3:::in-bucket")},
    {"Sid": "S3Objects", **allow(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::in-bucket/*"])},
    {
        "Sid": "PassToSageMaker",
        **allow(
            "iam:PassRole",
            "arn:aws:iam::111122223333:role/Exec",
            Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    },
)


def test_a_correct_policy_has_no_findings() -> None:
    assert validate_policy(GOOD) == []
    assert validate_policy(json.dumps(GOOD)) == []


# -- the seed and the managed policy ---------------------------------------------------------


def test_seed_streaming_example_is_flagged_for_every_sqs_topic_arn() -> None:
    text = (SEED / "streaming-execution-policy.json").read_text()
    doc = json.loads(text)
    findings = validate_policy(text)
    flagged = {f.path for f in only(findings, "RESOURCE_TYPE_MISMATCH")}
    expected = set()
    for i, st in enumerate(doc["Statement"]):
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if any(a.startswith("sns:") for a in actions):
            for j, resource in enumerate(st["Resource"]):
                assert resource.startswith("arn:aws:sqs:")
                expected.add(f"$.Statement[{i}].Resource[{j}]")
    assert {"sns:Subscribe", "sns:Publish", "sns:Unsubscribe"} <= {
        a
        for st in doc["Statement"]
        for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    }
    assert flagged == expected
    assert len(expected) == 6
    for f in only(findings, "RESOURCE_TYPE_MISMATCH"):
        assert f.severity is Severity.ERROR
        assert "arn:aws:sns:" in f.message  # says what to write instead


def test_seed_streaming_example_with_sns_arns_is_clean_apart_from_send_message_batch() -> None:
    text = (
        (SEED / "streaming-execution-policy.json")
        .read_text()
        .replace("arn:aws:sqs:us-east-1:111122223333:my-", "arn:aws:sns:us-east-1:111122223333:my-")
    )
    findings = validate_policy(text)
    # sqs:SendMessageBatch is authorised by sqs:SendMessage; IAM has no such action.
    assert [(f.code, f.path) for f in findings] == [("UNKNOWN_ACTION", "$.Statement[4].Action[6]")]


def test_managed_ground_truth_policy_has_no_error() -> None:
    text = (SEED / "AmazonSageMakerGroundTruthExecution.json").read_text()
    findings = validate_policy(text, managed=True)
    assert [f for f in findings if f.severity is Severity.ERROR] == []


# -- actions ---------------------------------------------------------------------------------


def test_unknown_service() -> None:
    f = one(validate_policy(policy(allow(["s3:GetObject", "sagemakr:CreateLabelingJob"]))), "UNKNOWN_SERVICE")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Action[1]"
    assert "did you mean sagemaker" in f.message


def test_unknown_action_suggests_the_right_name() -> None:
    f = one(validate_policy(policy(allow("s3:GetObjekt"))), "UNKNOWN_ACTION")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Action"
    assert "GetObject" in f.message


def test_actions_are_case_insensitive() -> None:
    assert validate_policy(policy(allow(["S3:getobject", "SNS:publish"]))) == []


def test_wildcard_matching_no_action() -> None:
    findings = validate_policy(policy(allow(["s3:Get*", "s3:Gte*"])))
    f = one(findings, "NO_MATCHING_ACTION")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Action[1]"


def test_wildcard_in_service_prefix() -> None:
    findings = validate_policy(policy(allow("s*:GetObject")))
    f = one(findings, "INVALID_ACTION")
    assert f.severity is Severity.ERROR
    assert "wildcard" in f.message
    assert f.path == "$.Statement[0].Action"


def test_unknown_not_action_is_reported_too() -> None:
    doc = policy({"Effect": "Deny", "NotAction": ["s3:GetObjekt"], "Resource": "*"})
    assert one(validate_policy(doc), "UNKNOWN_ACTION").path == "$.Statement[0].NotAction[0]"


# -- resources -------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["my-bucket", "arn:aws:s3", "arn:aws:sqs:<aws-region>:111122223333:q"])
def test_malformed_arn(resource: str) -> None:
    f = one(validate_policy(policy(allow("s3:GetObject", [resource]))), "INVALID_ARN")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Resource[0]"


def test_placeholder_left_in_arn() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::<input-bucket-name>/*"))
    f = one(validate_policy(doc), "PLACEHOLDER_IN_ARN")
    assert f.severity is Severity.WARNING


def test_resource_type_mismatch_sns_on_sqs_arn() -> None:
    doc = policy(allow("sns:Subscribe", "arn:aws:sqs:us-east-1:111122223333:topic"))
    f = one(validate_policy(doc), "RESOURCE_TYPE_MISMATCH")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Resource"
    assert "arn:aws:sns:us-east-1:111122223333:topic" in f.message


def test_list_bucket_on_object_arn_and_get_object_on_bucket_arn() -> None:
    findings = validate_policy(
        policy(allow("s3:ListBucket", "arn:aws:s3:::b/*"), allow("s3:GetObject", "arn:aws:s3:::b"))
    )
    paths = [f.path for f in only(findings, "RESOURCE_TYPE_MISMATCH")]
    assert paths == ["$.Statement[0].Resource", "$.Statement[1].Resource"]
    assert "bucket" in only(findings, "RESOURCE_TYPE_MISMATCH")[0].message


def test_a_resource_that_fits_one_of_the_actions_is_fine() -> None:
    doc = policy(allow(["s3:ListBucket", "s3:GetObject"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]))
    assert validate_policy(doc) == []


def test_service_wildcard_action_uses_every_resource_type_of_the_service() -> None:
    assert validate_policy(policy(allow("s3:*", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]))) == []
    assert one(validate_policy(policy(allow("s3:*", "arn:aws:sqs:*:*:q"))), "RESOURCE_TYPE_MISMATCH")


def test_wildcard_only_action_needs_star() -> None:
    doc = policy(allow("sts:GetCallerIdentity", "arn:aws:iam::111122223333:role/R"))
    f = one(validate_policy(doc), "WILDCARD_RESOURCE_REQUIRED")
    assert f.severity is Severity.ERROR
    assert '"Resource": "*"' in f.message
    assert validate_policy(policy(allow("sts:GetCallerIdentity", "*"))) == []


# -- conditions ------------------------------------------------------------------------------


def test_unknown_condition_operator() -> None:
    doc = policy(allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringEqualz": {"s3:prefix": "x/"}}))
    f = one(validate_policy(doc), "UNKNOWN_OPERATOR")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Condition.StringEqualz"


def test_condition_key_not_applicable() -> None:
    doc = policy(
        allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"StringEquals": {"s3:prefix": "x/"}}),
        allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringEquals": {"s3:prefix": "x/"}}),
    )
    f = one(validate_policy(doc), "CONDITION_KEY_NOT_APPLICABLE")
    assert f.severity is Severity.WARNING
    assert f.path == '$.Statement[0].Condition.StringEquals["s3:prefix"]'


def test_tag_keys_and_global_keys_apply() -> None:
    doc = policy(
        allow(
            "s3:GetObject",
            "*",
            Condition={
                "StringEqualsIgnoreCase": {"s3:ExistingObjectTag/SageMaker": "true"},
                "Bool": {"aws:SecureTransport": "true"},
                "StringEquals": {"aws:PrincipalTag/team": "a", "AWS:SOURCEACCOUNT": "111122223333"},
            },
        )
    )
    assert validate_policy(doc) == []


def test_unknown_global_condition_key() -> None:
    doc = policy(allow("s3:GetObject", "*", Condition={"Bool": {"aws:SecureTransprot": "true"}}))
    f = one(validate_policy(doc), "UNKNOWN_GLOBAL_CONDITION_KEY")
    assert f.severity is Severity.WARNING
    assert "aws:SecureTransport" in f.message


def test_for_all_values_with_single_valued_key_in_allow() -> None:
    cond = {"ForAllValues:StringEquals": {"aws:PrincipalAccount": "111122223333"}}
    f = one(
        validate_policy(policy(allow("s3:GetObject", "*", Condition=cond))),
        "FOR_ALL_VALUES_SINGLE_VALUED_KEY",
    )
    assert f.severity is Severity.SECURITY_WARNING
    multi = {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}
    assert validate_policy(policy(allow("s3:PutObjectTagging", "*", Condition=multi))) == []
    deny = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": cond}
    assert only(validate_policy(policy(deny)), "FOR_ALL_VALUES_SINGLE_VALUED_KEY") == []


def test_empty_condition_object() -> None:
    f = one(validate_policy(policy(allow("s3:GetObject", "*", Condition={}))), "EMPTY_CONDITION")
    assert f.severity is Severity.SUGGESTION


# -- security warnings -----------------------------------------------------------------------


@pytest.mark.parametrize("action", ["iam:PassRole", "iam:passrole", "iam:*", "iam:Pass*", "*"])
def test_pass_role_on_star_without_passed_to_service(action: str) -> None:
    f = one(validate_policy(policy(allow(action, "*"))), "PASS_ROLE_WITH_STAR")
    assert f.severity is Severity.SECURITY_WARNING
    assert "iam:PassedToService" in f.message


def test_pass_role_via_not_action_and_on_every_role() -> None:
    not_action = {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}
    assert one(validate_policy(policy(not_action)), "PASS_ROLE_WITH_STAR").path == "$.Statement[0].NotAction"
    every_role = allow("iam:PassRole", "arn:aws:iam::111122223333:role/*")
    assert one(validate_policy(policy(every_role)), "PASS_ROLE_WITH_STAR")


def test_pass_role_is_fine_when_restricted() -> None:
    scoped = allow(
        "iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    )
    assert only(validate_policy(policy(scoped)), "PASS_ROLE_WITH_STAR") == []
    named = allow("iam:PassRole", "arn:aws:iam::111122223333:role/Exec")
    assert only(validate_policy(policy(named)), "PASS_ROLE_WITH_STAR") == []
    like_star = allow("iam:PassRole", "*", Condition={"StringLike": {"iam:PassedToService": "*"}})
    assert one(validate_policy(policy(like_star)), "PASS_ROLE_WITH_STAR")
    not_pass = {"Effect": "Allow", "NotAction": "iam:PassRole", "Resource": "*"}
    assert only(validate_policy(policy(not_pass)), "PASS_ROLE_WITH_STAR") == []


def test_allow_with_not_action_and_not_resource() -> None:
    doc = policy(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
        {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b/*"},
    )
    findings = validate_policy(doc)
    assert one(findings, "ALLOW_WITH_NOT_ACTION").path == "$.Statement[0].NotAction"
    assert one(findings, "ALLOW_WITH_NOT_RESOURCE").path == "$.Statement[1].NotResource"
    assert one(findings, "ALLOW_WITH_NOT_ACTION").severity is Severity.SECURITY_WARNING


def test_allow_with_not_principal() -> None:
    st = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:111122223333:q",
    }
    f = one(validate_policy(policy(st), policy_type=PolicyType.RESOURCE), "ALLOW_WITH_NOT_PRINCIPAL")
    assert f.severity is Severity.SECURITY_WARNING
    assert f.path == "$.Statement[0].NotPrincipal"


def test_public_trust_policy() -> None:
    st = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    f = one(validate_policy(policy(st), policy_type=PolicyType.TRUST), "PUBLIC_ACCESS")
    assert f.severity is Severity.SECURITY_WARNING
    guarded = {**st, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}
    assert validate_policy(policy(guarded), policy_type=PolicyType.TRUST) == []


# -- Version and variables -------------------------------------------------------------------


def test_missing_version() -> None:
    f = one(validate_policy(policy(allow("s3:GetObject"), version=None)), "MISSING_VERSION")
    assert f.severity is Severity.WARNING
    assert "2012-10-17" in f.message


def test_policy_variables_under_2008() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"), version="2008-10-17")
    f = one(validate_policy(doc), "LITERAL_POLICY_VARIABLE")
    assert f.severity is Severity.WARNING
    assert f.path == "$.Statement[0].Resource"
    assert only(validate_policy({**doc, "Version": V}), "LITERAL_POLICY_VARIABLE") == []
    cond = allow(
        "s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": ["${aws:username}/*"]}}
    )
    found = one(validate_policy(policy(cond, version=None)), "LITERAL_POLICY_VARIABLE")
    assert found.path == '$.Statement[0].Condition.StringLike["s3:prefix"][0]'


# -- size ------------------------------------------------------------------------------------


def _big_policy(size: int) -> dict[str, Any]:
    resources: list[str] = []
    base = policy(allow("s3:GetObject", resources))
    while len(json.dumps(base, separators=(",", ":"))) <= size:
        resources.append(f"arn:aws:s3:::bucket-{len(resources):05d}/*")
    return base


def test_inline_policy_size_limit() -> None:
    doc = _big_policy(INLINE_ROLE_POLICY_LIMIT)
    f = one(validate_policy(doc), "POLICY_SIZE_EXCEEDED")
    assert f.severity is Severity.ERROR
    assert "10,240" in f.message
    smaller = copy.deepcopy(doc)
    smaller["Statement"][0]["Resource"] = smaller["Statement"][0]["Resource"][:-1]
    assert only(validate_policy(smaller), "POLICY_SIZE_EXCEEDED") == []


def test_managed_policy_size_limit_ignores_white_space() -> None:
    doc = _big_policy(MANAGED_POLICY_LIMIT)
    assert one(validate_policy(doc, managed=True), "POLICY_SIZE_EXCEEDED")
    assert only(validate_policy(doc), "POLICY_SIZE_EXCEEDED") == []  # fine as an inline policy
    fits = copy.deepcopy(doc)
    fits["Statement"][0]["Resource"] = fits["Statement"][0]["Resource"][:-1]
    assert only(validate_policy(json.dumps(fits, indent=8), managed=True), "POLICY_SIZE_EXCEEDED") == []


# -- Sids, statements, element placement -----------------------------------------------------


def test_duplicate_sids() -> None:
    doc = policy(
        {"Sid": "A", **allow("s3:GetObject")},
        {"Sid": "B", **allow("s3:PutObject")},
        {"Sid": "A", **allow("s3:ListBucket")},
    )
    f = one(validate_policy(doc), "DUPLICATE_SID")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[2].Sid"


def test_sid_must_be_alphanumeric_in_identity_policies() -> None:
    doc = policy({"Sid": "read-objects", **allow("s3:GetObject")})
    f = one(validate_policy(doc), "INVALID_SID")
    assert f.severity is Severity.ERROR
    assert "readobjects" in f.message
    bucket_policy = policy(
        {
            "Sid": "read-objects",
            "Principal": {"AWS": "111122223333"},
            **allow("s3:GetObject", "arn:aws:s3:::b/*"),
        }
    )
    assert validate_policy(bucket_policy, policy_type=PolicyType.RESOURCE) == []


def test_empty_sid() -> None:
    assert (
        one(validate_policy(policy({"Sid": "", **allow("s3:GetObject")})), "EMPTY_SID").severity
        is Severity.SUGGESTION
    )


def test_empty_statement_list_and_empty_arrays() -> None:
    assert one(validate_policy(policy()), "EMPTY_STATEMENT").severity is Severity.ERROR
    findings = validate_policy(policy(allow([], "*")))
    assert one(findings, "EMPTY_ARRAY").path == "$.Statement[0].Action"


def test_principal_in_identity_policy() -> None:
    st = {"Principal": {"AWS": "111122223333"}, **allow("s3:GetObject")}
    f = one(validate_policy(policy(st)), "PRINCIPAL_NOT_ALLOWED")
    assert f.severity is Severity.ERROR
    assert f.path == "$.Statement[0].Principal"
    assert one(validate_policy(policy(st), policy_type=PolicyType.BOUNDARY), "PRINCIPAL_NOT_ALLOWED")


def test_missing_principal_in_resource_and_trust_policies() -> None:
    f = one(
        validate_policy(policy(allow("s3:GetObject", "arn:aws:s3:::b/*")), policy_type=PolicyType.RESOURCE),
        "MISSING_PRINCIPAL",
    )
    assert f.severity is Severity.ERROR
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    assert one(validate_policy(policy(trust), policy_type=PolicyType.TRUST), "MISSING_PRINCIPAL")


def test_missing_resource_in_identity_policy() -> None:
    st = {"Effect": "Allow", "Action": "s3:GetObject"}
    assert one(validate_policy(policy(st)), "MISSING_RESOURCE").severity is Severity.ERROR


def test_trust_policy_rules() -> None:
    good = {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
    }
    assert validate_policy(policy(good), policy_type=PolicyType.TRUST) == []
    with_resource = {**good, "Resource": "*"}
    f = one(validate_policy(policy(with_resource), policy_type=PolicyType.TRUST), "RESOURCE_NOT_ALLOWED")
    assert f.path == "$.Statement[0].Resource"
    wrong_action = {**good, "Action": ["sts:AssumeRole", "s3:GetObject"]}
    f = one(validate_policy(policy(wrong_action), policy_type=PolicyType.TRUST), "TRUST_POLICY_ACTION")
    assert f.path == "$.Statement[0].Action[1]"


def test_seed_trust_policy_with_statement_object_is_clean_apart_from_confused_deputy() -> None:
    doc = {
        "Version": V,
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    assert validate_policy(doc, policy_type=PolicyType.TRUST) == []


@pytest.mark.parametrize(
    "principal", [{"AWS": "<account-id>"}, {"AWS": "arn:aws:s3:::b"}, {"Service": "sagemaker"}]
)
def test_malformed_principal(principal: dict[str, str]) -> None:
    st = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    f = one(validate_policy(policy(st), policy_type=PolicyType.TRUST), "INVALID_PRINCIPAL")
    assert f.severity is Severity.ERROR


# -- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", ["{not json", "[]", 42, None, b"\xff\xfe", '"text"'])
def test_unreadable_documents_give_findings(doc: object) -> None:
    findings = validate_policy(doc)
    assert findings
    assert all(f.severity is Severity.ERROR for f in findings)
    assert all(f.code != "INTERNAL_ERROR" for f in findings)


def test_a_broken_statement_does_not_hide_the_others() -> None:
    doc = policy({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}, allow("s3:GetObjekt"))
    codes = [(f.code, f.path) for f in validate_policy(doc)]
    assert ("INVALID_EFFECT", "$.Statement[0].Effect") in codes
    assert ("UNKNOWN_ACTION", "$.Statement[1].Action") in codes


def test_a_resource_that_is_only_a_variable_is_a_finding_not_a_crash() -> None:
    # Found by the fuzz test: the wrong-service hint assumed an ARN with a service segment.
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws:username}"}],
    }
    codes = [f.code for f in validate_policy(doc)]
    assert "INTERNAL_ERROR" not in codes
    assert "RESOURCE_TYPE_MISMATCH" in codes
