"""Validate a request against its botocore input shape, with AWS's ``ValidationException`` wording.

botocore's client-side ``ParamValidator`` checks required members, types and ``min``, but not
``max``, ``pattern`` or ``enum``; AWS's servers check all of them. This walker checks everything
the model states and words each failure as AWS's servers do::

    1 validation error detected: Value 'bad name!' at 'labelingJobName' failed to satisfy
    constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}

Paths name members in lowerCamel case, the way AWS prints them: ``humanTaskConfig.taskTitle``,
and a list item's member as ``tags.1.member.key`` (1-based, then ``member``). A missing required
member is ``Value null at '<path>' ... Member must not be null``. Every failed constraint is a
separate error, even two on one value; the count leads the message. A list of scalars reports
its items' failures once, at the list: ``Member must satisfy constraint: [...]``; maps report
``Map keys must satisfy constraint: [...]`` and ``Map value must satisfy constraint: [...]``.
Values of ``sensitive`` shapes are never echoed (``Value at '<path>' failed ...``).

A value of the wrong JSON type cannot be read into the shape at all: AWS's JSON protocols answer
``SerializationException`` for that, before any constraint is checked, and so do we
(:class:`SerializationError`). A member the shape does not have is treated the same way: AWS
does not document what its servers do with one, and a misspelled optional member that is
silently dropped is a bug the user only finds later, so opentruth names it instead.
"""

from __future__ import annotations

import base64
import binascii
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from opentruth.awsmodel.javaregex import full_match
from opentruth.awsmodel.service import operation
from opentruth.errors import ValidationError

# Values longer than this are shortened in messages: AWS's Message member holds 1,024
# characters, and echoing a 128,000-character template back helps nobody.
_MAX_ECHO = 256

_INT_RANGE = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


class ModelValidationError(ValidationError):
    """Input that breaks constraints of the service model; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} validation {noun} detected: {'; '.join(problems)}")
        self.problems = tuple(problems)


class SerializationError(ValidationError):
    """Input that cannot be read into the model's shapes (a wrong JSON type, an unknown member).

    AWS's JSON protocols return these as ``SerializationException`` (HTTP 400).
    """

    aws_code = "SerializationException"
    http_status = 400


def lower_camel(name: str) -> str:
    """A member name as AWS prints it in a validation path (``LabelingJobName`` → ``labelingJobName``)."""
    return name[:1].lower() + name[1:]


def render(value: object) -> str:
    """A value the way AWS's (Java) servers print it in a message: lists ``[a, b]``, maps ``{k=v}``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@dataclass
class _Walk:
    problems: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def value_at(self, shape: Shape, value: object, path: str) -> str:
        if value is None:
            return f"Value null at '{path}'"
        if shape.metadata.get("sensitive"):
            return f"Value at '{path}'"
        text = render(value)
        if len(text) > _MAX_ECHO:
            text = text[:_MAX_ECHO] + f"... ({len(text)} characters)"
        return f"Value '{text}' at '{path}'"

    def fail(self, shape: Shape, value: object, path: str, constraint: str) -> None:
        self.problems.append(
            f"{self.value_at(shape, value, path)} failed to satisfy constraint: {constraint}"
        )

    def cannot_read(self, shape: Shape, value: object, path: str, expected: str) -> None:
        got = (
            type(value).__name__
            if not isinstance(value, Mapping | list)
            else ("an object" if isinstance(value, Mapping) else "a list")
        )
        self.unreadable.append(
            f"{self.value_at(shape, value, path)} cannot be read as {expected} ({shape.name}); "
            f"got {got}. Send {expected} there."
        )


def _length_constraints(shape: Shape, length: int) -> list[str]:
    out: list[str] = []
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and length < low:
        out.append(f"Member must have length greater than or equal to {low}")
    if high is not None and length > high:
        out.append(f"Member must have length less than or equal to {high}")
    return out


def _value_constraints(shape: Shape, number: float) -> list[str]:
    out: list[str] = []
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and number < low:
        out.append(f"Member must have value greater than or equal to {low}")
    if high is not None and number > high:
        out.append(f"Member must have value less than or equal to {high}")
    return out


