"""Built-in task types, recognised from Ground Truth's Lambda and human-task-UI ARNs."""

from __future__ import annotations

import pytest

from opentruth.awsmodel.tasktypes import (
    CUSTOM,
    GROUND_TRUTH_LAMBDA_ACCOUNTS,
    PASS_THROUGH,
    TASK_TYPES,
    builtin_task_type_of_function,
    is_builtin_function,
    parse_lambda_arn,
    task_type_of,
    well_known_ui_name,
)

# The spec's tables (groundtruth.md §2), kept here independently of the module's copy.
SPEC_ACCOUNTS = {
    "us-east-1": "432418664414", "us-east-2": "266458841044", "us-west-2": "081040173940",
    "ca-central-1": "918755190332", "eu-west-1": "568282634449", "eu-west-2": "487402164563",
    "eu-central-1": "203001061592", "ap-northeast-1": "477331159723", "ap-northeast-2": "845288260483",
    "ap-south-1": "565803892007", "ap-southeast-1": "377565633583", "ap-southeast-2": "454466003867",
}  # fmt: skip
SPEC_SUFFIXES = [
    "BoundingBox", "ImageMultiClass", "ImageMultiClassMultiLabel", "SemanticSegmentation",
    "TextMultiClass", "TextMultiClassMultiLabel", "NamedEntityRecognition",
    "VideoMultiClass", "VideoObjectDetection", "VideoObjectTracking",
    "3DPointCloudObjectDetection", "3DPointCloudObjectTracking", "3DPointCloudSemanticSegmentation",
    "VerificationBoundingBox", "AdjustmentBoundingBox", "VerificationSemanticSegmentation",
    "AdjustmentSemanticSegmentation", "AdjustmentVideoObjectDetection", "AdjustmentVideoObjectTracking",
    "Adjustment3DPointCloudObjectDetection", "Adjustment3DPointCloudObjectTracking",
    "Adjustment3DPointCloudSemanticSegmentation", "PassThrough",
]  # fmt: skip
# LabelAttributeName must end with -ref for these (BC doc of LabelAttributeName).
SPEC_REF = {
    "SemanticSegmentation", "AdjustmentSemanticSegmentation", "VideoObjectDetection",
    "AdjustmentVideoObjectDetection", "VideoObjectTracking", "AdjustmentVideoObjectTracking",
    "3DPointCloudSemanticSegmentation", "Adjustment3DPointCloudSemanticSegmentation",
    "3DPointCloudObjectTracking", "Adjustment3DPointCloudObjectTracking",
}  # fmt: skip


def _arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{name}"


def _job(pre: str | None = None, acs: str | None = None, ui_arn: str | None = None) -> dict[str, object]:
    config: dict[str, object] = {
        "UiConfig": {"HumanTaskUiArn": ui_arn} if ui_arn else {"UiTemplateS3Uri": "s3://b/t"}
    }
    if pre:
        config["PreHumanTaskLambdaArn"] = pre
    if acs:
        config["AnnotationConsolidationConfig"] = {"AnnotationConsolidationLambdaArn": acs}
    return {"HumanTaskConfig": config}


def test_tables_match_the_spec() -> None:
    assert dict(GROUND_TRUTH_LAMBDA_ACCOUNTS) == SPEC_ACCOUNTS
    assert set(TASK_TYPES) == set(SPEC_SUFFIXES)


@pytest.mark.parametrize("region", sorted(SPEC_ACCOUNTS))
@pytest.mark.parametrize("suffix", SPEC_SUFFIXES)
def test_every_region_and_suffix_is_built_in(region: str, suffix: str) -> None:
    account = SPEC_ACCOUNTS[region]
    for prefix in ("PRE", "ACS"):
        arn = _arn(region, account, f"{prefix}-{suffix}")
        assert is_builtin_function(arn)
        found = builtin_task_type_of_function(arn)
        assert found is not None
        assert found.suffix == suffix
    assert task_type_of(_job(pre=_arn(region, account, f"PRE-{suffix}"))).suffix == suffix
    assert task_type_of(_job(acs=_arn(region, account, f"ACS-{suffix}"))).suffix == suffix


@pytest.mark.parametrize("region", sorted(SPEC_ACCOUNTS))
def test_a_prefixed_function_in_another_account_is_custom(region: str) -> None:
    # The prefix is no proof: anyone may name a function PRE-BoundingBox. Even Ground Truth's
    # account of another region does not own this region's functions.
    other_region = next(r for r in SPEC_ACCOUNTS if r != region)
    for account in ("123456789012", SPEC_ACCOUNTS[other_region]):
        arn = _arn(region, account, "PRE-BoundingBox")
        assert not is_builtin_function(arn)
        assert task_type_of(_job(pre=arn)) is CUSTOM


