"""The IAM store on SQLite and PostgreSQL: users, keys, roles, policies, sessions, callers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opentruth.db import repo_iam, repo_iam_policies, repo_iam_roles
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox, SecretStoreError
from opentruth.db.repo_iam_common import (
    EntityAlreadyExistsError,
    ExpiredTokenError,
    NoSuchEntityError,
    UnknownAccessKeyError,
)
from opentruth.db.repo_workforce import fast_hasher
from opentruth.db.types import utcnow
from opentruth.iam.context import role_unique_id
from opentruth.iam.evaluate import Evaluator, Request
from opentruth.iam.policy import PolicyError
from opentruth.iam.roles import Role

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}

DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}


@pytest.fixture
def box() -> SecretBox:
    return SecretBox.generate()


def test_user_key_and_caller(db: Database, box: SecretBox) -> None:
    with db.transaction() as s:
        user = repo_iam.create_user(s, "alice", tags={"team": "a"})
        repo_iam.put_user_policy(s, "alice", "read", READ)
        key = repo_iam.create_access_key(s, box, "alice")
    with db.read() as s:
        caller = repo_iam.principal_for_access_key(s, box, key.key_id)
    assert caller.arn == user.arn and caller.secret == key.secret and caller.token is None
    assert caller.context()["aws:PrincipalTag/team"] == "a"
    request = Request(caller.arn, "s3:GetObject", "arn:aws:s3:::b/k", caller.context())
    assert Evaluator().evaluate(caller.policies, request).allowed
    with db.transaction() as s, pytest.raises(EntityAlreadyExistsError):
        repo_iam.create_user(s, "ALICE")
    with db.read() as s, pytest.raises(UnknownAccessKeyError):
        repo_iam.principal_for_access_key(s, box, "AKIANOPE")


def test_secrets_are_sealed_at_rest(db: Database, box: SecretBox) -> None:
    with db.transaction() as s:
        repo_iam.create_user(s, "u")
        key = repo_iam.create_access_key(s, box, "u")
    with db.read() as s:
        from opentruth.db.models_iam import IamAccessKey

        row = s.get(IamAccessKey, key.key_id)
        assert row is not None and key.secret.encode() not in row.secret_sealed
        with pytest.raises(SecretStoreError):
            repo_iam.access_key_secret(s, SecretBox.generate(), key.key_id)
        assert repo_iam.access_key_secret(s, box, key.key_id) == key.secret


def test_role_round_trip_resolves_customer_managed_documents(db: Database) -> None:
    with db.transaction() as s:
        policy = repo_iam_policies.create_policy(s, "Read", READ)
        repo_iam_roles.create_role(s, "R", TRUST, path="/gt/")
        repo_iam_roles.attach_role_policy(s, "R", policy.arn)
        repo_iam_roles.put_role_policy(s, "R", "inline", READ)
    with db.read() as s:
        role = repo_iam.get_role(s, "arn:aws:iam::000000000000:role/gt/R")
    assert role.role_id == role_unique_id(role.arn)
    assert role.managed_documents == {policy.arn: READ}
    assert [p.name for p in role.policy_set.identity] == ["inline", "Read"]
    # The detail shape rebuilds the same role.
    assert Role.from_detail(role.to_detail()) == role


def test_create_role_from_detail_creates_missing_managed_policies(db: Database) -> None:
    arn = "arn:aws:iam::000000000000:policy/Extra"
    detail = {
        "RoleName": "FromFile",
        "Arn": "arn:aws:iam::000000000000:role/FromFile",
        "AssumeRolePolicyDocument": TRUST,
        "AttachedManagedPolicies": [{"PolicyName": "Extra", "PolicyArn": arn}],
        "ManagedPolicyDocuments": {arn: READ},
    }
    with db.transaction() as s:
        role = repo_iam.create_role_from_detail(s, detail)
        assert role.managed_documents == {arn: READ}
        with pytest.raises(EntityAlreadyExistsError):
            repo_iam.create_role_from_detail(s, detail)
        repo_iam.create_role_from_detail(s, detail, replace=True)


def test_bad_documents_raise_malformed_policy(db: Database) -> None:
    with db.transaction() as s:
        with pytest.raises(PolicyError) as exc:
            repo_iam_roles.create_role(s, "Bad", {"Version": "2012-10-17", "Statement": []})
        assert exc.value.aws_code == "MalformedPolicyDocument"
        with pytest.raises(PolicyError) as exc:
            repo_iam_policies.create_policy(s, "Bad", {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]})
        assert "policy Bad" in exc.value.message


def test_sessions_expire_and_carry_session_policy(db: Database, box: SecretBox) -> None:
    with db.transaction() as s:
        repo_iam_roles.create_role(s, "R", TRUST)
        repo_iam_roles.put_role_policy(s, "R", "read", READ)
        creds = repo_iam.create_session(
            s, box, "arn:aws:iam::000000000000:role/R", "job", issued_to="x", duration_seconds=900,
            session_policy=DENY_ALL,
        )  # fmt: skip
    with db.read() as s:
        caller = repo_iam.principal_for_access_key(s, box, creds.key_id)
        assert caller.arn == "arn:aws:sts::000000000000:assumed-role/R/job"
        assert caller.token == creds.token and caller.policies.session is not None
        assert caller.context()["aws:PrincipalArn"] == "arn:aws:iam::000000000000:role/R"
        with pytest.raises(ExpiredTokenError):
            repo_iam.principal_for_access_key(s, box, creds.key_id, now=utcnow() + timedelta(seconds=901))


def test_login_profiles(db: Database) -> None:
    h = fast_hasher()
    with db.transaction() as s:
        repo_iam.create_user(s, "u")
        repo_iam.set_login_profile(s, "u", "pw", hasher=h, create=True)
        with pytest.raises(EntityAlreadyExistsError):
            repo_iam.set_login_profile(s, "u", "pw", hasher=h, create=True)
    with db.read() as s:
        assert repo_iam.verify_password(s, "u", "pw", hasher=h) is not None
        assert repo_iam.verify_password(s, "u", "no", hasher=h) is None
        assert repo_iam.verify_password(s, "ghost", "pw", hasher=h) is None
    with db.transaction() as s:
        repo_iam.delete_login_profile(s, "u")
        with pytest.raises(NoSuchEntityError):
            repo_iam.delete_login_profile(s, "u")


def test_generation_changes_on_every_write(db: Database) -> None:
    with db.read() as s:
        before = repo_iam.generation(s, "000000000000")
    with db.transaction() as s:
        repo_iam.create_user(s, "g")
    with db.read() as s:
        assert repo_iam.generation(s, "000000000000") > before
