"""The CloudWatch Logs JSON 1.1 API (``X-Amz-Target: Logs_20140328.<Op>``) for boto3.

Served: DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents, CreateLogGroup,
CreateLogStream and PutLogEvents. Each is authorised with the caller's policies as its
``logs:`` action on the log group's or stream's ARN (the Service Authorization Reference's
resource types), before anything is looked up, as AWS does.

Notes on AWS semantics kept here:

- Logs answers ``InvalidParameterException`` (not ``ValidationException``) for input that breaks
  the model's constraints, with the usual ``1 validation error detected: ...`` message.
- ``GetLogEvents`` without a token and without ``startFromHead`` returns the *newest* page, in
  time order; ``nextForwardToken``/``nextBackwardToken`` continue after / before it, and at the
  end of the stream the same token comes back (that is how clients know to stop).
- Tokens are keyset positions (``f/<event id>``, ``b/<event id>``): events arriving later do
  not shift them. ``DescribeLog*`` tokens are offsets into the sorted listing.
- FilterLogEvents reads the filter-pattern subset of :mod:`opentruth.cloud.logfilter`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, NotImplementedOperation, Operation, error_response
from opentruth.api.protocols.json import json_response
from opentruth.api.sigv4 import Family
from opentruth.awsmodel.service import UnknownOperationError, operation_names
from opentruth.awsmodel.validate import SerializationError, parse_input
from opentruth.cloud.logfilter import compile_pattern
from opentruth.cloud.logs import (
    LogResourceAlreadyExists,
    LogResourceNotFound,
    log_group_arn,
    log_stream_arn,
    validate_log_names,
)
from opentruth.db import repo_logs, repo_telemetry
from opentruth.db.models import LogEvent
from opentruth.errors import ValidationError

SERVICE = "logs"
#: PutLogEvents: at most 10,000 events and 1,048,576 bytes, each event counting 26 bytes more.
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
#: Events older than 14 days or more than 2 hours ahead are rejected (rejectedLogEventsInfo).
MAX_AGE = timedelta(days=14)
MAX_AHEAD = timedelta(hours=2)
#: FilterLogEvents stops scanning after this many events and hands back a token, as AWS does
#: after a slice of its search, so a rare pattern over a large group never blocks the server.
FILTER_SCAN_LIMIT = 50_000
_SCAN_BATCH = 1000


class InvalidParameter(ValidationError):
    """Logs' error for bad input."""

    aws_code = "InvalidParameterException"


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode()


def _offset(params: Mapping[str, Any]) -> int:
    token = params.get("nextToken")
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        if not text.startswith("o"):
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidParameter("The specified nextToken is invalid.") from None


def _group_name(call: AwsCall, p: Mapping[str, Any]) -> str:
    """``logGroupName`` or ``logGroupIdentifier`` (a name or this account's group ARN)."""
    name, ident = p.get("logGroupName"), p.get("logGroupIdentifier")
    if bool(name) == bool(ident):
        raise InvalidParameter("Exactly one of logGroupName and logGroupIdentifier must be given.")
    if ident:
        prefix = f"arn:aws:logs:{call.region}:{call.account_id}:log-group:"
        if ident.startswith("arn:"):
            if not ident.startswith(prefix):
                raise InvalidParameter(
                    f"logGroupIdentifier {ident!r} is not a log group ARN of account {call.account_id} "
                    f"in {call.region}"
                )
            ident = ident[len(prefix) :].removesuffix(":*")
        name = ident
    assert isinstance(name, str)
    validate_log_names(name)
    return name


def _group_out(call: AwsCall, info: repo_logs.GroupInfo) -> dict[str, Any]:
    arn = log_group_arn(call.region, call.account_id, info.name)
    return {
        "logGroupName": info.name,
        "creationTime": _ms(info.created_at),
        "metricFilterCount": 0,
        "arn": f"{arn}:*",
        "logGroupArn": arn,
        "storedBytes": 0,
        "logGroupClass": "STANDARD",
    }


