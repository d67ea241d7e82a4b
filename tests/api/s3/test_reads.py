"""GetObject/HeadObject: ranges, conditional requests, streaming of large objects."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ClientError

from api.s3.s3support import S3Server
from opentruth.api.s3.errors import S3RequestError
from opentruth.api.s3.reads import STREAM_ABOVE, parse_range


@pytest.mark.parametrize(
    ("header", "size", "span"),
    [
        (None, 10, None),
        ("bytes=0-4", 10, (0, 4)),
        ("bytes=5-", 10, (5, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=-30", 10, (0, 9)),
        ("bytes=8-100", 10, (8, 9)),
        ("bytes=4-2", 10, None),  # S3 ignores a range it cannot parse
        ("bytes=0-1,4-5", 10, None),
        ("items=0-1", 10, None),
    ],
)
def test_parse_range(header: str | None, size: int, span: tuple[int, int] | None) -> None:
    assert parse_range(header, size) == span


@pytest.mark.parametrize(("header", "size"), [("bytes=10-", 10), ("bytes=-0", 10), ("bytes=0-", 0)])
def test_unsatisfiable_range(header: str, size: int) -> None:
    with pytest.raises(S3RequestError) as err:
        parse_range(header, size)
    assert err.value.s3_code == "InvalidRange" and err.value.http_status == 416
    assert err.value.headers == {"Content-Range": f"bytes */{size}"}


def test_range_requests(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="reads-range")
    s3.put_object(Bucket="reads-range", Key="k", Body=b"hello world")
    part = s3.get_object(Bucket="reads-range", Key="k", Range="bytes=0-4")
    assert part["Body"].read() == b"hello"
    assert part["ContentRange"] == "bytes 0-4/11" and part["ContentLength"] == 5
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket="reads-range", Key="k", Range="bytes=-5")["Body"].read() == b"world"
    assert s3.get_object(Bucket="reads-range", Key="k", Range="bytes=6-99")["Body"].read() == b"world"
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket="reads-range", Key="k", Range="bytes=11-")
    assert err.value.response["Error"]["Code"] == "InvalidRange"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416
    assert err.value.response["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes */11"


def test_conditional_requests(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="reads-cond")
    etag = s3.put_object(Bucket="reads-cond", Key="k", Body=b"data")["ETag"]
    assert s3.get_object(Bucket="reads-cond", Key="k", IfMatch=etag)["Body"].read() == b"data"
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket="reads-cond", Key="k", IfMatch='"0123"')
    assert err.value.response["Error"]["Code"] == "PreconditionFailed"
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket="reads-cond", Key="k", IfNoneMatch=etag)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304


def test_large_object_streams_and_response_overrides(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="reads-large")
    data = os.urandom(STREAM_ABOVE * 3 + 17)
    s3.put_object(Bucket="reads-large", Key="big.bin", Body=data)
    got = s3.get_object(
        Bucket="reads-large", Key="big.bin", ResponseContentDisposition="attachment; filename=x.bin"
    )
    assert got["ContentLength"] == len(data)
    assert got["ContentDisposition"] == "attachment; filename=x.bin"
    assert got["Body"].read() == data
    head = s3.head_object(Bucket="reads-large", Key="big.bin")
    assert head["ContentLength"] == len(data)
