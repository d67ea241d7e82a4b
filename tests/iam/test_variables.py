"""Policy variables are substituted where AWS substitutes them, and only there.

IAM User Guide, "IAM policy elements: Variables and tags", "Where you can use policy variables":
in Resource only in the resource part of the ARN (after the fifth colon), and in the values of
string and ARN condition operators. Property tests over generated ARNs, one per segment.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, parse_policy
from opentruth.iam.evaluate import Decision
from opentruth.iam.patterns import resource_split
from opentruth.iam.validate import PolicyType, validate_policy
from opentruth.iam.variable_checks import NOT_SUBSTITUTED

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SEGMENTS = ("arn", "partition", "service", "region", "account")
VAR = "${aws:username}"

partitions = st.sampled_from(["aws", "aws-cn", "aws-us-gov"])
services = st.sampled_from(["s3", "sqs", "sns", "logs", "lambda", "kms", "sagemaker", "iam"])
regions = st.one_of(st.just(""), st.from_regex(r"[a-z]{2}-[a-z]{4,9}-[1-9]", fullmatch=True))
accounts = st.one_of(st.just(""), st.from_regex(r"[0-9]{12}", fullmatch=True))
# A resource part may hold "/" and ":" (log-group:/aws/x:log-stream:y); no wildcards.
resources = st.text(alphabet="abcXYZ019-_./:", min_size=1, max_size=24)
arns = st.builds(lambda *parts: parts, st.just("arn"), partitions, services, regions, accounts, resources)


def decide(statements: list[dict[str, Any]], resource: str, context: dict[str, str], action: str) -> Decision:
    policy = parse_policy({"Version": "2012-10-17", "Statement": statements})
    request = Request(USER, action, resource, context, ACCOUNT)
    return Evaluator().evaluate(PolicySet(identity=(NamedPolicy("p", policy),)), request).decision


def allow(resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}


def deny(resource: str) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "s3:GetObject", "Resource": resource}


def not_resource(resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": resource}


def with_variable(parts: tuple[str, ...], segment: int, start: int, stop: int) -> tuple[str, str]:
    """The ARN with ``parts[segment][start:stop]`` replaced by the variable, and the replaced text."""
    text = parts[segment]
    start, stop = sorted((min(start, len(text)), min(stop, len(text))))
    replaced = text[start:stop]
    pattern = list(parts)
    pattern[segment] = text[:start] + VAR + text[stop:]
    return ":".join(pattern), replaced


@settings(max_examples=150, deadline=None)
@given(arns, st.integers(0, 24), st.integers(0, 24))
def test_a_variable_in_the_resource_part_is_substituted(parts: tuple[str, ...], a: int, b: int) -> None:
    arn = ":".join(parts)
    pattern, value = with_variable(parts, 5, a, b)
    ctx = {"aws:username": value}
    assert resource_split(pattern) == len(":".join(parts[:5])) + 1
    assert decide([allow(pattern)], arn, ctx, "s3:GetObject") is Decision.ALLOWED
    assert decide([allow("*"), deny(pattern)], arn, ctx, "s3:GetObject") is Decision.EXPLICIT_DENY
    assert decide([not_resource(pattern)], arn, ctx, "s3:GetObject") is Decision.IMPLICIT_DENY
    # Another user's value names another resource.
    assert (
        decide([allow(pattern)], arn, {"aws:username": value + "x"}, "s3:GetObject") is not Decision.ALLOWED
    )
    assert not [f for f in validate_policy({"Version": "2012-10-17", "Statement": allow(pattern)})
                if f.code == NOT_SUBSTITUTED]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(arns, st.integers(0, 4), st.integers(0, 14), st.integers(0, 14))
def test_a_variable_before_the_fifth_colon_stays_literal(
    parts: tuple[str, ...], segment: int, a: int, b: int
) -> None:
    """In the partition, service, region or account (or the "arn" word), the text is literal:
    with the very value it would take, an Allow grants nothing and a Deny denies nothing."""
    arn = ":".join(parts)
    pattern, value = with_variable(parts, segment, a, b)
    ctx = {"aws:username": value}
    assert decide([allow(pattern)], arn, ctx, "s3:GetObject") is Decision.IMPLICIT_DENY
    assert decide([allow("*"), deny(pattern)], arn, ctx, "s3:GetObject") is Decision.ALLOWED
    # NotResource: the literal text excludes nothing real.
    assert decide([not_resource(pattern)], arn, ctx, "s3:GetObject") is Decision.ALLOWED
    # Literal: it matches exactly the resource that spells out "${aws:username}".
    assert decide([allow(pattern)], pattern, ctx, "s3:GetObject") is Decision.ALLOWED
    findings = validate_policy({"Version": "2012-10-17", "Statement": [allow(pattern)]})
    hits = [f for f in findings if f.code == NOT_SUBSTITUTED]
    assert [f.path for f in hits] == ["$.Statement[0].Resource"]
    assert f"in the {SEGMENTS[segment]} segment" in hits[0].message


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="abcXYZ019-_./:", min_size=1, max_size=16))
def test_a_resource_without_a_resource_part_takes_no_variable(value: str) -> None:
    ctx = {"aws:username": value}
    for pattern in (VAR, f"arn:aws:s3:{VAR}", f"arn:aws:{VAR}", f"x{VAR}"):
        resource = pattern.replace(VAR, value)
        assert decide([allow(pattern)], resource, ctx, "s3:GetObject") is Decision.IMPLICIT_DENY
        assert decide([allow(pattern)], pattern, ctx, "s3:GetObject") is Decision.ALLOWED


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[A-Z][a-zA-Z]{2,14}", fullmatch=True))
def test_action_and_notaction_take_no_variable(name: str) -> None:
    ctx = {"aws:username": name}
    statement = {"Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*"}
    assert decide([statement], "arn:aws:s3:::b/k", ctx, f"s3:{name}") is Decision.IMPLICIT_DENY
    # NotAction with the literal text excludes nothing real: the action stays allowed.
    not_action = {"Effect": "Allow", "NotAction": "s3:${aws:username}", "Resource": "*"}
    assert decide([not_action], "arn:aws:s3:::b/k", ctx, f"s3:{name}") is Decision.ALLOWED
    findings = validate_policy({"Version": "2012-10-17", "Statement": [statement, not_action]})
    assert [f.path for f in findings if f.code == NOT_SUBSTITUTED] == [
        "$.Statement[0].Action",
        "$.Statement[1].NotAction",
    ]


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True))
def test_principal_takes_no_variable(name: str) -> None:
    """A bucket policy naming ``user/${aws:username}`` names no user, so another account's
    caller (who needs the resource policy to allow) is denied even with that user name."""
    caller = f"arn:aws:iam::444455556666:user/{name}"
    bucket = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:user/${aws:username}"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            },
        }
    )
    identity = parse_policy({"Version": "2012-10-17", "Statement": allow("*")})
    policies = PolicySet(identity=(NamedPolicy("id", identity),), resource=NamedPolicy("bucket", bucket))
    request = Request(caller, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:username": name}, ACCOUNT)
    assert Evaluator().evaluate(policies, request).decision is Decision.IMPLICIT_DENY
    spelled = "arn:aws:iam::444455556666:user/${aws:username}"
    literal = Request(spelled, "s3:GetObject", "arn:aws:s3:::b/k", {}, ACCOUNT)
    assert Evaluator().evaluate(policies, literal).decision is Decision.ALLOWED
    findings = validate_policy(bucket.document, policy_type=PolicyType.RESOURCE)
    assert [f.path for f in findings if f.code == NOT_SUBSTITUTED] == ["$.Statement.Principal.AWS"]


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-z0-9][a-z0-9:/_-]{0,20}", fullmatch=True))
def test_string_and_arn_operators_take_variables_anywhere(value: str) -> None:
    ctx = {"aws:username": value, "s3:prefix": f"home/{value}/", "aws:SourceArn": f"arn:aws:sqs:r:{value}:q"}
    for op, key, policy_value in (
        ("StringEquals", "s3:prefix", "home/${aws:username}/"),
        ("StringLike", "s3:prefix", "home/${aws:username}/*"),
        ("StringEqualsIgnoreCase", "s3:prefix", "HOME/${aws:username}/"),
        # ARN operators take variables in every segment, the account included.
        ("ArnEquals", "aws:SourceArn", "arn:aws:sqs:r:${aws:username}:q"),
        ("ArnLike", "aws:SourceArn", "arn:aws:sqs:*:${aws:username}:q"),
    ):
        statement = {**allow("*"), "Condition": {op: {key: policy_value}}}
        assert decide([statement], "arn:aws:s3:::b/k", ctx, "s3:GetObject") is Decision.ALLOWED, op


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_typed_operators_take_no_variable(number: int) -> None:
    ctx = {"aws:username": str(number), "s3:max-keys": str(number)}
    statement = {**allow("*"), "Condition": {"NumericEquals": {"s3:max-keys": "${aws:username}"}}}
    assert decide([statement], "arn:aws:s3:::b/k", ctx, "s3:GetObject") is Decision.IMPLICIT_DENY
    findings = validate_policy({"Version": "2012-10-17", "Statement": [statement]})
    assert [f.path for f in findings if f.code == NOT_SUBSTITUTED] == [
        '$.Statement[0].Condition.NumericEquals["s3:max-keys"]'
    ]


def test_the_colon_inside_a_variable_separates_no_segment() -> None:
    # "${aws:PrincipalAccount}" is the account; the resource part starts after the next colon.
    pattern = "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:${aws:username}-queue"
    assert pattern[resource_split(pattern) :] == "${aws:username}-queue"
    ctx = {"aws:PrincipalAccount": ACCOUNT, "aws:username": "alice"}
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:alice-queue"
    statement = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": pattern}
    assert decide([statement], arn, ctx, "sqs:SendMessage") is Decision.IMPLICIT_DENY
    fixed = {**statement, "Resource": "arn:aws:sqs:us-east-1:*:${aws:username}-queue"}
    assert decide([fixed], arn, ctx, "sqs:SendMessage") is Decision.ALLOWED


def test_under_2008_nothing_is_substituted_and_lint_says_so() -> None:
    doc = {"Version": "2008-10-17", "Statement": allow("arn:aws:s3:::b/${aws:username}")}
    policy = parse_policy(doc)
    request = Request(USER, "s3:GetObject", "arn:aws:s3:::b/alice", {"aws:username": "alice"}, ACCOUNT)
    assert Evaluator().evaluate(PolicySet(identity=(NamedPolicy("p", policy),)), request).decision is (
        Decision.IMPLICIT_DENY
    )
    assert [f.code for f in validate_policy(doc) if "VARIABLE" in f.code] == ["LITERAL_POLICY_VARIABLE"]
