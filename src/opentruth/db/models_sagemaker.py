"""SageMaker resources beyond labeling jobs and work teams: human task UIs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base


class HumanTaskUi(Base):
    """A worker task template registered with CreateHumanTaskUi."""

    __tablename__ = "human_task_uis"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(63))
    arn: Mapped[str] = mapped_column(String(1024), unique=True)
    #: The Liquid template (UiTemplate.Content, at most 128,000 characters).
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
