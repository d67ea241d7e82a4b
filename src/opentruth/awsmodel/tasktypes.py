"""Ground Truth's built-in task types, recognised from their Lambda and human-task-UI ARNs.

A CreateLabelingJob request does not name its task type. Ground Truth infers it from the
pre-annotation and consolidation Lambdas: for built-in types these are functions that AWS owns,
``arn:aws:lambda:<region>:<account>:function:PRE-<Suffix>`` and ``...:ACS-<Suffix>``, where the
account is Ground Truth's account for that region. NER, 3D point cloud and video frame jobs also
name a well-known human task UI owned by account 394669845002.

The ``PRE-``/``ACS-`` prefix alone does not make a function built-in: anyone can name their own
Lambda ``PRE-BoundingBox``. Only the pair (region, Ground Truth's account for that region) makes
it AWS's, so a function with the prefix in any other account is a custom function, with the
custom job's semantics (the user's Lambda runs; output type ``groundTruth/custom``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

# Ground Truth's Lambda account per region (identical for PRE- and ACS- functions).
GROUND_TRUTH_LAMBDA_ACCOUNTS: Mapping[str, str] = MappingProxyType(
    {
        "us-east-1": "432418664414",
        "us-east-2": "266458841044",
        "us-west-2": "081040173940",
        "ca-central-1": "918755190332",
        "eu-west-1": "568282634449",
        "eu-west-2": "487402164563",
        "eu-central-1": "203001061592",
        "ap-northeast-1": "477331159723",
        "ap-northeast-2": "845288260483",
        "ap-south-1": "565803892007",
        "ap-southeast-1": "377565633583",
        "ap-southeast-2": "454466003867",
    }
)
# The account that owns the public (Mechanical Turk) work team and the built-in task UIs.
WELL_KNOWN_ACCOUNT = "394669845002"
# The account of the automated-labeling algorithm specifications.
ALGORITHM_ACCOUNT = "027400017018"

UiKind = Literal["template", "human-task-ui"]

_THIRTY_DAYS = 30 * 24 * 3600
_EIGHT_HOURS = 8 * 3600


@dataclass(frozen=True, slots=True)
class TaskType:
    """What opentruth knows about one task type."""

    suffix: str
    """The Lambda suffix (``TextMultiClass``), ``PassThrough``, or ``Custom``."""
    is_builtin: bool
    """A Ground Truth built-in task type. False for custom jobs, including ``PassThrough``."""
    metadata_type: str | None
    """The ``type`` written in the output's ``<label>-metadata``; None where undocumented."""
    label_attribute_ref: bool | None
    """True: LabelAttributeName must end with ``-ref``; False: must not; None: either."""
    auto_labeling_algorithm: str | None
    """The labeling-job-algorithm-specification name when automated labeling is supported."""
    multi_label: bool
    ui: UiKind
    """``human-task-ui`` for the types that must use ``HumanTaskUiArn``."""
    human_task_ui: str | None = None
    """The well-known HumanTaskUi name of the type, e.g. ``NamedEntityRecognition``."""
    long_running: bool = False
    """Video frame and 3D point cloud types: tasks may last 30 days; private/vendor teams only."""
    base: str = ""
    """For adjustment and verification types, the suffix of the type they review."""

    @property
    def supports_auto_labeling(self) -> bool:
        """Whether ``LabelingJobAlgorithmsConfig`` is allowed for this type."""
        return self.auto_labeling_algorithm is not None

    @property
    def max_task_time_limit(self) -> int:
        """The largest ``TaskTimeLimitInSeconds`` AWS documents for this type."""
        return _THIRTY_DAYS if self.long_running else _EIGHT_HOURS


def _t(
    suffix: str,
    metadata_type: str | None,
    ref: bool | None = False,
    algorithm: str | None = None,
    *,
    multi: bool = False,
    ui: str | None = None,
    long_running: bool = False,
    base: str = "",
) -> TaskType:
    return TaskType(
        suffix=suffix,
        is_builtin=True,
        metadata_type=metadata_type,
        label_attribute_ref=ref,
        auto_labeling_algorithm=algorithm,
        multi_label=multi,
        ui="human-task-ui" if ui or long_running else "template",
        human_task_ui=ui,
        long_running=long_running,
        base=base or suffix,
    )


