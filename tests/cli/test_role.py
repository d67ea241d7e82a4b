"""Tests of ``opentruth role check`` and ``opentruth role policy``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from opentruth.cli.app import app
from opentruth.cloud.embedded_store import EmbeddedObjectStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def ex(name: str, file: str = "job.json") -> str:
    return str(EXAMPLES / name / file)


def check(*args: str) -> Any:
    return runner.invoke(app, ["role", "check", *args])


@pytest.mark.parametrize("name", ["builtin-text", "custom", "autolabel-kms"])
def test_example_roles_pass(name: str) -> None:
    manifest = EXAMPLES / name / "input.manifest"
    result = check("--job", ex(name), "--role", ex(name, "role.json"), "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    assert "OK: role" in result.output


def test_json_output_shape() -> None:
    result = check("--job", ex("builtin-text"), "--role", ex("builtin-text", "role.json"), "--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["allowed"] is True
    assert out["trust"]["decision"] == "Allowed"
    assert out["trust"]["action"] == "sts:AssumeRole"
    assert out["requirements"]
    for req in out["requirements"]:
        assert {"requirement", "severity", "action", "resource", "decision", "statement"} <= set(req)
    # Without --manifest the data objects are listed as unchecked; the manifest itself is checked.
    assert out["unchecked"]
    assert any(
        r["requirement"] == "read input manifest" and r["decision"] == "Allowed" for r in out["requirements"]
    )


def test_streaming_seed_role_cannot_subscribe() -> None:
    result = check("--job", ex("streaming"), "--role", ex("streaming", "role.json"), "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["allowed"] is False
    sub = next(r for r in out["requirements"] if r["action"] == "sns:Subscribe")
    assert sub["decision"] == "ImplicitlyDenied"
    assert "arn:aws:sqs:" in sub["why"]


def test_table_output_explains_the_managed_policy_naming_rules() -> None:
    result = check("--job", ex("custom"), "--role", ex("custom", "role-managed-only.json"))
    assert result.exit_code == 1
    assert (
        "function acme-pre-annotation's name lacks GtRecipe, SageMaker or LabelingFunction" in result.output
    )
    assert "bucket acme-labeling-data-000000000000's name" in result.output
    assert "FAIL: role AcmeLabelingRole" in result.output
    assert "unchecked: data objects named by" in result.output


def test_advisory_denials_are_warnings_and_exit_zero(tmp_path: Path) -> None:
    role = json.loads(Path(ex("custom", "role.json")).read_text())
    doc = role["RolePolicyList"][0]["PolicyDocument"]
    doc["Statement"] = [s for s in doc["Statement"] if s["Sid"] != "CloudWatch"]
    path = tmp_path / "role.json"
    path.write_text(json.dumps(role))
    result = check("--job", ex("custom"), "--role", str(path))
    assert result.exit_code == 0, result.output
    assert "warning: logs:PutLogEvents" in result.output


def test_unknown_aws_managed_policy_is_named(tmp_path: Path) -> None:
    role = json.loads(Path(ex("builtin-text", "role.json")).read_text())
    arn = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
    role["AttachedManagedPolicies"].append({"PolicyName": "AmazonEC2FullAccess", "PolicyArn": arn})
    path = tmp_path / "role.json"
    path.write_text(json.dumps(role))
    result = check("--job", ex("builtin-text"), "--role", str(path))
    assert result.exit_code == 2
    assert arn in result.output
    assert "ManagedPolicyDocuments" in result.output


def test_authorization_details_by_role_name_or_the_jobs_role_arn(tmp_path: Path) -> None:
    role = json.loads(Path(ex("autolabel-kms", "role.json")).read_text())
    docs = role.pop("ManagedPolicyDocuments")
    details = {
        "RoleDetailList": [role],
        "Policies": [
            {
                "Arn": arn,
                "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "Document": doc}],
            }
            for arn, doc in docs.items()
        ],
    }
    path = tmp_path / "details.json"
    path.write_text(json.dumps(details))
    job = ex("autolabel-kms")
    result = check("--job", job, "--role", str(path), "--role-name", "GroundTruthAutoLabelRole")
    assert result.exit_code == 0, result.output
    # Without --role-name, the job's RoleArn picks the role: the file is used as AWS wrote it.
    by_arn = check("--job", job, "--role", str(path))
    assert by_arn.exit_code == 0, by_arn.output
    assert by_arn.output == result.output
    # A file without the job's role says which roles it has.
    role["Arn"] = role["Arn"].replace(role["RoleName"], "Other")
    role["RoleName"] = "Other"
    path.write_text(json.dumps(details))
    missing = check("--job", job, "--role", str(path))
    assert missing.exit_code == 2 and "--role-name" in missing.output and "Other" in missing.output


def test_option_conflicts_and_bad_files_exit_two(tmp_path: Path) -> None:
    assert check("--job", ex("custom")).exit_code == 2
    both = check("--job", ex("custom"), "--role", ex("custom", "role.json"), "--from-aws", "x")
    assert both.exit_code == 2
    manifest = str(EXAMPLES / "custom" / "input.manifest")
    m_and_d = check("--job", ex("custom"), "--role", ex("custom", "role.json"), "--manifest", manifest,
                    "--data", str(tmp_path))  # fmt: skip
    assert m_and_d.exit_code == 2
    bad = tmp_path / "job.json"
    bad.write_text("[]")
    result = check("--job", str(bad), "--role", ex("custom", "role.json"))
    assert result.exit_code == 2
    assert "job file" in result.output


def test_sample_limits_the_data_objects_checked() -> None:
    result = check("--job", ex("autolabel-kms"), "--role", ex("autolabel-kms", "role.json"), "--manifest",
                   str(EXAMPLES / "autolabel-kms" / "input.manifest"), "--sample", "4", "--json")  # fmt: skip
    out = json.loads(result.stdout)
    assert len([r for r in out["requirements"] if r["requirement"] == "read data object"]) == 4
    assert any("8 more" in u for u in out["unchecked"])


def test_data_dir_reads_manifest_and_tags(tmp_path: Path) -> None:
    job = json.loads(Path(ex("custom")).read_text())
    store = EmbeddedObjectStore(tmp_path, durable=False)
    bucket = "acme-labeling-data-000000000000"
    store.create_bucket(bucket)
    store.put_object(
        bucket, "custom/input.manifest", b'{"source-ref": "s3://%s/custom/docs/a.txt"}\n' % bucket.encode()
    )
    store.put_object(bucket, "custom/docs/a.txt", b"text", tags={"SageMaker": "true"})
    job_path = tmp_path / "job.json"
    job_path.write_text(json.dumps(job))
    role = ex("custom", "role-managed-only.json")
    result = check("--job", str(job_path), "--role", role, "--data", str(tmp_path), "--json")
    out = json.loads(result.stdout)
    (read,) = [r for r in out["requirements"] if r["requirement"] == "read data object"]
    assert read["decision"] == "Allowed"  # the SageMaker tag grant of the managed policy
    assert out["unchecked"] == []


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MOTO_ACCOUNT_ID": "000000000000",  # the examples' account
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def create_live_role(name: str) -> None:
    """Create the custom example's role in (mocked) IAM: inline policy plus a customer managed one."""
    role = json.loads(Path(ex("custom", "role.json")).read_text())
    iam = boto3.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]))
    statements = role["RolePolicyList"][0]["PolicyDocument"]["Statement"]
    inline = {"Version": "2012-10-17", "Statement": [s for s in statements if s["Sid"] != "LambdaFunctions"]}
    lambdas = {"Version": "2012-10-17", "Statement": [s for s in statements if s["Sid"] == "LambdaFunctions"]}
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(inline))
    arn = iam.create_policy(PolicyName="AcmeLambdas", PolicyDocument=json.dumps(lambdas))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=arn)


