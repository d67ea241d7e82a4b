"""The S3 REST handler: route a request to its operation, authorise it, answer in S3's XML.

:class:`S3Api` is the handler the shared AWS endpoint registers for the signing name ``s3``
(``register_service(app, "s3", S3Api(store))``): the endpoint verifies SigV4 and hands over an
:class:`~opentruth.api.call.AwsCall`. Unsigned requests are served by :meth:`S3Api.anonymous`
(see :func:`opentruth.api.s3.mount.mount_s3`), where only a bucket policy granting ``*`` allows
anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.s3 import buckets, listing, multipart, reads, writes
from opentruth.api.s3.access import Authorizer, Principal, s3_request_keys
from opentruth.api.s3.body import DecoderFactory
from opentruth.api.s3.errors import S3RequestError, error_response
from opentruth.api.s3.request import S3Request, header_multi
from opentruth.api.s3.routing import DEFAULT_DOMAINS, operation_of, resolve_target
from opentruth.api.sigv4 import decode_query
from opentruth.cloud.keys import KeyManager
from opentruth.cloud.objectstore import ObjectStore
from opentruth.iam.evaluate import Evaluator

Operation = Callable[[S3Request], Awaitable[Response]]

#: Every S3 operation opentruth serves.
OPERATIONS: dict[str, Operation] = {
    "ListBuckets": buckets.list_buckets,
    "CreateBucket": buckets.create_bucket,
    "HeadBucket": buckets.head_bucket,
    "DeleteBucket": buckets.delete_bucket,
    "GetBucketLocation": buckets.get_bucket_location,
    "GetBucketPolicy": buckets.get_bucket_policy,
    "PutBucketPolicy": buckets.put_bucket_policy,
    "DeleteBucketPolicy": buckets.delete_bucket_policy,
    "PutBucketNotificationConfiguration": buckets.put_bucket_notification_configuration,
    "GetBucketNotificationConfiguration": buckets.get_bucket_notification_configuration,
    "ListObjectsV2": listing.list_objects_v2,
    "ListObjects": listing.list_objects,
    "PutObject": writes.put_object,
    "CopyObject": writes.copy_object,
    "DeleteObject": writes.delete_object,
    "DeleteObjects": writes.delete_objects,
    "GetObjectTagging": writes.get_object_tagging,
    "PutObjectTagging": writes.put_object_tagging,
    "DeleteObjectTagging": writes.delete_object_tagging,
    "GetObject": reads.get_object,
    "HeadObject": reads.head_object,
    "CreateMultipartUpload": multipart.create_multipart_upload,
    "UploadPart": multipart.upload_part,
    "CompleteMultipartUpload": multipart.complete_multipart_upload,
    "AbortMultipartUpload": multipart.abort_multipart_upload,
}


def _raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    if raw:
        return bytes(raw).decode("latin-1").split("?", 1)[0]
    return str(request.scope.get("path", "/"))


class S3Api:
    """S3's REST protocol over ``store``; an endpoint handler (``await api(call)``).

    ``domains`` are the service domains of virtual-host-style addressing
    (``<bucket>.<domain>``); ``evaluator`` is the IAM engine (a private one by default).
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        evaluator: Evaluator | None = None,
        domains: Sequence[str] = DEFAULT_DOMAINS,
        keys: KeyManager | None = None,
    ) -> None:
        self.store = store
        self.keys = keys  # SSE-KMS (x-amz-server-side-encryption: aws:kms)
        self.authorizer = Authorizer(store, evaluator)
        self.domains = tuple(domains)

    async def __call__(self, call: AwsCall) -> Response:
        """Serve one SigV4-verified request (what :class:`~opentruth.api.app.AwsEndpoint` calls)."""
        client = call.request.client
        principal = Principal(
            caller=call.caller,
            signed=call.signed,
            source_ip=client.host if client else None,
            secure=call.request.scope.get("scheme") == "https",  # what request.url parses, cheaper
            s3_keys=s3_request_keys(call.signed, call.request.headers.get("x-amz-content-sha256")),
        )
        return await self.serve(call.request, principal, call.request_id, call.chunk_decoder)

    async def anonymous(self, request: Request, request_id: str | None = None) -> Response:
        """Serve one unsigned request: only bucket-policy grants to ``*`` can allow it."""
        client = request.client
        principal = Principal(
            caller=None,
            signed=None,
            source_ip=client.host if client else None,
            secure=request.scope.get("scheme") == "https",
        )
        return await self.serve(request, principal, request_id or _new_request_id(), None)

    async def serve(
        self, request: Request, principal: Principal, request_id: str, decoder_for: DecoderFactory | None
    ) -> Response:
        """Route, authorise and run one request; every failure becomes S3's XML error."""
        headers = header_multi(request)
        query = dict(decode_query(request.scope.get("query_string", b"")))
        target = resolve_target(headers.get("host"), _raw_path(request), self.domains)
        head = request.method == "HEAD"
        s3r: S3Request | None = None
        try:
            operation = operation_of(request.method, target, query, headers)
            owner = headers.get("x-amz-expected-bucket-owner")
            if owner is not None and owner != self.store.account:
                raise S3RequestError("AccessDenied", "Access Denied", 403)
            s3r = S3Request(
                request=request,
                target=target,
                operation=operation,
                query=query,
                headers=headers,
                principal=principal,
                store=self.store,
                authorizer=self.authorizer,
                request_id=request_id,
                decoder_for=decoder_for,
                keys=self.keys,
            )
            response = await OPERATIONS[operation](s3r)
        except Exception as exc:
            response = error_response(
                exc,
                resource=target.resource,
                request_id=request_id,
                head=head,
                bucket=target.bucket,
                key=target.key,
            )
            if _has_body(headers) and (s3r is None or not s3r.body_read):
                # Answered before the body was read (a denied upload, a client waiting on
                # "Expect: 100-continue"): the connection's framing is unknown now, so close it,
                # as S3 does, rather than read the next request out of an unsent body.
                response.headers["Connection"] = "close"
            return response
        response.headers["x-amz-request-id"] = request_id
        response.headers["x-amz-id-2"] = request_id
        return response


def _has_body(headers: Mapping[str, str]) -> bool:
    return headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers


def _new_request_id() -> str:
    return uuid.uuid4().hex[:16].upper()