def _stream_out(call: AwsCall, group: str, info: repo_logs.StreamInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "logStreamName": info.name,
        "creationTime": _ms(info.created_at),
        "arn": log_stream_arn(call.region, call.account_id, group, info.name),
        "storedBytes": 0,
    }
    if info.first_event is not None:
        out["firstEventTimestamp"] = _ms(info.first_event)
    if info.last_event is not None:
        out["lastEventTimestamp"] = _ms(info.last_event)
    if info.last_ingestion is not None:
        out["lastIngestionTime"] = _ms(info.last_ingestion)
    return out


def _require_group(call: AwsCall, s: Any, group: str) -> None:
    if not repo_logs.group_exists(s, call.account_id, group):
        raise LogResourceNotFound("The specified log group does not exist.")


def _require_stream(call: AwsCall, s: Any, group: str, stream: str) -> None:
    _require_group(call, s, group)
    if not repo_logs.stream_exists(s, call.account_id, group, stream):
        raise LogResourceNotFound("The specified log stream does not exist.")


def _position(call: AwsCall, s: Any, token: str) -> tuple[str, tuple[datetime, int] | None]:
    """``("f"|"b", position)`` of a GetLogEvents token; position None is the start of time."""
    direction, _, ident = token.partition("/")
    if direction not in ("f", "b") or not ident.isdigit():
        raise InvalidParameter("The specified nextToken is invalid.")
    if int(ident) == 0:
        return direction, None
    pos = repo_logs.event_position(s, call.account_id, int(ident))
    if pos is None:
        raise InvalidParameter("The specified nextToken is invalid.")
    return direction, pos


def _event(row: LogEvent) -> dict[str, Any]:
    return {"timestamp": _ms(row.timestamp), "message": row.message, "ingestionTime": _ms(row.ingested_at)}


