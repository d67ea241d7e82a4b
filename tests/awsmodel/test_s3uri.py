"""S3 URIs and bucket naming rules."""

from __future__ import annotations

import pytest

from opentruth.awsmodel.s3uri import S3Uri, bucket_name_problem, parse_s3_uri


def test_parse() -> None:
    assert parse_s3_uri("s3://my-bucket/a/b.manifest", need_key=True) == S3Uri("my-bucket", "a/b.manifest")
    assert parse_s3_uri("s3://my.bucket", need_key=False) == S3Uri("my.bucket", "")
    assert str(S3Uri("b12", "k")) == "s3://b12/k"


@pytest.mark.parametrize(
    ("bucket", "reason"),
    [
        ("ab", "3 to 63"),
        ("a" * 64, "3 to 63"),
        ("My-Bucket", "lowercase"),
        ("-bucket", "begin and end"),
        ("bucket-", "begin and end"),
        ("under_score", "lowercase"),
        ("a..b", "adjacent periods"),
        ("192.168.5.4", "IP address"),
        ("xn--bucket", "prefix 'xn--'"),
        ("bucket-s3alias", "suffix '-s3alias'"),
        ("bucket--ol-s3", "suffix '--ol-s3'"),
    ],
)
def test_bucket_rules(bucket: str, reason: str) -> None:
    problem = bucket_name_problem(bucket)
    assert problem is not None
    assert reason in problem
    with pytest.raises(ValueError, match=bucket.replace(".", r"\.")):
        parse_s3_uri(f"s3://{bucket}/key", need_key=True)


def test_good_bucket_names() -> None:
    for bucket in ("abc", "my-bucket.2024", "a" * 63, "1.2.3"):
        assert bucket_name_problem(bucket) is None, bucket


def test_other_schemes_and_missing_keys() -> None:
    with pytest.raises(ValueError, match="s3://bucket/key"):
        parse_s3_uri("https://my-bucket.s3.amazonaws.com/key", need_key=True)
    with pytest.raises(ValueError, match="names no object"):
        parse_s3_uri("s3://my-bucket/prefix/", need_key=True)
    with pytest.raises(ValueError, match="names no object"):
        parse_s3_uri("s3://my-bucket", need_key=True)
