"""Tests of opentruth.db.repo_workforce: workers, groups, workforces and work teams."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from opentruth.db.engine import Database
from opentruth.db.repo_workforce import (
    add_workers_to_group,
    authenticate_worker,
    create_group,
    create_worker,
    create_workteam,
    default_hasher,
    delete_workteam,
    get_worker,
    get_workforce,
    get_workteam,
    groups_of_worker,
    list_workteams,
    set_worker_password,
    update_workteam,
    workteams_of_worker,
)
from opentruth.errors import ConflictError, NotFoundError, ValidationError


def test_workers_get_argon2id_hashes_and_can_log_in(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        worker = create_worker(session, "alice", "s3cret", groups=["labelers"], hasher=hasher)
    assert worker.password_hash.startswith("$argon2id$")
    assert "s3cret" not in worker.password_hash
    assert len(worker.public_id) == 36
    with db.transaction() as session:
        assert authenticate_worker(session, "alice", "s3cret", hasher=hasher) is not None
        assert authenticate_worker(session, "alice", "wrong", hasher=hasher) is None
        assert authenticate_worker(session, "nobody", "s3cret", hasher=hasher) is None
        assert groups_of_worker(session, worker.id) == ["labelers"]


def test_disabled_workers_cannot_log_in(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        worker = create_worker(session, "bob", "pw", hasher=hasher)
        worker.disabled = True
    with db.transaction() as session:
        assert authenticate_worker(session, "bob", "pw", hasher=hasher) is None


def test_weak_hashes_are_upgraded_on_login(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        create_worker(session, "carol", "pw", hasher=hasher)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    with db.transaction() as session:
        assert authenticate_worker(session, "carol", "pw", hasher=stronger) is not None
    with db.read() as session:
        upgraded = get_worker(session, "carol").password_hash
    assert not stronger.check_needs_rehash(upgraded)
    assert hasher.check_needs_rehash(upgraded)


def test_passwords_can_be_changed(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        create_worker(session, "dan", "old", hasher=hasher)
        set_worker_password(session, "dan", "new", hasher=hasher)
        assert authenticate_worker(session, "dan", "old", hasher=hasher) is None
        assert authenticate_worker(session, "dan", "new", hasher=hasher) is not None
        with pytest.raises(ValidationError):
            set_worker_password(session, "dan", "", hasher=hasher)


def test_bad_and_duplicate_workers(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        create_worker(session, "eve", "pw", hasher=hasher)
    for username, password, error in [
        ("eve", "pw", ConflictError),
        ("", "pw", ValidationError),
        ("x", "", ValidationError),
    ]:
        with pytest.raises(error), db.transaction() as session:
            create_worker(session, username, password, hasher=hasher)
    with db.read() as session, pytest.raises(NotFoundError):
        get_worker(session, "ghost")


def test_default_hasher_is_argon2id() -> None:
    assert default_hasher().hash("x").startswith("$argon2id$")


def test_groups_are_idempotent(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        worker = create_worker(session, "fay", "pw", hasher=hasher)
        group = create_group(session, "g")
        assert create_group(session, "g").id == group.id
        add_workers_to_group(session, "g", ["fay"])
        add_workers_to_group(session, "g", ["fay"])
        add_workers_to_group(session, "h", ["fay"])
        assert groups_of_worker(session, worker.id) == ["g", "h"]
        with pytest.raises(NotFoundError):
            add_workers_to_group(session, "g", ["ghost"])


def test_workteams_crud_and_membership_through_groups(db: Database, hasher: PasswordHasher) -> None:
    with db.transaction() as session:
        alice = create_worker(session, "alice", "pw", groups=["team-a"], hasher=hasher)
        bob = create_worker(session, "bob", "pw", groups=["other"], hasher=hasher)
        team = create_workteam(session, "team-a", ["team-a"], description="first team")
        assert team.arn == "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/team-a"
        assert team.member_definitions == [{"OidcMemberDefinition": {"Groups": ["team-a"]}}]
        assert team.workforce_id == get_workforce(session).id
        create_workteam(session, "zeta", ["other", "team-a"])
        with pytest.raises(ConflictError, match="already exists"):
            create_workteam(session, "team-a", ["x"])
        with pytest.raises(ValidationError):
            create_workteam(session, "empty", [])
    with db.transaction() as session:
        assert [t.name for t in workteams_of_worker(session, alice.id)] == ["team-a", "zeta"]
        assert [t.name for t in workteams_of_worker(session, bob.id)] == ["zeta"]
        assert get_workteam(session, team.arn).name == "team-a"
        assert [t.name for t in list_workteams(session)] == ["team-a", "zeta"]
        assert [t.name for t in list_workteams(session, name_contains="ZET")] == ["zeta"]
        updated = update_workteam(session, "team-a", member_groups=["other"], description="changed")
        assert updated.member_groups == ["other"]
        assert updated.description == "changed"
    with db.transaction() as session:
        assert [t.name for t in workteams_of_worker(session, bob.id)] == ["team-a", "zeta"]
        delete_workteam(session, "zeta")
        assert [t.name for t in list_workteams(session)] == ["team-a"]
        with pytest.raises(NotFoundError):
            get_workteam(session, "zeta")
        with pytest.raises(NotFoundError):
            workteams_of_worker(session, 4242)
