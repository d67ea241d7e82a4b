"""Condition operators: missing keys, negation (NOR), set qualifiers, types."""

from __future__ import annotations

from typing import Any

import pytest

from opentruth.iam.conditions import CompiledCondition
from opentruth.iam.policy import parse_policy


def holds(block: dict[str, Any], ctx: dict[str, Any], version: str = "2012-10-17") -> bool:
    p = parse_policy(
        {
            "Version": version,
            "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": block},
        }
    )
    conds = [CompiledCondition.compile(c, p.variables_enabled) for c in p.statements[0].conditions]
    return all(c.holds({k.lower(): v for k, v in ctx.items()}) for c in conds)


@pytest.mark.parametrize(
    ("block", "ctx", "expected"),
    [
        ({"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
        ({"StringEquals": {"k": "a"}}, {}, False),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),  # NOR
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "c"}, True),
        ({"StringNotEquals": {"k": "a"}}, {}, True),  # negated + missing key
        ({"StringNotLike": {"k": "a*"}}, {}, True),
        ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
        ({"StringEqualsIgnoreCase": {"k": "TRUE"}}, {"k": "true"}, True),
        ({"StringLike": {"k": "a?c*"}}, {"k": "abcdef"}, True),
        ({"StringLike": {"k": "a?c*"}}, {"k": "ABCDEF"}, False),
        ({"NumericLessThan": {"k": "10"}}, {"k": "9.5"}, True),
        ({"NumericLessThan": {"k": "ten"}}, {"k": "9"}, False),  # unparsable never matches
        ({"NumericGreaterThanEquals": {"k": 3}}, {"k": "3"}, True),
        ({"DateLessThan": {"k": "2026-12-01T00:00:00Z"}}, {"k": "2026-11-29T06:00:00Z"}, True),
        ({"DateGreaterThan": {"k": "1764396000"}}, {"k": "2026-11-29T06:00:00Z"}, True),  # epoch seconds
        ({"Bool": {"k": True}}, {"k": "TRUE"}, True),
        ({"BinaryEquals": {"k": "QmluYXJ5"}}, {"k": "QmluYXJ5"}, True),
        ({"IpAddress": {"k": "203.0.113.0/24"}}, {"k": "203.0.113.10"}, True),
        ({"IpAddress": {"k": "2001:db8::/32"}}, {"k": "2001:db8::1"}, True),
        ({"IpAddress": {"k": "2001:db8::/32"}}, {"k": "203.0.113.10"}, False),
        ({"NotIpAddress": {"k": "203.0.113.0/24"}}, {}, True),
        (
            {"ArnLike": {"k": "arn:aws:sagemaker:*:1:labeling-job/*"}},
            {"k": "arn:aws:sagemaker:us-east-1:1:labeling-job/j"},
            True,
        ),
        ({"ArnNotEquals": {"k": "arn:aws:s3:::b"}}, {"k": "arn:aws:s3:::b"}, False),
        ({"Null": {"k": "true"}}, {}, True),
        ({"Null": {"k": "false"}}, {}, False),
        ({"Null": {"k": "false"}}, {"k": "v"}, True),
        ({"ForAnyValue:StringEquals": {"k": ["a"]}}, {}, False),
        ({"ForAnyValue:StringEquals": {"k": ["a"]}}, {"k": []}, False),
        ({"ForAnyValue:StringEquals": {"k": ["a"]}}, {"k": ["b", "a"]}, True),
        ({"ForAllValues:StringEquals": {"k": ["a"]}}, {}, True),  # vacuous
        ({"ForAllValues:StringEquals": {"k": ["a"]}}, {"k": []}, True),
        ({"ForAllValues:StringEquals": {"k": ["a", "b"]}}, {"k": ["a", "c"]}, False),
        ({"ForAllValues:StringNotEquals": {"k": ["a"]}}, {"k": ["b", "c"]}, True),
        ({"StringEquals": {"k": "a", "j": "b"}}, {"k": "a"}, False),  # keys AND
        ({"StringEquals": {"K": "a"}}, {"k": "a"}, True),  # key names ignore case
        ({"StringEquals": {"k": "${aws:username}"}}, {"k": "alice", "aws:username": "alice"}, True),
        ({"StringEquals": {"k": "${aws:username}"}}, {"k": "alice"}, False),
    ],
)
def test_operator(block: dict[str, Any], ctx: dict[str, Any], expected: bool) -> None:
    assert holds(block, ctx) is expected


def test_variables_in_values_are_literal_under_2008() -> None:
    ctx = {"k": "${aws:username}", "aws:username": "alice"}
    assert holds({"StringEquals": {"k": "${aws:username}"}}, ctx, version="2008-10-17")
    assert not holds({"StringEquals": {"k": "${aws:username}"}}, ctx)
