"""Access Analyzer's ValidatePolicy through a real boto3 ``accessanalyzer`` client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from opentruth.cli.app import app
from opentruth.iam.analyzer import parse_path

if TYPE_CHECKING:
    from api.conftest import MakeUser, Server

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
REFERENCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"


def lint(path: Path, kind: str = "identity") -> list[dict[str, Any]]:
    """``opentruth iam lint --json``'s findings for ``path``."""
    result = CliRunner().invoke(app, ["iam", "lint", str(path), "--type", kind, "--json"])
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def all_findings(client: Any, **kw: Any) -> list[dict[str, Any]]:
    """Every finding, following ``nextToken``."""
    out: list[dict[str, Any]] = []
    token = None
    while True:
        page = client.validate_policy(**kw, **({"nextToken": token} if token else {}))
        out.extend(page["findings"])
        token = page.get("nextToken")
        if not token:
            return out


def text_at(text: str, location: dict[str, Any]) -> str:
    span = location["span"]
    return text[span["start"]["offset"] : span["end"]["offset"]]


def test_validate_policy_gives_iam_lints_findings_with_aws_locations(server: Server) -> None:
    path = SEED / "streaming-execution-policy.json"
    text = path.read_text()
    expected = lint(path)
    found = server.client("accessanalyzer").validate_policy(policyDocument=text, policyType="IDENTITY_POLICY")
    findings = found["findings"]
    assert "nextToken" not in found
    assert len(findings) == len(expected) > 0
    doc = json.loads(text)
    lines = text.splitlines()
    for got, want in zip(findings, expected, strict=True):
        assert got["findingType"] == want["severity"]
        assert got["findingDetails"] == want["message"]
        assert got["learnMoreLink"].startswith(REFERENCE)
        (location,) = got["locations"]
        elements = parse_path(want["path"], doc)
        assert location["path"] == [{"index": e} if isinstance(e, int) else {"value": e} for e in elements]
        # The span is the value at that path, as written in the text.
        node: Any = doc
        for e in elements:
            node = node[e]
        assert json.loads(text_at(text, location)) == node
        start = location["span"]["start"]
        assert lines[start["line"] - 1][start["column"] :].startswith(text_at(text, location)[:20])

    # The seed's unknown action, with AWS's issue code and its section of the reference.
    unknown = [f for f in findings if "SendMessageBatch" in f["findingDetails"]]
    assert [f["issueCode"] for f in unknown] == ["INVALID_ACTION"]
    assert (
        unknown[0]["learnMoreLink"]
        == f"{REFERENCE}#access-analyzer-reference-policy-checks-error-invalid-action"
    )
    assert text_at(text, unknown[0]["locations"][0]) == '"sqs:SendMessageBatch"'
    # A check AWS has no counterpart for keeps opentruth's code and links to the reference page.
    mismatch = [f for f in findings if f["issueCode"] == "RESOURCE_TYPE_MISMATCH"]
    assert mismatch and all(f["learnMoreLink"] == REFERENCE for f in mismatch)


def test_trust_policy_resource_type_and_paging(server: Server) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}
        ],
    }
    text = json.dumps(trust, indent=4)
    client = server.client("accessanalyzer")
    kw = {
        "policyDocument": text,
        "policyType": "RESOURCE_POLICY",
        "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument",
    }
    whole = client.validate_policy(**kw)["findings"]
    codes = {f["issueCode"] for f in whole}
    assert {"EMPTY_SID_VALUE", "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"} <= codes
    sid = next(f for f in whole if f["issueCode"] == "EMPTY_SID_VALUE")
    assert sid["findingType"] == "SUGGESTION"
    assert sid["locations"][0]["path"] == [{"value": "Statement"}, {"index": 0}, {"value": "Sid"}]
    assert text_at(text, sid["locations"][0]) == '""'
    sid_line = next(i for i, line in enumerate(text.splitlines(), 1) if '"Sid"' in line)
    assert sid["locations"][0]["span"]["start"]["line"] == sid_line
    # Page by page, the same findings in the same order.
    assert all_findings(client, **kw, maxResults=1) == whole
    # As a resource policy of a bucket, the trust-only check is not made.
    bucket = client.validate_policy(policyDocument=text, policyType="RESOURCE_POLICY")["findings"]
    assert "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE" not in {f["issueCode"] for f in bucket}


def test_invalid_json_is_a_finding_without_locations(server: Server) -> None:
    findings = server.client("accessanalyzer").validate_policy(
        policyDocument='{"Version": "2012-10-17", "Statement": [', policyType="IDENTITY_POLICY"
    )["findings"]
    assert [(f["findingType"], f["issueCode"], f["locations"]) for f in findings] == [
        ("ERROR", "JSON_SYNTAX_ERROR", [])
    ]


def test_organization_policies_are_refused_naming_the_type(server: Server) -> None:
    with pytest.raises(ClientError) as exc:
        server.client("accessanalyzer").validate_policy(
            policyDocument="{}", policyType="SERVICE_CONTROL_POLICY"
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert "SERVICE_CONTROL_POLICY" in exc.value.response["Error"]["Message"]


def test_validate_policy_needs_permission(server: Server, make_user: MakeUser) -> None:
    key, secret = make_user("no-analyzer", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})  # fmt: skip
    client = server.client("accessanalyzer", key, secret)
    with pytest.raises(ClientError) as exc:
        client.validate_policy(policyDocument="{}", policyType="IDENTITY_POLICY")
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "access-analyzer:ValidatePolicy" in exc.value.response["Error"]["Message"]

    key, secret = make_user("analyzer", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "access-analyzer:ValidatePolicy", "Resource": "*"}]})  # fmt: skip
    allowed = server.client("accessanalyzer", key, secret)
    assert allowed.validate_policy(policyDocument="{}", policyType="IDENTITY_POLICY")["findings"]
