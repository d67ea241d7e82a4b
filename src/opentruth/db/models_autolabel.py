"""Automated data labeling: the state of each job's active-learning loop, and the models it made.

The loop's state lives in the database (not in a worker's memory) so that a restarted process
resumes the loop where it stopped: which objects form the validation set, which iteration ran
last, and the version used for compare-and-set updates when two steps race.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opentruth.db.models import Base, BigId, Json


class AutolabelLoop(Base):
    """One labeling job's active-learning loop."""

    __tablename__ = "autolabel_loops"

    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("labeling_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    #: The last iteration that ran (0 before the first model).
    iteration: Mapped[int] = mapped_column(default=0)
    #: ``human`` (waiting for the released objects) or ``done`` (final model registered).
    phase: Mapped[str] = mapped_column(String(16))
    #: Dataset object ids of the validation set (human-labeled, never trained on mid-loop).
    validation: Mapped[list[Any]] = mapped_column(Json)
    #: Dataset object ids of the first human sample (for the "more than 10% failed" rule).
    first_sample: Mapped[list[Any]] = mapped_column(Json)
    #: ``InitialActiveLearningModelArn``, when the job starts from an earlier model.
    initial_model_arn: Mapped[str | None] = mapped_column(String(2048))
    #: One summary per iteration (threshold, machine-labeled, released...).
    history: Mapped[list[Any]] = mapped_column(Json)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]


class ActiveLearningModel(Base):
    """A model automated labeling produced (``<job name>-final``), reusable by later jobs."""

    __tablename__ = "active_learning_models"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12), ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(63))
    arn: Mapped[str] = mapped_column(String(2048), unique=True)
    #: The algorithm specification name (``text-classification``, ...).
    algorithm: Mapped[str] = mapped_column(String(64))
    #: The label categories, in class-index order.
    labels: Mapped[list[Any]] = mapped_column(Json)
    #: ``s3://`` URI of the artefact under the producing job's ``training/`` folder.
    artifact_uri: Mapped[str] = mapped_column(Text)
    #: The job that produced it and the role it wrote the artefact with.
    job_name: Mapped[str] = mapped_column(String(63))
    role_arn: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime]
