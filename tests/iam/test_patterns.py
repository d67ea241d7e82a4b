"""Wildcard patterns: ARN segments, escapes, variables, and the interpreted/compiled paths."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.iam.patterns import Pattern, _glob


def arn(text: str) -> Pattern:
    return Pattern.compile(text, arn=True, variables=True)


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.jpg", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/x", False),
        ("arn:aws:sqs:*:*:*GroundTruth*", "arn:aws:sqs:us-east-1:000000000000:GroundTruth-job", True),
        ("arn:aws:sqs:*:*:*GroundTruth*", "arn:aws:sqs:us-east-1:000000000000:groundtruth-job", False),
        # A * inside a region or account segment stays in that segment.
        ("arn:aws:sqs:*:1:q", "arn:aws:sqs:a:b:1:q", False),
        # A trailing * crosses colons: log groups cover their streams.
        (
            "arn:aws:logs:*:*:log-group:/aws/sagemaker/*",
            "arn:aws:logs:r:1:log-group:/aws/sagemaker/L:log-stream:j",
            True,
        ),
        ("arn:aws:s3*", "arn:aws:s3:::b/k", True),
        ("arn:aws:s?:::b", "arn:aws:s3:::b", True),
        ("arn:aws:s3:::b?/k", "arn:aws:s3:::b:/k", True),
        ("*", "*", True),
        ("arn:aws:s3:::*", "*", False),
        ("arn:aws:s3:::a${*}b", "arn:aws:s3:::a*b", True),
        ("arn:aws:s3:::a${*}b", "arn:aws:s3:::axb", False),
        ("arn:aws:s3:::a${?}${$}", "arn:aws:s3:::a?$", True),
    ],
)
def test_arn_matching(pattern: str, value: str, expected: bool) -> None:
    p = arn(pattern)
    # The first uses are interpreted, later ones compiled: both must agree.
    assert [p.match(value, {}) for _ in range(12)] == [expected] * 12


def test_variables_substitute_literally_and_take_defaults() -> None:
    p = arn("arn:aws:s3:::b/${aws:username}/*")
    assert p.match("arn:aws:s3:::b/alice/x", {"aws:username": "alice"})
    assert not p.match("arn:aws:s3:::b/alice/x", {})
    star = {"aws:username": "*"}
    assert not p.match("arn:aws:s3:::b/alice/x", star)  # a substituted * is not a wildcard
    assert p.match("arn:aws:s3:::b/*/x", star)
    d = arn("arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*")
    assert d.match("arn:aws:s3:::b/shared/k", {})
    assert d.match("arn:aws:s3:::b/red/k", {"aws:principaltag/team": "red"})


def test_version_2008_keeps_dollar_braces_literal() -> None:
    p = Pattern.compile("arn:aws:s3:::b/${aws:username}", arn=True, variables=False)
    assert p.match("arn:aws:s3:::b/${aws:username}", {"aws:username": "x"})
    assert not p.match("arn:aws:s3:::b/x", {"aws:username": "x"})


def test_ignore_case_for_actions() -> None:
    p = Pattern.compile("s3:get*", arn=False, variables=False, ignore_case=True)
    assert p.match("S3:GetObject", {})


def _reference(pattern: str, value: str) -> bool:
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab*?:", max_size=8), st.text(alphabet="ab:", max_size=10))
def test_glob_agrees_with_regex(pattern: str, value: str) -> None:
    encoded = pattern.replace("*", "\ue000").replace("?", "\ue001")
    assert _glob(encoded, value) == _reference(pattern, value)
