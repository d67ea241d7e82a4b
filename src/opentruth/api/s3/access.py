"""Authorising S3 requests as S3 does: identity policies together with the bucket policy.

Every operation names S3's own action and ARN (``s3:PutObject`` on ``arn:aws:s3:::b/k``,
``s3:ListBucket`` on ``arn:aws:s3:::b``…) and the request's condition keys. The bucket's policy
is the resource policy of the decision and the store's account is the resource account (S3
ARNs carry none), so the IAM engine applies AWS's same-account rule: an allow in either the
caller's policies or the bucket policy suffices, and an explicit deny anywhere wins.

An unsigned request is *anonymous*: it has no identity policies, and only a bucket-policy
statement whose principal is ``*`` can allow it (S3 then says just ``Access Denied``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opentruth.api.authz import authorize, request_context
from opentruth.api.s3.errors import anonymous_denied
from opentruth.api.sigv4 import SignedRequest
from opentruth.cloud.bucket_policies import BucketPolicies
from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey, ObjectStore
from opentruth.db.repo_iam import Caller
from opentruth.iam import NamedPolicy
from opentruth.iam.evaluate import Evaluator, PolicySet, Request
from opentruth.iam.patterns import ContextValue

#: The engine's name for an unsigned caller; no ARN, so only ``Principal: "*"`` grants match.
ANONYMOUS = "anonymous"


def bucket_arn(bucket: str) -> str:
    """``arn:aws:s3:::<bucket>``."""
    return f"arn:aws:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    """``arn:aws:s3:::<bucket>/<key>``."""
    return f"arn:aws:s3:::{bucket}/{key}"


@dataclass(frozen=True)
class Principal:
    """Who makes an S3 request: a signed caller, or nobody (anonymous)."""

    caller: Caller | None
    signed: SignedRequest | None
    source_ip: str | None
    secure: bool
    #: S3's own request keys (``s3:authType``, ``s3:signatureversion``…).
    s3_keys: Mapping[str, ContextValue] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return self.caller.arn if self.caller is not None else ANONYMOUS

    def context(self, extra: Mapping[str, ContextValue] | None, now: datetime) -> dict[str, ContextValue]:
        """Global keys, principal keys, S3's request keys, and the operation's own keys."""
        if self.caller is not None:
            ctx = request_context(self.caller, source_ip=self.source_ip, secure=self.secure, now=now)
        else:
            when = now.astimezone(UTC)
            ctx = {
                "aws:SecureTransport": "true" if self.secure else "false",
                "aws:CurrentTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "aws:EpochTime": str(int(when.timestamp())),
                "aws:ViaAWSService": "false",
            }
            if self.source_ip:
                ctx["aws:SourceIp"] = self.source_ip
        ctx.update(self.s3_keys)
        if extra:
            ctx.update(extra)
        return ctx


def s3_request_keys(signed: SignedRequest | None, content_sha256: str | None) -> dict[str, ContextValue]:
    """S3's signature keys: ``s3:authType``, ``s3:signatureversion``, ``s3:x-amz-content-sha256``.

    They let a bucket policy refuse presigned URLs or unsigned payloads, as on AWS.
    """
    if signed is None:
        return {}
    keys: dict[str, ContextValue] = {
        "s3:authType": "REST-QUERY-STRING" if signed.form == "query" else "REST-HEADER",
        "s3:signatureversion": "AWS4-HMAC-SHA256",
    }
    if content_sha256:
        keys["s3:x-amz-content-sha256"] = content_sha256
    return keys


def tag_keys(prefix: str, tags: Mapping[str, str]) -> dict[str, ContextValue]:
    """``s3:<prefix>/<k>`` per tag (``ExistingObjectTag`` / ``RequestObjectTag``)."""
    return {f"s3:{prefix}/{k}": v for k, v in tags.items()}


def request_tag_keys(tags: Mapping[str, str]) -> dict[str, ContextValue]:
    """The keys of a write that sets tags: each ``s3:RequestObjectTag/<k>`` and the key list."""
    ctx = tag_keys("RequestObjectTag", tags)
    ctx["s3:RequestObjectTagKeys"] = list(tags)
    return ctx


class Authorizer:
    """Decides S3 requests against the caller's policies and the bucket policy of the store."""

    def __init__(self, store: ObjectStore, evaluator: Evaluator | None = None) -> None:
        self.store = store
        self.evaluator = evaluator or Evaluator()
        self._policies = BucketPolicies(store, max_cached=1024)

    def bucket_policy(self, bucket: str) -> NamedPolicy | None:
        """The parsed policy of ``bucket`` (cached by its text), or ``None``."""
        return self._policies.policy(bucket)

    def check(
        self,
        who: Principal,
        action: str,
        resource: str,
        bucket: str | None,
        extra: Mapping[str, ContextValue] | None = None,
    ) -> None:
        """Allow ``action`` on ``resource`` or raise ``AccessDenied``.

        ``bucket`` names the bucket whose policy applies (``None`` for ListBuckets).
        """
        policy = self.bucket_policy(bucket) if bucket else None
        ctx = who.context(extra, datetime.now(UTC))
        if who.caller is not None:
            authorize(
                who.caller,
                action,
                resource,
                context=ctx,
                resource_policy=policy,
                resource_account=self.store.account,
                evaluator=self.evaluator,
            )
            return
        request = Request(
            principal=ANONYMOUS,
            action=action,
            resource=resource,
            context=ctx,
            resource_account=self.store.account,
        )
        if not self.evaluator.evaluate(PolicySet(resource=policy), request).allowed:
            raise anonymous_denied()

    def existing_tags(self, bucket: str, key: str) -> dict[str, str] | None:
        """The object's tags, read as S3 reads them internally; ``None`` if it is missing."""
        try:
            return self.store.get_object_tagging(bucket, key)
        except (NoSuchKey, NoSuchBucket):
            return None

    def check_read(
        self,
        who: Principal,
        action: str,
        bucket: str,
        key: str,
        extra: Mapping[str, ContextValue] | None = None,
    ) -> dict[str, str] | None:
        """Authorise an object read with ``s3:ExistingObjectTag/<k>``; return the tags.

        For a missing object S3 reveals ``NoSuchKey`` only to a caller that may also list the
        bucket, and answers ``AccessDenied`` otherwise, so that keys cannot be probed.
        """
        tags = self.existing_tags(bucket, key)
        ctx: dict[str, ContextValue] = dict(extra or {})
        if tags:
            ctx.update(tag_keys("ExistingObjectTag", tags))
        self.check(who, action, object_arn(bucket, key), bucket, ctx)
        if tags is None:
            self.check(who, "s3:ListBucket", bucket_arn(bucket), bucket)
        return tags
