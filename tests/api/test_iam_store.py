"""IAM's store accepts what AWS accepts: boto3 against a running server.

Every policy of the seed page (``../shared/seed/execution-role.md``; copies with only the
placeholders filled in ``tests/data/seed/``) is stored verbatim, whatever ``iam lint`` thinks of
it; grammar errors are still ``MalformedPolicyDocument`` in IAM's words, and the size quotas
``LimitExceeded``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from opentruth.db import repo_iam
from opentruth.iam.validate import PolicyType, validate_policy

if TYPE_CHECKING:
    from api.conftest import Server

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
TRUST_TEXT = (SEED / "autolabel-trust-policy.json").read_text()


def statement_policy(name: str) -> str:
    """A seed statement ("add the following statement to an execution role policy") in a
    policy of its own, the statement's text verbatim."""
    return '{"Version": "2012-10-17", "Statement": [' + (SEED / name).read_text() + "]}"


# (name, the policy text exactly as a user pastes it)
SEED_POLICIES = [
    ("builtin", (SEED / "builtin-execution-policy.json").read_text()),
    ("streaming", (SEED / "streaming-execution-policy.json").read_text()),
    ("custom", statement_policy("custom-lambda-statement.json")),
    ("passrole", statement_policy("autolabel-passrole-statement.json")),
]


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err: Any = exc.value.response["Error"]
    return str(err["Code"]), str(err["Message"])


def test_the_seed_policies_are_findings_for_lint_not_errors_of_the_store() -> None:
    # The premise: lint has ERROR findings on the streaming policy (sqs:SendMessageBatch is
    # no IAM action, its topic ARNs are sqs ARNs), and yet IAM stores it.
    streaming = dict(SEED_POLICIES)["streaming"]
    codes = {f.code for f in validate_policy(streaming) if f.severity == "ERROR"}
    assert {"UNKNOWN_ACTION", "RESOURCE_TYPE_MISMATCH"} <= codes


@pytest.mark.parametrize(("name", "text"), SEED_POLICIES, ids=[n for n, _ in SEED_POLICIES])
def test_each_seed_policy_is_stored_verbatim(server: Server, name: str, text: str) -> None:
    iam = server.client("iam")
    want = json.loads(text)
    role = f"Seed-{name}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_TEXT)
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=text)
    assert iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"] == want

    user = f"seed-{name}"
    iam.create_user(UserName=user)
    if len(text.replace(" ", "").replace("\n", "")) <= 2048:  # a user's inline quota
        iam.put_user_policy(UserName=user, PolicyName=name, PolicyDocument=text)
        # (opentruth serves no GetUserPolicy yet: read the stored row.)
        with server.resources.db.read() as s:
            assert repo_iam.get_user(s, user).inline_policies[name] == want

    arn = iam.create_policy(PolicyName=f"Seed{name}", PolicyDocument=text)["Policy"]["Arn"]
    v1 = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert v1["Document"] == want
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=text, SetAsDefault=True)["PolicyVersion"]
    assert (
        iam.get_policy_version(PolicyArn=arn, VersionId=v2["VersionId"])["PolicyVersion"]["Document"] == want
    )


