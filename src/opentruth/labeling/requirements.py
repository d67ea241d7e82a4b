"""What a labeling job will ask of its execution role, derived from its CreateLabelingJob request.

Each :class:`Requirement` is one request the job makes through the role's session (or, for the
trust requirement, that SageMaker makes to assume the role): an exact action, an exact resource
ARN and the request-context keys the job supplies, built by :func:`opentruth.iam.context.job_context`
exactly as the runtime builds them. Severity says what a denial costs:

- ``fatal``: the job cannot run;
- ``advisory``: the job runs but loses something (CloudWatch logs and metrics, as in AWS).

Account and partition come from ``RoleArn``, the region from ``HumanTaskConfig.WorkteamArn``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from opentruth.awsmodel.tasktypes import GROUND_TRUTH_LAMBDA_ACCOUNTS, is_builtin_function
from opentruth.errors import ValidationError
from opentruth.iam.arn import parse_arn
from opentruth.iam.context import job_context, session_arn
from opentruth.iam.patterns import ContextValue

Severity = Literal["fatal", "advisory"]
FATAL: Severity = "fatal"
ADVISORY: Severity = "advisory"

SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"

#: The accounts that own Ground Truth's built-in PRE-/ACS- Lambda functions, per region
#: (groundtruth.md §2). The service invokes those itself, not through the execution role.
GROUND_TRUTH_ACCOUNTS: Mapping[str, str] = GROUND_TRUTH_LAMBDA_ACCOUNTS

#: Where the job writes its log events (groundtruth.md §11).
LOG_GROUP = "/aws/sagemaker/LabelingJobs"

#: A representative object of the output: the output manifest (groundtruth.md §4.1). Every
#: output object lies under ``<S3OutputPath>/<job name>/``, so a grant that covers this key
#: but not the others would have to be contrived.
OUTPUT_KEY = "manifests/output/output.manifest"

_VOLUME_KEY = "LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId"
_S3_URI = re.compile(r"^(https|s3)://([^/]+)/?(.*)$")

#: Returns an object's tags, or ``None`` when they are unknown.
TagLookup = Callable[[str, str], Mapping[str, str] | None]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One access the job makes: who asks for what on which resource, with which context."""

    requirement: str
    severity: Severity
    action: str
    resource: str
    context: Mapping[str, ContextValue]
    principal: str
    trust: bool = False
    resource_account: str | None = None


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and key, from an ``s3://`` or ``https://`` S3 URI."""

    bucket: str
    key: str

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}"

    @property
    def object_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}/{self.key}"

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def parse_s3_uri(uri: str, field_name: str) -> S3Location:
    """Split an S3 URI (``s3://b/k``, ``https://b.s3.<r>.amazonaws.com/k`` or path style)."""
    m = _S3_URI.match(uri)
    if m is None:
        raise ValidationError(f"{field_name}: {uri!r} is not an S3 URI; write s3://<bucket>/<key>")
    if m.group(1) == "s3":
        return S3Location(m.group(2), m.group(3))
    parts = urlsplit(uri)
    host = parts.hostname or ""
    path = unquote(parts.path.lstrip("/"))
    if host.startswith(("s3.", "s3-")) or host == "s3.amazonaws.com":
        bucket, _, key = path.partition("/")
        return S3Location(bucket, key)
    if ".s3." in host or ".s3-" in host:
        return S3Location(re.split(r"\.s3[.-]", host, maxsplit=1)[0], path)
    raise ValidationError(f"{field_name}: {uri!r} is not an S3 URI; write s3://<bucket>/<key>")


def _get(req: Mapping[str, Any], path: str) -> Any:
    node: Any = req
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _required_str(req: Mapping[str, Any], path: str) -> str:
    value = _get(req, path)
    if not isinstance(value, str) or not value:
        raise ValidationError(f"job request: {path} is required (a non-empty string)")
    return value


