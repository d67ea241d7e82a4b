"""Helpers of the automated-labeling tests: a role that may pass itself, small datasets, jobs."""

from __future__ import annotations

import json
from typing import Any

from labsupport import REGION, ROLE_ARN, Lab, job_request, make_role, seed_policy

ALGORITHM_ACCOUNT = "027400017018"
PASS_ROLE = {
    "Sid": "PassRoleToSageMaker",
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": ROLE_ARN,
    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
}

NOUNS = ["food", "staff", "room", "view", "service", "coffee", "music", "price", "bed", "menu"]
GOOD = ["great", "lovely", "superb", "excellent", "wonderful", "friendly", "perfect"]
BAD = ["awful", "terrible", "dirty", "rude", "horrible", "noisy", "broken"]


def autolabel_role(lab: Lab, *, pass_role: bool = True) -> None:
    """Give the lab's execution role the self-PassRole grant (or take it away)."""
    policy = seed_policy(["input-data", "output-data"])
    if pass_role:
        policy["Statement"].append(PASS_ROLE)
    lab.roles.add(make_role(policy))
    lab.res.forget_sessions()


def algorithm_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ALGORITHM_ACCOUNT}:labeling-job-algorithm-specification/{name}"


def reviews(n: int) -> list[tuple[str, str]]:
    """``n`` short reviews with their true sentiment, deterministic (no randomness needed)."""
    out = []
    for i in range(n):
        good = i % 2 == 0
        words = GOOD if good else BAD
        noun = NOUNS[(i // 2) % len(NOUNS)]
        adj = words[(i // 20) % len(words)]
        out.append((f"review {i}: the {noun} was {adj}", "positive" if good else "negative"))
    return out


def autolabel_job(
    name: str, kind: str = "TextMultiClass", *, batch: int = 100, workers: int = 1, **extra: Any
) -> dict[str, Any]:
    """A request with automated labeling for ``kind``."""
    algorithm = {
        "TextMultiClass": "text-classification",
        "ImageMultiClass": "image-classification",
        "BoundingBox": "object-detection",
        "SemanticSegmentation": "semantic-segmentation",
    }[kind]
    req = job_request(name, kind, workers=workers, **extra)
    req["HumanTaskConfig"]["MaxConcurrentTaskCount"] = batch
    req.setdefault("LabelingJobAlgorithmsConfig", {})["LabelingJobAlgorithmSpecificationArn"] = algorithm_arn(
        algorithm
    )
    return req


def text_dataset(lab: Lab, n: int) -> dict[str, str]:
    """Put ``n`` reviews as the manifest; return text → true label."""
    data = reviews(n)
    lab.manifest([{"source": t} for t, _ in data])
    lab.labels(["negative", "positive"])
    return dict(data)


def output_lines(lab: Lab, job: str) -> list[dict[str, Any]]:
    uri = lab.jobs.describe(job)["LabelingJobOutput"]["OutputDatasetS3Uri"]
    return [json.loads(x) for x in lab.get(uri).decode().splitlines()]
