"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's copy of the shared conformance data (tests never read ../shared)."""
    return DATA


SCHEMAS = DATA / "groundtruth" / "schemas"


def gt_schema_errors(name: str, document: object, label_attribute: str | None = None) -> list[str]:
    """Validate ``document`` against the shared Ground Truth schema ``name``.

    Output-manifest schemas spell the label ``LABEL``; it is renamed to the job's attribute.
    """
    import copy
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    if label_attribute:
        schema = copy.deepcopy(schema)
        for suffix in ("", "-metadata"):
            schema["properties"][label_attribute + suffix] = schema["properties"].pop("LABEL" + suffix)
        schema["required"] = [
            label_attribute + r[5:] if r.startswith("LABEL") else r for r in schema["required"]
        ]
    return [e.message for e in Draft202012Validator(schema).iter_errors(document)]


@pytest.fixture(scope="session")
def gt_schema() -> object:
    """The schema checker, as a fixture: ``gt_schema(name, doc, attr) -> list of errors``."""
    return gt_schema_errors
