"""Tests of the managed-policy registry and the shipped AWS managed policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labsupport import NOTEBOOK_POLICIES
from opentruth.errors import ValidationError
from opentruth.iam.managed import (
    GROUND_TRUTH_EXECUTION_ARN,
    ManagedPolicyRegistry,
    is_aws_managed,
    policy_name_of,
    shipped_document,
    shipped_policy_names,
)

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "opentruth" / "iam" / "data" / "managed"
CUSTOMER_ARN = "arn:aws:iam::000000000000:policy/team/LabelingExtras"
CUSTOMER_DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Kms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
}


def test_ground_truth_policy_is_shipped_byte_for_byte() -> None:
    # The seed copy is groundtruth.md §9 verbatim; the package must carry exactly that text.
    shipped = (PACKAGE / "AmazonSageMakerGroundTruthExecution.json").read_bytes()
    assert shipped == (SEED / "AmazonSageMakerGroundTruthExecution.json").read_bytes()
    assert "AmazonSageMakerGroundTruthExecution" in shipped_policy_names()
    assert shipped_document("AmazonSageMakerGroundTruthExecution") == json.loads(shipped)


def test_registry_resolves_the_shipped_policy_by_arn() -> None:
    registry = ManagedPolicyRegistry()
    policy = registry.resolve(GROUND_TRUTH_EXECUTION_ARN)
    assert policy.name == "AmazonSageMakerGroundTruthExecution"
    sids = [s.sid for s in policy.statements]
    assert "StreamingTopicSubscribe" in sids
    assert "CustomLabelingJobs" in sids
    assert GROUND_TRUTH_EXECUTION_ARN in registry
    assert registry.resolve(GROUND_TRUTH_EXECUTION_ARN) is policy  # parsed once


@pytest.mark.parametrize("document", [CUSTOMER_DOC, json.dumps(CUSTOMER_DOC)])
def test_customer_documents_resolve_from_dict_or_text(document: object) -> None:
    registry = ManagedPolicyRegistry({CUSTOMER_ARN: document})
    policy = registry.resolve(CUSTOMER_ARN)
    assert policy.name == "LabelingExtras"
    assert policy.statements[0].actions == ("kms:Decrypt",)
    assert CUSTOMER_ARN in registry


def test_unknown_aws_managed_policy_names_it_and_points_to_managed_policy_documents() -> None:
    arn = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
    registry = ManagedPolicyRegistry()
    assert arn not in registry
    with pytest.raises(ValidationError) as err:
        registry.resolve(arn)
    assert arn in err.value.message
    assert "ManagedPolicyDocuments" in err.value.message


def test_unknown_customer_policy_points_to_managed_policy_documents() -> None:
    with pytest.raises(ValidationError) as err:
        ManagedPolicyRegistry().resolve(CUSTOMER_ARN)
    assert CUSTOMER_ARN in err.value.message
    assert "ManagedPolicyDocuments" in err.value.message


def test_a_given_document_overrides_the_shipped_one() -> None:
    registry = ManagedPolicyRegistry()
    registry.add(GROUND_TRUTH_EXECUTION_ARN, CUSTOMER_DOC)
    assert len(registry.resolve(GROUND_TRUTH_EXECUTION_ARN).statements) == 1
    assert registry.document(GROUND_TRUTH_EXECUTION_ARN) == CUSTOMER_DOC


def test_an_unparsable_customer_document_raises_a_validation_error() -> None:
    registry = ManagedPolicyRegistry({CUSTOMER_ARN: {"Statement": [{"Effect": "Maybe"}]}})
    with pytest.raises(ValidationError):
        registry.resolve(CUSTOMER_ARN)


def test_arn_helpers() -> None:
    assert is_aws_managed("arn:aws:iam::aws:policy/service-role/AWSLambdaRole")
    assert not is_aws_managed(CUSTOMER_ARN)
    assert policy_name_of("arn:aws:iam::aws:policy/service-role/AWSLambdaRole") == "AWSLambdaRole"
    assert 1 not in ManagedPolicyRegistry()


def test_the_policies_notebooks_attach_are_shipped_with_version_and_source() -> None:
    index = json.loads((PACKAGE.parent / "managed_policies.json").read_text("utf-8"))["policies"]
    files = {p.stem for p in PACKAGE.glob("*.json")}
    assert set(index) == files == shipped_policy_names()  # one entry per document, no stray file
    registry = ManagedPolicyRegistry()
    for name, arn in NOTEBOOK_POLICIES.items():
        entry = index[name]
        assert entry["Arn"] == arn and arn.endswith(entry["Path"] + name)
        assert entry["DefaultVersionId"].startswith("v") and entry["DefaultVersionId"][1:].isdigit()
        assert entry["PolicyId"].startswith("ANPA")
        assert set(entry["Source"]) == {"Document", "Metadata", "Reference"}
        assert registry.resolve(arn).name == name  # every shipped document parses
        assert registry.document(arn) == shipped_document(name)


def test_a_shipped_policy_resolves_only_under_its_own_path() -> None:
    # AWSLambdaBasicExecutionRole lives under /service-role/, as in IAM; elsewhere it is unknown.
    registry = ManagedPolicyRegistry()
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in registry
    assert "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole" not in registry
    with pytest.raises(ValidationError, match="not shipped"):
        registry.resolve("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")
