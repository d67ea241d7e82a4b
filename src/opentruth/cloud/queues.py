"""The queue port (SQS's model) and its durable adapter on the database.

Semantics kept from SQS, because clients and Ground Truth's streaming jobs rely on them:

* a received message becomes invisible for the visibility timeout (the queue's, or the one
  given to ReceiveMessage) and comes back if it is not deleted in time, with its
  ``ApproximateReceiveCount`` one higher: delivery is at least once;
* each receive returns a new receipt handle; only the newest one deletes the message or changes
  its visibility. An older handle is accepted and does nothing, as SQS documents;
* ``WaitTimeSeconds`` (or the queue's ``ReceiveMessageWaitTimeSeconds``) long-polls: the call
  returns as soon as a message is visible, or empty when the time is up;
* messages older than ``MessageRetentionPeriod`` are gone.

Messages live in the database, so a queue and its messages survive a restart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from opentruth.db import repo_messaging as repo
from opentruth.db.engine import Database
from opentruth.db.models_messaging import SqsMessage, SqsQueue
from opentruth.errors import ConflictError, NotFoundError, ValidationError
from opentruth.iam.policy import Policy, PolicyError, parse_policy

__all__ = [
    "DEFAULT_ATTRIBUTES",
    "DatabaseQueues",
    "InvalidAttributeName",
    "InvalidAttributeValue",
    "MessageNotInflight",
    "Queue",
    "QueueDoesNotExist",
    "QueueNameExists",
    "QueueService",
    "ReceiptHandleIsInvalid",
    "ReceivedMessage",
    "SentMessage",
    "queue_arn",
]

#: Attributes a queue starts with (SQS's defaults).
DEFAULT_ATTRIBUTES: dict[str, str] = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "262144",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
}
#: Settable integer attributes and their ranges.
_RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1048576),
    "MessageRetentionPeriod": (60, 1209600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43200),
    "KmsDataKeyReusePeriodSeconds": (60, 86400),
}
#: Settable attributes kept as given (checked loosely or not at all).
_FREE = {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled"}
_READ_ONLY = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
)
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class QueueDoesNotExist(NotFoundError):
    """SQS's ``QueueDoesNotExist`` (legacy code ``AWS.SimpleQueueService.NonExistentQueue``)."""

    aws_code = "QueueDoesNotExist"
    query_code = "AWS.SimpleQueueService.NonExistentQueue"

    def __init__(self, name: str = "") -> None:
        super().__init__("The specified queue does not exist.")
        self.name = name


class QueueNameExists(ConflictError):
    """A queue of that name exists with other attributes."""

    aws_code = "QueueNameExists"
    query_code = "QueueAlreadyExists"


class InvalidAttributeName(ValidationError):
    """An attribute SQS does not know."""

    aws_code = "InvalidAttributeName"
    query_code = "InvalidAttributeName"


class InvalidAttributeValue(ValidationError):
    """An attribute value out of range or malformed (a policy that does not parse)."""

    aws_code = "InvalidAttributeValue"
    query_code = "InvalidAttributeValue"


class ReceiptHandleIsInvalid(ValidationError):
    """A receipt handle this queue never issued."""

    aws_code = "ReceiptHandleIsInvalid"
    query_code = "ReceiptHandleIsInvalid"


class MessageNotInflight(ValidationError):
    """ChangeMessageVisibility on a message that is not in flight."""

    aws_code = "MessageNotInflight"
    query_code = "AWS.SimpleQueueService.MessageNotInflight"


class InvalidParameterValue(ValidationError):
    """A parameter out of range (a body over MaximumMessageSize, a bad timeout)."""

    aws_code = "InvalidParameterValue"
    query_code = "InvalidParameterValue"


