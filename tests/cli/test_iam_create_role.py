"""Tests of ``opentruth iam create-role``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from clisupport import Invoke, ok
from opentruth.db import repo_iam_roles
from opentruth.runtime import Runtime

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_create_role_from_role_json(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    role_file = EXAMPLES / "builtin-text" / "role.json"
    created = ok(ot("iam", "create-role", "--role", str(role_file)))
    arn = json.loads(role_file.read_text())["Arn"]
    assert created.stdout.strip() == arn
    rt = runtime_of()
    role = rt.res.roles.get_role(arn)
    assert role.name == "GroundTruthExecutionRole"
    assert [p.arn for p in role.attached] == ["arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"]


def test_customer_managed_documents_are_created(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    role_file = EXAMPLES / "autolabel-kms" / "role.json"
    ok(ot("iam", "create-role", "--role", str(role_file)))
    rt = runtime_of()
    detail = json.loads(role_file.read_text())
    role = rt.res.roles.get_role(detail["Arn"])
    assert set(detail["ManagedPolicyDocuments"]) <= set(role.managed_documents)


def test_authorization_details_with_role_name(
    ot: Invoke, tmp_path: Path, runtime_of: Callable[[], Runtime]
) -> None:
    first = json.loads((EXAMPLES / "builtin-text" / "role.json").read_text())
    second = json.loads((EXAMPLES / "custom" / "role.json").read_text())
    details = tmp_path / "details.json"
    details.write_text(json.dumps({"RoleDetailList": [first, second], "Policies": []}))
    without = ot("iam", "create-role", "--role", str(details))
    assert without.exit_code == 2
    assert "--role-name" in without.stderr and second["RoleName"] in without.stderr
    created = ok(ot("iam", "create-role", "--role", str(details), "--role-name", second["RoleName"]))
    assert created.stdout.strip() == second["Arn"]
    with runtime_of().db.read() as s:
        assert repo_iam_roles.find_role_arn(s, first["RoleName"]) is None


def test_errors(ot: Invoke, tmp_path: Path) -> None:
    role_file = EXAMPLES / "builtin-text" / "role.json"
    ok(ot("iam", "create-role", "--role", str(role_file)))
    again = ot("iam", "create-role", "--role", str(role_file))
    assert again.exit_code == 1
    assert "GroundTruthExecutionRole" in again.stderr
    ok(ot("iam", "create-role", "--role", str(role_file), "--replace"))

    missing = ot("iam", "create-role", "--role", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
    assert "nope.json" in missing.stderr

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    bad = ot("iam", "create-role", "--role", str(broken))
    assert bad.exit_code == 2
    assert "broken.json: not valid JSON" in bad.stderr

    no_trust = tmp_path / "no-trust.json"
    doc = json.loads(role_file.read_text())
    del doc["AssumeRolePolicyDocument"]
    no_trust.write_text(json.dumps(doc))
    invalid = ot("iam", "create-role", "--role", str(no_trust))
    assert invalid.exit_code == 2
    assert "AssumeRolePolicyDocument" in invalid.stderr
