"""Tests of the requirements derived from a CreateLabelingJob request."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opentruth.errors import ValidationError
from opentruth.iam.context import role_unique_id
from opentruth.labeling.requirements import (
    GROUND_TRUTH_ACCOUNTS,
    JobSpec,
    Requirement,
    derive_requirements,
    is_builtin_lambda,
    parse_s3_uri,
    sample_evenly,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ACCOUNT = "000000000000"


def example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / name / "job.json").read_text())
    return doc


def pairs(reqs: tuple[Requirement, ...]) -> set[tuple[str, str]]:
    return {(r.action, r.resource) for r in reqs if not r.trust}


def by_action(reqs: tuple[Requirement, ...], action: str) -> list[Requirement]:
    return [r for r in reqs if r.action == action]


def test_builtin_job_needs_buckets_objects_output_and_logs() -> None:
    job = example("builtin-text")
    reqs = derive_requirements(job).requirements
    bucket = parse_s3_uri(job["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"], "m").bucket
    name = job["LabelingJobName"]
    out_key = f"text/output/{name}/manifests/output/output.manifest"
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/sagemaker/LabelingJobs"
    assert pairs(reqs) == {
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}"),
        ("s3:GetBucketLocation", f"arn:aws:s3:::{bucket}"),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/text/input.manifest"),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/text/labels.json"),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/text/template.liquid"),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/{out_key}"),
        ("s3:AbortMultipartUpload", f"arn:aws:s3:::{bucket}/{out_key}"),
        ("logs:CreateLogGroup", group),
        ("logs:CreateLogStream", f"{group}:log-stream:{name}"),
        ("logs:DescribeLogStreams", f"{group}:log-stream:{name}"),
        ("logs:PutLogEvents", f"{group}:log-stream:{name}"),
        ("cloudwatch:PutMetricData", "*"),
    }
    severities = {r.action: r.severity for r in reqs}
    assert severities["s3:GetObject"] == "fatal"
    assert all(severities[a] == "advisory" for a in severities if a.startswith(("logs:", "cloudwatch:")))


def test_trust_requirement_names_the_labeling_job() -> None:
    job = example("builtin-text")
    trust = [r for r in derive_requirements(job).requirements if r.trust]
    assert len(trust) == 1
    assert trust[0].principal == "sagemaker.amazonaws.com"
    assert trust[0].action == "sts:AssumeRole"
    assert trust[0].resource == job["RoleArn"]
    assert trust[0].context == {
        "aws:SourceAccount": ACCOUNT,
        "aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/{job['LabelingJobName']}",
    }


def test_every_requirement_carries_the_session_context() -> None:
    job = example("builtin-text")
    now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    for req in derive_requirements(job, now=now).requirements:
        if req.trust:
            continue
        assert req.principal == "arn:aws:sts::000000000000:assumed-role/GroundTruthExecutionRole/SageMaker"
        assert req.context["aws:SecureTransport"] == "true"
        assert req.context["aws:CurrentTime"] == "2024-01-02T03:04:05Z"
        assert req.context["aws:EpochTime"] == str(int(now.timestamp()))
        assert req.context["aws:PrincipalArn"] == job["RoleArn"]
        assert req.context["aws:PrincipalAccount"] == ACCOUNT
        assert req.context["aws:userid"] == role_unique_id(job["RoleArn"]) + ":SageMaker"


def test_list_bucket_carries_prefix_and_delimiter() -> None:
    reqs = derive_requirements(example("builtin-text")).requirements
    (listing,) = by_action(reqs, "s3:ListBucket")  # input and output share the bucket
    assert listing.context["s3:prefix"] == "text/"
    assert listing.context["s3:delimiter"] == "/"
    assert "s3:prefix" not in by_action(reqs, "s3:GetBucketLocation")[0].context


def test_separate_output_bucket_is_listed_under_the_job_prefix() -> None:
    job = example("builtin-text")
    job["OutputConfig"]["S3OutputPath"] = "s3://other-sagemaker-bucket/results/"
    listings = {
        r.resource: r.context["s3:prefix"]
        for r in by_action(derive_requirements(job).requirements, "s3:ListBucket")
    }
    assert listings["arn:aws:s3:::other-sagemaker-bucket"] == f"results/{job['LabelingJobName']}/"
    assert len(listings) == 2


def test_builtin_lambdas_are_not_the_roles_business() -> None:
    reqs = derive_requirements(example("builtin-text")).requirements
    assert not by_action(reqs, "lambda:InvokeFunction")


def test_custom_lambdas_need_invoke() -> None:
    job = example("custom")
    invoked = {r.resource for r in by_action(derive_requirements(job).requirements, "lambda:InvokeFunction")}
    assert invoked == {
        job["HumanTaskConfig"]["PreHumanTaskLambdaArn"],
        job["HumanTaskConfig"]["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"],
    }


def test_builtin_lambda_needs_both_prefix_and_ground_truth_account() -> None:
    gt = GROUND_TRUTH_ACCOUNTS["eu-west-1"]
    assert is_builtin_lambda(f"arn:aws:lambda:eu-west-1:{gt}:function:ACS-BoundingBox")
    # A customer's own function that happens to be named PRE-... still needs the grant.
    assert not is_builtin_lambda(f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:PRE-BoundingBox")
    # The Ground Truth account of another region is not Ground Truth here.
    assert not is_builtin_lambda(f"arn:aws:lambda:us-east-1:{gt}:function:PRE-BoundingBox")
    assert not is_builtin_lambda(f"arn:aws:lambda:eu-west-1:{gt}:function:MyFunction")
    assert not is_builtin_lambda("not an arn")


def test_streaming_job_subscribes_its_queue_and_publishes() -> None:
    job = example("streaming")
    reqs = derive_requirements(job).requirements
    name = job["LabelingJobName"]
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:GroundTruth-{name.lower()}"
    topic = job["InputConfig"]["DataSource"]["SnsDataSource"]["SnsTopicArn"]
    (sub,) = by_action(reqs, "sns:Subscribe")
    assert sub.resource == topic
    assert sub.context["sns:Protocol"] == "sqs"
    assert sub.context["sns:Endpoint"] == queue
    (unsub,) = by_action(reqs, "sns:Unsubscribe")
    assert unsub.resource == topic
    assert "sns:Endpoint" not in unsub.context  # Unsubscribe has no such key
    queue_actions = {r.action for r in reqs if r.resource == queue}
    assert queue_actions == {
        "sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage",
    }  # fmt: skip
    (pub,) = by_action(reqs, "sns:Publish")
    assert pub.resource == job["OutputConfig"]["SnsTopicArn"]
    # No manifest: only the output bucket is listed, and nothing is unchecked.
    assert [r.resource for r in by_action(reqs, "s3:ListBucket")] == [
        "arn:aws:s3:::sagemaker-streaming-demo-000000000000"
    ]
    assert derive_requirements(job).unchecked == ()


def test_queue_name_lowercases_the_job_name() -> None:
    job = example("streaming")
    job["LabelingJobName"] = "Stream-Images-2"
    assert JobSpec.from_request(job).queue_arn.endswith(":GroundTruth-stream-images-2")


def test_kms_keys_auto_labeling_and_pass_role() -> None:
    job = example("autolabel-kms")
    reqs = derive_requirements(job).requirements
    out_key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{job['OutputConfig']['KmsKeyId']}"
    kms = {r.action: r for r in reqs if r.resource == out_key}
    assert set(kms) == {"kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"}
    put = by_action(reqs, "s3:PutObject")[0]
    assert kms["kms:Decrypt"].context["kms:ViaService"] == "s3.us-east-1.amazonaws.com"
    assert kms["kms:Decrypt"].context["kms:EncryptionContext:aws:s3:arn"] == put.resource
    assert put.context["s3:x-amz-server-side-encryption"] == "aws:kms"
    volume = job["LabelingJobAlgorithmsConfig"]["LabelingJobResourceConfig"]["VolumeKmsKeyId"]
    (grant,) = by_action(reqs, "kms:CreateGrant")
    assert grant.resource == volume
    (passrole,) = by_action(reqs, "iam:PassRole")
    assert passrole.resource == job["RoleArn"]
    assert passrole.context["iam:PassedToService"] == "sagemaker.amazonaws.com"


@pytest.mark.parametrize(
    ("key", "arn"),
    [
        ("1234abcd-12ab", "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab"),
        ("alias/labeling", "arn:aws:kms:us-east-1:000000000000:alias/labeling"),
        ("arn:aws:kms:eu-west-1:111122223333:key/k", "arn:aws:kms:eu-west-1:111122223333:key/k"),
    ],
)
def test_kms_key_forms(key: str, arn: str) -> None:
    job = example("builtin-text")
    job["OutputConfig"]["KmsKeyId"] = key
    assert {r.resource for r in by_action(derive_requirements(job).requirements, "kms:Decrypt")} == {arn}


def test_region_from_workteam_and_account_from_role() -> None:
    job = example("builtin-text")
    job["HumanTaskConfig"]["WorkteamArn"] = (
        "arn:aws:sagemaker:eu-west-1:394669845002:workteam/public-crowd/default"
    )
    spec = JobSpec.from_request(job)
    assert spec.region == "eu-west-1"
    assert spec.account == ACCOUNT
    assert spec.job_arn.startswith(f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:labeling-job/")


def test_data_objects_unchecked_listed_or_sampled() -> None:
    job = example("custom")
    assert derive_requirements(job).unchecked == (
        "data objects named by s3://acme-labeling-data-000000000000/custom/input.manifest",
    )
    uris = [f"s3://acme-data/img/{i}.jpg" for i in range(10)]
    full = derive_requirements(job, data_objects=[*uris, uris[0]])
    reads = [r.resource for r in full.requirements if r.requirement == "read data object"]
    assert reads == [f"arn:aws:s3:::acme-data/img/{i}.jpg" for i in range(10)]  # deduplicated, in order
    assert full.unchecked == ()
    sampled = derive_requirements(job, data_objects=uris, sample=3)
    assert sampled.data_objects_total == 10
    assert sampled.data_objects_checked == 3
    assert len([r for r in sampled.requirements if r.requirement == "read data object"]) == 3
    assert "7 more" in sampled.unchecked[0]


def test_sample_evenly_spreads_and_is_deterministic() -> None:
    items = [str(i) for i in range(100)]
    assert sample_evenly(items, 4) == ["0", "25", "50", "75"]
    assert sample_evenly(items, None) == items
    assert sample_evenly(items, 500) == items
    assert sample_evenly(items, 0) == []


def test_object_tags_become_existing_object_tag_keys() -> None:
    job = example("custom")
    seen: list[tuple[str, str]] = []

    def tags(bucket: str, key: str) -> dict[str, str] | None:
        seen.append((bucket, key))
        return {"SageMaker": "true"} if key.endswith("doc-001.txt") else None

    reqs = derive_requirements(
        job, data_objects=["s3://acme-labeling-data-000000000000/custom/docs/doc-001.txt"], object_tags=tags
    )
    read = next(r for r in reqs.requirements if r.requirement == "read data object")
    assert read.context["s3:ExistingObjectTag/SageMaker"] == "true"
    manifest = next(r for r in reqs.requirements if r.requirement == "read input manifest")
    assert not any(k.startswith("s3:ExistingObjectTag/") for k in manifest.context)
    assert ("acme-labeling-data-000000000000", "custom/input.manifest") in seen


@pytest.mark.parametrize(
    ("uri", "bucket", "key"),
    [
        ("s3://b-1/a/b.txt", "b-1", "a/b.txt"),
        ("s3://b-1", "b-1", ""),
        ("https://b-1.s3.us-east-1.amazonaws.com/a/b%20c.txt", "b-1", "a/b c.txt"),
        ("https://s3.us-east-1.amazonaws.com/b-1/a/b.txt", "b-1", "a/b.txt"),
    ],
)
def test_parse_s3_uri(uri: str, bucket: str, key: str) -> None:
    loc = parse_s3_uri(uri, "field")
    assert (loc.bucket, loc.key) == (bucket, key)


@pytest.mark.parametrize("uri", ["ftp://x/y", "https://example.com/x"])
def test_parse_s3_uri_rejects_other_uris(uri: str) -> None:
    with pytest.raises(ValidationError, match="field"):
        parse_s3_uri(uri, "field")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("RoleArn",), None, "RoleArn"),
        (("RoleArn",), "arn:aws:iam::000000000000:user/x", "RoleArn"),
        (("HumanTaskConfig", "WorkteamArn"), "team", "WorkteamArn"),
        (("OutputConfig", "S3OutputPath"), "/tmp/out", "S3OutputPath"),
        (("InputConfig", "DataSource"), {}, "InputConfig.DataSource"),
        (("LabelingJobName",), "", "LabelingJobName"),
    ],
)
def test_bad_requests_name_the_field(path: tuple[str, ...], value: object, message: str) -> None:
    job = copy.deepcopy(example("builtin-text"))
    node = job
    for part in path[:-1]:
        node = node[part]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    with pytest.raises(ValidationError) as err:
        derive_requirements(job)
    assert message in err.value.message
