"""Least-privilege execution and trust policies for one labeling job.

The statements keep the seed page's Sids and layout (S3ViewBuckets, CloudWatch, StreamingQueue,
StreamingTopicSubscribe, StreamingTopic, StreamingTopicUnsubscribe, LambdaFunctions) but only
those the job needs, each with only the actions it needs, on the job's real ARNs. Three places
differ from the page, on purpose:

- the page's ``S3GetPutObjects`` grants get *and* put on both buckets; reads and writes touch
  different objects, so they become ``S3GetObjects`` (the input objects) and ``S3PutObjects``
  (``<S3OutputPath>/<job>/*``);
- ``cloudwatch:PutMetricData`` supports no resource ARN (``*`` only), so it gets its own
  statement ``CloudWatchMetrics`` and ``CloudWatch`` narrows the log actions to the job's stream;
- topics are ``arn:aws:sns:`` ARNs (the page wrongly writes ``arn:aws:sqs:`` for them).

The policies are built *from* :func:`opentruth.labeling.requirements.derive_requirements`, so a
generated role passes ``opentruth role check`` for its job by construction, and the round-trip
test proves that every statement is needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opentruth.iam.roles import InlinePolicy, Role
from opentruth.labeling.requirements import SAGEMAKER_SERVICE, JobRequirements, JobSpec, parse_s3_uri

#: Sid of each action's statement, in the order statements are emitted.
_SIDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("S3ViewBuckets", ("s3:ListBucket", "s3:GetBucketLocation")),
    ("S3GetObjects", ("s3:GetObject",)),
    ("S3PutObjects", ("s3:AbortMultipartUpload", "s3:PutObject")),
    ("CloudWatch", (
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents",
    )),
    ("CloudWatchMetrics", ("cloudwatch:PutMetricData",)),
    ("StreamingQueue", (
        "sqs:CreateQueue", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
        "sqs:ReceiveMessage", "sqs:SendMessage", "sqs:SetQueueAttributes",
    )),
    ("StreamingTopicSubscribe", ("sns:Subscribe",)),
    ("StreamingTopic", ("sns:Publish",)),
    ("StreamingTopicUnsubscribe", ("sns:Unsubscribe",)),
    ("LambdaFunctions", ("lambda:InvokeFunction",)),
    ("KMSOutputKey", ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")),
    ("KMSVolumeKey", ("kms:CreateGrant",)),
    ("PassRoleToSageMaker", ("iam:PassRole",)),
)  # fmt: skip
_SID_OF = {action: sid for sid, actions in _SIDS for action in actions}

#: Above this many data objects in one folder, the grant names the folder (``dir/*``) rather
#: than each object, to stay far below the 10,240-character limit of an inline role policy.
MAX_EXACT_OBJECTS = 5


def _collapse_objects(arns: list[str]) -> list[str]:
    """Object ARNs, with crowded folders replaced by ``arn:aws:s3:::bucket/folder/*``."""
    by_folder: dict[str, list[str]] = defaultdict(list)
    for arn in arns:
        folder = arn.rsplit("/", 1)[0] if arn.count("/") >= 2 else arn.split("/", 1)[0]
        by_folder[folder].append(arn)
    out: list[str] = []
    for folder, members in by_folder.items():
        if len(members) > MAX_EXACT_OBJECTS:
            out.append(f"{folder}/*")
        else:
            out.extend(members)
    return out


def _conditions(sid: str, job: JobSpec) -> dict[str, Any] | None:
    if sid == "StreamingTopicSubscribe":
        # Only Ground Truth's own queue, over SQS, may be subscribed.
        return {"StringEquals": {"sns:Protocol": "sqs", "sns:Endpoint": job.queue_arn}}
    if sid == "KMSOutputKey":
        # The key is only usable through S3 (SSE-KMS of the output), not by direct calls.
        return {"StringEquals": {"kms:ViaService": f"s3.{job.region}.amazonaws.com"}}
    if sid == "KMSVolumeKey":
        return {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    if sid == "PassRoleToSageMaker":
        return {"StringEquals": {"iam:PassedToService": [SAGEMAKER_SERVICE]}}
    return None


def execution_policy(reqs: JobRequirements, *, unknown_data_buckets: bool = True) -> dict[str, Any]:
    """The least-privilege execution (permissions) policy for the job's requirements.

    When the manifest was not read (``reqs.unchecked`` names its data objects), the objects it
    names cannot be listed; with ``unknown_data_buckets`` the input bucket is granted read
    (``arn:aws:s3:::<manifest bucket>/*``) so that the job can still run. Give the manifest to
    get exact grants.
    """
    job = reqs.job
    resources: dict[str, list[str]] = {}
    actions: dict[str, set[str]] = defaultdict(set)
    for req in reqs.requirements:
        if req.trust:
            continue
        sid = _SID_OF[req.action]
        actions[sid].add(req.action)
        bucket = resources.setdefault(sid, [])
        if req.resource not in bucket:
            bucket.append(req.resource)
    if "S3GetObjects" in resources:
        resources["S3GetObjects"] = _collapse_objects(resources["S3GetObjects"])
        unread = reqs.data_objects_total == 0 and bool(reqs.unchecked)
        if unknown_data_buckets and job.manifest is not None and unread:
            resources["S3GetObjects"].append(f"arn:aws:s3:::{job.manifest.bucket}/*")
    if "S3PutObjects" in resources:
        # Every output object lies under <S3OutputPath>/<job>/, not only the representative key.
        out = parse_s3_uri(f"s3://{job.output.bucket}/{job.output_prefix}", "OutputConfig.S3OutputPath")
        resources["S3PutObjects"] = [f"{out.object_arn}*"]

    statements: list[dict[str, Any]] = []
    for sid, ordered in _SIDS:
        if sid not in actions:
            continue
        acts = [a for a in ordered if a in actions[sid]]
        res = resources[sid]
        st: dict[str, Any] = {
            "Sid": sid,
            "Effect": "Allow",
            "Action": acts if len(acts) > 1 else acts[0],
            "Resource": res if len(res) > 1 else res[0],
        }
        cond = _conditions(sid, job)
        if cond is not None:
            st["Condition"] = cond
        statements.append(st)
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy(job: JobSpec) -> dict[str, Any]:
    """SageMaker may assume the role, but only for this account's labeling jobs.

    ``aws:SourceAccount`` and ``aws:SourceArn`` stop the confused deputy: another account's
    job cannot name this role and have SageMaker assume it.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SageMakerAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": SAGEMAKER_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": job.account},
                    "ArnLike": {"aws:SourceArn": f"{job.job_arn.rsplit('/', 1)[0]}/*"},
                },
            }
        ],
    }


@dataclass(frozen=True, slots=True)
class GeneratedRole:
    """The generated policies and the role that carries them."""

    policy_name: str
    execution_policy: dict[str, Any]
    trust_policy: dict[str, Any]
    role: Role

    def to_output(self) -> dict[str, Any]:
        """What ``opentruth role policy`` prints."""
        return {"PolicyDocument": self.execution_policy, "AssumeRolePolicyDocument": self.trust_policy}


def generate_role(reqs: JobRequirements, *, tags: Mapping[str, str] | None = None) -> GeneratedRole:
    """The execution role for the job: its ``RoleArn`` with the generated inline policy."""
    job = reqs.job
    policy = execution_policy(reqs)
    trust = trust_policy(job)
    path_and_name = job.role_arn.split(":role", 1)[1]  # "/path/name" or "/name"
    name = path_and_name.rsplit("/", 1)[-1]
    path = path_and_name[: len(path_and_name) - len(name)] or "/"
    # Inline policy names: up to 128 characters of [\w+=,.@-].
    policy_name = f"GroundTruthExecution-{job.name}"[:128]
    role = Role(
        name=name,
        arn=job.role_arn,
        trust_document=trust,
        path=path,
        inline=(InlinePolicy(policy_name, policy),),
        tags=tuple((tags or {}).items()),
    )
    return GeneratedRole(policy_name, policy, trust, role)
