"""The boto3 adapter's own behaviour, over HTTP against moto's S3 server.

(The port's behaviour is in test_objectstore.py, which runs on this adapter too.)
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey, S3Error
from opentruth.cloud.s3_store import S3ObjectStore


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """moto's S3 server over real HTTP on a free port of 127.0.0.1, once per module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def clean(endpoint: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")) as resp:
        resp.read()
    return endpoint


def adapter(endpoint: str, region: str = "us-east-1") -> S3ObjectStore:
    return S3ObjectStore(
        endpoint_url=endpoint, region=region, access_key_id="testing", secret_access_key="testing"
    )


def test_head_object_tells_missing_bucket_from_missing_key(clean: str) -> None:
    store = adapter(clean)
    # HEAD responses carry no error body; the adapter asks the bucket to tell the two apart.
    with pytest.raises(NoSuchBucket):
        store.head_object("absent-bucket", "k")
    store.create_bucket("present-bucket")
    with pytest.raises(NoSuchKey):
        store.head_object("present-bucket", "k")


def test_buckets_outside_us_east_1(clean: str) -> None:
    store = adapter(clean, region="eu-west-2")
    store.create_bucket("london-bucket")
    assert store.get_bucket_location("london-bucket") == "eu-west-2"
    assert adapter(clean).get_bucket_location("london-bucket") == "eu-west-2"


def test_objects_written_by_the_adapter_are_plain_s3_objects(clean: str) -> None:
    store = adapter(clean)
    store.create_bucket("interop-bucket")
    store.put_object(
        "interop-bucket", "k", b"hello", metadata={"origin": "opentruth"}, tags={"SageMaker": "true"}
    )
    client = boto3.client(
        "s3", endpoint_url=clean, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    got = client.get_object(Bucket="interop-bucket", Key="k")
    assert got["Body"].read() == b"hello"
    assert got["Metadata"] == {"origin": "opentruth"}
    tags = client.get_object_tagging(Bucket="interop-bucket", Key="k")["TagSet"]
    assert tags == [{"Key": "SageMaker", "Value": "true"}]


def test_batch_groups_nothing_on_s3(clean: str) -> None:
    store = adapter(clean)
    store.create_bucket("batch-bucket")
    with store.batch():
        store.put_object("batch-bucket", "k", b"v")
        assert store.get_object("batch-bucket", "k").body == b"v"  # every PUT is durable at once


def test_an_injected_client_is_used(clean: str) -> None:
    client = boto3.client(
        "s3", endpoint_url=clean, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    store = S3ObjectStore(client=client, account="123456789012")
    store.create_bucket("injected-bucket")
    assert [b["Name"] for b in client.list_buckets()["Buckets"]] == ["injected-bucket"]
    assert store.account == "123456789012"


def test_unknown_s3_errors_keep_their_code_and_status() -> None:
    store = S3ObjectStore(endpoint_url="http://127.0.0.1:9", access_key_id="x", secret_access_key="y")
    response: Any = {
        "Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."},
        "ResponseMetadata": {"HTTPStatusCode": 503},
    }
    exc = ClientError(response, "GetObject")
    with pytest.raises(S3Error) as err:
        store._fail(exc, "bucket", "key")
    assert (err.value.s3_code, err.value.http_status) == ("SlowDown", 503)
    assert "reduce your request rate" in err.value.message
