"""Bucket, key and operation of S3 REST requests."""

from __future__ import annotations

import pytest

from opentruth.api.s3.errors import S3RequestError
from opentruth.api.s3.routing import Target, bucket_from_host, operation_of, resolve_target


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("127.0.0.1:8080", None),
        ("localhost:8080", None),
        ("s3.localhost", None),
        ("data.localhost:8080", "data"),
        ("my.dotted.bucket.localhost", "my.dotted.bucket"),
        ("data.s3.localhost:9000", "data"),
        ("data.s3.amazonaws.com", "data"),
        ("[::1]:8080", None),
        (None, None),
    ],
)
def test_bucket_from_host(host: str | None, bucket: str | None) -> None:
    assert bucket_from_host(host) == bucket


def test_resolve_target_decodes_the_raw_path_once() -> None:
    assert resolve_target("127.0.0.1", "/b/dir/a%20b%2Bc%252F") == Target("b", "dir/a b+c%2F")
    assert resolve_target("127.0.0.1", "/b") == Target("b", None)
    assert resolve_target("127.0.0.1", "/b/") == Target("b", None)
    assert resolve_target("127.0.0.1", "/") == Target(None, None)
    assert resolve_target("b.localhost:1", "/k/%2F") == Target("b", "k//", virtual=True)
    assert resolve_target("b.localhost:1", "/").resource == "/b"


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "operation"),
    [
        ("GET", "/", {}, {}, "ListBuckets"),
        ("PUT", "/b", {}, {}, "CreateBucket"),
        ("GET", "/b", {"list-type": "2"}, {}, "ListObjectsV2"),
        ("GET", "/b", {}, {}, "ListObjects"),
        ("GET", "/b", {"location": ""}, {}, "GetBucketLocation"),
        ("PUT", "/b", {"policy": ""}, {}, "PutBucketPolicy"),
        ("POST", "/b", {"delete": ""}, {}, "DeleteObjects"),
        ("PUT", "/b/k", {}, {}, "PutObject"),
        ("PUT", "/b/k", {}, {"x-amz-copy-source": "a/b"}, "CopyObject"),
        ("PUT", "/b/k", {"tagging": ""}, {}, "PutObjectTagging"),
        ("POST", "/b/k", {"uploads": ""}, {}, "CreateMultipartUpload"),
        ("PUT", "/b/k", {"uploadId": "u", "partNumber": "1"}, {}, "UploadPart"),
        ("POST", "/b/k", {"uploadId": "u"}, {}, "CompleteMultipartUpload"),
        ("DELETE", "/b/k", {"uploadId": "u"}, {}, "AbortMultipartUpload"),
        ("HEAD", "/b/k", {}, {}, "HeadObject"),
    ],
)
def test_operation_of(
    method: str, path: str, query: dict[str, str], headers: dict[str, str], operation: str
) -> None:
    assert operation_of(method, resolve_target("127.0.0.1", path), query, headers) == operation


def test_unsupported_operations_are_named() -> None:
    with pytest.raises(S3RequestError) as err:
        operation_of("PUT", Target("b", None), {"versioning": ""}, {})
    assert err.value.s3_code == "NotImplemented" and "PutBucketVersioning" in err.value.message
    with pytest.raises(S3RequestError) as err:
        operation_of(
            "PUT", Target("b", "k"), {"uploadId": "u", "partNumber": "1"}, {"x-amz-copy-source": "x/y"}
        )
    assert "UploadPartCopy" in err.value.message
    with pytest.raises(S3RequestError) as err:
        operation_of("POST", Target(None, None), {}, {})
    assert err.value.s3_code == "MethodNotAllowed" and err.value.http_status == 405