def test_from_aws_reads_a_live_role(aws: None) -> None:
    create_live_role("AcmeLabelingRole")
    result = check("--job", ex("custom"), "--from-aws", "AcmeLabelingRole", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    invoke = [r for r in out["requirements"] if r["action"] == "lambda:InvokeFunction"]
    assert invoke
    assert all(r["statement"] == "AcmeLambdas/LambdaFunctions" for r in invoke)


def test_from_aws_with_a_missing_policy_fails(aws: None) -> None:
    create_live_role("AcmeLabelingRole")
    boto3.client("iam").delete_role_policy(RoleName="AcmeLabelingRole", PolicyName="inline")
    result = check("--job", ex("custom"), "--from-aws", "AcmeLabelingRole", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["allowed"] is False


def test_from_aws_with_an_unknown_role_is_a_clear_error(aws: None) -> None:
    result = check("--job", ex("custom"), "--from-aws", "NoSuchRole")
    assert result.exit_code == 2
    assert "NoSuchRole" in result.output


def test_role_policy_prints_both_documents() -> None:
    result = runner.invoke(app, ["role", "policy", "--job", ex("streaming")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"PolicyDocument", "AssumeRolePolicyDocument"}
    text = json.dumps(out["PolicyDocument"])
    assert "arn:aws:sns:us-east-1:000000000000:groundtruth-stream-input" in text
    assert "arn:aws:sqs:us-east-1:000000000000:groundtruth" not in text


@pytest.mark.parametrize("name", ["builtin-text", "streaming", "custom", "autolabel-kms"])
def test_role_policy_out_goes_straight_to_role_check(tmp_path: Path, name: str) -> None:
    manifest = EXAMPLES / name / "input.manifest"
    extra = ["--manifest", str(manifest)] if manifest.exists() else []
    result = runner.invoke(app, ["role", "policy", "--job", ex(name), "--out", str(tmp_path), *extra])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {"role.json", "execution-policy.json", "trust-policy.json"}
    role = json.loads((tmp_path / "role.json").read_text())
    assert role["RolePolicyList"][0]["PolicyDocument"] == json.loads(
        (tmp_path / "execution-policy.json").read_text()
    )
    assert role["AssumeRolePolicyDocument"] == json.loads((tmp_path / "trust-policy.json").read_text())
    checked = check("--job", ex(name), "--role", str(tmp_path / "role.json"), *extra)
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("name", ["builtin-text", "streaming", "custom", "autolabel-kms"])
def test_generated_role_round_trip_every_statement_is_needed(tmp_path: Path, name: str) -> None:
    """`role policy --out` writes a role that passes `role check --strict`; without any one of
    its statements (or its trust statement) the strict check fails."""
    out = tmp_path / "gen"
    made = runner.invoke(app, ["role", "policy", "--job", ex(name), "--out", str(out)])
    assert made.exit_code == 0, made.output
    role_file = out / "role.json"
    ok = runner.invoke(app, ["role", "check", "--strict", "--job", ex(name), "--role", str(role_file)])
    assert ok.exit_code == 0, ok.output
    detail = json.loads(role_file.read_text())
    (inline,) = detail["RolePolicyList"]
    statements = inline["PolicyDocument"]["Statement"]
    assert len(statements) >= 3
    for i in range(len(statements)):
        cut = json.loads(json.dumps(detail))
        del cut["RolePolicyList"][0]["PolicyDocument"]["Statement"][i]
        path = tmp_path / f"cut-{i}.json"
        path.write_text(json.dumps(cut))
        r = runner.invoke(app, ["role", "check", "--strict", "--job", ex(name), "--role", str(path)])
        assert r.exit_code == 1, f"statement {statements[i].get('Sid')} was not needed:\n{r.output}"
    untrusted = json.loads(json.dumps(detail))
    untrusted["AssumeRolePolicyDocument"]["Statement"] = [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    path = tmp_path / "untrusted.json"
    path.write_text(json.dumps(untrusted))
    assert runner.invoke(app, ["role", "check", "--job", ex(name), "--role", str(path)]).exit_code == 1
