"""Authorisation of S3 requests: identity policies, bucket policies, tags, anonymous callers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from api.s3.s3support import ACCOUNT, S3Server


def _error(exc: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return dict(exc.value.response["Error"])


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_user_without_permission_gets_access_denied_with_aws_message(s3_server: S3Server) -> None:
    s3_server.client().create_bucket(Bucket="acc-denied")
    alice = s3_server.client("alice")
    with pytest.raises(ClientError) as err:
        alice.put_object(Bucket="acc-denied", Key="dir/k.txt", Body=b"x")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert _error(err)["Code"] == "AccessDenied"
    assert _error(err)["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: s3:PutObject "
        "on resource: arn:aws:s3:::acc-denied/dir/k.txt"
    )
    with pytest.raises(ClientError) as err:
        alice.list_buckets()
    assert "s3:ListAllMyBuckets" in _error(err)["Message"]
    with pytest.raises(ClientError) as err:
        alice.list_objects_v2(Bucket="acc-denied")
    assert _error(err)["Message"].endswith("s3:ListBucket on resource: arn:aws:s3:::acc-denied")


def test_bucket_policy_grants_and_is_managed(s3_server: S3Server) -> None:
    admin, alice = s3_server.client(), s3_server.client("alice")
    admin.create_bucket(Bucket="acc-grant")
    admin.put_object(Bucket="acc-grant", Key="shared/a", Body=b"shared")
    admin.put_object(Bucket="acc-grant", Key="private/b", Body=b"private")
    policy = _policy(
        {
            "Sid": "AliceReadsShared",
            "Effect": "Allow",
            "Principal": {"AWS": s3_server.users["alice"].arn},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::acc-grant/shared/*",
        }
    )
    admin.put_bucket_policy(Bucket="acc-grant", Policy=policy)
    assert json.loads(admin.get_bucket_policy(Bucket="acc-grant")["Policy"]) == json.loads(policy)
    assert alice.get_object(Bucket="acc-grant", Key="shared/a")["Body"].read() == b"shared"
    with pytest.raises(ClientError) as err:
        alice.get_object(Bucket="acc-grant", Key="private/b")
    assert _error(err)["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as err:
        alice.put_bucket_policy(Bucket="acc-grant", Policy=policy)
    assert "s3:PutBucketPolicy" in _error(err)["Message"]
    admin.delete_bucket_policy(Bucket="acc-grant")
    with pytest.raises(ClientError) as err:
        admin.get_bucket_policy(Bucket="acc-grant")
    assert _error(err)["Code"] == "NoSuchBucketPolicy"
    with pytest.raises(ClientError) as err:
        alice.get_object(Bucket="acc-grant", Key="shared/a")
    assert _error(err)["Code"] == "AccessDenied"


def test_bucket_policy_explicit_deny_beats_identity_allow(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-deny")
    admin.put_object(Bucket="acc-deny", Key="keep", Body=b"x")
    admin.put_bucket_policy(
        Bucket="acc-deny",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": "arn:aws:s3:::acc-deny/*",
            }
        ),
    )
    with pytest.raises(ClientError) as err:
        admin.delete_object(Bucket="acc-deny", Key="keep")
    assert _error(err)["Message"].startswith(f"User: {s3_server.users['admin'].arn} is not authorized")
    out = admin.delete_objects(Bucket="acc-deny", Delete={"Objects": [{"Key": "keep"}]})
    assert [e["Code"] for e in out["Errors"]] == ["AccessDenied"]
    assert admin.get_object(Bucket="acc-deny", Key="keep")["Body"].read() == b"x"


def test_secure_transport_condition_sees_plain_http(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-tls")
    admin.put_bucket_policy(
        Bucket="acc-tls",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::acc-tls/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    with pytest.raises(ClientError) as err:
        admin.put_object(Bucket="acc-tls", Key="k", Body=b"x")
    assert _error(err)["Code"] == "AccessDenied"


def test_source_ip_condition(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-ip")
    admin.put_bucket_policy(
        Bucket="acc-ip",
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": s3_server.users["alice"].arn},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::acc-ip/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": s3_server.users["alice"].arn},
                "Action": "s3:DeleteObject",
                "Resource": "arn:aws:s3:::acc-ip/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
        ),
    )
    alice = s3_server.client("alice")
    alice.put_object(Bucket="acc-ip", Key="k", Body=b"x")
    with pytest.raises(ClientError):
        alice.delete_object(Bucket="acc-ip", Key="k")


def test_list_bucket_prefix_condition(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-prefix")
    admin.put_object(Bucket="acc-prefix", Key="home/alice/a", Body=b"x")
    admin.put_bucket_policy(
        Bucket="acc-prefix",
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": s3_server.users["alice"].arn},
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::acc-prefix",
                "Condition": {"StringLike": {"s3:prefix": "home/alice/*"}},
            }
        ),
    )
    alice = s3_server.client("alice")
    keys = [o["Key"] for o in alice.list_objects_v2(Bucket="acc-prefix", Prefix="home/alice/")["Contents"]]
    assert keys == ["home/alice/a"]
    with pytest.raises(ClientError):
        alice.list_objects_v2(Bucket="acc-prefix", Prefix="home/")


def test_ground_truth_policy_reads_objects_tagged_sagemaker(s3_server: S3Server) -> None:
    admin, gt = s3_server.client(), s3_server.client("gt")
    admin.create_bucket(Bucket="acc-labels")
    admin.put_object(Bucket="acc-labels", Key="tagged.jpg", Body=b"img", Tagging="SageMaker=true")
    admin.put_object(Bucket="acc-labels", Key="untagged.jpg", Body=b"img")
    assert gt.get_object(Bucket="acc-labels", Key="tagged.jpg")["Body"].read() == b"img"
    with pytest.raises(ClientError) as err:
        gt.get_object(Bucket="acc-labels", Key="untagged.jpg")
    assert _error(err)["Message"] == (
        f"User: {s3_server.users['gt'].arn} is not authorized to perform: s3:GetObject "
        "on resource: arn:aws:s3:::acc-labels/untagged.jpg"
    )
    # The managed policy lets it write only to buckets named like *sagemaker*.
    with pytest.raises(ClientError):
        gt.put_object(Bucket="acc-labels", Key="out.json", Body=b"{}")
    admin.create_bucket(Bucket="acc-sagemaker-out")
    gt.put_object(Bucket="acc-sagemaker-out", Key="out.json", Body=b"{}")


def test_missing_key_is_revealed_only_to_callers_that_may_list(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-probe")
    admin.put_bucket_policy(
        Bucket="acc-probe",
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": s3_server.users["alice"].arn},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::acc-probe/*",
            }
        ),
    )
    with pytest.raises(ClientError) as err:
        s3_server.client("alice").get_object(Bucket="acc-probe", Key="missing")
    assert _error(err)["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as err:
        admin.get_object(Bucket="acc-probe", Key="missing")
    assert _error(err)["Code"] == "NoSuchKey"


def test_malformed_bucket_policy(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-malformed")
    with pytest.raises(ClientError) as err:
        admin.put_bucket_policy(
            Bucket="acc-malformed",
            Policy=_policy(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::other/*",
                }
            ),
        )
    assert _error(err)["Code"] == "MalformedPolicy"


def test_anonymous_requests_need_a_public_grant(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-public")
    admin.put_object(Bucket="acc-public", Key="open/a.txt", Body=b"public", ContentType="text/plain")
    admin.put_object(Bucket="acc-public", Key="closed/b.txt", Body=b"secret")
    url = f"{s3_server.url}/acc-public"
    denied = httpx.get(f"{url}/open/a.txt")
    assert denied.status_code == 403
    assert "<Code>AccessDenied</Code>" in denied.text and "<Message>Access Denied</Message>" in denied.text
    assert "<Resource>/acc-public/open/a.txt</Resource>" in denied.text
    admin.put_bucket_policy(
        Bucket="acc-public",
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::acc-public/open/*",
            }
        ),
    )
    ok = httpx.get(f"{url}/open/a.txt")
    assert ok.status_code == 200 and ok.content == b"public"
    assert ok.headers["content-type"] == "text/plain"
    assert httpx.get(f"{url}/closed/b.txt").status_code == 403
    assert httpx.put(f"{url}/open/new.txt", content=b"x").status_code == 403
    assert httpx.get(url, params={"list-type": "2"}).status_code == 403
    # Query-protocol calls without credentials still get their own protocol's answer.
    sts = httpx.post(s3_server.url + "/", data={"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert sts.status_code == 403 and "<Code>AccessDenied</Code>" not in sts.text


def test_expected_bucket_owner(s3_server: S3Server) -> None:
    admin = s3_server.client()
    admin.create_bucket(Bucket="acc-owner")
    admin.head_bucket(Bucket="acc-owner", ExpectedBucketOwner=ACCOUNT)
    with pytest.raises(ClientError) as err:
        admin.list_objects_v2(Bucket="acc-owner", ExpectedBucketOwner="111122223333")
    assert _error(err)["Code"] == "AccessDenied"
