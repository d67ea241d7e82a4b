"""Condition operators, compiled once per statement.

The rules that implementations most often get wrong (IAM User Guide, condition operators and
multi-valued context keys):

* different operators, and different keys of one operator, are ANDed; the values of one key
  are ORed — and for a negated operator NORed ("equals none of them");
* a key absent from the request makes a condition false, except for negated operators (true),
  ``...IfExists`` (true) and ``Null`` (which tests exactly that);
* ``ForAnyValue`` is false on an absent or empty key, ``ForAllValues`` vacuously true;
* an unparsable number, date or address never matches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from opentruth.iam.patterns import Context, Pattern
from opentruth.iam.policy import Condition

if TYPE_CHECKING:
    import ipaddress

# base64, datetime and ipaddress are imported where used: most policies never use the Binary,
# Date or IpAddress operators, and ``opentruth iam eval`` pays every import at start-up.

# One compiled policy value: returns whether it matches one request value.
ValueTest = Callable[[str, Context], bool]


def _num(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _date(text: str) -> float | None:
    text = text.strip()
    number = _num(text)
    if number is not None:
        return float(number)
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _ip(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    import ipaddress

    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _binary(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()


_ORDER: dict[str, Callable[[object, object], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,  # type: ignore[operator]
    "LessThanEquals": lambda a, b: a <= b,  # type: ignore[operator]
    "GreaterThan": lambda a, b: a > b,  # type: ignore[operator]
    "GreaterThanEquals": lambda a, b: a >= b,  # type: ignore[operator]
}


_NEGATIONS = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _positive(base: str) -> tuple[str, bool]:
    """Map a base operator to its positive form and whether it was negated."""
    if base in _NEGATIONS:
        return _NEGATIONS[base], True
    return base, False


@lru_cache(maxsize=16384)
def _value_test(positive: str, value: str, variables: bool) -> ValueTest:
    """Compile one policy value for a positive operator."""
    if positive == "StringEquals" and (not variables or "$" not in value):
        return lambda rv, _ctx: rv == value  # no variables or escapes: a plain comparison
    if positive == "StringEquals":
        pat = Pattern.compile(value, arn=False, variables=variables)
        if pat.fixed is not None:
            lit = pat.literal({})
            return lambda rv, _ctx: rv == lit
        return lambda rv, ctx: rv == pat.literal(ctx)
    if positive == "StringEqualsIgnoreCase":
        pat = Pattern.compile(value, arn=False, variables=variables)

        def ignore_case(rv: str, ctx: Context) -> bool:
            lit = pat.literal(ctx)
            return lit is not None and rv.casefold() == lit.casefold()

        return ignore_case
    if positive == "StringLike":
        pat = Pattern.compile(value, arn=False, variables=variables)
        return lambda rv, ctx: pat.match(rv, ctx)
    if positive in ("ArnEquals", "ArnLike"):
        pat = Pattern.compile(value, arn=True, variables=variables)
        return lambda rv, ctx: pat.match(rv, ctx)
    if positive.startswith("Numeric"):
        cmp = _ORDER[positive[len("Numeric") :]]
        pv = _num(value)

        def numeric(rv: str, _ctx: Context) -> bool:
            r = _num(rv)
            return pv is not None and r is not None and cmp(r, pv)

        return numeric
    if positive.startswith("Date"):
        cmp = _ORDER[positive[len("Date") :]]
        pd = _date(value)

        def date(rv: str, _ctx: Context) -> bool:
            r = _date(rv)
            return pd is not None and r is not None and cmp(r, pd)

        return date
    if positive == "Bool":
        low = value.lower()
        return lambda rv, _ctx: rv.lower() == low
    if positive == "BinaryEquals":
        pb = _binary(value)
        return lambda rv, _ctx: _binary(rv) == pb
    if positive == "IpAddress":
        net = _ip(value)

        def ip(rv: str, _ctx: Context) -> bool:
            addr = _ip(rv)
            if net is None or addr is None or addr.version != net.version:
                return False
            return addr.subnet_of(net)  # type: ignore[arg-type]

        return ip
    raise ValueError(f"no value test for {positive}")  # parse_operator guarantees this is unreachable


@dataclass(slots=True, unsafe_hash=True)
class CompiledCondition:
    """One (operator, key) test."""

    key: str  # lower-cased: condition-key names compare case-insensitively
    base: str
    negated: bool
    qualifier: str | None
    if_exists: bool
    tests: tuple[ValueTest, ...]
    null_values: tuple[str, ...]

    @classmethod
    def compile(cls, cond: Condition, variables: bool) -> CompiledCondition:
        op = cond.op
        positive, negated = _positive(op.base)
        tests: tuple[ValueTest, ...] = ()
        if op.base != "Null":
            tests = tuple(_value_test(positive, v, variables) for v in cond.values)
        return cls(cond.key.lower(), op.base, negated, op.qualifier, op.if_exists, tests, cond.values)

    def _one(self, rv: str, ctx: Context) -> bool:
        hit = any(t(rv, ctx) for t in self.tests)
        return not hit if self.negated else hit

    def holds(self, ctx: Context) -> bool:
        """Evaluate against a request context whose keys are lower-cased."""
        value = ctx.get(self.key)
        values: Sequence[str] | None
        if value is None:
            values = None
        elif isinstance(value, str):
            values = (value,)
        else:
            values = value
        if self.base == "Null":
            absent = not values
            return any(v.lower() == ("true" if absent else "false") for v in self.null_values)
        if self.qualifier == "ForAllValues":
            if not values:
                return True
            return all(self._one(v, ctx) for v in values)
        if self.qualifier == "ForAnyValue":
            if not values:
                return self.if_exists and values is None
            return any(self._one(v, ctx) for v in values)
        if values is None:
            return self.if_exists or self.negated
        if not values:
            # An empty multi-valued key under a single-valued operator: nothing to compare.
            return self.if_exists or self.negated
        # A single-valued operator on a list: the simulator and AWS compare the first value
        # (real requests never produce this; SimulateCustomPolicy types each key).
        return self._one(values[0], ctx)
