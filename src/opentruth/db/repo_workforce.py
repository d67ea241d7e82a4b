"""Workers, worker groups, workforces and work teams.

Workers log in with a username and a password hashed with Argon2id (argon2-cffi). The cost
parameters come from a :class:`PasswordHasher` the caller may pass; tests pass a cheap one
(:func:`fast_hasher`) so that the suite stays quick on a small machine.

A work team's members are worker groups, as with Ground Truth's OIDC ``Groups`` and Cognito
``UserGroup`` member definitions; a worker belongs to a team through any of its groups.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from opentruth.db.models import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_WORKFORCE_NAME,
    Worker,
    WorkerGroup,
    WorkerGroupMember,
    Workforce,
    Workteam,
)
from opentruth.db.repo_jobs import get_account
from opentruth.db.types import utcnow
from opentruth.errors import ConflictError, NotFoundError, ValidationError

__all__ = [
    "add_workers_to_group",
    "authenticate_worker",
    "create_group",
    "create_worker",
    "create_workteam",
    "default_hasher",
    "delete_workteam",
    "fast_hasher",
    "get_worker",
    "get_workforce",
    "get_workteam",
    "groups_of_worker",
    "list_workteams",
    "set_worker_password",
    "update_workteam",
    "workteam_arn",
    "workteams_of_worker",
]


def workteam_arn(region: str, account_id: str, name: str) -> str:
    """Return ``arn:aws:sagemaker:<region>:<account>:workteam/private-crowd/<team>``."""
    return f"arn:aws:sagemaker:{region}:{account_id}:workteam/private-crowd/{name}"


def default_hasher() -> PasswordHasher:
    """The production hasher: argon2-cffi's defaults (Argon2id, RFC 9106 low-memory profile)."""
    return PasswordHasher()


def fast_hasher() -> PasswordHasher:
    """A deliberately cheap Argon2id hasher for tests only. Never use it for real passwords."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


# A hash of a random password, verified when the username is unknown so that a login for an
# unknown user takes as long as one with a wrong password (no username probing by timing).
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if params not in _DUMMY_HASHES:
        _DUMMY_HASHES[params] = hasher.hash(uuid.uuid4().hex)
    return _DUMMY_HASHES[params]


# --------------------------------------------------------------------------------------------
# Workers and groups
# --------------------------------------------------------------------------------------------


def create_worker(
    session: Session,
    username: str,
    password: str,
    *,
    groups: Sequence[str] = (),
    account_id: str = DEFAULT_ACCOUNT_ID,
    hasher: PasswordHasher | None = None,
    now: datetime | None = None,
) -> Worker:
    """Create a worker with an Argon2id password hash, adding it to ``groups`` (created if new).

    Raises :class:`ConflictError` if the username is taken and :class:`ValidationError` for an
    empty username or password.
    """
    if not username or not username.strip():
        raise ValidationError("username must not be empty")
    if not password:
        raise ValidationError(f"worker {username}: password must not be empty")
    get_account(session, account_id)
    now = now or utcnow()
    taken = session.scalar(
        select(Worker.id).where(Worker.account_id == account_id, Worker.username == username)
    )
    if taken is not None:
        raise ConflictError(f"Worker {username} already exists: choose another username")
    worker = Worker(
        account_id=account_id,
        public_id=str(uuid.uuid4()),
        username=username,
        password_hash=(hasher or default_hasher()).hash(password),
        disabled=False,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(worker)
    except IntegrityError as exc:
        raise ConflictError(f"Worker {username} already exists: choose another username") from exc
    for group in groups:
        add_workers_to_group(session, group, [username], account_id=account_id, now=now)
    return worker


def get_worker(session: Session, username: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> Worker:
    """Return the worker with that username or raise :class:`NotFoundError`."""
    worker = session.scalar(
        select(Worker).where(Worker.account_id == account_id, Worker.username == username)
    )
    if worker is None:
        raise NotFoundError(f"Worker {username} not found")
    return worker


def authenticate_worker(
    session: Session,
    username: str,
    password: str,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    hasher: PasswordHasher | None = None,
) -> Worker | None:
    """Return the worker if the password is right (and the worker enabled), else None.

    Unknown usernames cost one hash verification too. A hash made with weaker parameters than
    the current hasher's is upgraded on a successful login.
    """
    hasher = hasher or default_hasher()
    worker = session.scalar(
        select(Worker).where(Worker.account_id == account_id, Worker.username == username)
    )
    stored = worker.password_hash if worker is not None else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if worker is None or worker.disabled:
        return None
    if hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hasher.hash(password)
        worker.updated_at = utcnow()
        session.flush()
    return worker


def upgrade_password_hash(session: Session, worker_id: int, old_hash: str, new_hash: str) -> bool:
    """Store ``new_hash`` (the same password, hashed with stronger parameters) if the stored hash
    is still ``old_hash``; return whether it was stored. The caller hashes outside the
    transaction: Argon2 is slow on purpose, and on SQLite a write transaction holds up every
    other writer."""
    result = session.execute(
        update(Worker)
        .where(Worker.id == worker_id, Worker.password_hash == old_hash)
        .values(password_hash=new_hash, updated_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def set_worker_password(
    session: Session,
    username: str,
    password: str,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    hasher: PasswordHasher | None = None,
) -> None:
    """Replace a worker's password."""
    if not password:
        raise ValidationError(f"worker {username}: password must not be empty")
    worker = get_worker(session, username, account_id=account_id)
    worker.password_hash = (hasher or default_hasher()).hash(password)
    worker.updated_at = utcnow()
    session.flush()