_GT = "groundtruth/"
_PC = "3DPointCloud"
# The -ref rule follows the API reference (spec §1.1/§2): the listed segmentation, video frame
# and 3D tracking/segmentation types must end in -ref; every other built-in type must not (the
# developer guide's "for any other type of job, the attribute name can't end with -ref").
_BUILTIN: tuple[TaskType, ...] = (
    _t("ImageMultiClass", _GT + "image-classification", algorithm="image-classification"),
    _t("ImageMultiClassMultiLabel", _GT + "image-classification-multilabel", multi=True),
    _t("BoundingBox", _GT + "object-detection", algorithm="object-detection"),
    _t("SemanticSegmentation", _GT + "semantic-segmentation", True, "semantic-segmentation"),
    _t("TextMultiClass", _GT + "text-classification", algorithm="text-classification"),
    _t("TextMultiClassMultiLabel", _GT + "text-classification-multilabel", multi=True),
    _t("NamedEntityRecognition", _GT + "text-span", ui="NamedEntityRecognition"),
    # Video classification's output type and -ref rule are not documented (spec §2): opentruth
    # writes the image classification shape with this type (docs/video-frames.md).
    _t("VideoMultiClass", _GT + "video-classification", None),
    _t(
        "VideoObjectDetection",
        _GT + "video-object-detection",
        True,
        ui="VideoObjectDetection",
        long_running=True,
    ),
    _t(
        "VideoObjectTracking",
        _GT + "video-object-tracking",
        True,
        ui="VideoObjectTracking",
        long_running=True,
    ),
    _t(
        f"{_PC}ObjectDetection",
        _GT + "point_cloud_object_detection",
        ui="PointCloudObjectDetection",
        long_running=True,
    ),
    _t(
        f"{_PC}ObjectTracking",
        _GT + "point_cloud_object_tracking",
        True,
        ui="PointCloudObjectTracking",
        long_running=True,
    ),
    _t(
        f"{_PC}SemanticSegmentation",
        _GT + "point_cloud_single_frame_semantic_segmentation",
        True,
        ui="PointCloudSemanticSegmentation",
        long_running=True,
    ),
    _t("VerificationBoundingBox", _GT + "label-verification", base="BoundingBox"),
    # The one exception of the API reference: segmentation verification must NOT end in -ref.
    _t("VerificationSemanticSegmentation", _GT + "label-verification", base="SemanticSegmentation"),
    _t("AdjustmentBoundingBox", _GT + "object-detection", base="BoundingBox"),
    _t("AdjustmentSemanticSegmentation", _GT + "semantic-segmentation", True, base="SemanticSegmentation"),
    _t(
        "AdjustmentVideoObjectDetection",
        _GT + "video-object-detection",
        True,
        ui="VideoObjectDetection",
        long_running=True,
        base="VideoObjectDetection",
    ),
    _t(
        "AdjustmentVideoObjectTracking",
        _GT + "video-object-tracking",
        True,
        ui="VideoObjectTracking",
        long_running=True,
        base="VideoObjectTracking",
    ),
    _t(
        f"Adjustment{_PC}ObjectDetection",
        _GT + "point_cloud_object_detection",
        ui="PointCloudObjectDetection",
        long_running=True,
        base=f"{_PC}ObjectDetection",
    ),
    _t(
        f"Adjustment{_PC}ObjectTracking",
        _GT + "point_cloud_object_tracking",
        True,
        ui="PointCloudObjectTracking",
        long_running=True,
        base=f"{_PC}ObjectTracking",
    ),
    _t(
        f"Adjustment{_PC}SemanticSegmentation",
        _GT + "point_cloud_single_frame_semantic_segmentation",
        True,
        ui="PointCloudSemanticSegmentation",
        long_running=True,
        base=f"{_PC}SemanticSegmentation",
    ),
)

CUSTOM = TaskType(
    suffix="Custom",
    is_builtin=False,
    metadata_type="groundTruth/custom",
    label_attribute_ref=None,
    auto_labeling_algorithm=None,
    multi_label=False,
    ui="template",
    base="Custom",
)
"""A custom workflow: the user's own Lambdas (or none) and template."""

PASS_THROUGH = TaskType(
    suffix="PassThrough",
    is_builtin=False,
    metadata_type="groundTruth/custom",
    label_attribute_ref=None,
    auto_labeling_algorithm=None,
    multi_label=False,
    ui="template",
    base="PassThrough",
)
"""Ground Truth's ``PRE-``/``ACS-PassThrough``: a custom job whose data goes through unchanged.
The functions are Ground Truth's own, but the task is the user's, so it is not a built-in type."""

