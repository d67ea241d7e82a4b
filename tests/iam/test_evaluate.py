"""The evaluator: layers, explanations, and algebraic properties (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.iam import Decision, Evaluator, NamedPolicy, PolicySet, Request, parse_policy

ACCT = "111122223333"
OTHER = "444455556666"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/Exec/SageMaker"
ROLE = f"arn:aws:iam::{ACCT}:role/Exec"
USER = f"arn:aws:iam::{ACCT}:user/alice"
OBJ = "arn:aws:s3:::bucket/key.jpg"


def pol(*statements: dict[str, Any], name: str = "p") -> NamedPolicy:
    return NamedPolicy(
        name, parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name=name)
    )


def allow(action: str = "s3:GetObject", resource: str = OBJ, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str = "s3:GetObject", resource: str = OBJ, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def req(principal: str = SESSION, action: str = "s3:GetObject", resource: str = OBJ, **kw: Any) -> Request:
    return Request(principal, action, resource, resource_account=kw.pop("account", ACCT), **kw)


ev = Evaluator()


def test_identity_allow_and_explanation() -> None:
    r = ev.evaluate(PolicySet(identity=[pol({**allow(), "Sid": "Read"}, name="exec")]), req())
    assert r.decision is Decision.ALLOWED
    assert [str(x) for x in r.allowed_by] == ["exec/Read"]


def test_implicit_deny_names_the_missing_layer() -> None:
    r = ev.evaluate(PolicySet(identity=[pol(allow(resource="arn:aws:s3:::other/*"))]), req())
    assert r.decision is Decision.IMPLICIT_DENY
    assert r.missing == ("identity",)
    assert "identity" in r.explanation


def test_explicit_deny_cites_the_statement_by_index() -> None:
    r = ev.evaluate(PolicySet(identity=[pol(allow(), deny(), name="x")]), req())
    assert r.decision is Decision.EXPLICIT_DENY
    assert [str(x) for x in r.denied_by] == ["x/#1"]


def test_boundary_filters_but_never_grants() -> None:
    boundary = pol(allow(action="logs:*", resource="*"), name="b")
    r = ev.evaluate(PolicySet(identity=[pol(allow())], boundary=boundary), req())
    assert r.decision is Decision.IMPLICIT_DENY and r.missing == ("boundary",)
    r = ev.evaluate(PolicySet(identity=[], boundary=pol(allow())), req())
    assert r.decision is Decision.IMPLICIT_DENY and "identity" in r.missing


def test_session_policy_filters() -> None:
    r = ev.evaluate(PolicySet(identity=[pol(allow())], session=pol(allow(action="s3:PutObject"))), req())
    assert r.decision is Decision.IMPLICIT_DENY and r.missing == ("session",)


def test_same_account_resource_policy_grants_alone() -> None:
    bucket = pol({**allow(), "Principal": {"AWS": ROLE}})
    assert ev.evaluate(PolicySet(resource=bucket), req()).allowed


def test_role_arn_grant_is_limited_by_the_boundary_but_session_arn_is_not() -> None:
    boundary = pol(allow(action="logs:*", resource="*"))
    by_role = pol({**allow(), "Principal": {"AWS": ROLE}})
    by_session = pol({**allow(), "Principal": {"AWS": SESSION}})
    assert not ev.evaluate(PolicySet(resource=by_role, boundary=boundary), req()).allowed
    assert ev.evaluate(PolicySet(resource=by_session, boundary=boundary), req()).allowed


def test_account_principal_only_delegates() -> None:
    bucket = pol({**allow(), "Principal": {"AWS": ACCT}})
    assert not ev.evaluate(PolicySet(resource=bucket), req()).allowed
    assert ev.evaluate(PolicySet(identity=[pol(allow())], resource=bucket), req()).allowed


def test_cross_account_needs_both_sides() -> None:
    bucket = pol({**allow(), "Principal": {"AWS": ROLE}})
    other = req(account=OTHER)
    assert not ev.evaluate(PolicySet(resource=bucket), other).allowed
    assert not ev.evaluate(PolicySet(identity=[pol(allow())]), other).allowed
    assert ev.evaluate(PolicySet(identity=[pol(allow())], resource=bucket), other).allowed


def test_trust_policy_must_allow_even_with_identity_allow() -> None:
    assume = req(principal=USER, action="sts:AssumeRole", resource=ROLE)
    identity = pol(allow(action="sts:AssumeRole", resource=ROLE))
    trust_other = pol(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    trust_account = pol({"Effect": "Allow", "Principal": {"AWS": ACCT}, "Action": "sts:AssumeRole"})
    assert not ev.evaluate(PolicySet(identity=[identity]), assume).allowed
    assert not ev.evaluate(PolicySet(identity=[identity], resource=trust_other), assume).allowed
    assert ev.evaluate(PolicySet(identity=[identity], resource=trust_account), assume).allowed
    assert not ev.evaluate(PolicySet(resource=trust_account), assume).allowed


def test_service_principal_assumes_through_trust_with_confused_deputy_conditions() -> None:
    trust = pol(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCT}:labeling-job/*"},
            },
        }
    )
    ctx = {"aws:SourceAccount": ACCT, "aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCT}:labeling-job/j1"}
    ok = Request("sagemaker.amazonaws.com", "sts:AssumeRole", ROLE, ctx)
    assert ev.evaluate(PolicySet(resource=trust), ok).allowed
    other = Request("sagemaker.amazonaws.com", "sts:AssumeRole", ROLE, {**ctx, "aws:SourceAccount": OTHER})
    assert not ev.evaluate(PolicySet(resource=trust), other).allowed
    assert not ev.evaluate(
        PolicySet(resource=trust), Request("ec2.amazonaws.com", "sts:AssumeRole", ROLE, ctx)
    ).allowed


def test_kms_key_policy_must_delegate() -> None:
    key = f"arn:aws:kms:us-east-1:{ACCT}:key/1234"
    r = req(action="kms:Decrypt", resource=key)
    identity = pol(allow(action="kms:Decrypt", resource=key))
    no_delegation = pol({**allow(action="kms:*", resource="*"), "Principal": {"AWS": USER}})
    delegation = pol(
        {**allow(action="kms:*", resource="*"), "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}}
    )
    assert not ev.evaluate(PolicySet(identity=[identity], resource=no_delegation), r).allowed
    assert ev.evaluate(PolicySet(identity=[identity], resource=delegation), r).allowed


def test_passrole_with_passed_to_service() -> None:
    p = pol(
        allow(
            action="iam:PassRole",
            resource=ROLE,
            Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        )
    )
    to_sm = req(
        principal=USER,
        action="iam:PassRole",
        resource=ROLE,
        context={"iam:PassedToService": "sagemaker.amazonaws.com"},
    )
    to_ec2 = req(
        principal=USER,
        action="iam:PassRole",
        resource=ROLE,
        context={"iam:PassedToService": "ec2.amazonaws.com"},
    )
    assert ev.evaluate(PolicySet(identity=[p]), to_sm).allowed
    assert not ev.evaluate(PolicySet(identity=[p]), to_ec2).allowed


def test_actions_ignore_case_but_arns_do_not() -> None:
    assert ev.evaluate(PolicySet(identity=[pol(allow(action="S3:getobject"))]), req()).allowed
    assert not ev.evaluate(
        PolicySet(identity=[pol(allow(resource="arn:aws:s3:::Bucket/key.jpg"))]), req()
    ).allowed


def test_variables_only_under_2012() -> None:
    doc = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${aws:username}/*"}
    r = Request(USER, "s3:GetObject", "arn:aws:s3:::bucket/alice/x", {"aws:username": "alice"}, ACCT)
    p2012 = NamedPolicy("n", parse_policy({"Version": "2012-10-17", "Statement": doc}))
    p2008 = NamedPolicy("o", parse_policy({"Version": "2008-10-17", "Statement": doc}))
    assert ev.evaluate(PolicySet(identity=[p2012]), r).allowed
    assert not ev.evaluate(PolicySet(identity=[p2008]), r).allowed
    literal = Request(USER, "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/x", {}, ACCT)
    assert ev.evaluate(PolicySet(identity=[p2008]), literal).allowed


def test_no_invented_context_keys() -> None:
    # aws:SecureTransport is absent: a Bool test on it is false, a negated test true.
    p = pol(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))
    assert not ev.evaluate(PolicySet(identity=[p]), req()).allowed
    assert ev.evaluate(PolicySet(identity=[p]), req(context={"aws:SecureTransport": "true"})).allowed


# ---- properties -------------------------------------------------------------------------

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "logs:PutLogEvents", "sqs:SendMessage"]
RESOURCES = [OBJ, "arn:aws:s3:::bucket", "arn:aws:s3:::other/x", "arn:aws:logs:us-east-1:1:log-group:/g"]
action_pat = st.sampled_from([*ACTIONS, "s3:*", "s3:Get*", "*", "logs:Put?ogEvents", "sqs:*"])
resource_pat = st.sampled_from(
    [*RESOURCES, "*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::*", "arn:aws:logs:*:*:*"]
)
cond = st.sampled_from(
    [
        None,
        {"StringEquals": {"s3:prefix": "a/"}},
        {"StringNotEquals": {"aws:PrincipalTag/team": "x"}},
        {"BoolIfExists": {"aws:SecureTransport": "true"}},
        {"ForAnyValue:StringLike": {"aws:TagKeys": ["t*"]}},
        {"Null": {"s3:prefix": "true"}},
    ]
)


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action": draw(
            st.lists(action_pat, min_size=1, max_size=3)
        ),
        "NotResource" if draw(st.booleans()) and draw(st.booleans()) else "Resource": draw(
            st.lists(resource_pat, min_size=1, max_size=3)
        ),
    }
    c = draw(cond)
    if c:
        s["Condition"] = c
    return s


requests = st.builds(
    req,
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from(RESOURCES),
    context=st.sampled_from(
        [
            {},
            {"s3:prefix": "a/"},
            {"aws:SecureTransport": "false"},
            {"aws:TagKeys": ["team"], "aws:PrincipalTag/team": "x"},
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(statements(), max_size=4), statements(effect="Deny"), requests)
def test_explicit_deny_always_wins(stmts: list[dict[str, Any]], d: dict[str, Any], r: Request) -> None:
    base = ev.evaluate(PolicySet(identity=[pol(*stmts, d)] if stmts else [pol(d)]), r)
    # If the deny statement alone matches, nothing can turn it into an allow.
    alone = ev.evaluate(PolicySet(identity=[pol(d)]), r)
    if alone.decision is Decision.EXPLICIT_DENY:
        assert base.decision is Decision.EXPLICIT_DENY


@settings(max_examples=300, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4), statements(effect="Allow"), requests)
def test_adding_an_allow_never_denies(stmts: list[dict[str, Any]], extra: dict[str, Any], r: Request) -> None:
    before = ev.evaluate(PolicySet(identity=[pol(*stmts)]), r)
    after = ev.evaluate(PolicySet(identity=[pol(*stmts, extra)]), r)
    if before.allowed:
        assert after.allowed


@settings(max_examples=300, deadline=None)
@given(st.lists(action_pat, min_size=1, max_size=3), requests)
def test_notaction_is_the_complement_of_action(actions: list[str], r: Request) -> None:
    with_action = ev.evaluate(
        PolicySet(identity=[pol({"Effect": "Allow", "Action": actions, "Resource": "*"})]), r
    )
    with_not = ev.evaluate(
        PolicySet(identity=[pol({"Effect": "Allow", "NotAction": actions, "Resource": "*"})]), r
    )
    assert with_action.allowed != with_not.allowed


@settings(max_examples=200, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4), requests)
def test_evaluation_is_deterministic(stmts: list[dict[str, Any]], r: Request) -> None:
    fresh = [Evaluator().evaluate(PolicySet(identity=[pol(*stmts)]), r) for _ in range(2)]
    cached = [ev.evaluate(PolicySet(identity=[pol(*stmts)]), r) for _ in range(2)]
    assert fresh[0] == fresh[1] == cached[0] == cached[1]
    assert (
        list(reversed(stmts))
        and Evaluator().evaluate(PolicySet(identity=[pol(*reversed(stmts))]), r).decision is fresh[0].decision
    )


def test_matchers_are_built_once_and_kept_on_the_statement() -> None:
    from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, parse_policy

    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}],
        }
    )
    (st,) = policy.statements
    assert (st._actions, st._resources) == (None, None)
    req = Request("arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/k")
    assert Evaluator().evaluate(PolicySet(identity=[NamedPolicy("p", policy)]), req).allowed
    actions, resources = st._actions, st._resources
    assert actions is not None and resources is not None
    # Another evaluator, and another name for the same policy, reuse the matchers.
    other = Evaluator(max_decisions=0)
    result = other.evaluate(PolicySet(identity=[NamedPolicy("renamed", policy)]), req)
    assert result.allowed and str(result.allowed_by[0]) == "renamed/#0"
    assert st._actions is actions and st._resources is resources
    # The matchers are not part of the statement's value.
    assert st == parse_policy(policy.document).statements[0]


def test_an_action_with_a_nul_never_spans_two_listed_actions() -> None:
    from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, parse_policy

    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}],
        }
    )
    ps = PolicySet(identity=[NamedPolicy("p", policy)])
    user = "arn:aws:iam::111122223333:user/a"
    assert Evaluator().evaluate(ps, Request(user, "s3:PutObject", "arn:aws:s3:::b/k")).allowed
    spanning = Request(user, "s3:GetObject\0s3:PutObject", "arn:aws:s3:::b/k")
    assert not Evaluator().evaluate(ps, spanning).allowed
