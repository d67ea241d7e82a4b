"""Bucket operations: CreateBucket, ListBuckets, HeadBucket, GetBucketLocation, DeleteBucket,
Put/Get/DeleteBucketPolicy and Put/GetBucketNotificationConfiguration, each authorised with
S3's action on ``arn:aws:s3:::<bucket>``."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.s3 import xmlio
from opentruth.api.s3.access import bucket_arn
from opentruth.api.s3.errors import XML_TYPE, S3RequestError
from opentruth.api.s3.request import S3Request
from opentruth.cloud.objectstore import BucketInfo

#: ListAllMyBuckets has no resource type; AWS matches it against every bucket ARN pattern.
ALL_BUCKETS = "arn:aws:s3:::*"


def _xml(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=XML_TYPE, headers=headers)


async def create_bucket(r: S3Request) -> Response:
    """CreateBucket: an optional ``CreateBucketConfiguration`` must name the store's region."""
    body = await r.small_body()
    if body.strip():
        config = xmlio.parse(body, "CreateBucketConfiguration")
        constraint = xmlio.text(config, "LocationConstraint")
        if constraint and constraint != r.store.region:
            raise S3RequestError(
                "IllegalLocationConstraintException",
                f"The {constraint} location constraint is incompatible for the region specific endpoint "
                "this request was sent to.",
            )
    extra = {"s3:x-amz-acl": r.headers["x-amz-acl"]} if "x-amz-acl" in r.headers else None

    def run() -> None:
        # No bucket policy can apply to a bucket that does not exist yet.
        r.authorizer.check(r.principal, "s3:CreateBucket", bucket_arn(r.bucket), None, extra)
        r.store.create_bucket(r.bucket)

    await run_in_threadpool(run)
    return Response(status_code=200, headers={"Location": f"/{r.bucket}"})


async def list_buckets(r: S3Request) -> Response:
    """ListBuckets: ``s3:ListAllMyBuckets``."""

    def run() -> list[BucketInfo]:
        r.authorizer.check(r.principal, "s3:ListAllMyBuckets", ALL_BUCKETS, None)
        return r.store.list_buckets()

    buckets = await run_in_threadpool(run)
    items = "".join(
        f"<Bucket>{xmlio.element('Name', b.name)}"
        f"{xmlio.element('CreationDate', xmlio.iso_time(b.creation_date))}"
        f"{xmlio.element('BucketRegion', r.store.region)}</Bucket>"
        for b in sorted(buckets, key=lambda b: b.name)
    )
    owner = f"<Owner>{xmlio.element('ID', r.store.account)}</Owner>"
    return _xml(xmlio.document("ListAllMyBucketsResult", f"{owner}<Buckets>{items}</Buckets>"))


async def head_bucket(r: S3Request) -> Response:
    """HeadBucket: authorised as ``s3:ListBucket`` (S3 has no HeadBucket action)."""

    def run() -> None:
        r.authorizer.check(r.principal, "s3:ListBucket", bucket_arn(r.bucket), r.bucket)
        r.store.head_bucket(r.bucket)

    await run_in_threadpool(run)
    return Response(status_code=200, headers={"x-amz-bucket-region": r.store.region})


async def get_bucket_location(r: S3Request) -> Response:
    """GetBucketLocation: empty ``LocationConstraint`` for us-east-1, as S3 answers."""

    def run() -> str:
        r.authorizer.check(r.principal, "s3:GetBucketLocation", bucket_arn(r.bucket), r.bucket)
        return r.store.get_bucket_location(r.bucket)

    region = await run_in_threadpool(run)
    value = "" if region == "us-east-1" else region
    return _xml(xmlio.document("LocationConstraint", xmlio.escape_text(value)))


async def delete_bucket(r: S3Request) -> Response:
    """DeleteBucket (``BucketNotEmpty`` while it holds objects)."""

    def run() -> None:
        r.authorizer.check(r.principal, "s3:DeleteBucket", bucket_arn(r.bucket), r.bucket)
        r.store.delete_bucket(r.bucket)

    await run_in_threadpool(run)
    return Response(status_code=204)