@dataclass(frozen=True, slots=True)
class JobSpec:
    """The parts of a CreateLabelingJob request that decide what the role must allow."""

    name: str
    role_arn: str
    partition: str
    account: str
    region: str
    output: S3Location
    manifest: S3Location | None = None
    label_config: S3Location | None = None
    ui_template: S3Location | None = None
    input_topic: str | None = None
    output_topic: str | None = None
    output_kms_key: str | None = None
    volume_kms_key: str | None = None
    lambdas: tuple[tuple[str, str], ...] = ()  # (field, function ARN)
    auto_labeling: bool = False

    @classmethod
    def from_request(cls, req: Mapping[str, Any]) -> JobSpec:
        """Read the fields that matter from a boto3 ``create_labeling_job`` kwargs dict."""
        if not isinstance(req, Mapping):
            raise ValidationError("job request: must be a JSON object (the create_labeling_job parameters)")
        name = _required_str(req, "LabelingJobName")
        role_arn = _required_str(req, "RoleArn")
        role = parse_arn(role_arn)
        if role is None or role.service != "iam" or not role.resource.startswith("role/") or not role.account:
            raise ValidationError(
                f"job request: RoleArn {role_arn!r} is not a role ARN (arn:aws:iam::<account>:role/<name>)"
            )
        workteam_arn = _required_str(req, "HumanTaskConfig.WorkteamArn")
        workteam = parse_arn(workteam_arn)
        if workteam is None or workteam.service != "sagemaker" or not workteam.region:
            raise ValidationError(
                f"job request: HumanTaskConfig.WorkteamArn {workteam_arn!r} is not a workteam ARN "
                f"(arn:aws:sagemaker:<region>:<account>:workteam/...)"
            )
        output = parse_s3_uri(_required_str(req, "OutputConfig.S3OutputPath"), "OutputConfig.S3OutputPath")
        manifest_uri = _get(req, "InputConfig.DataSource.S3DataSource.ManifestS3Uri")
        topic = _get(req, "InputConfig.DataSource.SnsDataSource.SnsTopicArn")
        if not manifest_uri and not topic:
            raise ValidationError(
                "job request: InputConfig.DataSource needs S3DataSource.ManifestS3Uri "
                "or SnsDataSource.SnsTopicArn"
            )

        def loc(path: str) -> S3Location | None:
            value = _get(req, path)
            return parse_s3_uri(value, path) if isinstance(value, str) and value else None

        lambdas = []
        for path in (
            "HumanTaskConfig.PreHumanTaskLambdaArn",
            "HumanTaskConfig.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn",
        ):
            value = _get(req, path)
            if isinstance(value, str) and value:
                lambdas.append((path, value))
        algorithms = _get(req, "LabelingJobAlgorithmsConfig")
        return cls(
            name=name,
            role_arn=role_arn,
            partition=role.partition,
            account=role.account,
            region=workteam.region,
            output=output,
            manifest=loc("InputConfig.DataSource.S3DataSource.ManifestS3Uri"),
            label_config=loc("LabelCategoryConfigS3Uri"),
            ui_template=loc("HumanTaskConfig.UiConfig.UiTemplateS3Uri"),
            input_topic=topic if isinstance(topic, str) and topic else None,
            output_topic=_get(req, "OutputConfig.SnsTopicArn") or None,
            output_kms_key=_get(req, "OutputConfig.KmsKeyId") or None,
            volume_kms_key=_get(req, "LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId")
            or None,
            lambdas=tuple(lambdas),
            auto_labeling=isinstance(algorithms, Mapping) and bool(algorithms),
        )

    # ---------------------------------------------------------------- derived ARNs

    @property
    def job_arn(self) -> str:
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:labeling-job/{self.name}"

    @property
    def session_arn(self) -> str:
        return session_arn(self.role_arn)

    @property
    def queue_arn(self) -> str:
        """The streaming queue Ground Truth creates: ``GroundTruth-<job name lowercased>``."""
        return f"arn:{self.partition}:sqs:{self.region}:{self.account}:GroundTruth-{self.name.lower()}"

    @property
    def output_prefix(self) -> str:
        """``<S3OutputPath key>/<job name>/``: where every output object of the job lies."""
        base = self.output.key.strip("/")
        return f"{base}/{self.name}/" if base else f"{self.name}/"

    @property
    def output_object(self) -> S3Location:
        return S3Location(self.output.bucket, self.output_prefix + OUTPUT_KEY)

    @property
    def log_group_arn(self) -> str:
        return f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:{LOG_GROUP}"

    @property
    def log_stream_arn(self) -> str:
        return f"{self.log_group_arn}:log-stream:{self.name}"

    def kms_key_arn(self, key_id: str) -> str:
        """A key ARN as given; a bare key id or ``alias/<name>`` in the job's account and region."""
        if key_id.startswith("arn:"):
            return key_id
        base = f"arn:{self.partition}:kms:{self.region}:{self.account}"
        return f"{base}:{key_id}" if key_id.startswith("alias/") else f"{base}:key/{key_id}"

    def custom_lambdas(self) -> list[tuple[str, str]]:
        """The (field, ARN) of the Lambdas the role invokes: all but Ground Truth's own."""
        return [(f, arn) for f, arn in self.lambdas if not is_builtin_lambda(arn)]


