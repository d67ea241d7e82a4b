"""Conformance cases: the JSON-lines schema of the shared IAM corpus.

A case gives the policies of one request and the decision expected of it (see
``tests/data/iam/README.md``). :class:`CaseRunner` turns each case into a :class:`PolicySet`
and a :class:`Request` and evaluates it, parsing each distinct policy document only once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from opentruth.errors import ValidationError
from opentruth.iam.evaluate import Evaluator, NamedPolicy, PolicySet, Request, Result
from opentruth.iam.policy import Policy, PolicyError, parse_policy


class CaseRunner:
    """Evaluates conformance cases with a shared parse cache and a shared :class:`Evaluator`."""

    def __init__(
        self, evaluator: Evaluator | None = None, max_cached: int = 65536, max_policies: int = 256
    ) -> None:
        # Decisions are memoised per line below, so the evaluator's own decision cache would
        # only repeat that work; compiled policies live on the parsed policies themselves.
        self.evaluator = evaluator or Evaluator(max_decisions=0)
        self._parsed: dict[bytes, Policy] = {}
        self._lines: dict[bool, dict[bytes, bytes]] = {}
        self._max = max_cached
        self._max_policies = max_policies
        self._lookups = 0
        self._hits = 0

    def _policy(self, doc: Any, name: str) -> NamedPolicy:
        if self._max_policies <= 0:
            return NamedPolicy(name, parse_policy(doc, name=name))
        # The fingerprint of a document is its JSON text. Keys are not sorted: the same
        # document in another key order only misses the cache.
        key = orjson.dumps(doc)
        self._lookups += 1
        policy = self._parsed.get(key)
        if policy is not None:
            self._hits += 1
            return NamedPolicy(name, policy)
        policy = parse_policy(doc, name=name)
        if self._lookups >= _PROBATION and self._hits * 10 < self._lookups:
            # Mostly distinct documents: a cached policy's many small objects are freed long
            # after use, out of the CPU's cache, which cost more than re-parsing the rare
            # repeat (measured: 11% of a run over the shared corpus). Stop caching.
            self._max_policies = 0
            self._parsed.clear()
        else:
            if len(self._parsed) >= self._max_policies:
                del self._parsed[next(iter(self._parsed))]  # the oldest entry
            self._parsed[key] = policy
        return NamedPolicy(name, policy)

    def policy_set(self, case: dict[str, Any]) -> PolicySet:
        """Build the policy set of a case; raises :class:`PolicyError` for a bad document."""
        identity = []
        for i, item in enumerate(case.get("identityPolicies") or []):
            if isinstance(item, dict) and "policy" in item and "Statement" not in item:
                identity.append(self._policy(item["policy"], str(item.get("name") or f"identity-{i}")))
            else:
                identity.append(self._policy(item, f"identity-{i}"))
        resource = case.get("resourcePolicy")
        boundaries = case.get("permissionBoundaries") or []
        if len(boundaries) > 1:
            raise ValidationError("permissionBoundaries: a principal has at most one permissions boundary")
        session = case.get("sessionPolicy")
        return PolicySet(
            identity=tuple(identity),
            resource=self._policy(resource, "resource-policy") if resource is not None else None,
            boundary=self._policy(boundaries[0], "permissions-boundary") if boundaries else None,
            session=self._policy(session, "session-policy") if session is not None else None,
        )

    @staticmethod
    def request(case: dict[str, Any]) -> Request:
        """The request of a case; raises :class:`ValidationError` naming a missing field."""
        req = case.get("request")
        if not isinstance(req, dict):
            raise ValidationError("request: missing or not an object")
        for name in ("principal", "action", "resource"):
            if not isinstance(req.get(name), str) or not req[name]:
                raise ValidationError(f"request.{name}: missing or not a string")
        context = req.get("context") or {}
        if not isinstance(context, dict):
            raise ValidationError("request.context: must be an object of key -> string or list of strings")
        for key, value in context.items():
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )
            if not ok:
                raise ValidationError(f"request.context[{key!r}]: must be a string or a list of strings")
        account = req.get("resourceAccount")
        return Request(
            principal=req["principal"],
            action=req["action"],
            resource=req["resource"],
            context=context,
            resource_account=account if isinstance(account, str) else None,
        )

    def run(self, case: dict[str, Any]) -> Result:
        """Evaluate one case."""
        return self.evaluator.evaluate(self.policy_set(case), self.request(case))

    def run_lines(self, lines: Iterable[str | bytes], explain: bool = False) -> Iterator[dict[str, Any]]:
        """Evaluate JSON lines, yielding one output object per non-blank line, in order.

        Lines may be text or UTF-8 bytes; a batch reader should pass bytes, which skips
        decoding the input (a large part of reading a big corpus).
        An invalid line yields ``{"id", "decision": "Error", "error": ...}`` and the run goes on.
        A line that repeats an earlier case apart from its id is answered from a cache: the
        decision is a pure function of the case's policies and request.
        """
        for token, out, tail in self._outputs(lines, explain):
            yield out if out is not None else {"id": orjson.loads(token), **orjson.loads(b"{" + tail)}

    def run_lines_json(self, lines: Iterable[str | bytes], explain: bool = False) -> Iterator[bytes]:
        """:meth:`run_lines`, each output serialised as one JSON object (no newline).

        A repeated case costs no decoding and no encoding: its output is the line's own id
        token followed by the serialised rest of the first answer.
        """
        for token, out, tail in self._outputs(lines, explain):
            yield orjson.dumps(out) if out is not None else b'{"id":' + token + b"," + tail

    def _outputs(
        self, lines: Iterable[str | bytes], explain: bool
    ) -> Iterator[tuple[bytes, dict[str, Any] | None, bytes]]:
        """(id token, output, cached tail) per non-blank line: the output for a line run now,
        or ``None`` and the serialised output after its id for a line answered from the cache."""
        # One cache per output shape, keyed by the line's text after its id.
        cache = self._lines.setdefault(explain, {})
        for lineno, raw in enumerate(lines, start=1):
            line = raw.encode() if isinstance(raw, str) else raw
            if not line or line.isspace():
                continue
            split = _split_id(line)
            if split is None:
                yield b"", self._run_line(line, lineno, explain), b""
                continue
            token, key = split
            tail = cache.get(key)
            if tail is not None:
                yield token, None, tail
                continue
            out = self._run_line(line, lineno, explain)
            if out["id"] is not None:  # parsed: the id token is the id
                if len(cache) >= self._max:
                    cache.clear()
                cache[key] = orjson.dumps({k: v for k, v in out.items() if k != "id"})[1:]
            yield token, out, b""

    def _run_line(self, line: bytes, lineno: int, explain: bool) -> dict[str, Any]:
        case_id: Any = None
        try:
            case = orjson.loads(line)
            if not isinstance(case, dict):
                raise ValidationError(f"line {lineno}: a case must be a JSON object")
            case_id = case.get("id")
            result = self.run(case)
        except PolicyError as exc:
            return {"id": case_id, "decision": "Error", "error": exc.findings[0].to_dict()}
        except ValidationError as exc:
            return {
                "id": case_id,
                "decision": "Error",
                "error": {"code": exc.aws_code, "message": exc.message},
            }
        except (ValueError, TypeError) as exc:
            return {
                "id": case_id,
                "decision": "Error",
                "error": {"code": "INVALID_JSON", "message": f"line {lineno}: {exc}"},
            }
        out: dict[str, Any] = {"id": case_id, "decision": str(result.decision)}
        if explain:
            out["explanation"] = result.to_dict()
        return out


# Documents looked up before the policy cache decides whether it pays for itself.
_PROBATION = 512


def _split_id(line: bytes) -> tuple[bytes, bytes] | None:
    """(the id's JSON string token, the rest of the line) for a line that starts with its id
    member, else ``None``. The compact form ``{"id":"...",`` is split with two searches; any
    other spacing or an escaped id goes through the regular expression."""
    if line.startswith(b'{"id":"'):
        end = line.find(b'"', 7)
        if end > 0 and line[end + 1 : end + 2] == b"," and line.find(b"\\", 7, end) < 0:
            return line[6 : end + 1], line[end + 2 :]
    m = _LEADING_ID.match(line)
    return None if m is None else (m.group(1), line[m.end() :])


# A line that starts with its id member: the rest of the line is the case's content.
_LEADING_ID = re.compile(rb'\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*")\s*,')
