"""Service models: protocol metadata, operation lookup and modeled error codes."""

from __future__ import annotations

import botocore.session
import pytest

from opentruth.awsmodel.service import (
    UnknownOperationError,
    UnknownServiceError,
    error_codes,
    modeled_errors,
    operation,
    operation_names,
    protocol_info,
    service_model,
)
from opentruth.errors import OpenTruthError

SERVICES = ["sagemaker", "s3", "iam", "sts", "sqs", "sns", "kms", "logs", "cloudwatch", "lambda"]


@pytest.mark.parametrize("name", SERVICES)
def test_protocol_info_mirrors_the_botocore_model(name: str) -> None:
    meta = botocore.session.get_session().get_service_model(name).metadata
    info = protocol_info(name)
    assert info.protocol == meta["protocol"]
    assert info.json_version == meta.get("jsonVersion")
    assert info.target_prefix == meta.get("targetPrefix")
    assert info.endpoint_prefix == meta["endpointPrefix"]
    assert info.signing_name == meta.get("signingName", meta["endpointPrefix"])
    assert info.protocol in info.protocols


def test_sagemaker_speaks_json_1_1_with_its_target_prefix() -> None:
    info = protocol_info("sagemaker")
    assert (info.protocol, info.json_version, info.target_prefix) == ("json", "1.1", "SageMaker")
    assert info.signing_name == "sagemaker"
    assert info.aws_query_compatible is False


@pytest.mark.parametrize(("name", "compatible"), [("sqs", True), ("cloudwatch", True), ("kms", False)])
def test_query_compatibility_follows_the_model(name: str, compatible: bool) -> None:
    assert protocol_info(name).aws_query_compatible is compatible


def test_models_are_loaded_once() -> None:
    assert service_model("sagemaker") is service_model("sagemaker")


def test_unknown_service_is_an_opentruth_error() -> None:
    with pytest.raises(UnknownServiceError, match="no-such-service"):
        service_model("no-such-service")


def test_operation_lookup() -> None:
    op = operation("sagemaker", "CreateLabelingJob")
    assert op.name == "CreateLabelingJob"
    assert "CreateLabelingJob" in operation_names("sagemaker")


def test_unknown_operation_names_it_and_suggests_the_closest() -> None:
    with pytest.raises(UnknownOperationError) as info:
        operation("sagemaker", "CreateLabellingJob")
    err = info.value
    assert isinstance(err, OpenTruthError)
    assert (err.aws_code, err.http_status) == ("UnknownOperationException", 400)
    assert "'CreateLabellingJob'" in err.message
    assert "CreateLabelingJob" in err.message.split("Did you mean", 1)[1]
    assert (err.service, err.operation) == ("sagemaker", "CreateLabellingJob")


def test_modeled_error_codes_of_labeling_operations() -> None:
    assert error_codes("sagemaker", "CreateLabelingJob") == {"ResourceInUse", "ResourceLimitExceeded"}
    assert error_codes("sagemaker", "DescribeLabelingJob") == {"ResourceNotFound"}
    assert error_codes("sagemaker", "ListLabelingJobs") == frozenset()
    # ValidationException is AWS's generic error, never a modeled one.
    assert "ValidationException" not in error_codes("sagemaker", "CreateLabelingJob")


def test_query_protocol_error_codes_come_from_the_error_trait() -> None:
    errors = {e.shape_name: e for e in modeled_errors("iam", "CreateRole")}
    exists = errors["EntityAlreadyExistsException"]
    assert exists.code == "EntityAlreadyExists"
    assert exists.http_status == 409
    assert exists.sender_fault is True
    assert "EntityAlreadyExists" in error_codes("iam", "CreateRole")
