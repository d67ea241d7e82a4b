"""The CloudWatch metrics API (signing name ``monitoring``) for boto3: GetMetricData, ListMetrics
and PutMetricData.

Protocol. botocore's model lists ``smithy-rpc-v2-cbor``, ``json`` and ``query``; boto3 picks the
first it supports in its own order, which is JSON 1.0 (``X-Amz-Target:
GraniteServiceVersion20100801.<Op>``). The service is ``awsQueryCompatible``: every error carries
``x-amzn-query-error: <query code>;Sender`` (boto3 reports that code, e.g. ``InvalidParameterValue``,
and keeps the JSON ``__type`` as ``QueryErrorCode``). Older clients that still send the query
form (``Action=GetMetricData`` in a form body) are answered in query XML.

Authorisation: the three actions have no required resource type, so IAM decides them on ``*``;
PutMetricData adds the ``cloudwatch:namespace`` condition key.

Statistics: ``Sum``, ``Average``, ``Maximum``, ``Minimum``, ``SampleCount`` and percentiles
``pNN(.N)`` (nearest rank). Periods start at StartTime (rounded down to the second, or to the
minute when the period is a whole number of minutes, as CloudWatch rounds it) and results come
newest first unless ``ScanBy`` is ``TimestampAscending``. Metric math expressions are refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, NotImplementedOperation, Operation, wire_error
from opentruth.api.protocols.json import content_type, json_response
from opentruth.api.protocols.query import CONTENT_TYPE, parse_params, xml_error, xml_response
from opentruth.api.sigv4 import Family
from opentruth.awsmodel.service import UnknownOperationError, modeled_errors, operation_names
from opentruth.awsmodel.validate import SerializationError, parse_input
from opentruth.cloud.db_telemetry import DatabaseMetricStore
from opentruth.cloud.metrics import Datapoint, MetricDatum, MetricId
from opentruth.errors import ValidationError

SERVICE = "cloudwatch"
#: ListMetrics pages hold up to 500 metrics.
LIST_PAGE = 500
MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
#: PutMetricData accepts timestamps up to two weeks old and two hours ahead.
MAX_AGE = timedelta(days=14)
MAX_AHEAD = timedelta(hours=2)
#: Values/Counts are stored one data point per count; more than this per datum is refused.
MAX_EXPANDED = 10_000
_ID = re.compile(r"[a-z][a-zA-Z0-9_]*")
_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d+)?|100)")
_BASIC_STATS = ("Sum", "Average", "Maximum", "Minimum", "SampleCount")


class InvalidParameterValue(ValidationError):
    """CloudWatch's error for a parameter value it cannot use."""

    aws_code = "InvalidParameterValue"


class InvalidParameterCombination(ValidationError):
    """CloudWatch's error for parameters that cannot be given together."""

    aws_code = "InvalidParameterCombination"


class MissingParameter(ValidationError):
    """CloudWatch's error for a parameter that is required in this case."""

    aws_code = "MissingParameter"


class InvalidNextToken(ValidationError):
    """A NextToken that this server did not hand out."""

    aws_code = "InvalidNextToken"


def _store(call: AwsCall) -> DatabaseMetricStore:
    return DatabaseMetricStore(call.resources.db, call.account_id)


