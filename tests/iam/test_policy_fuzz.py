"""Fuzz: arbitrary JSON into the parser and the validator.

The parser returns a Policy or raises PolicyError (and nothing else); the validator never raises,
and never falls back on its last-resort INTERNAL_ERROR finding.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.iam.findings import Finding, Severity
from opentruth.iam.policy import Policy, PolicyError, parse_policy
from opentruth.iam.validate import PolicyType, validate_policy

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
VALID = [
    json.loads((SEED / "streaming-execution-policy.json").read_text()),
    json.loads((SEED / "AmazonSageMakerGroundTruthExecution.json").read_text()),
    {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:*:111122223333:labeling-job/*"}},
        },
    },
]

# Words that the grammar gives meaning to, so that random documents reach deep code paths.
WORDS = [
    "Version", "Statement", "Sid", "Effect", "Allow", "Deny", "Principal", "NotPrincipal", "AWS",
    "Service", "Action", "NotAction", "Resource", "NotResource", "Condition", "StringEquals",
    "ForAllValues:StringLike", "ForAnyValue:ArnLikeIfExists", "NullIfExists", "Null", "2012-10-17",
    "2008-10-17", "*", "s3:GetObject", "iam:PassRole", "s*:Get", "arn:aws:s3:::b/*", "arn:aws:sqs",
    "aws:SourceIp", "iam:PassedToService", "${aws:username}", "", ":", "arn:::::",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=8))
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=30,
)
documents = st.one_of(json_values, st.dictionaries(keys, json_values, max_size=4))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid policy with one element replaced, deleted, or wrapped in a list."""
    doc = copy.deepcopy(draw(st.sampled_from(VALID)))
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    replacement = draw(json_values)
    if not path:
        return replacement
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    how = draw(st.sampled_from(["replace", "delete", "wrap"]))
    if how == "delete":
        del parent[path[-1]]
    elif how == "wrap":
        parent[path[-1]] = [parent[path[-1]]]
    else:
        parent[path[-1]] = replacement
    return doc


def _check_parse(doc: Any) -> None:
    result: Policy | PolicyError
    try:
        result = parse_policy(doc)
    except PolicyError as exc:  # any other exception fails the test
        result = exc
    if isinstance(result, PolicyError):
        assert result.findings
        assert all(isinstance(f, Finding) and f.severity is Severity.ERROR for f in result.findings)
    else:
        assert isinstance(result, Policy)


def _check_validate(doc: Any, kind: PolicyType) -> None:
    findings = validate_policy(doc, policy_type=kind)
    assert all(isinstance(f, Finding) for f in findings)
    assert all(f.path.startswith("$") for f in findings)
    assert [f for f in findings if f.code == "INTERNAL_ERROR"] == []


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(list(PolicyType)))
def test_arbitrary_json(doc: Any, kind: PolicyType) -> None:
    _check_parse(doc)
    _check_parse(json.dumps(doc))
    _check_validate(doc, kind)
    _check_validate(json.dumps(doc), kind)


@settings(max_examples=200, deadline=None)
@given(mutated(), st.sampled_from(list(PolicyType)))
def test_mutated_valid_policies(doc: Any, kind: PolicyType) -> None:
    _check_parse(doc)
    _check_validate(doc, kind)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.binary(max_size=40)))
def test_arbitrary_text(text: str | bytes) -> None:
    _check_parse(text)
    _check_validate(text, PolicyType.IDENTITY)
