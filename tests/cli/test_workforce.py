"""Tests of ``opentruth workers create`` and ``opentruth workteams create|list``."""

from __future__ import annotations

from collections.abc import Callable

from clisupport import Invoke, ok
from opentruth.db import repo_workforce
from opentruth.labeling.workers import AuthenticationError
from opentruth.runtime import Runtime

SECRET = "s3cret-Passw0rd"


def _can_log_in(rt: Runtime, username: str, password: str) -> bool:
    try:
        rt.workers.login(username, password)
    except AuthenticationError:
        return False
    return True


def test_worker_with_groups_can_log_in(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    made = ok(ot("workers", "create", "--username", "ada", "--password", SECRET, "--groups", "g1, g2"))
    assert "created worker ada" in made.stdout and "g1, g2" in made.stdout
    assert SECRET not in made.output  # the password is never echoed
    rt = runtime_of()
    assert _can_log_in(rt, "ada", SECRET)
    assert not _can_log_in(rt, "ada", "wrong")
    with rt.db.read() as s:
        worker = repo_workforce.get_worker(s, "ada")
        assert repo_workforce.groups_of_worker(s, worker.id) == ["g1", "g2"]
        assert worker.password_hash.startswith("$argon2id$")


def test_password_from_stdin_and_prompt(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    piped = ok(ot("workers", "create", "--username", "bob", "--password-stdin", input=f"{SECRET}\n"))
    assert SECRET not in piped.output
    prompted = ok(ot("workers", "create", "--username", "cy", input=f"{SECRET}\n{SECRET}\n"))
    assert SECRET not in prompted.output  # hidden input is not echoed
    rt = runtime_of()
    assert _can_log_in(rt, "bob", SECRET)
    assert _can_log_in(rt, "cy", SECRET)


def test_worker_errors(ot: Invoke) -> None:
    ok(ot("workers", "create", "--username", "ada", "--password", SECRET))
    taken = ot("workers", "create", "--username", "ada", "--password", SECRET)
    assert taken.exit_code == 1
    assert "Worker ada already exists" in taken.stderr
    both = ot("workers", "create", "--username", "x", "--password", "p", "--password-stdin", input="p\n")
    assert both.exit_code == 2
    assert "not both" in both.stderr
    empty = ot("workers", "create", "--username", "x", "--password-stdin", input="\n")
    assert empty.exit_code == 2
    assert "password is empty" in empty.stderr
    bad_groups = ot("workers", "create", "--username", "x", "--password", "p", "--groups", "a,,b")
    assert bad_groups.exit_code == 2
    assert "--groups" in bad_groups.stderr


def test_workteam_of_members_and_list(ot: Invoke, runtime_of: Callable[[], Runtime]) -> None:
    for name in ("ada", "bob", "cy"):
        ok(ot("workers", "create", "--username", name, "--password", SECRET))
    created = ok(ot("workteams", "create", "--name", "reviewers", "--members", "ada,bob"))
    arn = "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/reviewers"
    assert created.stdout.strip() == arn
    rt = runtime_of()
    with rt.db.read() as s:
        team = repo_workforce.get_workteam(s, "reviewers")
        assert team.member_groups == ["reviewers"]
        for name, member in (("ada", True), ("bob", True), ("cy", False)):
            worker = repo_workforce.get_worker(s, name)
            teams = [t.name for t in repo_workforce.workteams_of_worker(s, worker.id)]
            assert (teams == ["reviewers"]) is member
    listed = ok(ot("workteams", "list")).stdout
    assert arn in listed
    assert "ada, bob" in listed and "cy" not in listed


def test_workteam_errors(ot: Invoke) -> None:
    assert "no work teams" in ok(ot("workteams", "list")).stdout
    ok(ot("workers", "create", "--username", "ada", "--password", SECRET))
    unknown = ot("workteams", "create", "--name", "t", "--members", "ada,ghost")
    assert unknown.exit_code == 1
    assert "ghost" in unknown.stderr
    assert "no work teams" in ok(ot("workteams", "list")).stdout  # nothing half-made
    ok(ot("workteams", "create", "--name", "t", "--members", "ada"))
    again = ot("workteams", "create", "--name", "t", "--members", "ada")
    assert again.exit_code == 1
    assert "Workteam t already exists" in again.stderr
