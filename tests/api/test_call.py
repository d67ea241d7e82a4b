"""The caller cache: no database read while the IAM generation is known fresh, and an IAM
write of this process (or the time-to-live, for writes it cannot see) drops it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from opentruth.api.bootstrap import BootstrapResult, bootstrap
from opentruth.api.call import ApiResources, CallerCache
from opentruth.db import repo_iam
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.models_iam import IamState
from opentruth.db.repo_workforce import fast_hasher

ALLOW_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[ApiResources, BootstrapResult]]:
    db = Database.from_url(data_dir=tmp_path)
    box = SecretBox.load(tmp_path)
    admin = bootstrap(db, box, hasher=fast_hasher())
    yield ApiResources(db=db, box=box, hasher=fast_hasher()), admin
    db.dispose()


def _policy_names(resources: ApiResources, key: str) -> set[str]:
    caller = resources.callers.cached(resources, key) or resources.callers.resolve(resources, key)
    return {p.name for p in caller.policies.identity}


def test_a_resolved_caller_is_answered_without_the_database(
    setup: tuple[ApiResources, BootstrapResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    resources, admin = setup
    assert resources.callers.cached(resources, admin.key_id) is None
    caller = resources.callers.resolve(resources, admin.key_id)

    def no_database() -> None:
        raise AssertionError("the cache must answer without reading the database")

    monkeypatch.setattr(resources.db, "read", no_database)
    assert resources.callers.cached(resources, admin.key_id) is caller


def test_an_iam_write_of_this_process_applies_to_the_next_request(
    setup: tuple[ApiResources, BootstrapResult],
) -> None:
    resources, admin = setup
    before = _policy_names(resources, admin.key_id)
    with resources.db.transaction() as s:
        repo_iam.put_user_policy(s, "admin", "extra", ALLOW_S3)
    assert resources.callers.cached(resources, admin.key_id) is None
    assert _policy_names(resources, admin.key_id) == before | {"extra"}


def test_a_write_it_cannot_see_is_seen_after_the_ttl(setup: tuple[ApiResources, BootstrapResult]) -> None:
    resources, admin = setup
    for ttl, seen in ((3600.0, False), (0.0, True)):
        resources.callers = CallerCache(ttl=ttl)
        resources.callers.resolve(resources, admin.key_id)
        # Another process's write, as this one sees it: a statement outside any ORM session.
        with resources.db.engine.begin() as conn:
            conn.execute(update(IamState).values(generation=IamState.generation + 1))
        assert (resources.callers.cached(resources, admin.key_id) is None) is seen