def is_builtin_lambda(arn: str) -> bool:
    """True for Ground Truth's ``PRE-``/``ACS-`` functions, which the service invokes itself.

    Both must hold: the name prefix *and* the Ground Truth account of the function's region,
    so that a customer's own function called ``PRE-something`` still needs the role's grant.
    """
    return is_builtin_function(arn)


def data_object_uris(sources: Iterable[str]) -> list[str]:
    """The distinct ``s3://`` URIs among manifest ``source-ref`` values, in manifest order."""
    seen: dict[str, None] = {}
    for uri in sources:
        seen.setdefault(uri, None)
    return list(seen)


def sample_evenly(items: Sequence[str], sample: int | None) -> list[str]:
    """``sample`` items spread evenly over ``items`` (all of them when ``sample`` is None).

    Deterministic, so two checks of the same manifest look at the same objects.
    """
    if sample is None or sample >= len(items):
        return list(items)
    if sample <= 0:
        return []
    return [items[i * len(items) // sample] for i in range(sample)]


@dataclass(frozen=True, slots=True)
class JobRequirements:
    """Everything the job needs, plus what could not be listed without the manifest."""

    job: JobSpec
    requirements: tuple[Requirement, ...]
    unchecked: tuple[str, ...] = ()
    data_objects_total: int = 0
    data_objects_checked: int = 0


def derive_requirements(
    request: Mapping[str, Any],
    *,
    data_objects: Sequence[str] | None = None,
    sample: int | None = None,
    object_tags: TagLookup | None = None,
    now: datetime | None = None,
) -> JobRequirements:
    """Every access the job in ``request`` will make.

    ``data_objects``: the ``source-ref`` URIs the manifest names, or ``None`` when the manifest
    was not read (they are then reported in ``unchecked``). ``sample`` limits how many are
    listed. ``object_tags(bucket, key)`` supplies ``s3:ExistingObjectTag/<k>`` on GetObject.
    """
    job = JobSpec.from_request(request)
    principal = job.session_arn
    out: list[Requirement] = []

    def add(label: str, severity: Severity, action: str, resource: str, **kw: Any) -> None:
        tags = kw.pop("tags", None)
        extra: dict[str, ContextValue] = kw.pop("extra", {})
        ctx = job_context(job.role_arn, now=now, object_tags=tags, extra=extra)
        out.append(Requirement(label, severity, action, resource, ctx, principal, **kw))

    def tags_of(loc: S3Location) -> Mapping[str, str] | None:
        return object_tags(loc.bucket, loc.key) if object_tags is not None else None

    # Trust: SageMaker assumes the role on behalf of this job; the confused-deputy keys name it.
    out.append(
        Requirement(
            "SageMaker assumes the execution role",
            FATAL,
            "sts:AssumeRole",
            job.role_arn,
            {"aws:SourceAccount": job.account, "aws:SourceArn": job.job_arn},
            SAGEMAKER_SERVICE,
            trust=True,
        )
    )

    # Buckets: the job lists (and locates) the input and output buckets before using them.
    buckets: list[tuple[str, S3Location, str]] = []
    if job.manifest is not None:
        prefix = job.manifest.key.rsplit("/", 1)[0] + "/" if "/" in job.manifest.key else ""
        buckets.append(("input", job.manifest, prefix))
    buckets.append(("output", job.output, job.output_prefix))
    seen_buckets: set[str] = set()
    for role_of, loc, prefix in buckets:
        if loc.bucket in seen_buckets:
            continue
        seen_buckets.add(loc.bucket)
        add(f"list {role_of} bucket", FATAL, "s3:ListBucket", loc.bucket_arn,
            extra={"s3:prefix": prefix, "s3:delimiter": "/"})  # fmt: skip
        add(f"locate {role_of} bucket", FATAL, "s3:GetBucketLocation", loc.bucket_arn)

    # Objects the job reads.
    reads: list[tuple[str, S3Location | None]] = [
        ("read input manifest", job.manifest),
        ("read label category config", job.label_config),
        ("read worker UI template", job.ui_template),
    ]
    for label, maybe in reads:
        if maybe is not None:
            add(label, FATAL, "s3:GetObject", maybe.object_arn, tags=tags_of(maybe))
    unchecked: list[str] = []
    total = checked = 0
    if data_objects is None:
        if job.manifest is not None:
            unchecked.append(f"data objects named by {job.manifest.uri}")
    else:
        uris = data_object_uris(data_objects)
        total = len(uris)
        chosen = sample_evenly(uris, sample)
        checked = len(chosen)
        for uri in chosen:
            loc = parse_s3_uri(uri, "manifest source-ref")
            add("read data object", FATAL, "s3:GetObject", loc.object_arn, tags=tags_of(loc))
        if checked < total:
            rest = total - checked
            unchecked.append(f"{rest} more data objects named by the manifest (sampled {checked})")

    # Output: every object lies under <S3OutputPath>/<job>/; large ones are multipart uploads.
    sse: dict[str, ContextValue] = {}
    if job.output_kms_key:
        sse = {
            "s3:x-amz-server-side-encryption": "aws:kms",
            "s3:x-amz-server-side-encryption-aws-kms-key-id": job.kms_key_arn(job.output_kms_key),
        }
    out_obj = job.output_object.object_arn
    add("write output", FATAL, "s3:PutObject", out_obj, extra=sse)
    add("abort multipart output upload", FATAL, "s3:AbortMultipartUpload", out_obj)

    # KMS: S3 calls KMS on the role's behalf for SSE-KMS, hence kms:ViaService.
    if job.output_kms_key:
        key = job.kms_key_arn(job.output_kms_key)
        kms_ctx: dict[str, ContextValue] = {
            "kms:ViaService": f"s3.{job.region}.amazonaws.com",
            "kms:CallerAccount": job.account,
            "kms:EncryptionContext:aws:s3:arn": out_obj,
        }
        for action in ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"):
            add("encrypt output with OutputConfig.KmsKeyId", FATAL, action, key, extra=kms_ctx)
    if job.volume_kms_key:
        # The training/inference volumes of automated labeling are encrypted through a grant
        # that an AWS service creates for the role; KMS marks such grants GrantIsForAWSResource.
        volume_key = job.kms_key_arn(job.volume_kms_key)
        grant_ctx: dict[str, ContextValue] = {
            "kms:CallerAccount": job.account,
            "kms:GrantIsForAWSResource": "true",
        }
        add("encrypt ML volumes with VolumeKmsKeyId", FATAL, "kms:CreateGrant", volume_key, extra=grant_ctx)

    # Custom Lambdas (Ground Truth's PRE-/ACS- functions are invoked by the service itself).
    for field_name, arn in job.custom_lambdas():
        short = "pre-annotation" if field_name.endswith("PreHumanTaskLambdaArn") else "consolidation"
        add(f"invoke {short} Lambda", FATAL, "lambda:InvokeFunction", arn)

    # Streaming: Ground Truth subscribes its own queue to the input topic.
    if job.input_topic:
        queue = job.queue_arn
        sub = {"sns:Protocol": "sqs", "sns:Endpoint": queue}
        add("subscribe queue to input topic", FATAL, "sns:Subscribe", job.input_topic, extra=sub)
        # sns:Protocol/sns:Endpoint exist on Subscribe only; Unsubscribe carries neither.
        add("unsubscribe queue from input topic", FATAL, "sns:Unsubscribe", job.input_topic)
        for action in (
            "sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage",
        ):  # fmt: skip
            add("use streaming queue", FATAL, action, queue)
    if job.output_topic:
        add("publish to output topic", FATAL, "sns:Publish", job.output_topic)

    # Automated labeling: SageMaker training/transform jobs run under the same role.
    if job.auto_labeling:
        add("pass role to automated labeling jobs", FATAL, "iam:PassRole", job.role_arn,
            extra={"iam:PassedToService": SAGEMAKER_SERVICE})  # fmt: skip

    # CloudWatch: without it the job runs blind, as in AWS.
    add("create log group", ADVISORY, "logs:CreateLogGroup", job.log_group_arn)
    for action in ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"):
        add("write job logs", ADVISORY, action, job.log_stream_arn)
    add("publish metrics", ADVISORY, "cloudwatch:PutMetricData", "*")

    return JobRequirements(job, tuple(out), tuple(unchecked), total, checked)
