"""Validation findings, in the categories of IAM Access Analyzer's ``ValidatePolicy``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Access Analyzer's finding types, most severe first."""

    ERROR = "ERROR"
    SECURITY_WARNING = "SECURITY_WARNING"
    WARNING = "WARNING"
    SUGGESTION = "SUGGESTION"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a policy document.

    ``code`` is a stable upper-snake identifier (for example ``UNKNOWN_ACTION``), ``path`` is the
    JSON path of the offending element (``$.Statement[0].Action[1]``), and ``message`` says in
    plain words what is wrong and, where it can, what to write instead.
    """

    severity: Severity
    code: str
    message: str
    path: str = "$"

    def to_dict(self) -> dict[str, Any]:
        return {"severity": str(self.severity), "code": self.code, "message": self.message, "path": self.path}

    def __str__(self) -> str:
        return f"{self.severity} {self.code} at {self.path}: {self.message}"
