"""Load botocore's service models once and expose what a server needs from them.

botocore ships, for every AWS service, the JSON model its clients are generated from. A server
that speaks the same wire protocol can read the same model: the protocol and its JSON version,
the ``X-Amz-Target`` prefix, the signing name, the operations and the error codes each one may
return. Reading it (rather than hard-coding it) keeps opentruth in step with the botocore that
its users' boto3 runs.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

import botocore.session
from botocore.exceptions import UnknownServiceError as _BotocoreUnknownService
from botocore.model import OperationModel, ServiceModel

from opentruth.errors import OpenTruthError


class UnknownOperationError(OpenTruthError):
    """A request names an operation that the service does not have (or opentruth does not serve).

    The API layer returns it as ``UnknownOperationException``, HTTP 400, which is what AWS's
    JSON protocols answer for an ``X-Amz-Target`` they do not know.
    """

    aws_code = "UnknownOperationException"
    http_status = 400

    def __init__(self, service: str, operation: str, message: str = "") -> None:
        super().__init__(message or f"Unknown operation {operation!r} for service {service!r}.")
        self.service = service
        self.operation = operation


class UnknownServiceError(OpenTruthError):
    """botocore has no model for the named service: a programming error in opentruth."""

    aws_code = "InternalFailure"
    http_status = 500


@dataclass(frozen=True, slots=True)
class ProtocolInfo:
    """The wire-protocol metadata of one service model (botocore's ``metadata`` block)."""

    service: str
    """The name botocore loads the model by (``sagemaker``)."""
    protocol: str
    """botocore's primary protocol: ``json``, ``query``, ``rest-xml``, ``rest-json``, ..."""
    protocols: tuple[str, ...]
    """Every protocol the model lists, in preference order (CloudWatch lists three)."""
    json_version: str | None
    """``1.0`` or ``1.1`` for the JSON protocols; it names the ``application/x-amz-json-*`` type."""
    target_prefix: str | None
    """The part of ``X-Amz-Target`` before the dot (``SageMaker``)."""
    aws_query_compatible: bool
    """JSON services migrated from the query protocol (SQS, CloudWatch): their errors also carry
    the ``x-amzn-query-error: <Code>;Sender`` header, which boto3 reads for the legacy code."""
    signing_name: str
    """The service name in the SigV4 credential scope (falls back to the endpoint prefix)."""
    endpoint_prefix: str
    api_version: str


@dataclass(frozen=True, slots=True)
class ModeledError:
    """One error shape an operation may return, with its wire code."""

    shape_name: str
    code: str
    """The code on the wire: the shape's ``error.code`` when the model sets one (the query
    protocols, e.g. IAM's ``EntityAlreadyExistsException`` is sent as ``EntityAlreadyExists``),
    else the shape name (the JSON protocols, e.g. SageMaker's ``ResourceInUse``)."""
    http_status: int | None
    sender_fault: bool


@functools.cache
def _session() -> botocore.session.Session:
    # One botocore session for the process: it caches its loaders, and loading a model is the
    # expensive part (SageMaker's model is several megabytes of JSON).
    return botocore.session.get_session()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (``sagemaker``, ``s3``, ``iam``, ...), loaded once."""
    try:
        return _session().get_service_model(service)
    except _BotocoreUnknownService as exc:
        raise UnknownServiceError(f"botocore has no service model named {service!r}") from exc


@functools.cache
def protocol_info(service: str) -> ProtocolInfo:
    """The protocol metadata of ``service``."""
    model = service_model(service)
    meta = model.metadata
    protocols = tuple(meta.get("protocols") or (meta["protocol"],))
    return ProtocolInfo(
        service=service,
        protocol=meta["protocol"],
        protocols=protocols,
        json_version=meta.get("jsonVersion"),
        target_prefix=meta.get("targetPrefix"),
        # The key is present (with an empty object as its value) when the trait applies.
        aws_query_compatible="awsQueryCompatible" in meta,
        signing_name=model.signing_name,
        endpoint_prefix=meta["endpointPrefix"],
        api_version=meta["apiVersion"],
    )


@functools.cache
def operation_names(service: str) -> frozenset[str]:
    """Every operation the model of ``service`` defines."""
    return frozenset(service_model(service).operation_names)


def operation(service: str, name: str) -> OperationModel:
    """The model of operation ``name`` of ``service``.

    Raises :class:`UnknownOperationError` naming the operation (and the closest real names, so
    a typo is easy to fix) when the service has no such operation.
    """
    if name not in operation_names(service):
        close = difflib.get_close_matches(name, sorted(operation_names(service)), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownOperationError(
            service, name, f"Unknown operation {name!r} for service {service!r}.{hint}"
        )
    return _operation(service, name)


@functools.cache
def _operation(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


@functools.cache
def modeled_errors(service: str, name: str) -> tuple[ModeledError, ...]:
    """The error shapes that operation ``name`` of ``service`` declares, in model order."""
    errors: list[ModeledError] = []
    for shape in operation(service, name).error_shapes:
        error_meta = shape.metadata.get("error") or {}
        errors.append(
            ModeledError(
                shape_name=shape.name,
                code=error_meta.get("code") or shape.name,
                http_status=error_meta.get("httpStatusCode"),
                sender_fault=bool(error_meta.get("senderFault", False)),
            )
        )
    return tuple(errors)


def error_codes(service: str, name: str) -> frozenset[str]:
    """The wire codes of the modeled errors of operation ``name`` (``ResourceInUse``, ...).

    ``ValidationException`` is never among them for SageMaker: AWS returns it for any operation
    whose input breaks a constraint, without modeling it.
    """
    return frozenset(e.code for e in modeled_errors(service, name))