def test_the_seed_trust_policy_is_stored_by_create_role_and_update(server: Server) -> None:
    iam = server.client("iam")
    iam.create_role(RoleName="SeedTrust", AssumeRolePolicyDocument=TRUST_TEXT)
    assert iam.get_role(RoleName="SeedTrust")["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST_TEXT)
    iam.update_assume_role_policy(RoleName="SeedTrust", PolicyDocument=TRUST_TEXT)
    assert iam.get_role(RoleName="SeedTrust")["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST_TEXT)


def doc(**statement: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}


GRAMMAR_ERRORS = [
    ("{not json", "This policy contains invalid Json"),
    ('["a list"]', "Syntax errors in policy."),
    (json.dumps({**doc(Action="s3:GetObject", Resource="*"), "Bogus": 1}), "Syntax errors in policy."),
    (json.dumps(doc(Action="s3:GetObject", Resource="*", Colour="red")), "Syntax errors in policy."),
    (
        json.dumps(doc(Action="s3:GetObject", Resource="*") | {"Version": "2020-01-01"}),
        "The policy must contain a valid version string",
    ),
    (
        json.dumps(
            {"Version": "2012-10-17", "Statement": {"Effect": "allow", "Action": "s3:*", "Resource": "*"}}
        ),
        "Syntax errors in policy.",
    ),
    (
        json.dumps(doc(Action="GetObject", Resource="*")),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        json.dumps(doc(Action="s3:GetObject", Resource="*", Principal={"AWS": "111122223333"})),
        "Policy document should not specify a principal.",
    ),
    (json.dumps(doc(Action="s3:GetObject")), "Policy statement must contain resources."),
    (json.dumps(doc(Resource="*")), "Policy statement must contain actions."),
]


@pytest.mark.parametrize(("text", "sentence"), GRAMMAR_ERRORS)
def test_grammar_errors_are_malformed_in_iams_words(server: Server, text: str, sentence: str) -> None:
    iam = server.client("iam")
    role = f"Grammar{GRAMMAR_ERRORS.index((text, sentence))}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_TEXT)
    with pytest.raises(ClientError) as exc:
        iam.create_policy(PolicyName="Bad", PolicyDocument=text)
    assert error(exc)[0] == "MalformedPolicyDocument"
    assert error(exc)[1].startswith(sentence)
    assert "policy Bad" in error(exc)[1]  # then which policy, and where
    with pytest.raises(ClientError) as exc:
        iam.put_role_policy(RoleName=role, PolicyName="bad", PolicyDocument=text)
    assert error(exc)[0] == "MalformedPolicyDocument"
    assert error(exc)[1].startswith(sentence)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == []


def test_a_trust_policy_needs_a_principal(server: Server) -> None:
    iam = server.client("iam")
    no_principal = json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}
    )
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="NoPrincipal", AssumeRolePolicyDocument=no_principal)
    assert error(exc)[0] == "MalformedPolicyDocument"
    assert error(exc)[1].startswith("Missing required field Principal")
    iam.create_role(RoleName="HasPrincipal", AssumeRolePolicyDocument=TRUST_TEXT)
    with pytest.raises(ClientError) as exc:
        iam.update_assume_role_policy(RoleName="HasPrincipal", PolicyDocument=no_principal)
    assert error(exc)[0] == "MalformedPolicyDocument"
    assert iam.get_role(RoleName="HasPrincipal")["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST_TEXT)


def padded(size: int) -> str:
    """A valid policy of about ``size`` characters (without white space)."""
    base = doc(Action="s3:GetObject", Resource="arn:aws:s3:::b/")
    filler = size - len(json.dumps(base, separators=(",", ":")))
    base["Statement"][0]["Resource"] += "x" * max(filler, 0)
    return json.dumps(base)


def test_size_quotas_are_limit_exceeded(server: Server) -> None:
    iam = server.client("iam")
    with pytest.raises(ClientError) as exc:
        iam.create_policy(PolicyName="Big", PolicyDocument=padded(6_200))
    assert error(exc) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
    iam.create_policy(PolicyName="JustFits", PolicyDocument=padded(6_100))

    # A role's inline policies share one quota of 10,240 characters.
    iam.create_role(RoleName="Quota", AssumeRolePolicyDocument=TRUST_TEXT)
    iam.put_role_policy(RoleName="Quota", PolicyName="one", PolicyDocument=padded(6_000))
    iam.put_role_policy(RoleName="Quota", PolicyName="one", PolicyDocument=padded(6_000))  # replaces itself
    with pytest.raises(ClientError) as exc:
        iam.put_role_policy(RoleName="Quota", PolicyName="two", PolicyDocument=padded(6_000))
    assert error(exc) == ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role Quota")
    assert iam.list_role_policies(RoleName="Quota")["PolicyNames"] == ["one"]

    # A user's: 2,048.
    iam.create_user(UserName="quota")
    iam.put_user_policy(UserName="quota", PolicyName="one", PolicyDocument=padded(1_500))
    with pytest.raises(ClientError) as exc:
        iam.put_user_policy(UserName="quota", PolicyName="two", PolicyDocument=padded(1_000))
    assert error(exc) == ("LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user quota")


def test_what_lint_finds_is_stored_and_lint_still_finds_it(server: Server) -> None:
    iam = server.client("iam")
    wrong = doc(
        Action=["sqs:SendMessageBatch", "s3:GetObjekt"],
        Resource="arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:q",
    )
    iam.create_role(RoleName="Linted", AssumeRolePolicyDocument=TRUST_TEXT)
    iam.put_role_policy(RoleName="Linted", PolicyName="p", PolicyDocument=json.dumps(wrong))
    stored = iam.get_role_policy(RoleName="Linted", PolicyName="p")["PolicyDocument"]
    assert stored == wrong
    codes = [f.code for f in validate_policy(stored, policy_type=PolicyType.IDENTITY)]
    assert "UNKNOWN_ACTION" in codes and "POLICY_VARIABLE_NOT_SUBSTITUTED" in codes
