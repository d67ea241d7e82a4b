"""CloudWatch Logs groups and streams created explicitly (``CreateLogGroup``, ``CreateLogStream``).

Events live in ``log_events`` (:class:`opentruth.db.models.LogEvent`), keyed by group and stream
*names*: a group or stream that has events exists even without a row here (the job log's adapter
writes events only). These rows make the API exact where names alone cannot: creating a group
twice is ``ResourceAlreadyExistsException``, and a group or stream without events is listed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base, BigId


class LogGroup(Base):
    """A log group of an account."""

    __tablename__ = "log_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime]


class LogStream(Base):
    """A log stream of a log group (by the group's name, as events are)."""

    __tablename__ = "log_streams"
    __table_args__ = (UniqueConstraint("account_id", "log_group", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    log_group: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime]
