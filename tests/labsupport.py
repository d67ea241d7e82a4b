"""Helpers of the labeling tests: a complete environment (store, roles, team, services)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from opentruth.cloud.db_telemetry import DatabaseLogStore, DatabaseMetricStore
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.db import repo_workforce
from opentruth.db.engine import Database
from opentruth.iam.roles import Role
from opentruth.labeling.jobs import JobService
from opentruth.labeling.resources import InMemoryRoles, Resources
from opentruth.labeling.runner import JobRunner
from opentruth.labeling.workers import WorkerIdentity, WorkerService

ACCOUNT = "000000000000"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/GroundTruthExecution"
TEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/labelers"
GT = "432418664414"  # Ground Truth's Lambda account in us-east-1
#: The AWS managed policies Ground Truth's notebooks attach, with the path IAM keeps each under
#: (all shipped with opentruth, verbatim; issue 23).
NOTEBOOK_POLICIES = {
    "AmazonSageMakerFullAccess": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
    "AmazonSageMakerGroundTruthExecution": "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution",
    "AmazonS3FullAccess": "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "CloudWatchLogsFullAccess": "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AmazonSNSFullAccess": "arn:aws:iam::aws:policy/AmazonSNSFullAccess",
    "AmazonSQSFullAccess": "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    },
}


def seed_policy(buckets: list[str], *, put: bool = True) -> dict[str, Any]:
    """The seed's built-in (non-streaming) execution policy for these buckets."""
    actions = ["s3:AbortMultipartUpload", "s3:GetObject"] + (["s3:PutObject"] if put else [])
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ViewBuckets",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{b}" for b in buckets],
            },
            {
                "Sid": "S3GetPutObjects",
                "Effect": "Allow",
                "Action": actions,
                "Resource": [f"arn:aws:s3:::{b}/*" for b in buckets],
            },
            {
                "Sid": "CloudWatch",
                "Effect": "Allow",
                "Action": [
                    "cloudwatch:PutMetricData",
                    "logs:CreateLogStream",
                    "logs:CreateLogGroup",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                "Resource": "*",
            },
        ],
    }


def make_role(policy: dict[str, Any], trust: dict[str, Any] = TRUST, arn: str = ROLE_ARN) -> Role:
    return Role.from_detail(
        {
            "RoleName": arn.rsplit("/", 1)[1],
            "Arn": arn,
            "Path": "/",
            "AssumeRolePolicyDocument": trust,
            "RolePolicyList": [{"PolicyName": "execution", "PolicyDocument": policy}],
            "AttachedManagedPolicies": [],
        }
    )


def job_request(
    name: str, kind: str, *, workers: int = 1, manifest: str = "s3://input-data/manifest.jsonl", **extra: Any
) -> dict[str, Any]:
    """A boto3-shaped CreateLabelingJob request for a built-in type (``TextMultiClass``...)."""
    req: dict[str, Any] = {
        "LabelingJobName": name,
        "LabelAttributeName": "label-ref" if kind == "SemanticSegmentation" else "label",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        "OutputConfig": {"S3OutputPath": "s3://output-data/jobs/"},
        "RoleArn": ROLE_ARN,
        "LabelCategoryConfigS3Uri": "s3://input-data/labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": TEAM_ARN,
            "UiConfig": {"UiTemplateS3Uri": "s3://input-data/template.liquid"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-{kind}",
            "TaskTitle": "Label things",
            "TaskDescription": "Pick the right label",
            "NumberOfHumanWorkersPerDataObject": workers,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:ACS-{kind}"
            },
        },
    }
    if kind == "NamedEntityRecognition":
        req["HumanTaskConfig"]["UiConfig"] = {
            "HumanTaskUiArn": f"arn:aws:sagemaker:{REGION}:394669845002:human-task-ui/NamedEntityRecognition"
        }
    req.update(extra)
    return req


@dataclass
class Lab:
    """Everything a labeling test needs."""

    res: Resources
    store: EmbeddedObjectStore
    roles: InMemoryRoles
    jobs: JobService
    runner: JobRunner
    workers: WorkerService
    identities: list[WorkerIdentity]
    root: Path

    def put(self, uri: str, body: bytes | str, tags: dict[str, str] | None = None) -> None:
        bucket, _, key = uri[len("s3://") :].partition("/")
        data = body.encode() if isinstance(body, str) else body
        self.store.put_object(bucket, key, data, tags=tags or {})

    def get(self, uri: str) -> bytes:
        bucket, _, key = uri[len("s3://") :].partition("/")
        return self.store.get_object(bucket, key).body

    def manifest(self, lines: list[dict[str, Any]], uri: str = "s3://input-data/manifest.jsonl") -> None:
        self.put(uri, "".join(json.dumps(line) + "\n" for line in lines))

    def labels(self, labels: list[str]) -> None:
        self.put(
            "s3://input-data/labels.json",
            json.dumps({"document-version": "2018-11-28", "labels": [{"label": x} for x in labels]}),
        )


Answerer = Callable[[WorkerIdentity, dict[str, Any]], dict[str, Any]]


def label_all(lab: Lab, job: str, answer: Answerer, workers: list[WorkerIdentity] | None = None) -> int:
    """Simulated workers take tasks in turn until none is left; return how many they submitted."""
    done = 0
    progress = True
    while progress:
        progress = False
        for w in workers or lab.identities:
            task = lab.workers.next_task(w, job)
            if task is None:
                continue
            lab.workers.submit(w, task["taskId"], answer(w, task))
            done += 1
            progress = True
        lab.runner.run_pending()
    return done


def build_lab(db: Database, tmp_path: Path, hasher: PasswordHasher) -> Lab:
    """Stores, roles, a team of three workers, and the job, runner and worker services."""
    store = EmbeddedObjectStore(tmp_path / "data", durable=False)
    for bucket in ("input-data", "output-data"):
        store.create_bucket(bucket)
    roles = InMemoryRoles(make_role(seed_policy(["input-data", "output-data"])))
    res = Resources(
        db=db,
        store=store,
        logs=DatabaseLogStore(db, ACCOUNT),
        metrics=DatabaseMetricStore(db, ACCOUNT),
        roles=roles,
        account=ACCOUNT,
        region=REGION,
    )
    runner = JobRunner(res, consolidation_window=0)
    workers = WorkerService(res, runner, secrets.token_bytes(32), hasher=hasher)
    with db.transaction() as s:
        made = [
            repo_workforce.create_worker(s, f"worker{i}", "correct horse", hasher=hasher) for i in range(3)
        ]
        repo_workforce.create_group(s, "labelers")
        repo_workforce.add_workers_to_group(s, "labelers", [w.username for w in made])
        repo_workforce.create_workteam(s, "labelers", ["labelers"], description="the team")
        idents = [WorkerIdentity(w.id, w.public_id, w.username) for w in made]
    lab = Lab(res, store, roles, JobService(res), runner, workers, idents, tmp_path)
    lab.put(
        "s3://input-data/template.liquid",
        "<crowd-form><crowd-classifier name='c'></crowd-classifier></crowd-form>",
    )
    return lab
