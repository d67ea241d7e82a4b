"""Creation checks of automated data labeling: each refusal says which rule failed."""

from __future__ import annotations

import json

import pytest

from autolabelsupport import autolabel_job, autolabel_role, text_dataset
from labsupport import ROLE_ARN, TRUST, Lab, make_role, seed_policy
from opentruth.awsmodel.validate import ModelValidationError
from opentruth.errors import NotFoundError, ValidationError
from opentruth.labeling.autolabel.checks import check_create


def test_role_without_self_pass_role_is_refused(lab: Lab) -> None:
    autolabel_role(lab, pass_role=False)
    with pytest.raises(ValidationError) as err:
        lab.jobs.create(autolabel_job("nopass"))
    message = err.value.message
    assert "pass itself" in message and "iam:PassRole" in message
    assert "iam:PassedToService=sagemaker.amazonaws.com" in message and ROLE_ARN in message
    with pytest.raises(NotFoundError):
        lab.jobs.describe("nopass")  # nothing was stored


def test_pass_role_to_another_service_is_not_enough(lab: Lab) -> None:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": ROLE_ARN,
            "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        }
    )
    lab.roles.add(make_role(policy))
    with pytest.raises(ValidationError, match="pass itself"):
        lab.jobs.create(autolabel_job("otherservice"))


def test_role_that_passes_itself_is_accepted(lab: Lab) -> None:
    autolabel_role(lab)
    arn = lab.jobs.create(autolabel_job("fine"))
    assert arn.endswith(":labeling-job/fine")


def test_without_automated_labeling_no_pass_role_is_needed(lab: Lab) -> None:
    autolabel_role(lab, pass_role=False)
    request = autolabel_job("plain")
    del request["LabelingJobAlgorithmsConfig"]
    check_create(lab.res, request)  # nothing to check
    lab.jobs.create(request)


def test_missing_trust_policy_fails_the_job_with_the_assume_role_denial(lab: Lab) -> None:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_ARN})
    untrusting = json.loads(json.dumps(TRUST).replace("sagemaker.amazonaws.com", "lambda.amazonaws.com"))
    lab.roles.add(make_role(policy, trust=untrusting))
    text_dataset(lab, 1250)
    lab.jobs.create(autolabel_job("untrusted"))
    lab.runner.run_pending()
    d = lab.jobs.describe("untrusted")
    assert d["LabelingJobStatus"] == "Failed"
    assert "sts:AssumeRole" in d["FailureReason"]


def test_semantic_segmentation_is_not_supported_yet(lab: Lab) -> None:
    autolabel_role(lab)
    with pytest.raises(ValidationError, match="SemanticSegmentation jobs is not supported yet"):
        lab.jobs.create(autolabel_job("seg", "SemanticSegmentation"))


def test_streaming_jobs_are_refused(lab: Lab) -> None:
    autolabel_role(lab)
    request = autolabel_job("stream")
    request["InputConfig"]["DataSource"] = {
        "SnsDataSource": {"SnsTopicArn": "arn:aws:sns:us-east-1:000000000000:input"}
    }
    with pytest.raises(ModelValidationError, match="streaming job"):
        lab.jobs.create(request)


def test_custom_jobs_are_refused(lab: Lab) -> None:
    autolabel_role(lab)
    request = autolabel_job("custom")
    request["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = "arn:aws:lambda:us-east-1:000000000000:function:pre"
    request["HumanTaskConfig"]["AnnotationConsolidationConfig"] = {
        "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:post"
    }
    with pytest.raises(ModelValidationError, match="not supported for custom jobs"):
        lab.jobs.create(request)


def test_fewer_than_1250_objects_fail_while_initializing(lab: Lab) -> None:
    autolabel_role(lab)
    text_dataset(lab, 1249)
    lab.jobs.create(autolabel_job("small"))
    lab.runner.run_pending()
    d = lab.jobs.describe("small")
    assert d["LabelingJobStatus"] == "Failed"
    assert "at least 1,250 data objects" in d["FailureReason"] and "1,249" in d["FailureReason"]


def test_unknown_initial_model_is_refused(lab: Lab) -> None:
    autolabel_role(lab)
    request = autolabel_job("warm")
    request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] = (
        "arn:aws:sagemaker:us-east-1:000000000000:model/nothing-final"
    )
    with pytest.raises(ValidationError, match=r"InitialActiveLearningModelArn.*does not exist"):
        lab.jobs.create(request)