def test_other_lookalikes_are_not_built_in() -> None:
    account = SPEC_ACCOUNTS["us-east-1"]
    assert not is_builtin_function(_arn("us-east-1", account, "PRE-NoSuchType"))
    assert not is_builtin_function(_arn("us-east-1", account, "MyFunction"))
    assert not is_builtin_function(f"arn:aws-cn:lambda:us-east-1:{account}:function:PRE-BoundingBox")
    assert not is_builtin_function(f"arn:aws:lambda:eu-north-1:{account}:function:PRE-BoundingBox")
    assert not is_builtin_function("not an arn")
    assert is_builtin_function(_arn("us-east-1", account, "PRE-BoundingBox") + ":1")  # a qualifier


def test_parse_lambda_arn() -> None:
    parsed = parse_lambda_arn("arn:aws:lambda:us-east-2:266458841044:function:ACS-BoundingBox")
    assert parsed is not None
    assert (parsed.region, parsed.account, parsed.role, parsed.suffix) == (
        "us-east-2",
        "266458841044",
        "ACS",
        "BoundingBox",
    )
    assert parse_lambda_arn("arn:aws:sns:us-east-1:123456789012:topic") is None


def test_ref_rule_follows_the_api_reference() -> None:
    for suffix, task in TASK_TYPES.items():
        if suffix in SPEC_REF:
            assert task.label_attribute_ref is True, suffix
        elif task.is_builtin and suffix != "VideoMultiClass":
            assert task.label_attribute_ref is False, suffix
    assert TASK_TYPES["VerificationSemanticSegmentation"].label_attribute_ref is False
    assert CUSTOM.label_attribute_ref is None


def test_auto_labeling_is_for_four_types_only() -> None:
    supported = {s: t.auto_labeling_algorithm for s, t in TASK_TYPES.items() if t.supports_auto_labeling}
    assert supported == {
        "ImageMultiClass": "image-classification",
        "TextMultiClass": "text-classification",
        "BoundingBox": "object-detection",
        "SemanticSegmentation": "semantic-segmentation",
    }


def test_metadata_types_and_multi_label() -> None:
    assert TASK_TYPES["TextMultiClass"].metadata_type == "groundtruth/text-classification"
    assert TASK_TYPES["TextMultiClassMultiLabel"].multi_label
    assert (
        TASK_TYPES["ImageMultiClassMultiLabel"].metadata_type == "groundtruth/image-classification-multilabel"
    )
    assert not TASK_TYPES["ImageMultiClass"].multi_label
    assert TASK_TYPES["NamedEntityRecognition"].metadata_type == "groundtruth/text-span"
    assert TASK_TYPES["AdjustmentBoundingBox"].metadata_type == TASK_TYPES["BoundingBox"].metadata_type
    assert TASK_TYPES["AdjustmentBoundingBox"].base == "BoundingBox"


def test_pass_through_is_ground_truths_function_but_a_custom_task() -> None:
    arn = _arn("eu-west-1", SPEC_ACCOUNTS["eu-west-1"], "PRE-PassThrough")
    assert is_builtin_function(arn)
    task = task_type_of(_job(pre=arn))
    assert task is PASS_THROUGH
    assert not task.is_builtin


def test_task_time_limits() -> None:
    assert TASK_TYPES["TextMultiClass"].max_task_time_limit == 28_800
    assert CUSTOM.max_task_time_limit == 28_800
    assert TASK_TYPES["VideoObjectTracking"].max_task_time_limit == 30 * 24 * 3600
    assert TASK_TYPES["3DPointCloudObjectDetection"].long_running


def test_well_known_ui_arns() -> None:
    ner = "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/NamedEntityRecognition"
    assert well_known_ui_name(ner) == "NamedEntityRecognition"
    assert task_type_of(_job(ui_arn=ner)).suffix == "NamedEntityRecognition"
    cloud = "arn:aws:sagemaker:us-west-2:394669845002:human-task-ui/PointCloudObjectDetection"
    assert task_type_of(_job(ui_arn=cloud)).suffix == "3DPointCloudObjectDetection"
    video = "arn:aws:sagemaker:us-west-2:394669845002:human-task-ui/VideoObjectTracking"
    assert task_type_of(_job(ui_arn=video)).suffix == "VideoObjectTracking"
    # A user's own UI, even with the same name, is not the well-known one.
    assert (
        well_known_ui_name("arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/NamedEntityRecognition")
        is None
    )


def test_a_users_lambda_with_a_well_known_ui_is_custom() -> None:
    ner = "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/NamedEntityRecognition"
    assert task_type_of(_job(pre=_arn("us-east-1", "123456789012", "my-pre"), ui_arn=ner)) is CUSTOM


def test_no_human_task_config_is_custom() -> None:
    assert task_type_of({}) is CUSTOM
    assert task_type_of({"HumanTaskConfig": "junk"}) is CUSTOM
