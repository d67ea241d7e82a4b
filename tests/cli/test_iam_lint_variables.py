"""``opentruth iam lint`` names each policy variable that AWS would not substitute, with its path."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from opentruth.cli.app import app

runner = CliRunner()


def test_variables_without_effect_are_warnings_at_their_paths(tmp_path: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:${aws:username}"],
                "Resource": [
                    "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue",
                    "arn:aws:sqs:*:*:${aws:username}-queue",
                ],
                "Condition": {
                    "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"},
                    "DateLessThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"},
                },
            }
        ],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app, ["iam", "lint", str(path), "--json"])
    findings = [json.loads(line) for line in result.output.splitlines()]
    flagged = {f["path"]: f for f in findings if f["code"] == "POLICY_VARIABLE_NOT_SUBSTITUTED"}
    # The variable in the resource part and the one in a string condition take effect.
    assert sorted(flagged) == [
        "$.Statement[0].Action[1]",
        '$.Statement[0].Condition.DateLessThan["aws:CurrentTime"]',
        "$.Statement[0].Resource[0]",
    ]
    assert all(f["severity"] == "WARNING" for f in flagged.values())
    assert "account segment" in flagged["$.Statement[0].Resource[0]"]["message"]