def queue_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>``."""
    return f"arn:aws:sqs:{region}:{account}:{name}"


@dataclass(frozen=True, slots=True)
class Queue:
    """A queue as the port shows it."""

    name: str
    arn: str
    attributes: Mapping[str, str]
    created_at: datetime
    updated_at: datetime

    def policy(self) -> Policy | None:
        """The queue policy, parsed (None when the queue has none)."""
        text = self.attributes.get("Policy")
        return parse_policy(text, name=f"queue policy of {self.name}") if text else None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What SendMessage returns."""

    message_id: str
    md5_of_body: str


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A received message with its receipt handle and system attributes."""

    message_id: str
    receipt_handle: str
    body: str
    md5_of_body: str
    attributes: Mapping[str, str]
    message_attributes: Mapping[str, Any] = field(default_factory=dict)


class QueueService(Protocol):
    """The queue operations (one account and region)."""

    def create_queue(
        self, name: str, attributes: Mapping[str, str] | None = None, tags: Mapping[str, str] | None = None
    ) -> Queue: ...

    def get_queue(self, name: str) -> Queue: ...

    def delete_queue(self, name: str) -> None: ...

    def list_queues(self, prefix: str = "") -> list[Queue]: ...

    def get_attributes(self, name: str, names: Sequence[str] = ("All",)) -> dict[str, str]: ...

    def set_attributes(self, name: str, attributes: Mapping[str, str]) -> None: ...

    def send(
        self,
        name: str,
        body: str,
        *,
        message_attributes: Mapping[str, Any] | None = None,
        delay_seconds: int | None = None,
    ) -> SentMessage: ...

    def receive(
        self,
        name: str,
        *,
        max_messages: int = 1,
        visibility_timeout: int | None = None,
        wait_seconds: float | None = None,
    ) -> list[ReceivedMessage]: ...

    def delete_message(self, name: str, receipt_handle: str) -> None: ...

    def change_visibility(self, name: str, receipt_handle: str, timeout: int) -> None: ...


def md5_hex(text: str) -> str:
    """MD5 of the UTF-8 body, hex: what SQS returns and boto3 checks (not a security use)."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def check_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """Validate settable attributes; return them as strings."""
    out: dict[str, str] = {}
    for name, raw in attributes.items():
        value = str(raw)
        if name in _RANGES:
            low, high = _RANGES[name]
            if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
                raise InvalidAttributeValue(
                    f"Invalid value for the parameter {name}: give an integer from {low} to {high}."
                )
        elif name == "Policy":
            try:
                parse_policy(value, name="queue policy")
            except PolicyError as exc:
                raise InvalidAttributeValue(
                    f"Invalid value for the parameter Policy: {exc.message}"
                ) from None
        elif name in ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"):
            if name == "FifoQueue" and value.lower() == "false":
                continue
            raise InvalidAttributeName(f"opentruth serves standard queues only; remove the attribute {name}.")
        elif name not in _FREE:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        out[name] = value
    return out


def _handle(message_id: str, token: str) -> str:
    return base64.urlsafe_b64encode(f"{message_id}:{token}".encode()).decode()


def _parse_handle(handle: str) -> tuple[str, str]:
    try:
        text = base64.urlsafe_b64decode(handle.encode()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle[:80]}" is not a valid receipt handle.'
        ) from None
    message_id, sep, token = text.partition(":")
    if not sep or not message_id or not token:
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle[:80]}" is not a valid receipt handle.'
        )
    return message_id, token


def _ms(at: datetime) -> str:
    return str(int(at.timestamp() * 1000))


def _queue(row: SqsQueue) -> Queue:
    return Queue(row.name, row.arn, dict(row.attributes), row.created_at, row.updated_at)


def _utcnow() -> datetime:
    return datetime.now(UTC)


#: Called after messages were added to a queue (to wake a consumer early).
SendListener = Callable[[Queue], None]


class DatabaseQueues:
    """The queue port on the database: durable, shared by every process of a deployment.

    ``on_send`` listeners run after a send commits (in the sender's thread); long polls in this
    process wake at once, those of other processes within ``poll_interval`` seconds.
    """

    def __init__(
        self,
        db: Database,
        account: str,
        region: str,
        *,
        clock: Callable[[], datetime] = _utcnow,
        poll_interval: float = 0.2,
    ) -> None:
        self.db = db
        self.account = account
        self.region = region
        self.clock = clock
        self.poll_interval = poll_interval
        self.listeners: list[SendListener] = []
        self._arrived = threading.Condition()

    # ---------------------------------------------------------------- queues

    def _row(self, s: Any, name: str) -> SqsQueue:
        row = repo.get_queue(s, self.account, name)
        if row is None:
            raise QueueDoesNotExist(name)
        return row

    def arn_of(self, name: str) -> str:
        """The ARN a queue of this name has (whether or not it exists)."""
        return queue_arn(self.region, self.account, name)

    def name_of_arn(self, arn: str) -> str:
        """The queue name of an ARN of this account and region (else QueueDoesNotExist)."""
        prefix = f"arn:aws:sqs:{self.region}:{self.account}:"
        if not arn.startswith(prefix) or not _NAME.match(arn[len(prefix) :]):
            raise QueueDoesNotExist(arn)
        return arn[len(prefix) :]

    def create_queue(
        self, name: str, attributes: Mapping[str, str] | None = None, tags: Mapping[str, str] | None = None
    ) -> Queue:
        """Create a queue, or return the existing one if its attributes are the same (as SQS).

        Raises :class:`QueueNameExists` when it exists with other attribute values.
        """
        if not _NAME.match(name):
            raise InvalidParameterValue(
                f"Invalid queue name {name[:90]!r}: use 1 to 80 letters, digits, hyphens and underscores."
            )
        given = check_attributes(attributes or {})
        now = self.clock()
        with self.db.transaction() as s:
            row = repo.get_queue(s, self.account, name)
            if row is not None:
                current = row.attributes
                if any(current.get(k, DEFAULT_ATTRIBUTES.get(k)) != v for k, v in given.items()):
                    raise QueueNameExists(
                        f"A queue named {name} already exists with different attributes; "
                        "use SetQueueAttributes to change them."
                    )
                return _queue(row)
            row = SqsQueue(
                account_id=self.account,
                name=name,
                arn=self.arn_of(name),
                attributes={**DEFAULT_ATTRIBUTES, **given},
                tags=dict(tags) if tags else None,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return _queue(row)

    def get_queue(self, name: str) -> Queue:
        """The queue (raises :class:`QueueDoesNotExist`)."""
        with self.db.read() as s:
            return _queue(self._row(s, name))

    def delete_queue(self, name: str) -> None:
        """Delete the queue and its messages."""
        with self.db.transaction() as s:
            s.delete(self._row(s, name))

    def list_queues(self, prefix: str = "") -> list[Queue]:
        """The queues whose names start with ``prefix``."""
        with self.db.read() as s:
            return [_queue(r) for r in repo.list_queues(s, self.account, prefix)]

    def get_attributes(self, name: str, names: Sequence[str] = ("All",)) -> dict[str, str]:
        """The requested attributes (``All`` for every one), settable and computed."""
        wanted = set(names)
        for n in wanted:
            if n != "All" and n not in _READ_ONLY and n not in _RANGES and n not in _FREE:
                raise InvalidAttributeName(f"Unknown Attribute {n}.")
        now = self.clock()
        with self.db.transaction() as s:
            row = self._row(s, name)
            self._expire(s, row, now)
            visible, inflight, delayed = repo.message_counts(s, row.id, now)
            values: dict[str, str] = dict(row.attributes)
            values.update(
                {
                    "QueueArn": row.arn,
                    "ApproximateNumberOfMessages": str(visible),
                    "ApproximateNumberOfMessagesNotVisible": str(inflight),
                    "ApproximateNumberOfMessagesDelayed": str(delayed),
                    "CreatedTimestamp": str(int(row.created_at.timestamp())),
                    "LastModifiedTimestamp": str(int(row.updated_at.timestamp())),
                }
            )
        if "All" in wanted:
            return values
        return {k: v for k, v in values.items() if k in wanted}

    def set_attributes(self, name: str, attributes: Mapping[str, str]) -> None:
        """Change settable attributes; an empty ``Policy`` removes the policy."""
        given = check_attributes({k: v for k, v in attributes.items() if not (k == "Policy" and not v)})
        with self.db.transaction() as s:
            row = self._row(s, name)
            merged = {**row.attributes, **given}
            if "Policy" in attributes and not attributes["Policy"]:
                merged.pop("Policy", None)
            row.attributes = merged
            row.updated_at = self.clock()

    # ---------------------------------------------------------------- messages

    def send(
        self,
        name: str,
        body: str,
        *,
        message_attributes: Mapping[str, Any] | None = None,
        delay_seconds: int | None = None,
    ) -> SentMessage:
        """Add a message; it is visible after the delay (the queue's ``DelaySeconds`` by default)."""
        return self.send_batch(name, [(body, message_attributes, delay_seconds)])[0]

    def send_batch(
        self, name: str, entries: Sequence[tuple[str, Mapping[str, Any] | None, int | None]]
    ) -> list[SentMessage]:
        """Add several messages in one transaction (``(body, attributes, delay)`` each)."""
        now = self.clock()
        sent: list[SentMessage] = []
        with self.db.transaction() as s:
            row = self._row(s, name)
            limit = int(row.attributes.get("MaximumMessageSize", DEFAULT_ATTRIBUTES["MaximumMessageSize"]))
            rows: list[dict[str, Any]] = []
            for body, attrs, delay in entries:
                if not body:
                    raise InvalidParameterValue("The message body must not be empty.")
                if len(body.encode("utf-8")) > limit:
                    raise InvalidParameterValue(
                        f"One or more parameters are invalid. Reason: Message must be shorter than {limit} "
                        "bytes."
                    )
                wait = int(row.attributes.get("DelaySeconds", "0")) if delay is None else delay
                if not 0 <= wait <= 900:
                    raise InvalidParameterValue("DelaySeconds must be from 0 to 900.")
                message_id = str(uuid.uuid4())
                rows.append(
                    {
                        "message_id": message_id,
                        "body": body,
                        "message_attributes": dict(attrs) if attrs else None,
                        "sent_at": now,
                        "visible_at": now + timedelta(seconds=wait),
                        "first_received_at": None,
                        "receipt_token": None,
                    }
                )
                sent.append(SentMessage(message_id, md5_hex(body)))
            repo.insert_messages(s, row.id, rows)
            queue = _queue(row)
        with self._arrived:
            self._arrived.notify_all()
        for listener in list(self.listeners):
            listener(queue)
        return sent

    def receive(
        self,
        name: str,
        *,
        max_messages: int = 1,
        visibility_timeout: int | None = None,
        wait_seconds: float | None = None,
    ) -> list[ReceivedMessage]:
        """Receive up to ``max_messages`` (1-10), long-polling up to ``wait_seconds`` (0-20)."""
        if not 1 <= max_messages <= 10:
            raise InvalidParameterValue(
                f"Value {max_messages} for parameter MaxNumberOfMessages is invalid. "
                "Reason: Must be between 1 and 10, if provided."
            )
        if visibility_timeout is not None and not 0 <= visibility_timeout <= 43200:
            raise InvalidParameterValue("VisibilityTimeout must be from 0 to 43200 seconds.")
        queue = self.get_queue(name)
        wait = (
            float(queue.attributes.get("ReceiveMessageWaitTimeSeconds", "0"))
            if wait_seconds is None
            else wait_seconds
        )
        if not 0 <= wait <= 20:
            raise InvalidParameterValue("WaitTimeSeconds must be from 0 to 20.")
        deadline = time.monotonic() + wait
        while True:
            got = self._receive_now(name, max_messages, visibility_timeout)
            left = deadline - time.monotonic()
            if got or left <= 0:
                return got
            with self._arrived:
                self._arrived.wait(min(left, self.poll_interval))

    def _expire(self, s: Any, row: SqsQueue, now: datetime) -> None:
        keep = int(row.attributes.get("MessageRetentionPeriod", DEFAULT_ATTRIBUTES["MessageRetentionPeriod"]))
        repo.delete_old_messages(s, row.id, now - timedelta(seconds=keep))

    def _receive_now(self, name: str, limit: int, visibility: int | None) -> list[ReceivedMessage]:
        now = self.clock()
        out: list[ReceivedMessage] = []
        with self.db.transaction() as s:
            row = self._row(s, name)
            self._expire(s, row, now)
            hide = int(row.attributes.get("VisibilityTimeout", "30")) if visibility is None else visibility
            for msg in repo.visible_messages(s, row.id, now, limit):
                token = secrets.token_urlsafe(18)
                msg.receive_count += 1
                msg.first_received_at = msg.first_received_at or now
                msg.visible_at = now + timedelta(seconds=hide)
                msg.receipt_token = token
                out.append(_received(msg, token))
        return out

    def _locked(self, s: Any, name: str, handle: str) -> tuple[SqsMessage | None, str]:
        message_id, token = _parse_handle(handle)
        row = self._row(s, name)
        return repo.get_message(s, row.id, message_id), token

    def delete_message(self, name: str, receipt_handle: str) -> None:
        """Delete the message of the newest receipt handle; an older handle does nothing."""
        with self.db.transaction() as s:
            msg, token = self._locked(s, name, receipt_handle)
            if msg is not None and secrets.compare_digest(msg.receipt_token or "", token):
                s.delete(msg)

    def change_visibility(self, name: str, receipt_handle: str, timeout: int) -> None:
        """Make an in-flight message visible again after ``timeout`` seconds from now."""
        if not 0 <= timeout <= 43200:
            raise InvalidParameterValue("VisibilityTimeout must be from 0 to 43200 seconds.")
        now = self.clock()
        with self.db.transaction() as s:
            msg, token = self._locked(s, name, receipt_handle)
            if msg is None or not secrets.compare_digest(msg.receipt_token or "", token):
                raise ReceiptHandleIsInvalid("The receipt handle has expired or was replaced by a newer one.")
            if msg.visible_at <= now:
                raise MessageNotInflight(
                    "Message does not exist or is not available for visibility timeout change."
                )
            msg.visible_at = now + timedelta(seconds=timeout)
        if timeout == 0:
            with self._arrived:
                self._arrived.notify_all()


def _received(msg: SqsMessage, token: str) -> ReceivedMessage:
    first = msg.first_received_at or msg.sent_at
    attrs = {
        "SenderId": "opentruth",
        "SentTimestamp": _ms(msg.sent_at),
        "ApproximateReceiveCount": str(msg.receive_count),
        "ApproximateFirstReceiveTimestamp": _ms(first),
    }
    return ReceivedMessage(
        msg.message_id,
        _handle(msg.message_id, token),
        msg.body,
        md5_hex(msg.body),
        attrs,
        dict(msg.message_attributes or {}),
    )
