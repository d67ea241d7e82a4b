"""``opentruth iam create-role`` stores every seed policy, as IAM does, and refuses grammar errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clisupport import Invoke, ok
from opentruth.runtime import Runtime

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
ARN = "arn:aws:iam::000000000000:role/SeedRole"


def seed_role() -> dict[str, Any]:
    """A ROLE.json whose trust policy and inline policies are the seed page's, verbatim."""

    def statement(name: str) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [json.loads((SEED / name).read_text())]}

    inline = {
        "builtin": json.loads((SEED / "builtin-execution-policy.json").read_text()),
        "streaming": json.loads((SEED / "streaming-execution-policy.json").read_text()),
        "custom": statement("custom-lambda-statement.json"),
        "passrole": statement("autolabel-passrole-statement.json"),
    }
    return {
        "Path": "/",
        "RoleName": "SeedRole",
        "Arn": ARN,
        "AssumeRolePolicyDocument": json.loads((SEED / "autolabel-trust-policy.json").read_text()),
        "RolePolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in inline.items()],
        "AttachedManagedPolicies": [],
    }


def test_every_seed_policy_is_stored(ot: Invoke, tmp_path: Path, runtime_of: Callable[[], Runtime]) -> None:
    detail = seed_role()
    path = tmp_path / "role.json"
    path.write_text(json.dumps(detail))
    assert ok(ot("iam", "create-role", "--role", str(path))).stdout.strip() == ARN
    role = runtime_of().res.roles.get_role(ARN)
    assert {p.name: p.document for p in role.inline} == {
        p["PolicyName"]: p["PolicyDocument"] for p in detail["RolePolicyList"]
    }
    assert role.trust_document == detail["AssumeRolePolicyDocument"]


def test_a_grammar_error_is_refused_in_iams_words(ot: Invoke, tmp_path: Path) -> None:
    detail = seed_role()
    detail["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Principal"] = "*"
    path = tmp_path / "role.json"
    path.write_text(json.dumps(detail))
    result = ot("iam", "create-role", "--role", str(path))
    assert result.exit_code != 0
    assert "Policy document should not specify a principal." in result.stderr
    assert "$.Statement[0].Principal" in result.stderr


def test_inline_policies_share_the_roles_size_quota(ot: Invoke, tmp_path: Path) -> None:
    detail = seed_role()
    big = json.loads((SEED / "streaming-execution-policy.json").read_text())
    # Seven copies of the streaming policy (1,648 characters each) fit one by one, not together.
    detail["RolePolicyList"] = [{"PolicyName": f"copy{i}", "PolicyDocument": big} for i in range(7)]
    path = tmp_path / "role.json"
    path.write_text(json.dumps(detail))
    result = ot("iam", "create-role", "--role", str(path))
    assert result.exit_code != 0
    assert "Maximum policy size of 10240 bytes exceeded for role SeedRole" in result.stderr
