"""Tests of ``opentruth iam lint``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opentruth.cli.app import app

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
runner = CliRunner()


def test_clean_managed_policy_exits_zero() -> None:
    result = runner.invoke(
        app, ["iam", "lint", str(SEED / "AmazonSageMakerGroundTruthExecution.json"), "--managed"]
    )
    assert result.exit_code == 0, result.output
    assert "ERROR" not in result.output


def test_seed_streaming_policy_exits_one_and_names_the_sqs_topic_arns() -> None:
    result = runner.invoke(app, ["iam", "lint", str(SEED / "streaming-execution-policy.json"), "--json"])
    assert result.exit_code == 1
    findings = [json.loads(line) for line in result.output.splitlines()]
    mismatched = [f for f in findings if f["code"] == "RESOURCE_TYPE_MISMATCH"]
    assert len(mismatched) == 6
    assert all(f["severity"] == "ERROR" and f["path"].startswith("$.Statement[") for f in mismatched)
    assert set(findings[0]) == {"severity", "code", "message", "path"}


def test_table_output_shows_severity_code_and_path(tmp_path: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app, ["iam", "lint", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    for text in ("ERROR", "UNKNOWN_ACTION", "$.Statement[0].Action", "GetObject"):
        assert text in result.output


def test_warnings_only_exit_zero(tmp_path: Path) -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app, ["iam", "lint", str(path), "--json"])
    assert result.exit_code == 0
    codes = {json.loads(line)["code"] for line in result.output.splitlines()}
    assert codes == {"MISSING_VERSION", "PASS_ROLE_WITH_STAR"}


def test_policy_type_option(tmp_path: Path) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(trust))
    assert runner.invoke(app, ["iam", "lint", str(path), "--type", "trust"]).exit_code == 0
    as_identity = runner.invoke(app, ["iam", "lint", str(path), "--json"])
    assert as_identity.exit_code == 1
    assert "PRINCIPAL_NOT_ALLOWED" in as_identity.output


def test_no_findings_message(tmp_path: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app, ["iam", "lint", str(path)])
    assert result.exit_code == 0
    assert "no findings" in result.output
    assert runner.invoke(app, ["iam", "lint", str(path), "--json"]).output == ""


def test_invalid_json_is_an_error_finding(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    result = runner.invoke(app, ["iam", "lint", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output.splitlines()[0])["code"] == "INVALID_JSON"


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--type", "nonsense"], "unknown policy type"), ([], "cannot read")],
)
def test_bad_arguments_exit_two(tmp_path: Path, args: list[str], words: str) -> None:
    target = SEED / "streaming-execution-policy.json" if args else tmp_path / "missing.json"
    result = runner.invoke(app, ["iam", "lint", str(target), *args])
    assert result.exit_code == 2
    assert words in result.output
