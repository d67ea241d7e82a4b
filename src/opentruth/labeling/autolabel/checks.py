"""CreateLabelingJob checks for automated data labeling, made when the job is created.

The model-level rules (a streaming job or a custom workflow cannot use
``LabelingJobAlgorithmsConfig``; the algorithm ARN must be Ground Truth's for the task type) are
in :mod:`opentruth.awsmodel.labeling`. This module adds what needs the deployment's state:

- semantic segmentation is refused (opentruth does not auto-label it yet);
- the execution role must be able to pass *itself* to SageMaker (``iam:PassRole`` on its own ARN
  with ``iam:PassedToService`` = ``sagemaker.amazonaws.com``): Ground Truth starts its training
  and inference jobs with the job's role, and passing a role needs that grant even when the
  role passes itself. It is decided by the role's own policies, as AWS does;
- ``InitialActiveLearningModelArn`` must name a model of this account made for the same
  algorithm.

The dataset minimum (1,250 objects) can only be checked once the manifest is read: a job with
fewer fails while ``Initializing`` (:mod:`opentruth.labeling.autolabel.loop`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentruth.db import repo_autolabel
from opentruth.errors import NotFoundError, ValidationError
from opentruth.iam import Request
from opentruth.iam.context import job_context, session_arn
from opentruth.labeling.resources import Resources
from opentruth.labeling.tasks import behaviour_of

SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"

#: The algorithms opentruth runs (``labeling-job-algorithm-specification/<name>``).
SUPPORTED_ALGORITHMS = ("text-classification", "image-classification", "object-detection")


def enabled(request: Mapping[str, Any]) -> bool:
    """Whether the request asks for automated data labeling."""
    return bool(request.get("LabelingJobAlgorithmsConfig"))


def algorithm_of(request: Mapping[str, Any]) -> str:
    """``text-classification``, ``image-classification``, ``object-detection`` or
    ``semantic-segmentation``: the task type's algorithm specification."""
    name = behaviour_of(dict(request)).task_type.auto_labeling_algorithm
    if name is None:  # awsmodel.labeling refused it already; be explicit anyway
        raise ValidationError("automated data labeling is not supported for this task type")
    return name


def pass_role_statement(role_arn: str) -> dict[str, Any]:
    """The statement the role needs (groundtruth.md §7), to quote in the error."""
    return {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role_arn,
        "Condition": {"StringEquals": {"iam:PassedToService": SAGEMAKER_SERVICE}},
    }


def check_create(res: Resources, request: Mapping[str, Any]) -> None:
    """Refuse a CreateLabelingJob request whose automated labeling cannot run; each error says
    which rule failed and what to change. A request without it passes untouched."""
    if not enabled(request):
        return
    algorithm = algorithm_of(request)
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValidationError(
            "automated data labeling of SemanticSegmentation jobs is not supported yet in opentruth "
            "(text classification, image classification and bounding boxes are); "
            "remove LabelingJobAlgorithmsConfig or label these objects by hand"
        )
    role_arn = str(request["RoleArn"])
    try:
        role = res.roles.get_role(role_arn)
    except NotFoundError:
        raise ValidationError(
            f"RoleArn {role_arn} does not exist; automated data labeling checks that it can pass "
            "itself, so create the role first"
        ) from None
    context = job_context(role_arn, now=res.clock(), extra={"iam:PassedToService": SAGEMAKER_SERVICE})
    result = res.evaluator.evaluate(
        role.policy_set, Request(session_arn(role_arn), "iam:PassRole", role_arn, context)
    )
    if not result.allowed:
        raise ValidationError(
            f"automated data labeling needs the execution role to pass itself: {role_arn} is not "
            f"allowed iam:PassRole on {role_arn} with iam:PassedToService={SAGEMAKER_SERVICE}. "
            "Add this statement to one of its policies: "
            f'{{"Effect":"Allow","Action":"iam:PassRole","Resource":"{role_arn}",'
            f'"Condition":{{"StringEquals":{{"iam:PassedToService":"{SAGEMAKER_SERVICE}"}}}}}}'
        )
    initial = (request.get("LabelingJobAlgorithmsConfig") or {}).get("InitialActiveLearningModelArn")
    if initial:
        with res.db.read() as s:
            try:
                model = repo_autolabel.get_model(s, str(initial), account_id=res.account)
            except NotFoundError as exc:
                raise ValidationError(
                    f"LabelingJobAlgorithmsConfig.InitialActiveLearningModelArn: {exc.message}"
                ) from None
            if model.algorithm != algorithm:
                raise ValidationError(
                    f"LabelingJobAlgorithmsConfig.InitialActiveLearningModelArn {initial} is a "
                    f"{model.algorithm} model; this job needs a {algorithm} model"
                )
