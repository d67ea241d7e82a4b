"""Conformance: every shared IAM case must get the decision the independent simulator gave."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opentruth.iam.cases import CaseRunner

DATA = Path(__file__).parent.parent / "data" / "iam"


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


CASES = _load("cases.jsonl")
HANDMADE = _load("handmade.jsonl")


@pytest.fixture(scope="module")
def runner() -> CaseRunner:
    return CaseRunner()


def test_corpus_sizes_match_the_readme() -> None:
    # The README of the corpus lists 2,535 generated and 65 hand-made cases.
    assert len(CASES) == 2535
    assert len(HANDMADE) == 65


@pytest.mark.parametrize("name", ["cases.jsonl", "handmade.jsonl"])
def test_every_case_agrees(runner: CaseRunner, name: str) -> None:
    lines = (DATA / name).read_text().splitlines()
    expected = [json.loads(line) for line in lines if line.strip()]
    got = list(runner.run_lines(lines))
    assert len(got) == len(expected)
    wrong = [
        (e["id"], e["expect"], g["decision"])
        for e, g in zip(expected, got, strict=True)
        if e["expect"] != g["decision"]
    ]
    assert wrong == []
    assert [g["id"] for g in got] == [e["id"] for e in expected]


def test_every_decision_kind_occurs() -> None:
    # Guard against a corpus that would let a constant answer pass.
    assert {c["expect"] for c in CASES} == {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"}


def test_error_case_names_the_finding(runner: CaseRunner) -> None:
    line = next(
        line
        for line in (DATA / "handmade.jsonl").read_text().splitlines()
        if "sem.wildcard-action-service" in line
    )
    (out,) = list(runner.run_lines([line]))
    assert out["decision"] == "Error"
    assert out["error"]["code"] == "INVALID_ACTION"
    assert "service prefix" in out["error"]["message"]
    assert out["error"]["path"].startswith("$.Statement")


def test_bad_lines_do_not_stop_the_run(runner: CaseRunner) -> None:
    good = (DATA / "handmade.jsonl").read_text().splitlines()[0]
    lines = [
        "not json",
        '{"id": "no-request", "identityPolicies": []}',
        '{"id": "bad-context", "identityPolicies": [], "request": '
        '{"principal": "arn:aws:iam::1:user/a", "action": "s3:GetObject", "resource": "*", '
        '"context": {"k": 1}}}',
        good,
    ]
    out = list(runner.run_lines(lines))
    assert [o["decision"] for o in out[:3]] == ["Error", "Error", "Error"]
    assert "line 1" in out[0]["error"]["message"]
    assert out[1]["id"] == "no-request" and "request" in out[1]["error"]["message"]
    assert "request.context['k']" in out[2]["error"]["message"]
    assert out[3]["decision"] == json.loads(good)["expect"]


def test_repeated_cases_are_answered_alike(runner: CaseRunner) -> None:
    # The line cache keys on the case's content, never its id.
    lines = (DATA / "cases.jsonl").read_text().splitlines()[:50]
    first = list(runner.run_lines(lines))
    renamed = [line.replace('"id":"iam-pub-', '"id":"again-', 1) for line in lines]
    second = list(runner.run_lines(renamed))
    assert [o["decision"] for o in first] == [o["decision"] for o in second]
    assert all(o["id"].startswith("again-") for o in second)


def test_explain_names_statements(runner: CaseRunner) -> None:
    lines = (DATA / "handmade.jsonl").read_text().splitlines()
    out = list(runner.run_lines(lines, explain=True))
    allowed = [o for o in out if o["decision"] == "Allowed"]
    denied = [o for o in out if o["decision"] == "ExplicitlyDenied"]
    implicit = [o for o in out if o["decision"] == "ImplicitlyDenied"]
    assert allowed and denied and implicit
    assert all(o["explanation"]["allowedBy"] for o in allowed)
    assert all(o["explanation"]["deniedBy"] for o in denied)
    assert all(o["explanation"]["missing"] for o in implicit)


def _case(i: int, resource: str) -> str:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}],
    }
    case = {
        "id": f"c{i}",
        "identityPolicies": [policy],
        "request": {
            "principal": "arn:aws:iam::111122223333:user/a",
            "action": "s3:GetObject",
            "resource": f"arn:aws:s3:::b/{i}",
        },
    }
    return json.dumps(case)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The documents that CaseRunner sends to parse_policy, in order."""
    import opentruth.iam.cases as cases_module
    from opentruth.iam.policy import parse_policy as real

    calls: list[object] = []

    def counting(doc: object, *, name: str = "policy") -> Any:
        calls.append(doc)
        return real(doc, name=name)

    monkeypatch.setattr(cases_module, "parse_policy", counting)
    return calls


def test_a_repeated_document_is_parsed_once(parsed: list[object]) -> None:
    runner = CaseRunner()
    # The same document in 600 different cases (different ids and requests).
    out = list(runner.run_lines([_case(i, "arn:aws:s3:::b/*") for i in range(600)]))
    assert {o["decision"] for o in out} == {"Allowed"}
    assert len(parsed) == 1


def test_caching_stops_when_documents_never_repeat(parsed: list[object]) -> None:
    from opentruth.iam.cases import _PROBATION

    runner = CaseRunner()
    distinct = [_case(i, f"arn:aws:s3:::b/{i}") for i in range(_PROBATION + 10)]
    out = list(runner.run_lines(distinct))
    assert [o["decision"] for o in out] == ["Allowed"] * len(distinct)
    assert len(parsed) == len(distinct)
    assert runner._parsed == {}  # nothing is held once caching has stopped
    # Decisions stay correct after caching stops, for repeats too.
    again = list(runner.run_lines([_case(5, "arn:aws:s3:::b/6")]))
    assert again[0]["decision"] == "ImplicitlyDenied"


@pytest.mark.parametrize(
    "line",
    [
        b'{"id":"abc","x":1}',
        b'{"id": "abc", "x":1}',
        b'{"id":"a\\"b","x":1}',
        b'{"id":"a\\\\","x":1}',
        b'{"x":1}',
        b'{"id":"abc"}',
        b'{"id":"",  "x":1}',
        b'{"id":7,"x":1}',
    ],
)
def test_the_id_split_agrees_with_the_regular_expression(line: bytes) -> None:
    from opentruth.iam.cases import _LEADING_ID, _split_id

    m = _LEADING_ID.match(line)
    assert _split_id(line) == (None if m is None else (m.group(1), line[m.end() :]))


def test_a_repeated_case_is_answered_with_its_own_id() -> None:
    runner = CaseRunner()
    line = _case(1, "arn:aws:s3:::b/*")
    again = line.replace('"id": "c1"', '"id": "again"')
    first, second = runner.run_lines_json([line, again])
    assert json.loads(first) == {"id": "c1", "decision": "Allowed"}
    assert json.loads(second) == {"id": "again", "decision": "Allowed"}
