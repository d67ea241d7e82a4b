"""The one exception tree of opentruth.

Every error that opentruth raises on purpose derives from :class:`OpenTruthError`. Each class
carries the AWS error code that the SageMaker-compatible API returns for it (``aws_code``) and
the HTTP status, so that the API layer maps exceptions to wire errors without a lookup table,
and the CLI can print a message that says what to do next.

    OpenTruthError
    ├── ValidationError            (ValidationException, 400)   bad input: names the field/line
    │   ├── PolicyError            (MalformedPolicyDocument, 400) a policy that cannot be parsed
    │   └── DataObjectError        (ValidationException, 400)   one data object is unusable
    ├── NotFoundError              (ResourceNotFound, 400)
    ├── ConflictError              (ResourceInUse, 400)
    ├── LimitExceededError         (ResourceLimitExceeded, 400)
    └── AccessDeniedError          (AccessDeniedException, 400)  an IAM denial; names action+resource
"""

from __future__ import annotations


class OpenTruthError(Exception):
    """Base of every error opentruth raises on purpose."""

    aws_code: str = "InternalFailure"
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(OpenTruthError):
    """Input that does not satisfy a constraint. The message names the field, line or object."""

    aws_code = "ValidationException"
    http_status = 400


class DataObjectError(ValidationError):
    """One data object (a sequence file, a frame) cannot be labeled: only that object fails,
    with this message as its reason (file, frame number and what is wrong), as Ground Truth does."""


class NotFoundError(OpenTruthError):
    """A named resource does not exist."""

    aws_code = "ResourceNotFound"
    http_status = 400


class ConflictError(OpenTruthError):
    """A resource with that name already exists or is in use."""

    aws_code = "ResourceInUse"
    http_status = 400


class LimitExceededError(OpenTruthError):
    """A service limit was reached."""

    aws_code = "ResourceLimitExceeded"
    http_status = 400


class AccessDeniedError(OpenTruthError):
    """The IAM engine denied a request.

    The message has AWS's wording: ``User: <principal> is not authorized to perform: <action>
    on resource: <resource>``, optionally followed by the reason.
    """

    aws_code = "AccessDeniedException"
    http_status = 400

    def __init__(self, principal: str, action: str, resource: str, reason: str = "") -> None:
        message = f"User: {principal} is not authorized to perform: {action} on resource: {resource}"
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)
        self.principal = principal
        self.action = action
        self.resource = resource
        self.reason = reason
