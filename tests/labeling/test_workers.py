"""The worker service: logins that upgrade a weak hash without holding the write lock."""

from __future__ import annotations

from argon2 import PasswordHasher

from labsupport import Lab
from opentruth.db import repo_workforce


def test_a_login_upgrades_a_weak_hash_outside_the_write_transaction(lab: Lab) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    under_lock: list[bool] = []
    real_hash = stronger.hash

    class Spy(PasswordHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            # Is this thread inside a write transaction (holding the write lock) right now?
            lock = lab.res.db._write_lock
            holding = lock is not None and lock._is_owned()  # type: ignore[attr-defined]
            under_lock.append(holding)
            return real_hash(password)

    spy = Spy(time_cost=2, memory_cost=16, parallelism=1)
    lab.workers.hasher = spy
    token, ident = lab.workers.login("worker0", "correct horse")
    assert lab.workers.authenticate(token).id == ident.id
    assert under_lock == [False]  # hashed once, and not under the write lock
    with lab.res.db.read() as s:
        stored = repo_workforce.get_worker(s, "worker0").password_hash
    assert not stronger.check_needs_rehash(stored)
    stronger.verify(stored, "correct horse")
    # The next login finds nothing to upgrade.
    lab.workers.login("worker0", "correct horse")
    assert under_lock == [False]


def test_an_upgrade_loses_to_a_password_changed_meanwhile(lab: Lab) -> None:
    with lab.res.db.read() as s:
        worker = repo_workforce.get_worker(s, "worker1")
    old = worker.password_hash
    with lab.res.db.transaction() as s:
        repo_workforce.set_worker_password(s, "worker1", "a new password", hasher=lab.workers.hasher)
    with lab.res.db.transaction() as s:
        assert not repo_workforce.upgrade_password_hash(s, worker.id, old, "$argon2id$stale")
    with lab.res.db.read() as s:
        assert repo_workforce.get_worker(s, "worker1").password_hash != "$argon2id$stale"
