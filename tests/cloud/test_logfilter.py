"""Tests of opentruth.cloud.logfilter: the filter-pattern subset of FilterLogEvents."""

from __future__ import annotations

import json

import pytest

from opentruth.cloud.logfilter import InvalidFilterPattern, compile_pattern

EVENTS = [
    "ERROR disk full",
    "WARN disk slow",
    'INFO said "hi there"',
    json.dumps({"event": "StateChange", "status": "Completed", "objects": 12, "ok": True}),
    json.dumps({"event": "AccessDenied", "accessDenied": {"action": "cloudwatch:PutMetricData"}}),
]


def matches(pattern: str) -> list[int]:
    match = compile_pattern(pattern)
    return [i for i, e in enumerate(EVENTS) if match(e)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", [0, 1, 2, 3, 4]),
        ("   ", [0, 1, 2, 3, 4]),
        ("disk", [0, 1]),
        ("ERROR disk", [0]),
        ("error", []),  # case-sensitive, as in CloudWatch
        ("?ERROR ?WARN", [0, 1]),
        ("disk -ERROR", [1]),
        ('"hi there"', [2]),
        ('"\\"hi there\\""', [2]),
        ('{ $.event = "StateChange" }', [3]),
        ("{ $.status = Comp* }", [3]),
        ("{ $.objects >= 10 && $.ok = true }", [3]),
        ("{ $.objects < 10 }", []),
        ('{ $.event = "StateChange" || $.accessDenied.action = "cloudwatch:*" }', [3, 4]),
        ("{ $.accessDenied EXISTS }", [4]),
        ("{ $.accessDenied NOT EXISTS }", [3]),
        ('{ $.status != "Completed" }', [4]),
    ],
)
def test_supported_patterns(pattern: str, expected: list[int]) -> None:
    assert matches(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    ["[ip, user]", "%ERR.*%", "{ $.a = 1 && $.b = 2 || $.c = 3 }", "{ $.a > x }", "{ $.a = 1", '"open'],
)
def test_unsupported_patterns_are_refused_with_the_supported_forms(pattern: str) -> None:
    with pytest.raises(InvalidFilterPattern) as info:
        compile_pattern(pattern)
    assert "filter pattern" in info.value.message
    assert info.value.aws_code == "InvalidParameterException"
