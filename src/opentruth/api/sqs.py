"""The SQS API: JSON 1.0 with ``awsQueryCompatible`` (what boto3 speaks), and the older query form.

Errors carry the modeled name in ``__type`` and the legacy query code in ``x-amzn-query-error``
(``QueueDoesNotExist`` / ``AWS.SimpleQueueService.NonExistentQueue``), from which boto3 raises
``client.exceptions.QueueDoesNotExist``. Every operation is authorised as ``sqs:<Operation>`` on
the queue ARN with the caller's policies together with the queue's policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, form_pairs, wire_error
from opentruth.api.protocols.json import json_response
from opentruth.api.protocols.query import CONTENT_TYPE, parse_params, xml_error, xml_response
from opentruth.api.sigv4 import Family, decode_query
from opentruth.awsmodel.service import UnknownOperationError, operation_names
from opentruth.awsmodel.validate import SerializationError, parse_input
from opentruth.cloud.queues import DatabaseQueues, QueueDoesNotExist
from opentruth.errors import OpenTruthError, ValidationError

Op = Callable[[AwsCall, dict[str, Any]], Mapping[str, Any] | None]


def _name_of_url(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        raise QueueDoesNotExist(url)
    return name


def operations(queues: DatabaseQueues) -> dict[str, Op]:
    """The served SQS operations over ``queues``."""

    def url(call: AwsCall, name: str) -> str:
        return f"{str(call.request.base_url).rstrip('/')}/{queues.account}/{name}"

    def allow(call: AwsCall, action: str, name: str) -> None:
        try:
            policy = queues.get_queue(name).policy()
        except QueueDoesNotExist:
            policy = None
        call.authorize(f"sqs:{action}", queues.arn_of(name), resource_policy=policy)

    def create_queue(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        allow(call, "CreateQueue", p["QueueName"])
        queues.create_queue(p["QueueName"], p.get("Attributes"), p.get("tags"))
        return {"QueueUrl": url(call, p["QueueName"])}

    def get_queue_url(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        allow(call, "GetQueueUrl", p["QueueName"])
        queues.get_queue(p["QueueName"])
        return {"QueueUrl": url(call, p["QueueName"])}

    def list_queues(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sqs:ListQueues", "*")
        return {"QueueUrls": [url(call, q.name) for q in queues.list_queues(p.get("QueueNamePrefix", ""))]}

    def delete_queue(call: AwsCall, p: dict[str, Any]) -> None:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "DeleteQueue", name)
        queues.delete_queue(name)

    def get_attributes(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "GetQueueAttributes", name)
        return {"Attributes": queues.get_attributes(name, p.get("AttributeNames") or ["All"])}

    def set_attributes(call: AwsCall, p: dict[str, Any]) -> None:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "SetQueueAttributes", name)
        queues.set_attributes(name, p["Attributes"])

    def send(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "SendMessage", name)
        sent = queues.send(
            name,
            p["MessageBody"],
            message_attributes=p.get("MessageAttributes"),
            delay_seconds=p.get("DelaySeconds"),
        )
        return {"MessageId": sent.message_id, "MD5OfMessageBody": sent.md5_of_body}

    def send_batch(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "SendMessage", name)
        ok: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        _distinct(p["Entries"])
        for e in p["Entries"]:
            try:
                sent = queues.send(
                    name,
                    e["MessageBody"],
                    message_attributes=e.get("MessageAttributes"),
                    delay_seconds=e.get("DelaySeconds"),
                )
                ok.append({"Id": e["Id"], "MessageId": sent.message_id, "MD5OfMessageBody": sent.md5_of_body})
            except QueueDoesNotExist:
                raise
            except OpenTruthError as exc:
                failed.append(_failure(e["Id"], exc))
        return {"Successful": ok, "Failed": failed}

    def receive(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "ReceiveMessage", name)
        got = queues.receive(
            name,
            max_messages=p.get("MaxNumberOfMessages", 1),
            visibility_timeout=p.get("VisibilityTimeout"),
            wait_seconds=p.get("WaitTimeSeconds"),
        )
        wanted = set(p.get("MessageSystemAttributeNames") or []) | set(p.get("AttributeNames") or [])
        out = []
        for m in got:
            msg: dict[str, Any] = {
                "MessageId": m.message_id,
                "ReceiptHandle": m.receipt_handle,
                "MD5OfBody": m.md5_of_body,
                "Body": m.body,
            }
            attrs = {k: v for k, v in m.attributes.items() if "All" in wanted or k in wanted}
            if attrs:
                msg["Attributes"] = attrs
            if m.message_attributes and p.get("MessageAttributeNames"):
                msg["MessageAttributes"] = dict(m.message_attributes)
            out.append(msg)
        return {"Messages": out} if out else {}

    def delete(call: AwsCall, p: dict[str, Any]) -> None:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "DeleteMessage", name)
        queues.delete_message(name, p["ReceiptHandle"])

    def delete_batch(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "DeleteMessage", name)
        _distinct(p["Entries"])
        ok, failed = [], []
        for e in p["Entries"]:
            try:
                queues.delete_message(name, e["ReceiptHandle"])
                ok.append({"Id": e["Id"]})
            except OpenTruthError as exc:
                failed.append(_failure(e["Id"], exc))
        return {"Successful": ok, "Failed": failed}

    def change_visibility(call: AwsCall, p: dict[str, Any]) -> None:
        name = _name_of_url(p["QueueUrl"])
        allow(call, "ChangeMessageVisibility", name)
        queues.change_visibility(name, p["ReceiptHandle"], p["VisibilityTimeout"])

    return {
        "CreateQueue": create_queue,
        "GetQueueUrl": get_queue_url,
        "ListQueues": list_queues,
        "DeleteQueue": delete_queue,
        "GetQueueAttributes": get_attributes,
        "SetQueueAttributes": set_attributes,
        "SendMessage": send,
        "SendMessageBatch": send_batch,
        "ReceiveMessage": receive,
        "DeleteMessage": delete,
        "DeleteMessageBatch": delete_batch,
        "ChangeMessageVisibility": change_visibility,
    }


class BatchEntryIdsNotDistinct(ValidationError):
    aws_code = "BatchEntryIdsNotDistinct"
    query_code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


def _distinct(entries: list[dict[str, Any]]) -> None:
    ids = [e["Id"] for e in entries]
    if len(set(ids)) != len(ids):
        raise BatchEntryIdsNotDistinct("Two or more batch entries in the request have the same Id.")


def _failure(entry_id: str, exc: OpenTruthError) -> dict[str, Any]:
    return {
        "Id": entry_id,
        "SenderFault": exc.http_status < 500,
        "Code": getattr(exc, "query_code", exc.aws_code),
        "Message": exc.message,
    }


def _error(exc: BaseException, request_id: str, *, query: bool) -> Response:
    code, message, status = wire_error(exc, Family.JSON)
    legacy = getattr(exc, "query_code", None) or ("AccessDenied" if code == "AccessDeniedException" else code)
    if query:
        return Response(
            xml_error("sqs", legacy, message, request_id, sender=status < 500),
            status_code=status,
            media_type=CONTENT_TYPE,
            headers={"x-amzn-RequestId": request_id},
        )
    body = json.dumps({"__type": f"com.amazonaws.sqs#{code}", "message": message})
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-query-error": f"{legacy};{'Sender' if status < 500 else 'Receiver'}",
    }
    return Response(body, status_code=status, media_type="application/x-amz-json-1.0", headers=headers)


def sqs_handler(queues: DatabaseQueues) -> Handler:
    """The SQS handler for :func:`opentruth.api.app.register_service`."""
    table = operations(queues)

    async def handle(call: AwsCall) -> Response:
        query = call.operation is None  # the older query form: Action=... in a form body
        try:
            if query:
                pairs = decode_query(call.request.url.query or "") + form_pairs(
                    call.body or b"", call.request.headers.get("content-type")
                )
                name = next((v for k, v in pairs if k == "Action"), "")
                raw: Any = parse_params("sqs", name, pairs) if name in table else {}
            else:
                name = call.operation or ""
                try:
                    raw = json.loads(call.body or b"{}")
                except ValueError as exc:
                    raise SerializationError(f"The request body is not valid JSON: {exc}") from None
            if name not in table:
                if name in operation_names("sqs"):
                    raise ValidationError(f"sqs operation {name} is not implemented by opentruth.")
                raise UnknownOperationError("sqs", name, f"Operation {name} is not an sqs operation.")
            params = parse_input("sqs", name, raw)
            result = await run_in_threadpool(table[name], call, params)
        except Exception as exc:
            return _error(exc, call.request_id, query=query)
        if query:
            return Response(
                xml_response("sqs", name, result, call.request_id),
                media_type=CONTENT_TYPE,
                headers={"x-amzn-RequestId": call.request_id},
            )
        return json_response("sqs", result, call.request_id)

    return handle