def _string_constraints(shape: Shape, value: str) -> list[str]:
    out = _length_constraints(shape, len(value))
    pattern = shape.metadata.get("pattern")
    if pattern is not None and not full_match(pattern, value):
        out.append(f"Member must satisfy regular expression pattern: {pattern}")
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        out.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    return out


def _parse_timestamp(value: object) -> datetime | None:
    """Epoch seconds (the JSON protocols' wire form) or an ISO 8601 string, as an aware UTC time."""
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                return datetime.fromtimestamp(float(value), UTC)
            except ValueError:
                parsed = datetime.fromisoformat(value)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _scalar(walk: _Walk, shape: Shape, value: object, path: str) -> tuple[object, list[str]]:
    """Read a scalar; return it deserialised and the constraints it fails (not yet reported).

    A value of the wrong type is reported as unreadable and comes back unchanged.
    """
    kind = shape.type_name
    if kind == "string":
        if not isinstance(value, str):
            walk.cannot_read(shape, value, path, "a string")
            return value, []
        return value, _string_constraints(shape, value)
    if kind in ("integer", "long"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        low, high = _INT_RANGE[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            walk.cannot_read(shape, value, path, f"an {kind}" if kind == "integer" else "a long")
            return value, []
        return value, _value_constraints(shape, value)
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            walk.cannot_read(shape, value, path, "a number")
            return value, []
        return value, _value_constraints(shape, value)
    if kind == "boolean":
        if not isinstance(value, bool):
            walk.cannot_read(shape, value, path, "a boolean (true or false)")
        return value, []
    if kind == "timestamp":
        parsed = _parse_timestamp(value)
        if parsed is None:
            walk.cannot_read(shape, value, path, "a timestamp (epoch seconds or ISO 8601)")
            return value, []
        return parsed, []
    if kind == "blob":
        if isinstance(value, bytes | bytearray):
            data = bytes(value)
        elif isinstance(value, str):
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                walk.cannot_read(shape, value, path, "base64-encoded bytes")
                return value, []
        else:
            walk.cannot_read(shape, value, path, "base64-encoded bytes")
            return value, []
        return data, _length_constraints(shape, len(data))
    # Document shapes and anything newer than this walker: accept as is.
    return value, []


def _is_composite(shape: Shape) -> bool:
    return shape.type_name in ("structure", "list", "map") and not shape.metadata.get("document")


def _check(walk: _Walk, shape: Shape, value: object, path: str) -> object:
    """Check ``value`` against ``shape`` at ``path``; return it deserialised."""
    if isinstance(shape, StructureShape) and not shape.metadata.get("document"):
        return _structure(walk, shape, value, path)
    if isinstance(shape, ListShape):
        return _list(walk, shape, value, path)
    if isinstance(shape, MapShape):
        return _map(walk, shape, value, path)
    parsed, failed = _scalar(walk, shape, value, path)
    for constraint in failed:
        walk.fail(shape, value, path, constraint)
    return parsed


def _structure(walk: _Walk, shape: StructureShape, value: object, path: str) -> object:
    if not isinstance(value, Mapping):
        walk.cannot_read(shape, value, path or "request", "an object")
        return value
    members = shape.members
    prefix = f"{path}." if path else ""
    out: dict[str, object] = {}
    for key in value:
        if key not in members:
            close = difflib.get_close_matches(str(key), list(members), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            where = f"'{path}'" if path else "the request"
            walk.unreadable.append(
                f"Unknown member '{key}' in {where} ({shape.name}); its members are "
                f"{', '.join(members)}.{hint} Remove it or correct its name."
            )
    for name, member in members.items():
        child = value.get(name)
        member_path = prefix + lower_camel(name)
        if child is None:
            # JSON null for an optional member means "absent", as for AWS's deserialisers.
            if name in shape.required_members:
                walk.fail(member, None, member_path, "Member must not be null")
            continue
        out[name] = _check(walk, member, child, member_path)
    if shape.metadata.get("union") and len(out) != 1:
        walk.fail(shape, value, path or "request", "Member must have exactly one member set")
    return out


def _list(walk: _Walk, shape: ListShape, value: object, path: str) -> object:
    if not isinstance(value, list | tuple):
        walk.cannot_read(shape, value, path, "a list")
        return value
    for constraint in _length_constraints(shape, len(value)):
        walk.fail(shape, value, path, constraint)
    member = shape.member
    out: list[object] = []
    if _is_composite(member):
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                walk.fail(member, None, item_path, "Member must not be null")
                out.append(None)
            else:
                out.append(_check(walk, member, item, item_path))
        return out
    failed: list[str] = []
    for index, item in enumerate(value, start=1):
        if item is None:
            failed.append("Member must not be null")
            out.append(None)
            continue
        parsed, item_failed = _scalar(walk, member, item, f"{path}.{index}.member")
        failed.extend(item_failed)
        out.append(parsed)
    if failed:
        unique = list(dict.fromkeys(failed))
        walk.fail(shape, value, path, f"Member must satisfy constraint: [{', '.join(unique)}]")
    return out


def _map(walk: _Walk, shape: MapShape, value: object, path: str) -> object:
    if not isinstance(value, Mapping):
        walk.cannot_read(shape, value, path, "an object")
        return value
    for constraint in _length_constraints(shape, len(value)):
        walk.fail(shape, value, path, constraint)
    key_failed: list[str] = []
    value_failed: list[str] = []
    out: dict[object, object] = {}
    for key, item in value.items():
        parsed_key, failed = _scalar(walk, shape.key, key, f"{path}.{key}.key")
        key_failed.extend(failed)
        if item is None:
            value_failed.append("Member must not be null")
            out[parsed_key] = None
        elif _is_composite(shape.value):
            out[parsed_key] = _check(walk, shape.value, item, f"{path}.{key}.member")
        else:
            parsed, failed = _scalar(walk, shape.value, item, f"{path}.{key}.member")
            value_failed.extend(failed)
            out[parsed_key] = parsed
    if key_failed:
        walk.fail(
            shape, value, path, f"Map keys must satisfy constraint: [{', '.join(dict.fromkeys(key_failed))}]"
        )
    if value_failed:
        walk.fail(
            shape,
            value,
            path,
            f"Map value must satisfy constraint: [{', '.join(dict.fromkeys(value_failed))}]",
        )
    return out


def check_input(service: str, operation_name: str, params: object) -> tuple[list[str], list[str]]:
    """Every problem with ``params`` as input of the operation, without raising.

    Returns ``(unreadable, violations)``: the values that cannot be read into the shapes at all
    (wrong types, unknown members) and the AWS-worded constraint violations.
    Raises :class:`~opentruth.awsmodel.service.UnknownOperationError` for an unknown operation.
    """
    walk = _Walk()
    _parse(walk, service, operation_name, params)
    return walk.unreadable, walk.problems


def _parse(walk: _Walk, service: str, operation_name: str, params: object) -> object:
    shape = operation(service, operation_name).input_shape
    if shape is None:
        # An operation without input takes an empty JSON object (or no body at all).
        if params not in (None, {}):
            walk.unreadable.append(f"{operation_name} takes no input; send an empty object.")
        return {}
    return _check(walk, shape, {} if params is None else params, "")


def parse_input(service: str, operation_name: str, params: object) -> dict[str, Any]:
    """Validate ``params`` as input of ``service``'s operation and return it deserialised.

    Timestamps become aware UTC :class:`~datetime.datetime` objects (from epoch seconds or ISO
    8601) and blobs become :class:`bytes` (from base64); nothing else changes, and JSON nulls
    of optional members are dropped.

    Raises :class:`SerializationError` (``SerializationException``) when a value has the wrong
    type or a member is unknown, else :class:`ModelValidationError` (``ValidationException``)
    listing every violated constraint; an unknown operation raises
    :class:`~opentruth.awsmodel.service.UnknownOperationError`.
    """
    walk = _Walk()
    parsed = _parse(walk, service, operation_name, params)
    if walk.unreadable:
        # AWS stops at the first value it cannot deserialise; so do we, naming it.
        raise SerializationError(walk.unreadable[0])
    if walk.problems:
        raise ModelValidationError(walk.problems)
    assert isinstance(parsed, dict)
    return parsed


def validate_input(service: str, operation_name: str, params: object) -> None:
    """Raise if ``params`` is not valid input of the operation (see :func:`parse_input`)."""
    parse_input(service, operation_name, params)
