"""The AWS query protocol (IAM, STS, SNS): form-encoded parameters in, XML out.

Requests flatten the input structure into ``Name``, ``List.member.N`` and ``Map.entry.N.key``
parameters; :func:`parse_params` rebuilds the structure by walking botocore's input shape, so
the result can be validated by :mod:`opentruth.awsmodel.validate` like a JSON request.

Responses are ``<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…``
serialised from the operation's output shape (:func:`xml_response`); errors are
``<ErrorResponse><Error><Type>Sender</Type><Code>…`` (:func:`xml_error`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, Shape, StructureShape

from opentruth.awsmodel.service import operation, service_model

CONTENT_TYPE = "text/xml"


def _name(member_name: str, shape: Shape) -> str:
    return str(shape.serialization.get("name", member_name))


def parse_params(service: str, operation_name: str, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The input structure of ``operation_name`` from flat query parameters.

    Values stay strings where the shape is a scalar the validator converts (numbers are
    converted here, since the form carries only text); unknown parameters are ignored, as AWS
    does for ``Action``/``Version`` and its own signing parameters.
    """
    shape = operation(service, operation_name).input_shape
    if shape is None:
        return {}
    flat: dict[str, str] = {}
    for key, value in pairs:
        flat.setdefault(key, value)
    value = _read(shape, "", flat)
    return value if isinstance(value, dict) else {}


def _read(shape: Shape, prefix: str, flat: Mapping[str, str]) -> Any:
    if isinstance(shape, StructureShape):
        out: dict[str, Any] = {}
        for member_name, member in shape.members.items():
            name = _name(member_name, member)
            key = f"{prefix}.{name}" if prefix else name
            value = _read(member, key, flat)
            if value is not None:
                out[member_name] = value
        return out if out or not prefix else None
    if isinstance(shape, ListShape):
        flattened = shape.serialization.get("flattened", False)
        inner = shape.member.serialization.get("name", "member")
        base = prefix if flattened else f"{prefix}.{inner}"
        items: list[Any] = []
        i = 1
        while True:
            item = _read(shape.member, f"{base}.{i}", flat)
            if item is None:
                break
            items.append(item)
            i += 1
        if not items and flat.get(prefix) == "":
            return []  # "List=" is how the query protocol sends an empty list
        return items or None
    if isinstance(shape, MapShape):
        flattened = shape.serialization.get("flattened", False)
        base = prefix if flattened else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        result: dict[str, Any] = {}
        i = 1
        while f"{base}.{i}.{key_name}" in flat:
            result[flat[f"{base}.{i}.{key_name}"]] = _read(shape.value, f"{base}.{i}.{value_name}", flat)
            i += 1
        return result or None
    if prefix not in flat:
        return None
    return _scalar(shape, flat[prefix])


def _scalar(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text  # the validator reports it, naming the member
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        low = text.lower()
        return True if low == "true" else False if low == "false" else text
    return text


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(shape: Shape, value: Any, out: list[str]) -> None:
    if isinstance(shape, StructureShape):
        for member_name, member in shape.members.items():
            if not isinstance(value, Mapping) or value.get(member_name) is None:
                continue
            name = _name(member_name, member)
            item = value[member_name]
            if isinstance(member, ListShape) and member.serialization.get("flattened"):
                for element in item:
                    out.append(f"<{name}>")
                    _write(member.member, element, out)
                    out.append(f"</{name}>")
                continue
            out.append(f"<{name}>")
            _write(member, item, out)
            out.append(f"</{name}>")
    elif isinstance(shape, ListShape):
        inner = shape.member.serialization.get("name", "member")
        for element in value:
            out.append(f"<{inner}>")
            _write(shape.member, element, out)
            out.append(f"</{inner}>")
    elif isinstance(shape, MapShape):
        for k, v in value.items():
            out.append("<entry><key>" + escape(str(k)) + "</key><value>")
            _write(shape.value, v, out)
            out.append("</value></entry>")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, datetime):
        out.append(_timestamp(value))
    elif isinstance(value, bytes):
        out.append(base64.b64encode(value).decode("ascii"))
    else:
        out.append(escape(str(value)))


def xml_response(
    service: str, operation_name: str, result: Mapping[str, Any] | None, request_id: str
) -> bytes:
    """The XML body of a successful query-protocol response."""
    ns = service_model(service).metadata.get("xmlNamespace", "")
    out = [f'<{operation_name}Response xmlns="{escape(ns)}">']
    shape = operation(service, operation_name).output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{operation_name}Result")
        out.append(f"<{wrapper}>")
        _write(shape, result or {}, out)
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    out.append(f"</{operation_name}Response>")
    return "".join(out).encode("utf-8")


def xml_error(service: str | None, code: str, message: str, request_id: str, *, sender: bool = True) -> bytes:
    """The XML body of a query-protocol error (boto3 reads ``Code`` and ``Message``)."""
    ns = service_model(service).metadata.get("xmlNamespace", "") if service else ""
    xmlns = f' xmlns="{escape(ns)}"' if ns else ""
    return (
        f"<ErrorResponse{xmlns}><Error><Type>{'Sender' if sender else 'Receiver'}</Type>"
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()