async def get_bucket_policy(r: S3Request) -> Response:
    """GetBucketPolicy: the policy text as stored (``NoSuchBucketPolicy`` when there is none)."""

    def run() -> str | None:
        r.authorizer.check(r.principal, "s3:GetBucketPolicy", bucket_arn(r.bucket), r.bucket)
        return r.store.get_bucket_policy(r.bucket)

    policy = await run_in_threadpool(run)
    if policy is None:
        raise S3RequestError("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
    return Response(policy.encode(), media_type="application/json")


async def put_bucket_policy(r: S3Request) -> Response:
    """PutBucketPolicy: the store validates the document (``MalformedPolicy``)."""
    body = await r.small_body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise S3RequestError("MalformedPolicy", "Policies must be valid UTF-8 JSON.") from None

    def run() -> None:
        r.authorizer.check(r.principal, "s3:PutBucketPolicy", bucket_arn(r.bucket), r.bucket)
        r.store.put_bucket_policy(r.bucket, text)

    await run_in_threadpool(run)
    return Response(status_code=204)


async def delete_bucket_policy(r: S3Request) -> Response:
    """DeleteBucketPolicy."""

    def run() -> None:
        r.authorizer.check(r.principal, "s3:DeleteBucketPolicy", bucket_arn(r.bucket), r.bucket)
        r.store.delete_bucket_policy(r.bucket)

    await run_in_threadpool(run)
    return Response(status_code=204)


def _notifications(r: S3Request) -> Any:
    """The store's notification side (:class:`opentruth.cloud.notifications.NotifyingObjectStore`)."""
    if not hasattr(r.store, "put_bucket_notification"):
        raise S3RequestError(
            "NotImplemented", "bucket notifications need the SNS topics of opentruth serve", 501
        )
    return r.store


async def put_bucket_notification_configuration(r: S3Request) -> Response:
    """PutBucketNotificationConfiguration: SNS topic targets (``TopicConfiguration``)."""
    body = await r.small_body()
    root = xmlio.parse(body, "NotificationConfiguration")
    topics: list[dict[str, Any]] = []
    for conf in root.findall("TopicConfiguration"):
        arn = xmlio.text(conf, "Topic")
        if not arn:
            raise S3RequestError("InvalidArgument", "every TopicConfiguration needs a Topic ARN")
        item: dict[str, Any] = {"TopicArn": arn, "Events": [e.text or "" for e in conf.findall("Event")]}
        if xmlio.text(conf, "Id"):
            item["Id"] = xmlio.text(conf, "Id")
        rules = [
            {"Name": xmlio.text(rule, "Name") or "", "Value": xmlio.text(rule, "Value") or ""}
            for rule in conf.findall("Filter/S3Key/FilterRule")
        ]
        if rules:
            item["Filter"] = {"Key": {"FilterRules": rules}}
        topics.append(item)
    for kind in ("QueueConfiguration", "CloudFunctionConfiguration"):
        if root.find(kind) is not None:
            raise S3RequestError("InvalidArgument", f"{kind} is not supported: use SNS topic targets")

    def run() -> None:
        r.authorizer.check(r.principal, "s3:PutBucketNotification", bucket_arn(r.bucket), r.bucket)
        _notifications(r).put_bucket_notification(r.bucket, {"TopicConfigurations": topics} if topics else {})

    await run_in_threadpool(run)
    return Response(status_code=200)


async def get_bucket_notification_configuration(r: S3Request) -> Response:
    """GetBucketNotificationConfiguration."""

    def run() -> dict[str, Any]:
        r.authorizer.check(r.principal, "s3:GetBucketNotification", bucket_arn(r.bucket), r.bucket)
        config: dict[str, Any] = _notifications(r).get_bucket_notification(r.bucket)
        return config

    config = await run_in_threadpool(run)
    parts = []
    for conf in config.get("TopicConfigurations", []):
        rules = "".join(
            f"<FilterRule>{xmlio.element('Name', x['Name'])}{xmlio.element('Value', x['Value'])}</FilterRule>"
            for x in conf.get("Filter", {}).get("Key", {}).get("FilterRules", [])
        )
        events = "".join(xmlio.element("Event", e) for e in conf.get("Events", []))
        filt = f"<Filter><S3Key>{rules}</S3Key></Filter>" if rules else ""
        head = xmlio.element("Id", conf.get("Id")) + xmlio.element("Topic", conf["TopicArn"])
        parts.append(f"<TopicConfiguration>{head}{events}{filt}</TopicConfiguration>")
    return _xml(xmlio.document("NotificationConfiguration", parts))
