"""Workforces and human task UIs, as SageMaker's API manages them.

Each account has one private workforce per region, named ``default`` from the start.
``CreateWorkforce`` succeeds once and replaces ``default`` (its teams move to the new one);
a second ``CreateWorkforce`` is ``ResourceLimitExceeded``, as in AWS.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_WORKFORCE_NAME, Workforce, Workteam
from opentruth.db.models_sagemaker import HumanTaskUi
from opentruth.db.repo_jobs import get_account, workforce_arn
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, LimitExceededError, NotFoundError


def list_workforces(session: Session, *, account_id: str = DEFAULT_ACCOUNT_ID) -> list[Workforce]:
    """The account's workforce (one per region)."""
    return list(
        session.scalars(select(Workforce).where(Workforce.account_id == account_id).order_by(Workforce.name))
    )


def create_workforce(
    session: Session,
    name: str,
    config: dict[str, Any],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> Workforce:
    """Replace the ``default`` workforce by ``name``, keeping its teams; only once per region."""
    now = now or utcnow()
    account = get_account(session, account_id)
    current = list_workforces(session, account_id=account_id)
    if any(w.name != DEFAULT_WORKFORCE_NAME for w in current):
        raise LimitExceededError(
            f"The account {account_id} already has a workforce in {account.region}; "
            "an account has one private workforce per region (update or delete it instead)"
        )
    force = current[0] if current else None
    if force is None:
        force = Workforce(
            account_id=account_id, name=name, arn="", config=None, created_at=now, last_updated_at=now
        )
        session.add(force)
    force.name = name
    force.arn = workforce_arn(account.region, account_id, name)
    force.config = config
    force.last_updated_at = now
    session.flush()
    return force


def get_workforce(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> Workforce:
    force = session.scalar(
        select(Workforce).where(Workforce.account_id == account_id, Workforce.name == name)
    )
    if force is None:
        raise NotFoundError(f"Workforce {name} not found")
    return force


def update_workforce(
    session: Session, name: str, config: dict[str, Any], *, account_id: str = DEFAULT_ACCOUNT_ID
) -> Workforce:
    """Merge ``config`` (SourceIpConfig, OidcConfig, WorkforceVpcConfig) into the workforce."""
    force = get_workforce(session, name, account_id=account_id)
    force.config = {**(force.config or {}), **config}
    force.last_updated_at = utcnow()
    session.flush()
    return force


def delete_workforce(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Delete the workforce; the account goes back to its ``default`` one (teams must be gone)."""
    force = get_workforce(session, name, account_id=account_id)
    if session.scalar(select(Workteam.id).where(Workteam.workforce_id == force.id).limit(1)) is not None:
        raise ConflictError(f"Workforce {name} still has work teams; delete them first")
    account = get_account(session, account_id)
    session.execute(
        update(Workforce)
        .where(Workforce.id == force.id)
        .values(
            name=DEFAULT_WORKFORCE_NAME,
            arn=workforce_arn(account.region, account_id, DEFAULT_WORKFORCE_NAME),
            config=None,
            last_updated_at=utcnow(),
        )
    )


def human_task_ui_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:sagemaker:{region}:{account_id}:human-task-ui/{name}"


def create_human_task_ui(
    session: Session,
    name: str,
    content: str,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> HumanTaskUi:
    """Register a worker task template; ``ResourceInUse`` if the name is taken."""
    account = get_account(session, account_id)
    if session.scalar(
        select(HumanTaskUi.id).where(HumanTaskUi.account_id == account_id, HumanTaskUi.name == name)
    ):
        raise ConflictError(f"HumanTaskUi {name} already exists: choose another HumanTaskUiName")
    ui = HumanTaskUi(
        account_id=account_id,
        name=name,
        arn=human_task_ui_arn(account.region, account_id, name),
        content=content,
        content_sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        status="Active",
        created_at=now or utcnow(),
    )
    session.add(ui)
    session.flush()
    return ui


def get_human_task_ui(
    session: Session, name_or_arn: str, *, account_id: str = DEFAULT_ACCOUNT_ID
) -> HumanTaskUi:
    column = HumanTaskUi.arn if name_or_arn.startswith("arn:") else HumanTaskUi.name
    ui = session.scalar(
        select(HumanTaskUi).where(HumanTaskUi.account_id == account_id, column == name_or_arn)
    )
    if ui is None:
        raise NotFoundError(f"HumanTaskUi {name_or_arn} not found")
    return ui


def list_human_task_uis(session: Session, *, account_id: str = DEFAULT_ACCOUNT_ID) -> list[HumanTaskUi]:
    return list(
        session.scalars(
            select(HumanTaskUi)
            .where(HumanTaskUi.account_id == account_id)
            .order_by(HumanTaskUi.created_at, HumanTaskUi.id)
        )
    )


def delete_human_task_ui(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    ui = get_human_task_ui(session, name, account_id=account_id)
    session.execute(delete(HumanTaskUi).where(HumanTaskUi.id == ui.id))
