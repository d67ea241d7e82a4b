"""Multipart uploads with boto3 and the AWS CLI (``aws s3 mb/cp/ls``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from api.s3.s3support import S3Server

MIB = 1024 * 1024


def test_multipart_upload_with_boto3(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="mp-boto")
    parts_data = [os.urandom(5 * MIB), os.urandom(1234)]
    upload = s3.create_multipart_upload(
        Bucket="mp-boto",
        Key="big.bin",
        ContentType="application/x-test",
        Metadata={"m": "1"},
        Tagging="SageMaker=true",
    )
    upload_id = upload["UploadId"]
    assert upload["Bucket"] == "mp-boto" and upload["Key"] == "big.bin"
    etags = [
        s3.upload_part(Bucket="mp-boto", Key="big.bin", UploadId=upload_id, PartNumber=i, Body=data)["ETag"]
        for i, data in enumerate(parts_data, start=1)
    ]
    assert etags == [f'"{hashlib.md5(d).hexdigest()}"' for d in parts_data]
    done = s3.complete_multipart_upload(
        Bucket="mp-boto",
        Key="big.bin",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": i, "ETag": e} for i, e in enumerate(etags, start=1)]},
    )
    combined = hashlib.md5(b"".join(hashlib.md5(d).digest() for d in parts_data)).hexdigest()
    assert done["ETag"] == f'"{combined}-2"'
    assert done["Location"].endswith("/mp-boto/big.bin")
    got = s3.get_object(Bucket="mp-boto", Key="big.bin")
    assert got["Body"].read() == b"".join(parts_data)
    assert got["ContentType"] == "application/x-test" and got["Metadata"] == {"m": "1"}
    assert s3.get_object_tagging(Bucket="mp-boto", Key="big.bin")["TagSet"] == [
        {"Key": "SageMaker", "Value": "true"}
    ]


def test_multipart_errors_and_abort(s3_server: S3Server) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="mp-errors")
    upload_id = s3.create_multipart_upload(Bucket="mp-errors", Key="k")["UploadId"]
    small = s3.upload_part(Bucket="mp-errors", Key="k", UploadId=upload_id, PartNumber=1, Body=b"a")["ETag"]
    last = s3.upload_part(Bucket="mp-errors", Key="k", UploadId=upload_id, PartNumber=2, Body=b"b")["ETag"]
    with pytest.raises(ClientError) as err:
        s3.complete_multipart_upload(
            Bucket="mp-errors", Key="k", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]},
        )  # fmt: skip
    assert err.value.response["Error"]["Code"] == "EntityTooSmall"
    with pytest.raises(ClientError) as err:
        s3.complete_multipart_upload(
            Bucket="mp-errors", Key="k", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}]},
        )  # fmt: skip
    assert err.value.response["Error"]["Code"] == "InvalidPartOrder"
    with pytest.raises(ClientError) as err:
        s3_server.client("alice").abort_multipart_upload(Bucket="mp-errors", Key="k", UploadId=upload_id)
    assert (
        "s3:AbortMultipartUpload on resource: arn:aws:s3:::mp-errors/k"
        in err.value.response["Error"]["Message"]
    )
    s3.abort_multipart_upload(Bucket="mp-errors", Key="k", UploadId=upload_id)
    with pytest.raises(ClientError) as err:
        s3.upload_part(Bucket="mp-errors", Key="k", UploadId=upload_id, PartNumber=3, Body=b"c")
    assert err.value.response["Error"]["Code"] == "NoSuchUpload"
    with pytest.raises(ClientError) as err:
        s3_server.client("alice").create_multipart_upload(Bucket="mp-errors", Key="k2")
    assert "s3:PutObject" in err.value.response["Error"]["Message"]


def test_aws_cli_mb_cp_ls_with_multipart(s3_server: S3Server, tmp_path: Path) -> None:
    made = s3_server.aws("s3", "mb", "s3://mp-cli")
    assert made.returncode == 0, made.stderr
    big = tmp_path / "big.bin"
    data = os.urandom(11 * MIB)  # above the CLI's 8 MiB threshold: two parts
    big.write_bytes(data)
    small = tmp_path / "small.txt"
    small.write_text("small file\n")
    for src, dst in ((big, "s3://mp-cli/data/big.bin"), (small, "s3://mp-cli/data/small.txt")):
        copied = s3_server.aws("s3", "cp", str(src), dst)
        assert copied.returncode == 0, copied.stderr
    head = s3_server.client().head_object(Bucket="mp-cli", Key="data/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-2"'), "the CLI uploaded it in parts"
    listed = s3_server.aws("s3", "ls", "s3://mp-cli/data/")
    assert listed.returncode == 0, listed.stderr
    names = sorted(line.split()[-1] for line in listed.stdout.splitlines())
    assert names == ["big.bin", "small.txt"]
    buckets = s3_server.aws("s3", "ls")
    assert "mp-cli" in buckets.stdout
    out = tmp_path / "back.bin"
    fetched = s3_server.aws("s3", "cp", "s3://mp-cli/data/big.bin", str(out))
    assert fetched.returncode == 0, fetched.stderr
    assert out.read_bytes() == data
    denied = s3_server.aws("s3", "cp", str(small), "s3://mp-cli/data/denied.txt", user="alice")
    assert denied.returncode != 0
    assert "AccessDenied" in denied.stderr
