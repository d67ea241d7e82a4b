"""boto3 against the S3 endpoint: buckets, objects, listing, copies, tags and errors."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from api.s3.s3support import S3Server


def test_bucket_lifecycle(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-one")
    assert "svc-one" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert (
        s3.head_bucket(Bucket="svc-one")["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"]
        == "us-east-1"
    )
    assert s3.get_bucket_location(Bucket="svc-one")["LocationConstraint"] is None
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket="svc-one")
    assert err.value.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    s3.delete_bucket(Bucket="svc-one")
    with pytest.raises(ClientError) as err:
        s3.head_bucket(Bucket="svc-one")
    assert err.value.response["Error"]["Code"] == "404"


def test_put_get_head_object_with_metadata(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-objects")
    put = s3.put_object(
        Bucket="svc-objects", Key="dir/a b+c.txt", Body=b"hello world", ContentType="text/plain",
        Metadata={"Origin": "test"},
    )  # fmt: skip
    got = s3.get_object(Bucket="svc-objects", Key="dir/a b+c.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ETag"] == put["ETag"]
    assert got["ContentType"] == "text/plain"
    assert got["ContentLength"] == 11
    assert got["Metadata"] == {"origin": "test"}
    head = s3.head_object(Bucket="svc-objects", Key="dir/a b+c.txt")
    assert head["ContentLength"] == 11 and head["ETag"] == put["ETag"]
    assert head["LastModified"] == got["LastModified"]


def test_missing_key_and_bucket_errors(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-errors")
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket="svc-errors", Key="nope")
    error = err.value.response["Error"]
    assert error["Code"] == "NoSuchKey"
    assert error.get("Key") == "nope"  # S3 names the key; the stubs do not model it
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket="svc-missing", Key="k", Body=b"x")
    assert err.value.response["Error"]["Code"] == "NoSuchBucket"
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket="svc-errors", Key="nope")
    assert err.value.response["Error"]["Code"] == "404"


def test_delete_object_and_delete_objects(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-delete")
    for i in range(4):
        s3.put_object(Bucket="svc-delete", Key=f"k{i}", Body=b"x")
    s3.delete_object(Bucket="svc-delete", Key="k0")
    out = s3.delete_objects(Bucket="svc-delete", Delete={"Objects": [{"Key": "k1"}, {"Key": "k2"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["k1", "k2"]
    quiet = s3.delete_objects(Bucket="svc-delete", Delete={"Objects": [{"Key": "k3"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert s3.list_objects_v2(Bucket="svc-delete")["KeyCount"] == 0


def test_copy_object_with_metadata_directive(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-copy")
    s3.put_object(Bucket="svc-copy", Key="src", Body=b"data", Metadata={"a": "1"}, Tagging="t=1")
    copied = s3.copy_object(Bucket="svc-copy", Key="same", CopySource={"Bucket": "svc-copy", "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == s3.head_object(Bucket="svc-copy", Key="src")["ETag"]
    assert s3.head_object(Bucket="svc-copy", Key="same")["Metadata"] == {"a": "1"}
    assert s3.get_object_tagging(Bucket="svc-copy", Key="same")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(
        Bucket="svc-copy", Key="replaced", CopySource="svc-copy/src", MetadataDirective="REPLACE",
        Metadata={"b": "2"}, ContentType="text/csv",
    )  # fmt: skip
    head = s3.head_object(Bucket="svc-copy", Key="replaced")
    assert head["Metadata"] == {"b": "2"} and head["ContentType"] == "text/csv"
    with pytest.raises(ClientError) as err:
        s3.copy_object(Bucket="svc-copy", Key="src", CopySource="svc-copy/src")
    assert err.value.response["Error"]["Code"] == "InvalidRequest"


def test_object_tagging(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-tags")
    s3.put_object(Bucket="svc-tags", Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    tags = s3.get_object_tagging(Bucket="svc-tags", Key="k")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "1"), ("b", "two words")]
    assert s3.get_object(Bucket="svc-tags", Key="k")["TagCount"] == 2
    s3.put_object_tagging(Bucket="svc-tags", Key="k", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket="svc-tags", Key="k")["TagSet"] == [{"Key": "c", "Value": "3"}]
    s3.delete_object_tagging(Bucket="svc-tags", Key="k")
    assert s3.get_object_tagging(Bucket="svc-tags", Key="k")["TagSet"] == []
    with pytest.raises(ClientError) as err:
        s3.put_object_tagging(
            Bucket="svc-tags", Key="k", Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]}
        )
    assert err.value.response["Error"]["Code"] == "InvalidTag"


def test_list_objects_v2_prefix_delimiter_and_paginator(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-list")
    keys = [f"p/{i:03d}" for i in range(25)] + ["q/x", "q/y/z", "top", "sp ace+plus&amp"]
    for k in keys:
        s3.put_object(Bucket="svc-list", Key=k, Body=k.encode())
    page = s3.list_objects_v2(Bucket="svc-list", Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["p/", "q/"]
    assert [o["Key"] for o in page["Contents"]] == ["sp ace+plus&amp", "top"]
    assert page["KeyCount"] == 4
    nested = s3.list_objects_v2(Bucket="svc-list", Prefix="q/", Delimiter="/")
    assert [o["Key"] for o in nested["Contents"]] == ["q/x"]
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["q/y/"]
    paginator = s3.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket="svc-list", Prefix="p/", PaginationConfig={"PageSize": 10}))
    assert [len(p["Contents"]) for p in pages] == [10, 10, 5]
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(k for k in keys if k.startswith("p/"))
    after = s3.list_objects_v2(Bucket="svc-list", StartAfter="p/020", Prefix="p/")
    assert [o["Key"] for o in after["Contents"]] == [f"p/{i:03d}" for i in range(21, 25)]
    first = s3.list_objects_v2(Bucket="svc-list", MaxKeys=1)
    assert first["IsTruncated"] and first["MaxKeys"] == 1
    v1 = list(
        s3.get_paginator("list_objects").paginate(
            Bucket="svc-list", Delimiter="/", PaginationConfig={"PageSize": 1}
        )
    )
    assert [p["Prefix"] for page in v1 for p in page.get("CommonPrefixes", [])] == ["p/", "q/"]
    assert [o["Key"] for page in v1 for o in page.get("Contents", [])] == ["sp ace+plus&amp", "top"]


def test_virtual_host_addressing(s3_server: S3Server) -> None:
    s3 = s3_server.client(style="virtual", endpoint=f"http://localhost:{s3_server.port}")
    hosts: list[str] = []
    s3.meta.events.register("before-sign.s3", lambda request, **_: hosts.append(urlsplit(request.url).netloc))
    s3.create_bucket(Bucket="svc-virtual")
    s3.put_object(Bucket="svc-virtual", Key="a/b.txt", Body=b"vhost")
    assert hosts == [f"svc-virtual.localhost:{s3_server.port}"] * 2, "addressed by host name"
    assert s3.get_object(Bucket="svc-virtual", Key="a/b.txt")["Body"].read() == b"vhost"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="svc-virtual")["Contents"]] == ["a/b.txt"]
    # The same object through path-style addressing.
    assert s3_server.client().get_object(Bucket="svc-virtual", Key="a/b.txt")["Body"].read() == b"vhost"
    s3 = s3_server.client(style="virtual", endpoint=f"http://s3.localhost:{s3_server.port}")
    assert s3.head_object(Bucket="svc-virtual", Key="a/b.txt")["ContentLength"] == 5


def test_unsupported_operation_names_itself(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="svc-unsupported")
    with pytest.raises(ClientError) as err:
        s3.get_bucket_versioning(Bucket="svc-unsupported")
    assert err.value.response["Error"]["Code"] == "NotImplemented"
    assert "GetBucketVersioning" in err.value.response["Error"]["Message"]
