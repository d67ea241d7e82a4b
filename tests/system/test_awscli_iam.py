"""The AWS CLI against ``opentruth serve``: the IAM commands people run to check a role.

``aws iam get-account-authorization-details > details.json`` feeds ``opentruth role check
--role details.json`` unchanged (the job's RoleArn picks the role), and ``aws iam
simulate-principal-policy`` decides as ``role check`` does. Everything runs as separate
processes with the profile that ``opentruth init`` writes, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import botocore.session
from botocore.model import StructureShape

from syssupport import Server, opentruth_command

ROLE = "arn:aws:iam::000000000000:role/service-role/OpenTruthDemoRole"
DECISIONS = {"Allowed": "allowed", "ImplicitlyDenied": "implicitDeny", "ExplicitlyDenied": "explicitDeny"}


def run(
    cmd: list[str], env: dict[str, str], cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, (
            f"{cmd[:4]} exited {done.returncode}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return done


def test_aws_cli_details_feed_role_check_and_simulation_agrees(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENTRUTH_", "AWS_"))}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        AWS_PROFILE="opentruth",
        COLUMNS="200",
    )
    ot = opentruth_command()
    aws = [str(Path(sys.executable).with_name("aws"))]
    server = Server(data, tmp_path / "serve.log")
    run([*ot, "init", "--data", str(data), "--endpoint-url", server.url], env, tmp_path)
    run([*ot, "demo", "--data", str(data)], env, tmp_path)
    server.start()
    try:
        details = run([*aws, "iam", "get-account-authorization-details"], env, tmp_path).stdout
        (tmp_path / "details.json").write_text(details)
        described = json.loads(
            run(
                [*aws, "sagemaker", "describe-labeling-job", "--labeling-job-name", "opentruth-demo-1"],
                env,
                tmp_path,
            ).stdout
        )
        model = botocore.session.get_session().get_service_model("sagemaker")
        shape = model.operation_model("CreateLabelingJob").input_shape
        assert isinstance(shape, StructureShape)
        job = {k: v for k, v in described.items() if k in shape.members}
        (tmp_path / "job.json").write_text(json.dumps(job))
        check = run(
            [
                *ot,
                "role",
                "check",
                "--job",
                "job.json",
                "--role",
                "details.json",
                "--data",
                str(data),
                "--json",
            ],
            env,
            tmp_path,
        )
        result = json.loads(check.stdout)
        assert result["allowed"] is True and job["RoleArn"] == ROLE
        # The CLI's simulation of the same requests gives role check's decisions.
        for req in result["requirements"]:
            out = run(
                [
                    *aws, "iam", "simulate-principal-policy", "--policy-source-arn", ROLE,
                    "--action-names", req["action"], "--resource-arns", req["resource"],
                ],
                env,
                tmp_path,
            )  # fmt: skip
            (evaluation,) = json.loads(out.stdout)["EvaluationResults"]
            assert evaluation["EvalDecision"] == DECISIONS[req["decision"]], req
            sources = {m["SourcePolicyId"] for m in evaluation["MatchedStatements"]}
            assert sources == {s.split("/")[0] for s in req["statement"].split(", ")}
        denied = run(
            [
                *aws,
                "iam",
                "simulate-principal-policy",
                "--policy-source-arn",
                ROLE,
                "--action-names",
                "s3:DeleteBucket",
            ],
            env,
            tmp_path,
        )
        assert json.loads(denied.stdout)["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    finally:
        server.stop()
