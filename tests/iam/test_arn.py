"""ARN helpers."""

from __future__ import annotations

from opentruth.iam.arn import account_of, parse_arn, role_arn_of_session


def test_parse_keeps_colons_in_the_resource() -> None:
    a = parse_arn("arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/LabelingJobs:log-stream:j")
    assert (
        a is not None
        and a.service == "logs"
        and a.resource == "log-group:/aws/sagemaker/LabelingJobs:log-stream:j"
    )
    assert a.resource_type == "log-group"
    assert str(a) == "arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/LabelingJobs:log-stream:j"
    s3 = parse_arn("arn:aws:s3:::bucket/key")
    assert s3 is not None and s3.account == "" and s3.region == "" and s3.resource == "bucket/key"
    assert parse_arn("sagemaker.amazonaws.com") is None
    assert parse_arn("arn:aws:s3") is None


def test_principal_helpers() -> None:
    session = "arn:aws:sts::000000000000:assumed-role/Exec/SageMaker"
    assert account_of(session) == "000000000000"
    assert account_of("sagemaker.amazonaws.com") is None
    assert role_arn_of_session(session) == "arn:aws:iam::000000000000:role/Exec"
    assert role_arn_of_session("arn:aws:iam::000000000000:user/u") is None
    assert role_arn_of_session("arn:aws:sts::0:assumed-role/NoSession") is None
