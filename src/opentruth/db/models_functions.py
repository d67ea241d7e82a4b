"""Functions (Lambda): what ``CreateFunction`` and ``opentruth functions create`` register.

Imported at the end of :mod:`opentruth.db.models`, so the table shares its metadata (and its
migrations). The code itself is not in the database: a Python function's code folder lives under
``DATA/functions/<name>/<sha256>/`` (:mod:`opentruth.cloud.functions`); the row keeps the path
relative to the data directory, so a moved data directory keeps working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base


class LambdaFunction(Base):
    """A registered function: a Python handler or an HTTP endpoint, with its resource policy."""

    __tablename__ = "lambda_functions"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(64))
    arn: Mapped[str] = mapped_column(String(256), unique=True)
    #: ``python`` (a handler run in a worker process) or ``http`` (an endpoint that gets a POST).
    kind: Mapped[str] = mapped_column(String(16))
    runtime: Mapped[str | None] = mapped_column(String(32))
    #: ``module.func`` for Python functions.
    handler: Mapped[str | None] = mapped_column(String(128))
    #: The code folder, relative to the data directory (Python functions).
    code_path: Mapped[str | None] = mapped_column(String(1024))
    code_sha256: Mapped[str | None] = mapped_column(String(64))
    code_size: Mapped[int] = mapped_column(Integer, default=0)
    #: The endpoint of an HTTP function.
    url: Mapped[str | None] = mapped_column(String(2048))
    timeout: Mapped[int] = mapped_column(Integer, default=3)
    memory_size: Mapped[int] = mapped_column(Integer, default=128)
    #: The function's own execution role (``Role`` of CreateFunction), if any.
    role: Mapped[str | None] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(256), default="")
    #: ``Environment.Variables``.
    environment: Mapped[dict[str, Any] | None]
    #: The resource-based policy built by AddPermission (a policy document), or None.
    policy: Mapped[dict[str, Any] | None]
    revision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_modified_at: Mapped[datetime]
