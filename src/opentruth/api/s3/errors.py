"""S3's error responses: ``<Error><Code>…</Code><Message>…</Message><Resource>…</Resource>…``.

Every failure of an S3 request becomes one of these, whatever raised it: the object store's
errors carry their S3 code and status (:class:`~opentruth.cloud.objectstore.S3Error`), an IAM
denial is ``AccessDenied`` (403), a SigV4 failure gets S3's wording of it, and the errors of
the REST layer itself (bad XML, bad digests, unsupported operations) are :class:`S3RequestError`.
"""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from starlette.responses import Response

from opentruth.api.sigv4 import Family, SigV4Error
from opentruth.cloud.objectstore import NoSuchBucket, NoSuchKey, S3Error
from opentruth.errors import AccessDeniedError, OpenTruthError, ValidationError

log = logging.getLogger("opentruth.api.s3")

XML_TYPE = "application/xml"


class S3RequestError(S3Error, ValidationError):
    """A request the REST layer refuses before the store sees it (code and status given)."""

    def __init__(
        self, code: str, message: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, s3_code=code, http_status=status)
        self.aws_code = code
        #: Headers the error response carries (``Content-Range`` of an unsatisfiable range).
        self.headers = dict(headers or {})


def malformed_xml(what: str) -> S3RequestError:
    """S3's answer to a body that is not the XML document the operation takes."""
    return S3RequestError(
        "MalformedXML",
        f"The XML you provided was not well-formed or did not validate against our published schema: {what}.",
    )


def not_implemented(operation: str) -> S3RequestError:
    """A real S3 operation that opentruth does not serve; the message names it."""
    return S3RequestError("NotImplemented", f"S3 operation {operation} is not implemented by opentruth.", 501)


def anonymous_denied() -> S3RequestError:
    """S3 answers an unsigned request that no bucket policy grants with a bare ``Access Denied``."""
    return S3RequestError("AccessDenied", "Access Denied", 403)


def wire_error(exc: BaseException) -> tuple[str, str, int]:
    """``(code, message, status)`` of ``exc`` as S3 words it."""
    if isinstance(exc, SigV4Error):
        code, status = exc.code_for(Family.S3)
        return code, exc.message, status
    if isinstance(exc, AccessDeniedError):
        return "AccessDenied", exc.message, 403
    if isinstance(exc, S3Error):
        return exc.s3_code, exc.message, exc.http_status
    if isinstance(exc, OpenTruthError):
        if isinstance(exc, ValidationError):
            code = exc.aws_code if exc.aws_code != "ValidationException" else "InvalidArgument"
            return code, exc.message, 400
        return exc.aws_code, exc.message, exc.http_status
    log.exception("internal error in the S3 API", exc_info=exc)
    return "InternalError", "We encountered an internal error. Please try again.", 500


def error_response(
    exc: BaseException,
    *,
    resource: str,
    request_id: str,
    head: bool = False,
    bucket: str | None = None,
    key: str | None = None,
) -> Response:
    """The S3 error response for ``exc``; a HEAD request gets the status and headers only."""
    code, message, status = wire_error(exc)
    headers = {"x-amz-request-id": request_id, "x-amz-id-2": request_id}
    if isinstance(exc, S3RequestError):
        headers.update(exc.headers)
    if head:
        # HEAD responses have no body: SDKs read the error from the status code alone.
        return Response(status_code=status, headers=headers)
    extra = ""
    if isinstance(exc, NoSuchBucket) and bucket:
        extra = f"<BucketName>{escape(bucket)}</BucketName>"
    elif isinstance(exc, NoSuchKey) and key:
        extra = f"<Key>{escape(key)}</Key>"
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message>{extra}<Resource>{escape(resource)}</Resource>"
        f"<RequestId>{escape(request_id)}</RequestId><HostId>{escape(request_id)}</HostId></Error>"
    )
    return Response(body.encode(), status_code=status, media_type=XML_TYPE, headers=headers)
