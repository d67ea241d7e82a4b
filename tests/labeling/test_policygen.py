"""Tests of the generated least-privilege roles, including the round trip through role check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.iam.roles import Role
from opentruth.labeling.policygen import MAX_EXACT_OBJECTS, execution_policy, generate_role, trust_policy
from opentruth.labeling.requirements import JobRequirements, derive_requirements
from opentruth.labeling.rolecheck import check_role, read_local_manifest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ["builtin-text", "streaming", "custom", "autolabel-kms"]


def requirements(name: str) -> JobRequirements:
    job = json.loads((EXAMPLES / name / "job.json").read_text())
    manifest = EXAMPLES / name / "input.manifest"
    sources = read_local_manifest(manifest) if manifest.exists() else None
    return derive_requirements(job, data_objects=sources)


def with_statements(role: Role, statements: list[dict[str, Any]]) -> Role:
    detail = role.to_detail()
    detail["RolePolicyList"][0]["PolicyDocument"]["Statement"] = statements
    return Role.from_detail(detail)


@pytest.mark.parametrize("name", NAMES)
def test_generated_role_passes_and_every_statement_is_needed(name: str) -> None:
    reqs = requirements(name)
    generated = generate_role(reqs)
    check = check_role(Role.from_detail(copy.deepcopy(generated.role.to_detail())), reqs)
    assert check.allowed
    assert check.clean
    statements = generated.execution_policy["Statement"]
    assert len({s["Sid"] for s in statements}) == len(statements)
    for i, removed in enumerate(statements):
        rest = copy.deepcopy(statements[:i] + statements[i + 1 :])
        without = check_role(with_statements(generated.role, rest), reqs)
        assert not without.clean, f"statement {removed['Sid']} is not needed"
        denied = [r for r in without.results if not r.allowed]
        # Each denial is something that statement's actions cover.
        actions = removed["Action"] if isinstance(removed["Action"], list) else [removed["Action"]]
        assert {r.requirement.action for r in denied} <= set(actions)
        if removed["Sid"] not in ("CloudWatch", "CloudWatchMetrics"):
            assert not without.allowed, f"statement {removed['Sid']} guards only advisory requirements"


@pytest.mark.parametrize("name", NAMES)
def test_removing_the_trust_statement_fails(name: str) -> None:
    reqs = requirements(name)
    detail = generate_role(reqs).role.to_detail()
    detail["AssumeRolePolicyDocument"]["Statement"] = []
    check = check_role(Role.from_detail(detail), reqs)
    assert not check.trust.allowed
    assert not check.allowed


def test_seed_sids_and_sns_topic_arns_for_streaming() -> None:
    reqs = requirements("streaming")
    policy = execution_policy(reqs)
    sids = [s["Sid"] for s in policy["Statement"]]
    for sid in ("S3ViewBuckets", "CloudWatch", "StreamingQueue", "StreamingTopicSubscribe", "StreamingTopic",
                "StreamingTopicUnsubscribe"):  # fmt: skip
        assert sid in sids
    topics = [s for s in policy["Statement"] if s["Sid"].startswith("StreamingTopic")]
    for st in topics:
        assert st["Resource"].startswith("arn:aws:sns:us-east-1:000000000000:")
    subscribe = next(s for s in topics if s["Sid"] == "StreamingTopicSubscribe")
    assert subscribe["Condition"]["StringEquals"]["sns:Endpoint"] == reqs.job.queue_arn
    assert "LambdaFunctions" not in sids  # built-in PRE-/ACS- functions
    assert "PassRoleToSageMaker" not in sids


def test_output_grant_covers_the_whole_job_prefix_only() -> None:
    reqs = requirements("builtin-text")
    put = next(s for s in execution_policy(reqs)["Statement"] if s["Sid"] == "S3PutObjects")
    assert (
        put["Resource"]
        == "arn:aws:s3:::sagemaker-groundtruth-demo-000000000000/text/output/review-sentiment/*"
    )
    assert put["Action"] == ["s3:AbortMultipartUpload", "s3:PutObject"]


def test_trust_policy_has_confused_deputy_conditions() -> None:
    reqs = requirements("custom")
    st = trust_policy(reqs.job)["Statement"][0]
    assert st["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": "000000000000"}
    assert st["Condition"]["ArnLike"] == {
        "aws:SourceArn": "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/*"
    }


def test_unread_manifest_grants_its_bucket() -> None:
    job = json.loads((EXAMPLES / "custom" / "job.json").read_text())
    reqs = derive_requirements(job)
    get = next(s for s in execution_policy(reqs)["Statement"] if s["Sid"] == "S3GetObjects")
    assert "arn:aws:s3:::acme-labeling-data-000000000000/*" in get["Resource"]


def test_crowded_folders_are_granted_as_a_prefix() -> None:
    job = json.loads((EXAMPLES / "custom" / "job.json").read_text())
    many = [
        f"s3://acme-labeling-data-000000000000/custom/docs/doc-{i}.txt" for i in range(MAX_EXACT_OBJECTS + 1)
    ]
    few = ["s3://other-bucket-000000000000/x/one.txt"]
    reqs = derive_requirements(job, data_objects=many + few)
    resources = next(s for s in execution_policy(reqs)["Statement"] if s["Sid"] == "S3GetObjects")["Resource"]
    assert "arn:aws:s3:::acme-labeling-data-000000000000/custom/docs/*" in resources
    assert "arn:aws:s3:::other-bucket-000000000000/x/one.txt" in resources
    assert not any("doc-1.txt" in r for r in resources)
    assert check_role(generate_role(reqs).role, reqs).allowed


def test_generated_role_keeps_the_role_path_and_name() -> None:
    reqs = requirements("builtin-text")
    role = generate_role(reqs).role
    assert role.name == "GroundTruthExecutionRole"
    assert role.path == "/service-role/"
    assert role.arn == reqs.job.role_arn
    assert generate_role(reqs).to_output().keys() == {"PolicyDocument", "AssumeRolePolicyDocument"}
