"""The topic port (SNS's model): its value types, errors, and the messages SNS and S3 send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from opentruth.errors import NotFoundError, OpenTruthError, ValidationError
from opentruth.iam.policy import Policy, parse_policy

SNS_PRINCIPAL = "sns.amazonaws.com"
S3_PRINCIPAL = "s3.amazonaws.com"
PENDING_CONFIRMATION = "pending confirmation"


class TopicNotFound(NotFoundError):
    """SNS's ``NotFound`` (HTTP 404)."""

    aws_code = "NotFound"
    http_status = 404


class InvalidParameter(ValidationError):
    """SNS's ``InvalidParameter``."""

    aws_code = "InvalidParameter"


def topic_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:sns:<region>:<account>:<name>``."""
    return f"arn:aws:sns:{region}:{account}:{name}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic as the port shows it."""

    name: str
    arn: str
    attributes: Mapping[str, str]

    def policy(self) -> Policy | None:
        text = self.attributes.get("Policy")
        return parse_policy(text, name=f"topic policy of {self.name}") if text else None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription of an endpoint to a topic."""

    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str
    confirmed: bool
    attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery not made yet (pending with errors, or failed for good)."""

    id: int
    topic_arn: str
    subscription_arn: str
    protocol: str
    endpoint: str
    message_id: str
    payload: str
    state: str
    attempts: int
    last_error: str | None


def iso_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def envelope(
    kind: str,
    *,
    message_id: str,
    topic: str,
    message: str,
    at: datetime,
    subject: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """SNS's JSON envelope (``Type``, ``MessageId``, ``TopicArn``, ``Message``, ``Timestamp``...)."""
    doc: dict[str, Any] = {"Type": kind, "MessageId": message_id}
    if extra and "Token" in extra:
        doc["Token"] = extra["Token"]
    doc["TopicArn"] = topic
    if subject is not None:
        doc["Subject"] = subject
    doc["Message"] = message
    doc["Timestamp"] = iso_time(at)
    doc["SignatureVersion"] = "1"
    for key, value in (extra or {}).items():
        if key != "Token":
            doc[key] = value
    if attributes:
        doc["MessageAttributes"] = {
            k: {"Type": v.get("DataType", "String"), "Value": v.get("StringValue", v.get("BinaryValue", ""))}
            for k, v in attributes.items()
        }
    return json.dumps(doc)


def s3_event(
    bucket: str,
    key: str,
    *,
    size: int,
    etag: str,
    sequencer: str,
    at: datetime,
    region: str,
    event_name: str = "ObjectCreated:Put",
    configuration_id: str = "",
) -> dict[str, Any]:
    """One S3 event notification (``Records[0]``), keys URL-encoded as S3 sends them."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": iso_time(at),
                "eventName": event_name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {
                        # S3 form-encodes keys in events: "red flower.jpg" -> "red+flower.jpg".
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": etag,
                        "sequencer": sequencer,
                    },
                },
            }
        ]
    }


class DeliveryError(OpenTruthError):
    """A delivery attempt failed (kept on the delivery row)."""


def decode_s3_key(key: str) -> str:
    """An S3 event's object key as stored (S3 sends it URL-encoded, spaces as ``+``)."""
    return unquote_plus(key)