def operations() -> dict[str, Operation]:
    """The served Logs operations."""

    def describe_log_groups(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("logs:DescribeLogGroups", log_group_arn(call.region, call.account_id, "*"))
        if p.get("logGroupNamePrefix") and p.get("logGroupNamePattern"):
            raise InvalidParameter("logGroupNamePrefix and logGroupNamePattern cannot be used together.")
        with call.resources.db.read() as s:
            groups = repo_logs.list_groups(s, call.account_id, p.get("logGroupNamePrefix") or "")
        pattern = p.get("logGroupNamePattern")
        if pattern:
            # AWS: a case-insensitive substring of the name.
            groups = [g for g in groups if pattern.lower() in g.name.lower()]
        wanted = set(p.get("logGroupIdentifiers") or ())
        if wanted:
            groups = [
                g
                for g in groups
                if g.name in wanted or log_group_arn(call.region, call.account_id, g.name) in wanted
            ]
        start, size = _offset(p), int(p.get("limit") or 50)
        out: dict[str, Any] = {"logGroups": [_group_out(call, g) for g in groups[start : start + size]]}
        if start + size < len(groups):
            out["nextToken"] = _page_token(start + size)
        return out

    def describe_log_streams(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        group = _group_name(call, p)
        call.authorize("logs:DescribeLogStreams", log_group_arn(call.region, call.account_id, group))
        order = p.get("orderBy") or "LogStreamName"
        prefix = p.get("logStreamNamePrefix") or ""
        if order == "LastEventTime" and prefix:
            raise InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        with call.resources.db.read() as s:
            _require_group(call, s, group)
            streams = repo_logs.list_streams(s, call.account_id, group, prefix)
        if order == "LastEventTime":
            # Streams without events sort first (oldest), as if their last event were at 0.
            streams.sort(key=lambda x: (x.last_event or datetime.min.replace(tzinfo=UTC), x.name))
        if p.get("descending"):
            streams.reverse()
        start, size = _offset(p), int(p.get("limit") or 50)
        out: dict[str, Any] = {
            "logStreams": [_stream_out(call, group, x) for x in streams[start : start + size]]
        }
        if start + size < len(streams):
            out["nextToken"] = _page_token(start + size)
        return out

    def get_log_events(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        group = _group_name(call, p)
        stream = p["logStreamName"]
        validate_log_names(group, stream)
        call.authorize("logs:GetLogEvents", log_stream_arn(call.region, call.account_id, group, stream))
        limit = int(p.get("limit") or 10_000)
        start = _at(p["startTime"]) if p.get("startTime") is not None else None
        end = _at(p["endTime"]) if p.get("endTime") is not None else None
        token = p.get("nextToken")
        with call.resources.db.read() as s:
            _require_stream(call, s, group, stream)
            window: dict[str, Any] = {"streams": [stream], "start": start, "end": end, "limit": limit}
            if token:
                direction, pos = _position(call, s, token)
            else:
                direction, pos = ("f" if p.get("startFromHead") else "b"), None
            if direction == "f":
                rows = repo_logs.events_after(s, call.account_id, group, after=pos, **window)
            elif token and pos is None:
                rows = []  # nothing lies before the start of time
            else:
                rows = repo_logs.events_before(s, call.account_id, group, before=pos, **window)
            events = [_event(r) for r in rows]
        if rows:
            forward, backward = f"f/{rows[-1].id}", f"b/{rows[0].id}"
        else:
            # At either end the token comes back unchanged (clients stop on an equal token).
            here = token.partition("/")[2] if token else "0"
            forward, backward = f"f/{here}", f"b/{here}"
        return {"events": events, "nextForwardToken": forward, "nextBackwardToken": backward}

    def filter_log_events(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        group = _group_name(call, p)
        call.authorize("logs:FilterLogEvents", log_group_arn(call.region, call.account_id, group))
        names = p.get("logStreamNames")
        prefix = p.get("logStreamNamePrefix") or ""
        if names and prefix:
            raise InvalidParameter("logStreamNames and logStreamNamePrefix cannot be used together.")
        match = compile_pattern(p.get("filterPattern") or "")
        limit = int(p.get("limit") or 10_000)
        start = _at(p["startTime"]) if p.get("startTime") is not None else None
        end = _at(p["endTime"]) if p.get("endTime") is not None else None
        found: list[dict[str, Any]] = []
        scanned = 0
        more = False
        with call.resources.db.read() as s:
            _require_group(call, s, group)
            pos: tuple[datetime, int] | None = None
            if p.get("nextToken"):
                direction, pos = _position(call, s, p["nextToken"])
                if direction != "f":
                    raise InvalidParameter("The specified nextToken is invalid.")
            while True:
                rows = repo_logs.events_after(
                    s, call.account_id, group, streams=names, prefix=prefix, after=pos,
                    start=start, end=end, limit=_SCAN_BATCH,
                )  # fmt: skip
                for row in rows:
                    if len(found) >= limit:
                        more = True  # this row is still to be examined
                        break
                    pos = (row.timestamp, row.id)
                    scanned += 1
                    if match(row.message):
                        found.append({"logStreamName": row.log_stream, **_event(row), "eventId": str(row.id)})
                else:
                    if len(rows) == _SCAN_BATCH and scanned < FILTER_SCAN_LIMIT:
                        continue
                    more = len(rows) == _SCAN_BATCH
                break
        out: dict[str, Any] = {"events": found, "searchedLogStreams": []}
        if more and pos is not None:
            out["nextToken"] = f"f/{pos[1]}"
        return out

    def create_log_group(call: AwsCall, p: dict[str, Any]) -> None:
        group = p["logGroupName"]
        validate_log_names(group)
        call.authorize("logs:CreateLogGroup", log_group_arn(call.region, call.account_id, group))
        with call.resources.db.transaction() as s:
            if not repo_logs.create_group(s, call.account_id, group, call.resources.clock()):
                raise LogResourceAlreadyExists("The specified log group already exists")
        return

    def create_log_stream(call: AwsCall, p: dict[str, Any]) -> None:
        group, stream = p["logGroupName"], p["logStreamName"]
        validate_log_names(group, stream)
        call.authorize("logs:CreateLogStream", log_stream_arn(call.region, call.account_id, group, stream))
        with call.resources.db.transaction() as s:
            _require_group(call, s, group)
            if not repo_logs.create_stream(s, call.account_id, group, stream, call.resources.clock()):
                raise LogResourceAlreadyExists("The specified log stream already exists")
        return

    def put_log_events(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        group, stream = p["logGroupName"], p["logStreamName"]
        validate_log_names(group, stream)
        call.authorize("logs:PutLogEvents", log_stream_arn(call.region, call.account_id, group, stream))
        events = p["logEvents"]
        if not 1 <= len(events) <= MAX_BATCH_EVENTS:
            raise InvalidParameter(f"logEvents must hold 1 to {MAX_BATCH_EVENTS} events, not {len(events)}.")
        size = sum(len(e["message"].encode("utf-8")) + EVENT_OVERHEAD for e in events)
        if size > MAX_BATCH_BYTES:
            raise InvalidParameter(
                f"The batch of log events is {size} bytes; the maximum is {MAX_BATCH_BYTES} bytes."
            )
        stamps = [int(e["timestamp"]) for e in events]
        if stamps != sorted(stamps):
            raise InvalidParameter(
                "Log events in a single PutLogEvents request must be in chronological order."
            )
        now = call.resources.clock()
        too_old = [i for i, ms in enumerate(stamps) if _at(ms) < now - MAX_AGE]
        too_new = [i for i, ms in enumerate(stamps) if _at(ms) > now + MAX_AHEAD]
        keep = [
            (_at(ms), e["message"]) for i, (ms, e) in enumerate(zip(stamps, events, strict=True))
            if not (too_old and i <= too_old[-1]) and not (too_new and i >= too_new[0])
        ]  # fmt: skip
        with call.resources.db.transaction() as s:
            _require_stream(call, s, group, stream)
            if keep:
                repo_telemetry.put_log_events(s, group, stream, keep, account_id=call.account_id, now=now)
        out: dict[str, Any] = {}
        rejected: dict[str, int] = {}
        if too_old:
            rejected["tooOldLogEventEndIndex"] = too_old[-1]
        if too_new:
            rejected["tooNewLogEventStartIndex"] = too_new[0]
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out

    return {
        "DescribeLogGroups": describe_log_groups,
        "DescribeLogStreams": describe_log_streams,
        "GetLogEvents": get_log_events,
        "FilterLogEvents": filter_log_events,
        "CreateLogGroup": create_log_group,
        "CreateLogStream": create_log_stream,
        "PutLogEvents": put_log_events,
    }


def logs_handler() -> Handler:
    """The async handler of the Logs service (register it as ``logs``)."""
    table = operations()

    async def handle(call: AwsCall) -> Response:
        try:
            name = call.operation or ""
            fn = table.get(name)
            if fn is None:
                if name in operation_names(SERVICE):
                    raise NotImplementedOperation(SERVICE, name)
                raise UnknownOperationError(SERVICE, name, f"Operation {name} is not a logs operation.")
            try:
                raw = json.loads(call.body or b"{}")
            except ValueError as exc:
                raise SerializationError(f"The request body is not valid JSON: {exc}") from None
            params = parse_input(SERVICE, name, raw)
            result = await run_in_threadpool(fn, call, params)
        except ValidationError as exc:
            # Logs words every bad input as InvalidParameterException (model constraints too).
            if exc.aws_code == "ValidationException":
                exc = InvalidParameter(exc.message)
            return error_response(exc, Family.JSON, SERVICE, call.request_id)
        except Exception as exc:
            return error_response(exc, Family.JSON, SERVICE, call.request_id)
        return json_response(SERVICE, result, call.request_id)

    return handle