TASK_TYPES: Mapping[str, TaskType] = MappingProxyType({t.suffix: t for t in (*_BUILTIN, PASS_THROUGH)})
"""Every suffix Ground Truth publishes a PRE-/ACS- function for, with its task type."""

_BY_UI: Mapping[str, TaskType] = MappingProxyType(
    {t.human_task_ui: t for t in _BUILTIN if t.human_task_ui and t.base == t.suffix}
)


@dataclass(frozen=True, slots=True)
class LambdaArn:
    """The parts of a Lambda function ARN that identify a Ground Truth function."""

    partition: str
    region: str
    account: str
    function: str

    @property
    def role(self) -> Literal["PRE", "ACS"] | None:
        """``PRE`` or ``ACS`` when the name has one of Ground Truth's prefixes."""
        if self.function.startswith("PRE-"):
            return "PRE"
        if self.function.startswith("ACS-"):
            return "ACS"
        return None

    @property
    def suffix(self) -> str:
        """The name after ``PRE-``/``ACS-`` (the whole name when there is no such prefix)."""
        return self.function[4:] if self.role else self.function

    @property
    def in_ground_truth_account(self) -> bool:
        """Owned by Ground Truth's account for its region (whatever its name)."""
        return self.partition == "aws" and GROUND_TRUTH_LAMBDA_ACCOUNTS.get(self.region) == self.account


def parse_lambda_arn(arn: str) -> LambdaArn | None:
    """Parse ``arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]``."""
    parts = arn.split(":")
    if len(parts) not in (7, 8) or parts[0] != "arn" or parts[2] != "lambda" or parts[5] != "function":
        return None
    if not parts[6]:
        return None
    return LambdaArn(partition=parts[1], region=parts[3], account=parts[4], function=parts[6])


def builtin_task_type_of_function(arn: str) -> TaskType | None:
    """The task type of a Ground Truth-owned ``PRE-``/``ACS-`` function; None for any other ARN."""
    parsed = parse_lambda_arn(arn)
    if parsed is None or parsed.role is None or not parsed.in_ground_truth_account:
        return None
    return TASK_TYPES.get(parsed.suffix)


def is_builtin_function(arn: str) -> bool:
    """Whether ``arn`` is one of Ground Truth's own PRE-/ACS- functions (PassThrough included).

    A ``PRE-``/``ACS-`` name in an account that is not Ground Truth's for the ARN's region is
    the user's own function, so it is not built-in.
    """
    return builtin_task_type_of_function(arn) is not None


def well_known_ui_name(arn: str) -> str | None:
    """The name of a Ground Truth-owned HumanTaskUi (``NamedEntityRecognition``), else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sagemaker" or parts[4] != WELL_KNOWN_ACCOUNT:
        return None
    kind, _, name = parts[5].partition("/")
    return name if kind == "human-task-ui" and name in _BY_UI else None


def task_type_of(request: Mapping[str, Any]) -> TaskType:
    """The task type of a CreateLabelingJob request (a DescribeLabelingJob response also works).

    The pre-annotation Lambda decides when it is Ground Truth's, then the consolidation Lambda
    (the model makes both optional). Only when the request names no Lambda at all does a
    well-known human task UI decide (it cannot tell an adjustment job from its base type, and a
    user's own Lambda with the NER UI is a custom job). Anything else is :data:`CUSTOM`.
    """
    config = request.get("HumanTaskConfig")
    if not isinstance(config, Mapping):
        return CUSTOM
    pre = config.get("PreHumanTaskLambdaArn")
    if isinstance(pre, str) and (found := builtin_task_type_of_function(pre)):
        return found
    consolidation = config.get("AnnotationConsolidationConfig")
    acs = (
        consolidation.get("AnnotationConsolidationLambdaArn") if isinstance(consolidation, Mapping) else None
    )
    if isinstance(acs, str) and (found := builtin_task_type_of_function(acs)):
        return found
    if pre or acs:
        return CUSTOM
    ui = config.get("UiConfig")
    if isinstance(ui, Mapping):
        ui_arn = ui.get("HumanTaskUiArn")
        if isinstance(ui_arn, str) and (name := well_known_ui_name(ui_arn)):
            return _BY_UI[name]
    return CUSTOM
