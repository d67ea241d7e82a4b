"""Which bucket, key and operation an S3 REST request names.

S3 addresses a bucket two ways, and SDKs use both:

- path style, ``http://127.0.0.1:8080/bucket/key`` (``addressing_style="path"``);
- virtual-host style, ``http://bucket.localhost:8080/key`` or ``http://bucket.s3.localhost/key``:
  the bucket is the host name's first labels in front of a known service domain.

The operation follows from the method, the sub-resource in the query string (``?tagging``,
``?uploads``…) and, for copies, the ``x-amz-copy-source`` header, as in S3's REST model.
The key is taken from the *raw* path and percent-decoded once, so keys with ``%2F``, ``+`` or
spaces round-trip exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from opentruth.api.s3.errors import S3RequestError, not_implemented

#: Service domains under which ``<bucket>.<domain>`` is a virtual-host-style bucket address.
DEFAULT_DOMAINS: tuple[str, ...] = ("s3.localhost", "localhost", "s3.amazonaws.com")

# Sub-resources of real S3 that opentruth does not serve, by the operation they select.
_BUCKET_UNSUPPORTED = {
    "acl": "BucketAcl", "cors": "BucketCors", "lifecycle": "BucketLifecycleConfiguration",
    "versioning": "BucketVersioning", "website": "BucketWebsite", "encryption": "BucketEncryption",
    "logging": "BucketLogging",
    "replication": "BucketReplication", "tagging": "BucketTagging", "versions": "ObjectVersions",
    "uploads": "MultipartUploads", "object-lock": "ObjectLockConfiguration",
    "accelerate": "BucketAccelerateConfiguration",
    "ownershipControls": "BucketOwnershipControls", "publicAccessBlock": "PublicAccessBlock",
    "requestPayment": "BucketRequestPayment", "policyStatus": "BucketPolicyStatus",
    "analytics": "BucketAnalyticsConfiguration",
    "inventory": "BucketInventoryConfiguration", "metrics": "BucketMetricsConfiguration",
    "intelligent-tiering": "BucketIntelligentTieringConfiguration",
}  # fmt: skip
_OBJECT_UNSUPPORTED = {
    "acl": "ObjectAcl", "retention": "ObjectRetention", "legal-hold": "ObjectLegalHold",
    "restore": "RestoreObject", "select": "SelectObjectContent", "torrent": "ObjectTorrent",
    "attributes": "ObjectAttributes",
}  # fmt: skip
_VERB = {"GET": "Get", "PUT": "Put", "DELETE": "Delete", "HEAD": "Get", "POST": "Post"}


@dataclass(frozen=True, slots=True)
class Target:
    """The bucket and key a request addresses (either may be absent)."""

    bucket: str | None
    key: str | None
    virtual: bool = False

    @property
    def resource(self) -> str:
        """The ``<Resource>`` of an error: ``/bucket/key`` as S3 reports it."""
        if self.bucket is None:
            return "/"
        return f"/{self.bucket}" + (f"/{self.key}" if self.key is not None else "")


def bucket_from_host(host: str | None, domains: Sequence[str] = DEFAULT_DOMAINS) -> str | None:
    """The bucket of a virtual-host-style ``Host`` header, or ``None`` for path style."""
    if not host:
        return None
    name = host.strip().lower()
    if name.startswith("["):
        return None  # an IPv6 literal
    name = name.rsplit(":", 1)[0] if ":" in name else name
    if name in domains:
        return None  # the service's own name: path style
    for domain in sorted(domains, key=len, reverse=True):
        suffix = "." + domain
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def resolve_target(host: str | None, raw_path: str, domains: Sequence[str] = DEFAULT_DOMAINS) -> Target:
    """Bucket and key of a request from its ``Host`` and raw (still percent-encoded) path."""
    path = raw_path if raw_path.startswith("/") else "/" + raw_path
    bucket = bucket_from_host(host, domains)
    if bucket is not None:
        rest = path[1:]
        return Target(bucket, unquote(rest) if rest else None, virtual=True)
    first, slash, rest = path[1:].partition("/")
    if not first:
        return Target(None, None)
    return Target(unquote(first), unquote(rest) if slash and rest else None)


def operation_of(method: str, target: Target, query: Mapping[str, str], headers: Mapping[str, str]) -> str:
    """The S3 operation name (``GetObject``, ``ListObjectsV2``…) of a request.

    Raises :class:`S3RequestError` (``NotImplemented`` naming the operation, or
    ``MethodNotAllowed``) when opentruth does not serve it.
    """
    if target.bucket is None:
        if method == "GET":
            return "ListBuckets"
        raise _method_not_allowed(method, "the service")
    if target.key is None:
        return _bucket_operation(method, query)
    return _object_operation(method, query, headers)


def _method_not_allowed(method: str, what: str) -> S3RequestError:
    return S3RequestError(
        "MethodNotAllowed", f"The specified method {method} is not allowed against {what}.", 405
    )


def _bucket_operation(method: str, q: Mapping[str, str]) -> str:
    if "policy" in q:
        ops = {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"}
        if method in ops:
            return ops[method]
        raise _method_not_allowed(method, "the bucket policy")
    if method == "GET" and "location" in q:
        return "GetBucketLocation"
    if "notification" in q:
        ops = {"GET": "GetBucketNotificationConfiguration", "PUT": "PutBucketNotificationConfiguration"}
        if method in ops:
            return ops[method]
        raise _method_not_allowed(method, "the bucket notification configuration")
    if method == "POST" and "delete" in q:
        return "DeleteObjects"
    for sub, name in _BUCKET_UNSUPPORTED.items():
        if sub in q:
            raise not_implemented(f"{_VERB.get(method, method)}{name}")
    simple = {"PUT": "CreateBucket", "HEAD": "HeadBucket", "DELETE": "DeleteBucket"}
    if method in simple:
        return simple[method]
    if method == "GET":
        return "ListObjectsV2" if q.get("list-type") == "2" else "ListObjects"
    raise _method_not_allowed(method, "a bucket")


def _object_operation(method: str, q: Mapping[str, str], h: Mapping[str, str]) -> str:
    if "tagging" in q:
        ops = {"GET": "GetObjectTagging", "PUT": "PutObjectTagging", "DELETE": "DeleteObjectTagging"}
        if method in ops:
            return ops[method]
        raise _method_not_allowed(method, "object tags")
    for sub, name in _OBJECT_UNSUPPORTED.items():
        if sub in q:
            raise not_implemented(name if method == "POST" else f"{_VERB.get(method, method)}{name}")
    if "uploadId" in q:
        if method == "PUT" and "partNumber" in q:
            if "x-amz-copy-source" in h:
                raise not_implemented("UploadPartCopy")
            return "UploadPart"
        ops = {"POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"}
        if method in ops:
            return ops[method]
        if method == "GET":
            raise not_implemented("ListParts")
        raise _method_not_allowed(method, "a multipart upload")
    if method == "POST":
        if "uploads" in q:
            return "CreateMultipartUpload"
        raise _method_not_allowed(method, "an object")
    if method == "PUT":
        return "CopyObject" if "x-amz-copy-source" in h else "PutObject"
    simple = {"GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}
    if method in simple:
        return simple[method]
    raise _method_not_allowed(method, "an object")
