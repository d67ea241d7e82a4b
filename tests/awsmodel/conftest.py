"""Fixtures for the awsmodel tests: a valid CreateLabelingJob request, as boto3 would send it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

Request = dict[str, Any]

# A text-classification job in us-east-1, shaped like the spec's §1.1 request (built-in Lambdas
# of Ground Truth's us-east-1 account, spec §2).
_TEXT_JOB: Request = {
    "LabelingJobName": "text-job-1",
    "LabelAttributeName": "sentiment",
    "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://my-bucket/in/input.manifest"}}},
    "OutputConfig": {"S3OutputPath": "s3://my-bucket/out/"},
    "RoleArn": "arn:aws:iam::000000000000:role/GroundTruthRole",
    "LabelCategoryConfigS3Uri": "s3://my-bucket/in/labels.json",
    "StoppingConditions": {"MaxPercentageOfInputDatasetLabeled": 100},
    "HumanTaskConfig": {
        "WorkteamArn": "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/team",
        "UiConfig": {"UiTemplateS3Uri": "s3://my-bucket/in/template.liquid"},
        "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-TextMultiClass",
        "TaskKeywords": ["text", "sentiment"],
        "TaskTitle": "Sentiment",
        "TaskDescription": "Pick the sentiment of the text",
        "NumberOfHumanWorkersPerDataObject": 3,
        "TaskTimeLimitInSeconds": 300,
        "TaskAvailabilityLifetimeInSeconds": 21600,
        "MaxConcurrentTaskCount": 1000,
        "AnnotationConsolidationConfig": {
            "AnnotationConsolidationLambdaArn": (
                "arn:aws:lambda:us-east-1:432418664414:function:ACS-TextMultiClass"
            )
        },
    },
    "Tags": [{"Key": "project", "Value": "demo"}],
}


@pytest.fixture(scope="session")
def make_request() -> Callable[[], Request]:
    """A factory of fresh (deep-copied) valid CreateLabelingJob requests."""
    return lambda: copy.deepcopy(_TEXT_JOB)