def create_group(
    session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID, now: datetime | None = None
) -> WorkerGroup:
    """Return the worker group ``name``, creating it if needed (idempotent)."""
    group = session.scalar(
        select(WorkerGroup).where(WorkerGroup.account_id == account_id, WorkerGroup.name == name)
    )
    if group is None:
        group = WorkerGroup(account_id=account_id, name=name, created_at=now or utcnow())
        session.add(group)
        session.flush()
    return group


def add_workers_to_group(
    session: Session,
    group_name: str,
    usernames: Sequence[str],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> WorkerGroup:
    """Add workers to a group (created if new); adding a member twice does nothing."""
    group = create_group(session, group_name, account_id=account_id, now=now)
    for username in usernames:
        worker = get_worker(session, username, account_id=account_id)
        if session.get(WorkerGroupMember, (group.id, worker.id)) is None:
            session.add(WorkerGroupMember(group_id=group.id, worker_id=worker.id))
    session.flush()
    return group


def groups_of_worker(session: Session, worker_id: int) -> list[str]:
    """Return the names of the worker's groups, sorted."""
    return sorted(
        session.scalars(
            select(WorkerGroup.name)
            .join(WorkerGroupMember, WorkerGroupMember.group_id == WorkerGroup.id)
            .where(WorkerGroupMember.worker_id == worker_id)
        )
    )


# --------------------------------------------------------------------------------------------
# Workforces and work teams
# --------------------------------------------------------------------------------------------


def get_workforce(
    session: Session, name: str = DEFAULT_WORKFORCE_NAME, *, account_id: str = DEFAULT_ACCOUNT_ID
) -> Workforce:
    """Return the workforce (``default`` unless named) or raise :class:`NotFoundError`."""
    workforce = session.scalar(
        select(Workforce).where(Workforce.account_id == account_id, Workforce.name == name)
    )
    if workforce is None:
        raise NotFoundError(f"Workforce {name} not found")
    return workforce


def create_workteam(
    session: Session,
    name: str,
    member_groups: Sequence[str],
    *,
    description: str = "",
    member_definitions: list[dict[str, Any]] | None = None,
    config: dict[str, Any] | None = None,
    workforce_name: str = DEFAULT_WORKFORCE_NAME,
    account_id: str = DEFAULT_ACCOUNT_ID,
    now: datetime | None = None,
) -> Workteam:
    """Create a work team whose members are the given worker groups (created if new).

    Without ``member_definitions``, OIDC-style definitions naming the groups are stored, which
    is what DescribeWorkteam returns. Raises :class:`ConflictError` (``ResourceInUse``) if a
    team of that name exists.
    """
    if not member_groups:
        raise ValidationError(f"work team {name}: give at least one worker group")
    account = get_account(session, account_id)
    workforce = get_workforce(session, workforce_name, account_id=account_id)
    now = now or utcnow()
    if session.scalar(select(Workteam.id).where(Workteam.account_id == account_id, Workteam.name == name)):
        raise ConflictError(f"Workteam {name} already exists: choose another WorkteamName")
    for group in member_groups:
        create_group(session, group, account_id=account_id, now=now)
    team = Workteam(
        account_id=account_id,
        workforce_id=workforce.id,
        name=name,
        arn=workteam_arn(account.region, account_id, name),
        description=description or name,
        member_groups=list(member_groups),
        member_definitions=member_definitions or [{"OidcMemberDefinition": {"Groups": list(member_groups)}}],
        config=config,
        created_at=now,
        last_updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(team)
    except IntegrityError as exc:
        raise ConflictError(f"Workteam {name} already exists: choose another WorkteamName") from exc
    return team


def get_workteam(session: Session, name_or_arn: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> Workteam:
    """Return the team by name or ARN, or raise :class:`NotFoundError`."""
    column = Workteam.arn if name_or_arn.startswith("arn:") else Workteam.name
    team = session.scalar(select(Workteam).where(Workteam.account_id == account_id, column == name_or_arn))
    if team is None:
        raise NotFoundError(f"Workteam {name_or_arn} not found")
    return team


def list_workteams(
    session: Session, *, account_id: str = DEFAULT_ACCOUNT_ID, name_contains: str | None = None
) -> list[Workteam]:
    """Return the account's teams sorted by name (few per account, so no pagination here)."""
    stmt = select(Workteam).where(Workteam.account_id == account_id).order_by(Workteam.name)
    if name_contains:
        stmt = stmt.where(func.lower(Workteam.name).contains(name_contains.lower(), autoescape=True))
    return list(session.scalars(stmt))


def update_workteam(
    session: Session,
    name: str,
    *,
    member_groups: Sequence[str] | None = None,
    member_definitions: list[dict[str, Any]] | None = None,
    description: str | None = None,
    config: dict[str, Any] | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> Workteam:
    """Change a team's members, description or other settings."""
    team = get_workteam(session, name, account_id=account_id)
    now = utcnow()
    if member_groups is not None:
        if not member_groups:
            raise ValidationError(f"work team {name}: give at least one worker group")
        for group in member_groups:
            create_group(session, group, account_id=account_id, now=now)
        team.member_groups = list(member_groups)
        team.member_definitions = member_definitions or [
            {"OidcMemberDefinition": {"Groups": list(member_groups)}}
        ]
    if description is not None:
        team.description = description
    if config is not None:
        team.config = config
    team.last_updated_at = now
    session.flush()
    return team


def delete_workteam(session: Session, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Delete a team (its groups and workers stay)."""
    team = get_workteam(session, name, account_id=account_id)
    session.execute(delete(Workteam).where(Workteam.id == team.id))


def workteams_of_worker(session: Session, worker_id: int) -> list[Workteam]:
    """Return the teams the worker belongs to through any of its groups, sorted by name."""
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFoundError(f"Worker {worker_id} not found")
    groups = set(groups_of_worker(session, worker_id))
    teams = session.scalars(
        select(Workteam).where(Workteam.account_id == worker.account_id).order_by(Workteam.name)
    )
    # Teams per account are few; matching the JSON list in Python keeps the query portable.
    return [team for team in teams if groups.intersection(team.member_groups)]
