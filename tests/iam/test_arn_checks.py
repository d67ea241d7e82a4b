"""Tests of ARN well-formedness and the resource-type fit."""

from __future__ import annotations

import pytest

from opentruth.iam.arn_checks import arn_fits, arn_problem, globs_intersect

BUCKET = "arn:${Partition}:s3:::${BucketName}"
OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
TOPIC = "arn:${Partition}:sns:${Region}:${Account}:${TopicName}"
LOG_STREAM = (
    "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"
)


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:s3:::my-bucket",
        "arn:aws:s3:::my-bucket/*",
        "arn:aws:sqs:*:*:*GroundTruth*",
        "arn:aws:iam::111122223333:role/Exec",
        "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution",
        "arn:aws-cn:s3:::b",
        "arn:aws:s3:::${aws:username}/*",
        "arn:aws:logs:us-gov-west-1:111122223333:log-group:/aws/sagemaker/LabelingJobs",
    ],
)
def test_well_formed_resources_have_no_problem(resource: str) -> None:
    assert arn_problem(resource) is None


@pytest.mark.parametrize(
    ("resource", "words"),
    [
        ("my-bucket", "not an ARN"),
        ("arn:aws:s3", "six ARN fields"),
        ("arn:aws:sqs:us-east-1:111122223333", "six ARN fields"),
        ("arn:amazon:s3:::b", "partition"),
        ("arn:aws:nosuchservice:us-east-1:111122223333:x", "unknown service"),
        ("arn:aws:S3:::b", "lower case"),
        ("arn:aws:sqs:<aws-region>:111122223333:q", "region"),
        ("arn:aws:sqs:us-east-1:<aws-account-number>:q", "account"),
        ("arn:aws:sqs:us-east-1:1234:q", "account"),
        ("arn:aws:sqs:us-east-1:111122223333:", "empty resource"),
    ],
)
def test_malformed_resources_are_explained(resource: str, words: str) -> None:
    problem = arn_problem(resource)
    assert problem is not None
    assert words in problem


def test_globs_intersect_is_symmetric_and_handles_stars() -> None:
    star = "\ue000"
    assert globs_intersect(f"a{star}c", f"{star}b{star}")
    assert globs_intersect(f"{star}b{star}", f"a{star}c")
    assert not globs_intersect("abc", "abd")
    assert globs_intersect("a\ue001c", "abc")
    assert not globs_intersect(f"a{star}", f"b{star}")


def test_sqs_arns_do_not_fit_sns_topics() -> None:
    assert not arn_fits("arn:aws:sqs:us-east-1:111122223333:my-input-topic", TOPIC)
    assert arn_fits("arn:aws:sns:us-east-1:111122223333:my-input-topic", TOPIC)
    assert arn_fits("arn:aws:sns:*:*:*GroundTruth*", TOPIC)


def test_a_star_in_one_field_cannot_swallow_the_service() -> None:
    # As one string, "arn:aws:*:...:x:sns:..." could reach the template's ":sns:"; field by field it cannot.
    assert not arn_fits("arn:aws:sqs:us-east-1:1:x:sns:a:b:c", TOPIC)


def test_bucket_and_object_arns_are_told_apart() -> None:
    assert arn_fits("arn:aws:s3:::b", BUCKET)
    assert not arn_fits("arn:aws:s3:::b/*", BUCKET)
    assert not arn_fits("arn:aws:s3:::b", OBJECT)
    assert arn_fits("arn:aws:s3:::b/*", OBJECT)
    # A star may stand for "bucket/key": the managed policy's *GroundTruth* fits both types.
    assert arn_fits("arn:aws:s3:::*GroundTruth*", BUCKET)
    assert arn_fits("arn:aws:s3:::*GroundTruth*", OBJECT)


def test_resource_part_may_contain_colons() -> None:
    stream = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/LabelingJobs:log-stream:job-1"
    assert arn_fits(stream, LOG_STREAM)
    assert arn_fits("arn:aws:logs:*:*:log-group:/aws/sagemaker/*", LOG_STREAM)
    assert not arn_fits("arn:aws:logs:us-east-1:111122223333:log-group:/x", LOG_STREAM)


def test_star_and_variables_fit_everything_they_could_name() -> None:
    assert arn_fits("*", TOPIC)
    assert arn_fits("arn:aws:s3:::${aws:username}", BUCKET)
    assert not arn_fits("arn:aws:s3", BUCKET)
