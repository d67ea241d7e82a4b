"""``iam lint``'s findings as Access Analyzer findings: issue codes, links and locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.iam.analyzer import REFERENCE, analyzer_findings, known_anchors
from opentruth.iam.validate import PolicyType, validate_policy

DATA = Path(__file__).resolve().parents[1] / "data"
PREFIX = f"{REFERENCE}#access-analyzer-reference-policy-checks-"
# AWS's checks: the anchors of the reference's sections (tests/data/iam/access-analyzer-checks.txt).
AWS_CHECKS = frozenset(
    line.strip()
    for line in (DATA / "iam" / "access-analyzer-checks.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)

# Policies that between them draw most of the validator's findings.
BAD: list[tuple[PolicyType, dict[str, Any]]] = [
    (PolicyType.IDENTITY, {"Statement": [{"Sid": "", "Effect": "Allow", "Action": [], "Resource": "*"}]}),
    (
        PolicyType.IDENTITY,
        {
            "Version": "2012-10-17",
            "Extra": 1,
            "Statement": [
                {"Sid": "a-b", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"},
                {"Sid": "a-b", "Effect": "Maybe", "Action": "nope:Do", "Resource": "not-an-arn"},
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Principal": "*",
                    "Resource": "arn:aws:s3:us-east-1x:1:b",
                },
                {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}},
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {
                        "ForAllValues:StringEquals": {"aws:SourceAccount": "1"},
                        "StringEquals": {"aws:NoSuchKey": "x", "sqs:QueueUrl": "u"},
                        "StringLikeMaybe": {"aws:SourceIp": "x"},
                    },
                },
                {"Effect": "Allow", "Action": "s3:GetObject"},
            ],
        },
    ),
    (
        PolicyType.TRUST,
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker", "Nobody": "x"},
                    "Action": "s3:GetObject",
                },
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
            ],
        },
    ),
    (
        PolicyType.IDENTITY,
        {
            "Version": "2008-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "${aws:username}"},
        },
    ),
]


def test_every_anchor_is_a_check_of_the_aws_reference() -> None:
    assert known_anchors() <= AWS_CHECKS, sorted(known_anchors() - AWS_CHECKS)


@pytest.mark.parametrize(("kind", "doc"), BAD)
def test_findings_keep_lints_order_and_point_into_the_text(kind: PolicyType, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, indent=2)
    findings = validate_policy(text, policy_type=kind)
    assert findings
    out = analyzer_findings(text, findings, kind)
    assert [(f["findingType"], f["findingDetails"]) for f in out] == [
        (str(f.severity), f.message) for f in findings
    ]
    for got, lint in zip(out, findings, strict=True):
        link = got["learnMoreLink"]
        if link == REFERENCE:
            assert got["issueCode"] == lint.code  # no AWS check: opentruth's own code
        else:
            anchor = link.removeprefix(PREFIX)
            assert anchor in AWS_CHECKS
            # The issue code is the anchor without its category.
            assert anchor.upper().replace("-", "_").endswith(got["issueCode"])
        for location in got["locations"]:
            span = location["span"]
            value = text[span["start"]["offset"] : span["end"]["offset"]]
            node: Any = doc
            for element in location["path"]:
                node = node[element["index"] if "index" in element else element["value"]]
            assert json.loads(value) == node


def test_aws_codes_for_familiar_mistakes() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject"},
        ],
    }
    text = json.dumps(doc)
    out = analyzer_findings(text, validate_policy(text), PolicyType.IDENTITY)
    codes = {f["issueCode"] for f in out}
    assert {"EMPTY_SID_VALUE", "INVALID_ACTION", "MISSING_RESOURCE"} <= codes
    missing = next(f for f in out if f["issueCode"] == "MISSING_RESOURCE")
    assert missing["locations"][0]["path"] == [{"value": "Statement"}, {"index": 1}]


@pytest.mark.parametrize(
    ("statement", "issue"),
    [
        ({"Action": "iam:PassRole", "Resource": "*"}, "PASS_ROLE_WITH_STAR_IN_RESOURCE"),
        ({"Action": "*", "Resource": "*"}, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"),
        ({"NotAction": "s3:*", "Resource": "*"}, "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"),
        ({"Action": "iam:PassRole", "NotResource": "arn:aws:iam::1:role/x"}, "PASS_ROLE_WITH_NOT_RESOURCE"),
        (
            {"Action": ["*"], "NotResource": "arn:aws:iam::1:role/x"},
            "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        ),
        (
            {"NotAction": "s3:*", "NotResource": "arn:aws:iam::1:role/x"},
            "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        ),
    ],
)
@pytest.mark.parametrize("as_list", [True, False])
def test_pass_role_checks_are_named_after_the_statements_shape(
    statement: dict[str, Any], issue: str, as_list: bool
) -> None:
    st = {"Effect": "Allow", **statement}
    text = json.dumps({"Version": "2012-10-17", "Statement": [st] if as_list else st})
    out = analyzer_findings(text, validate_policy(text), PolicyType.IDENTITY)
    assert issue in {f["issueCode"] for f in out}