def _dims(items: Sequence[Mapping[str, str]] | None, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in items or ():
        if d["Name"] in out:
            raise InvalidParameterValue(f"{where}: the dimension {d['Name']!r} is given twice")
        out[d["Name"]] = d["Value"]
    return out


def _offset(token: str | None) -> int:
    if not token:
        return 0
    if not token.isdigit():
        raise InvalidNextToken("The NextToken is not one that this server returned.")
    return int(token)


def _stat(name: str, values: list[float]) -> float:
    if name == "Sum":
        return math.fsum(values)
    if name == "Average":
        return math.fsum(values) / len(values)
    if name == "Maximum":
        return max(values)
    if name == "Minimum":
        return min(values)
    if name == "SampleCount":
        return float(len(values))
    # pNN: the nearest-rank percentile.
    q = float(name[1:])
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _check_query(q: Mapping[str, Any], where: str) -> None:
    if not _ID.fullmatch(q["Id"]):
        raise InvalidParameterValue(
            f"{where}.Id {q['Id']!r} must start with a lower-case letter and hold only letters, "
            "digits and underscores"
        )
    if q.get("Expression"):
        raise InvalidParameterValue(
            f"{where}.Expression: opentruth does not evaluate metric math; use MetricStat queries"
        )
    stat = q.get("MetricStat")
    if stat is None:
        raise MissingParameter(f"{where}: give MetricStat (Expression is not supported)")
    metric = stat["Metric"]
    if not metric.get("Namespace") or not metric.get("MetricName"):
        raise MissingParameter(f"{where}.MetricStat.Metric needs a Namespace and a MetricName")
    name = stat["Stat"]
    if name not in _BASIC_STATS and not (_PERCENTILE.fullmatch(name) and float(name[1:]) <= 100):
        raise InvalidParameterValue(
            f"{where}.MetricStat.Stat {name!r} is not supported; use one of {', '.join(_BASIC_STATS)} "
            "or a percentile such as p90"
        )
    period = int(stat["Period"])
    if period not in (1, 5, 10, 20, 30) and period % 60:
        raise InvalidParameterValue(
            f"{where}.MetricStat.Period {period} must be 1, 5, 10, 20, 30 or a multiple of 60 seconds"
        )


def _aggregate(
    points: list[Datapoint], start: datetime, period: int, stat: str
) -> list[tuple[datetime, float]]:
    """``(period start, statistic)`` per period that has data, oldest first."""
    # CloudWatch rounds StartTime down: to the minute for minute periods, else to the second.
    unit = 60 if period % 60 == 0 else 1
    base = int(start.timestamp()) // unit * unit
    buckets: dict[int, list[float]] = {}
    for p in points:
        k = (int(p.timestamp.timestamp()) - base) // period
        buckets.setdefault(k, []).append(p.value)
    return [
        (datetime.fromtimestamp(base + k * period, UTC), _stat(stat, vals))
        for k, vals in sorted(buckets.items())
    ]


def _expand(d: Mapping[str, Any], where: str) -> list[float]:
    """The values of one MetricDatum: ``Value``, or ``Values`` with ``Counts``."""
    given = [k for k in ("Value", "Values", "StatisticValues") if d.get(k) is not None]
    if len(given) > 1:
        raise InvalidParameterCombination(f"{where}: give only one of Value, Values and StatisticValues")
    if d.get("StatisticValues") is not None:
        raise InvalidParameterValue(
            f"{where}.StatisticValues: opentruth stores individual values; send Value or Values/Counts"
        )
    if d.get("Values") is not None:
        values = [float(v) for v in d["Values"]]
        counts = [float(c) for c in d.get("Counts") or [1.0] * len(values)]
        if len(counts) != len(values):
            raise InvalidParameterValue(f"{where}: Values and Counts must have the same length")
        out: list[float] = []
        for v, c in zip(values, counts, strict=True):
            if c < 0 or c != int(c) or len(out) + c > MAX_EXPANDED:
                raise InvalidParameterValue(
                    f"{where}.Counts: each count must be a whole number, {MAX_EXPANDED} in all at most"
                )
            out.extend([v] * int(c))
        return out
    if d.get("Counts") is not None:
        raise InvalidParameterCombination(f"{where}: Counts needs Values")
    return [float(d["Value"])] if d.get("Value") is not None else [0.0]


def operations() -> dict[str, Operation]:
    """The served CloudWatch operations."""

    def get_metric_data(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("cloudwatch:GetMetricData", "*")
        queries = p["MetricDataQueries"]
        if not 1 <= len(queries) <= MAX_QUERIES:
            raise InvalidParameterValue(f"MetricDataQueries must hold 1 to {MAX_QUERIES} queries")
        ids = [q["Id"] for q in queries]
        if len(set(ids)) != len(ids):
            raise InvalidParameterValue("MetricDataQueries: every Id must be unique")
        start, end = p["StartTime"], p["EndTime"]
        if end <= start:
            raise InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
        for i, q in enumerate(queries, 1):
            _check_query(q, f"MetricDataQueries.member.{i}")
        newest_first = (p.get("ScanBy") or "TimestampDescending") == "TimestampDescending"
        budget = int(p.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS)
        skip = _offset(p.get("NextToken"))
        store = _store(call)
        results: list[dict[str, Any]] = []
        emitted = seen = 0
        cut = False
        for q in queries:
            if q.get("ReturnData") is False:
                continue
            stat = q["MetricStat"]
            metric = stat["Metric"]
            points = store.get_datapoints(
                metric["Namespace"],
                metric["MetricName"],
                _dims(metric.get("Dimensions"), q["Id"]),
                start=start,
                end=end,
            )
            if stat.get("Unit"):
                points = [x for x in points if x.unit == stat["Unit"]]
            series = _aggregate(points, start, int(stat["Period"]), stat["Stat"])
            if newest_first:
                series.reverse()
            # Pagination counts data points across the queries, in query order.
            here = series[max(0, skip - seen) :]
            seen += len(series)
            room = max(0, budget - emitted)
            if len(here) > room:
                here, cut = here[:room], True
            emitted += len(here)
            results.append(
                {
                    "Id": q["Id"],
                    "Label": q.get("Label") or metric["MetricName"],
                    "Timestamps": [t for t, _ in here],
                    "Values": [v for _, v in here],
                    "StatusCode": "PartialData" if cut else "Complete",
                }
            )
        out: dict[str, Any] = {"MetricDataResults": results, "Messages": []}
        if cut:
            out["NextToken"] = str(skip + emitted)
        return out

    def list_metrics(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("cloudwatch:ListMetrics", "*")
        store = _store(call)
        metrics: list[MetricId] = store.list_metrics(p.get("Namespace"), p.get("MetricName"))
        for f in p.get("Dimensions") or ():
            # A filter without Value matches any value of that dimension name.
            metrics = [
                m
                for m in metrics
                if any(
                    k == f["Name"] and (f.get("Value") is None or v == f["Value"]) for k, v in m.dimensions
                )
            ]
        if p.get("RecentlyActive") == "PT3H":
            since = call.resources.clock() - timedelta(hours=3)
            metrics = [
                m
                for m in metrics
                if store.get_datapoints(m.namespace, m.name, dict(m.dimensions), start=since)
            ]
        start = _offset(p.get("NextToken"))
        page = metrics[start : start + LIST_PAGE]
        out: dict[str, Any] = {
            "Metrics": [
                {
                    "Namespace": m.namespace,
                    "MetricName": m.name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in m.dimensions],
                }
                for m in page
            ]
        }
        if start + LIST_PAGE < len(metrics):
            out["NextToken"] = str(start + LIST_PAGE)
        return out

    def put_metric_data(call: AwsCall, p: dict[str, Any]) -> None:
        namespace = p["Namespace"]
        call.authorize("cloudwatch:PutMetricData", "*", extra={"cloudwatch:namespace": namespace})
        items = list(p.get("MetricData") or ())
        for entity in p.get("EntityMetricData") or ():
            items.extend(entity.get("MetricData") or ())
        if not items:
            raise MissingParameter("The parameter MetricData is required.")
        if len(items) > 1000:
            raise InvalidParameterValue("MetricData holds at most 1000 items")
        now = call.resources.clock()
        data: list[MetricDatum] = []
        for i, d in enumerate(items, 1):
            where = f"MetricData.member.{i}"
            at = d.get("Timestamp") or now
            if at < now - MAX_AGE or at > now + MAX_AHEAD:
                raise InvalidParameterValue(
                    f"The parameter {where}.Timestamp must specify a time no more than two weeks in the "
                    "past and no more than two hours in the future."
                )
            dims = _dims(d.get("Dimensions"), where)
            unit = d.get("Unit") or "None"
            data.extend(MetricDatum(d["MetricName"], v, unit, dims, at) for v in _expand(d, where))
        try:
            _store(call).put_metric_data(namespace, data)
        except ValidationError as exc:
            raise InvalidParameterValue(exc.message) from None

    return {"GetMetricData": get_metric_data, "ListMetrics": list_metrics, "PutMetricData": put_metric_data}


def _shape_names() -> dict[str, str]:
    """Query error code → the modeled shape's name (what the JSON ``__type`` carries)."""
    names = {"AccessDenied": "AccessDeniedException", "ValidationError": "ValidationException"}
    for op in ("GetMetricData", "ListMetrics", "PutMetricData"):
        for e in modeled_errors(SERVICE, op):
            names[e.code] = e.shape_name
    return names


def cloudwatch_error(exc: BaseException, request_id: str) -> Response:
    """A JSON 1.0 error with ``x-amzn-query-error``: the query code (what boto3 reports) in the
    header, the JSON shape name in ``__type``."""
    code, message, status = wire_error(exc, Family.QUERY)
    shape = _shape_names().get(code, code)
    fault = "Sender" if status < 500 else "Receiver"
    body = json.dumps({"__type": f"com.amazonaws.cloudwatch#{shape}", "message": message})
    headers = {"x-amzn-RequestId": request_id, "x-amzn-query-error": f"{code};{fault}"}
    return Response(body, status_code=status, media_type=content_type(SERVICE), headers=headers)


def cloudwatch_handler() -> Handler:
    """The async handler of the CloudWatch service (register it as ``cloudwatch``)."""
    table = operations()

    async def handle(call: AwsCall) -> Response:
        query = "__pairs__" in call.params
        try:
            name = call.operation or ""
            fn = table.get(name)
            if fn is None:
                if name in operation_names(SERVICE):
                    raise NotImplementedOperation(SERVICE, name)
                raise UnknownOperationError(SERVICE, name, f"Operation {name} is not a cloudwatch operation.")
            if query:
                raw = parse_params(SERVICE, name, list(call.params["__pairs__"]))
            else:
                try:
                    raw = json.loads(call.body or b"{}")
                except ValueError as exc:
                    raise SerializationError(f"The request body is not valid JSON: {exc}") from None
            params = parse_input(SERVICE, name, raw)
            result = await run_in_threadpool(fn, call, params)
        except Exception as exc:
            if not query:
                return cloudwatch_error(exc, call.request_id)
            code, message, status = wire_error(exc, Family.QUERY)
            body = xml_error(SERVICE, code, message, call.request_id, sender=status < 500)
            return Response(
                body,
                status_code=status,
                media_type=CONTENT_TYPE,
                headers={"x-amzn-RequestId": call.request_id},
            )
        if query:
            xml = xml_response(SERVICE, name, result, call.request_id)
            return Response(xml, media_type=CONTENT_TYPE, headers={"x-amzn-RequestId": call.request_id})
        return json_response(SERVICE, result, call.request_id)

    return handle
