"""CreateLabelingJob rules that the service model cannot express."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opentruth.awsmodel.labeling import (
    check_create_labeling_job,
    create_labeling_job_problems,
    is_public_workteam,
)
from opentruth.awsmodel.validate import ModelValidationError, validate_input
from opentruth.errors import ValidationError

Request = dict[str, Any]
Factory = Callable[[], Request]

US_EAST_1 = "432418664414"
PUBLIC_TEAM = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
UI = "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/"


def _use(request: Request, suffix: str, account: str = US_EAST_1, region: str = "us-east-1") -> Request:
    config = request["HumanTaskConfig"]
    config["PreHumanTaskLambdaArn"] = f"arn:aws:lambda:{region}:{account}:function:PRE-{suffix}"
    config["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] = (
        f"arn:aws:lambda:{region}:{account}:function:ACS-{suffix}"
    )
    return request


def _one_problem(request: Request, **kwargs: str) -> str:
    validate_input("sagemaker", "CreateLabelingJob", request)  # the request is valid for the model
    problems = create_labeling_job_problems(request, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_valid_request_passes_and_its_type_is_known(make_request: Factory) -> None:
    task = check_create_labeling_job(make_request(), region="us-east-1")
    assert task.suffix == "TextMultiClass"


def test_label_attribute_must_not_end_with_metadata(make_request: Factory) -> None:
    request = make_request()
    request["LabelAttributeName"] = "sentiment-metadata"
    problem = _one_problem(request)
    assert "'sentiment-metadata' must not end with '-metadata'" in problem
    assert "'sentiment'" in problem


@pytest.mark.parametrize("suffix", ["SemanticSegmentation", "AdjustmentSemanticSegmentation"])
def test_segmentation_needs_ref(make_request: Factory, suffix: str) -> None:
    request = _use(make_request(), suffix)
    request["LabelAttributeName"] = "masks"
    problem = _one_problem(request)
    assert "LabelAttributeName 'masks' must end with '-ref'" in problem
    assert "rename it to 'masks-ref'" in problem
    request["LabelAttributeName"] = "masks-ref"
    assert create_labeling_job_problems(request) == []


def test_segmentation_verification_must_not_end_with_ref(make_request: Factory) -> None:
    request = _use(make_request(), "VerificationSemanticSegmentation")
    request["LabelAttributeName"] = "check-ref"
    problem = _one_problem(request)
    assert "'check-ref' must not end with '-ref'" in problem
    assert "'check'" in problem


def test_classification_must_not_end_with_ref(make_request: Factory) -> None:
    request = make_request()
    request["LabelAttributeName"] = "sentiment-ref"
    assert "must not end with '-ref' for TextMultiClass jobs" in _one_problem(request)


def test_custom_jobs_may_use_either(make_request: Factory) -> None:
    request = _use(make_request(), "TextMultiClass", account="123456789012")  # the user's own Lambdas
    request["LabelAttributeName"] = "answer-ref"
    assert create_labeling_job_problems(request) == []


def test_a_data_source_is_needed(make_request: Factory) -> None:
    request = make_request()
    request["InputConfig"]["DataSource"] = {}
    assert "needs S3DataSource" in _one_problem(request)
    request["InputConfig"]["DataSource"] = {
        "SnsDataSource": {"SnsTopicArn": "arn:aws:sns:us-east-1:000000000000:input"}
    }
    assert create_labeling_job_problems(request) == []


def test_ui_config_needs_exactly_one(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["UiConfig"]["HumanTaskUiArn"] = UI + "NamedEntityRecognition"
    problems = create_labeling_job_problems(request)
    assert any("exactly one of UiTemplateS3Uri and HumanTaskUiArn; remove one" in p for p in problems)
    request["HumanTaskConfig"]["UiConfig"] = {}
    problems = create_labeling_job_problems(request)
    assert any("exactly one of UiTemplateS3Uri and HumanTaskUiArn; add one" in p for p in problems)


def test_ner_needs_its_human_task_ui(make_request: Factory) -> None:
    request = _use(make_request(), "NamedEntityRecognition")
    problem = _one_problem(request)
    assert "need HumanTaskConfig.UiConfig.HumanTaskUiArn" in problem
    assert "human-task-ui/NamedEntityRecognition" in problem
    request["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "PointCloudObjectDetection"}
    assert "use the NamedEntityRecognition UI" in _one_problem(request)
    request["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "NamedEntityRecognition"}
    assert create_labeling_job_problems(request) == []


def test_template_types_do_not_take_a_ui_arn(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "NamedEntityRecognition"}
    assert "set HumanTaskConfig.UiConfig.UiTemplateS3Uri" in _one_problem(request)


def test_task_time_limit_depends_on_the_type(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 28_801
    assert "TaskTimeLimitInSeconds 28801 exceeds the maximum of 28800" in _one_problem(request)
    video = _use(make_request(), "VideoObjectTracking")
    video["LabelAttributeName"] = "tracks-ref"
    video["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "VideoObjectTracking"}
    video["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 28_801
    video["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 1
    assert create_labeling_job_problems(video) == []
    video["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 30 * 24 * 3600 + 1
    assert "exceeds the maximum of 2592000" in _one_problem(video)


def test_video_and_3d_jobs_have_one_worker_per_object(make_request: Factory) -> None:
    video = _use(make_request(), "VideoObjectDetection")
    video["LabelAttributeName"] = "boxes-ref"
    video["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "VideoObjectDetection"}
    video["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 2
    assert "NumberOfHumanWorkersPerDataObject must be 1" in _one_problem(video)


def test_availability_lifetime(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskAvailabilityLifetimeInSeconds"] = 30 * 24 * 3600 + 1
    assert "private and vendor workforces" in _one_problem(request)
    request["HumanTaskConfig"]["WorkteamArn"] = PUBLIC_TEAM
    request["HumanTaskConfig"]["TaskAvailabilityLifetimeInSeconds"] = 43_201
    assert "maximum of 43200 seconds for the public workforce" in _one_problem(request)


def test_long_running_types_cannot_use_the_public_workforce(make_request: Factory) -> None:
    request = _use(make_request(), "3DPointCloudObjectDetection")
    request["HumanTaskConfig"]["UiConfig"] = {"HumanTaskUiArn": UI + "PointCloudObjectDetection"}
    request["HumanTaskConfig"]["WorkteamArn"] = PUBLIC_TEAM
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 1
    assert "cannot use the public workforce" in _one_problem(request)
    assert is_public_workteam(PUBLIC_TEAM)
    assert not is_public_workteam("arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/t")


def _algorithm(name: str, region: str = "us-east-1") -> dict[str, str]:
    return {
        "LabelingJobAlgorithmSpecificationArn": (
            f"arn:aws:sagemaker:{region}:027400017018:labeling-job-algorithm-specification/{name}"
        )
    }


def test_auto_labeling_rules(make_request: Factory) -> None:
    request = make_request()
    request["LabelingJobAlgorithmsConfig"] = _algorithm("text-classification")
    assert create_labeling_job_problems(request, region="us-east-1") == []
    request["LabelingJobAlgorithmsConfig"] = _algorithm("object-detection")
    assert "labeling-job-algorithm-specification/text-classification" in _one_problem(request)
    request["LabelingJobAlgorithmsConfig"] = _algorithm("text-classification", region="eu-west-1")
    assert "is not the algorithm" in _one_problem(request, region="us-east-1")
    multi = _use(make_request(), "TextMultiClassMultiLabel")
    multi["LabelingJobAlgorithmsConfig"] = _algorithm("text-classification")
    assert "not supported for TextMultiClassMultiLabel jobs" in _one_problem(multi)


def test_auto_labeling_is_not_for_streaming_jobs(make_request: Factory) -> None:
    request = make_request()
    request["InputConfig"]["DataSource"]["SnsDataSource"] = {
        "SnsTopicArn": "arn:aws:sns:us-east-1:000000000000:input"
    }
    request["LabelingJobAlgorithmsConfig"] = _algorithm("text-classification")
    assert "cannot be used with InputConfig.DataSource.SnsDataSource" in _one_problem(request)


def test_lambda_consistency(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] = (
        f"arn:aws:lambda:us-east-1:{US_EAST_1}:function:ACS-BoundingBox"
    )
    assert "use the PRE- and ACS- functions of the same task type" in _one_problem(request)

    swapped = make_request()
    swapped["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = (
        f"arn:aws:lambda:us-east-1:{US_EAST_1}:function:ACS-TextMultiClass"
    )
    assert "this member takes the PRE-TextMultiClass function" in _one_problem(swapped)

    unknown = make_request()
    unknown["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = (
        f"arn:aws:lambda:us-east-1:{US_EAST_1}:function:PRE-NoSuchType"
    )
    assert "names no built-in function" in _one_problem(unknown)


def test_built_in_functions_must_be_of_the_jobs_region(make_request: Factory) -> None:
    request = _use(make_request(), "TextMultiClass", account="568282634449", region="eu-west-1")
    assert create_labeling_job_problems(request) == []
    problems = create_labeling_job_problems(request, region="us-east-1")
    assert len(problems) == 2
    assert all("not in the job's region us-east-1" in p for p in problems)


@pytest.mark.parametrize(
    ("member", "path", "value", "message"),
    [
        ("ManifestS3Uri", ("InputConfig", "DataSource", "S3DataSource"), "s3://Bad_Bucket/m", "lowercase"),
        (
            "ManifestS3Uri",
            ("InputConfig", "DataSource", "S3DataSource"),
            "s3://bucket/dir/",
            "names no object",
        ),
        ("S3OutputPath", ("OutputConfig",), "https://bucket.s3.amazonaws.com/out", "s3://bucket/key"),
        ("UiTemplateS3Uri", ("HumanTaskConfig", "UiConfig"), "s3://ab/t.html", "3 to 63"),
    ],
)
def test_s3_uris(make_request: Factory, member: str, path: tuple[str, ...], value: str, message: str) -> None:
    request = make_request()
    target = request
    for key in path:
        target = target[key]
    target[member] = value
    problem = _one_problem(request)
    assert member in problem
    assert message in problem


def test_output_path_may_be_a_bare_bucket(make_request: Factory) -> None:
    request = make_request()
    request["OutputConfig"]["S3OutputPath"] = "s3://my-bucket"
    assert create_labeling_job_problems(request) == []


def test_all_problems_are_reported_at_once(make_request: Factory) -> None:
    request = make_request()
    request["LabelAttributeName"] = "x-metadata"
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 30_000
    request["LabelCategoryConfigS3Uri"] = "s3://bucket"
    with pytest.raises(ModelValidationError) as info:
        check_create_labeling_job(request)
    err = info.value
    assert isinstance(err, ValidationError)
    assert err.aws_code == "ValidationException"
    assert len(err.problems) == 3
    assert err.message.startswith("3 validation errors detected: ")
