"""The grammar: what parses, and what is refused with a finding that names the path."""

from __future__ import annotations

from typing import Any

import pytest

from opentruth.iam import PolicyError, parse_policy


def test_statement_object_or_list_and_default_version() -> None:
    one = parse_policy({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}})
    assert one.version == "2008-10-17" and not one.version_given and not one.variables_enabled
    many = parse_policy(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "*"}]}'
    )
    st = many.statements[0]
    assert st.not_action and st.not_resource and st.actions == ("iam:*",) and st.resources == ("*",)


def test_principals_and_conditions_are_normalised() -> None:
    p = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "T",
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com", "AWS": ["111122223333"]},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"n": 5}},
            },
        }
    )
    st = p.statements[0]
    assert st.principals == {"Service": ("sagemaker.amazonaws.com",), "AWS": ("111122223333",)}
    assert st.resources is None
    assert [(c.operator, c.values) for c in st.conditions] == [
        ("Bool", ("true",)),
        ("NumericLessThan", ("5",)),
    ]


@pytest.mark.parametrize(
    ("doc", "code", "path"),
    [
        ("{", "INVALID_JSON", "$"),
        ([], "INVALID_DOCUMENT", "$"),
        ({"Version": "2012-10-17"}, "MISSING_STATEMENT", "$"),
        ({"Version": "2020-01-01", "Statement": []}, "INVALID_VERSION", "$.Version"),
        ({"Statement": {"Effect": "allow", "Action": "s3:*"}}, "INVALID_EFFECT", "$.Statement.Effect"),
        ({"Statement": [{"Effect": "Allow"}]}, "ACTION_REQUIRED", "$.Statement[0]"),
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3*:GetObject"}]},
            "INVALID_ACTION",
            "$.Statement[0].Action",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": ["s3:Get", "GetObject"]}]},
            "INVALID_ACTION",
            "$.Statement[0].Action[1]",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "*"}]},
            "RESOURCE_CONFLICT",
            "$.Statement[0]",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Condition": {"StringEqualz": {"k": "v"}}}]},
            "UNKNOWN_OPERATOR",
            "$.Statement[0].Condition.StringEqualz",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Condition": {"NullIfExists": {"k": "true"}}}
                ]
            },
            "UNKNOWN_OPERATOR",
            "$.Statement[0].Condition.NullIfExists",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Principal": {"Robot": "x"}}]},
            "INVALID_PRINCIPAL",
            "$.Statement[0].Principal.Robot",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Bogus": 1}]},
            "UNKNOWN_ELEMENT",
            "$.Statement[0].Bogus",
        ),
        ({"Statement": [{"Effect": "Allow", "Action": []}]}, "EMPTY_ARRAY", "$.Statement[0].Action"),
        # A trailing newline is not part of an action name, alone or in a list.
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject\n"}]},
            "INVALID_ACTION",
            "$.Statement[0].Action",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject\n"]}]},
            "INVALID_ACTION",
            "$.Statement[0].Action[1]",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:Get\nObject"]}]},
            "INVALID_ACTION",
            "$.Statement[0].Action[1]",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Condition": {"StringEquals": {"k": [{"x": 1}]}}}
                ]
            },
            "INVALID_CONDITION_VALUE",
            '$.Statement[0].Condition.StringEquals["k"][0]',
        ),
    ],
)
def test_refused_with_a_finding(doc: Any, code: str, path: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc)
    assert (info.value.findings[0].code, info.value.findings[0].path) == (code, path)
    assert info.value.aws_code == "MalformedPolicyDocument"
    assert path in str(info.value)


def test_the_one_pass_parse_agrees_with_the_explaining_parser_on_the_corpus() -> None:
    """Every statement of the shared corpus: the fast path either declines it or builds the
    very statement that the finding-by-finding parser builds."""
    import json
    from pathlib import Path

    from opentruth.iam.policy import _Parser, _well_formed_statement

    data = Path(__file__).parent.parent / "data" / "iam"
    seen = fast = 0
    for name in ("cases.jsonl", "handmade.jsonl"):
        for line in (data / name).read_text().splitlines():
            case = json.loads(line)
            docs = [
                item["policy"]
                if isinstance(item, dict) and "policy" in item and "Statement" not in item
                else item
                for item in case.get("identityPolicies") or []
            ]
            docs += [case[k] for k in ("resourcePolicy", "sessionPolicy") if case.get(k)]
            docs += case.get("permissionBoundaries") or []
            for doc in docs:
                body = doc.get("Statement", []) if isinstance(doc, dict) else []
                for i, raw in enumerate(body if isinstance(body, list) else [body]):
                    if not isinstance(raw, dict):
                        continue
                    seen += 1
                    quick = _well_formed_statement(raw, i)
                    parser = _Parser()
                    slow = parser.statement(raw, i, "$")
                    if quick is not None:
                        fast += 1
                        assert parser.findings == [] and quick == slow, raw
    assert seen > 17000 and fast > 0.99 * seen  # the corpus is mostly well formed
