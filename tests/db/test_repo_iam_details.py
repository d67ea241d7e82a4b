"""The IAM store read as documents, on SQLite and PostgreSQL: entity policies and the snapshot."""

from __future__ import annotations

import pytest

from opentruth.db import repo_iam, repo_iam_policies, repo_iam_roles
from opentruth.db.engine import Database
from opentruth.db.repo_iam_common import NoSuchEntityError
from opentruth.db.repo_iam_details import authorization_details, entity_policies

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
LIST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
}
GT = "arn:aws:iam::aws:policy/AmazonSageMakerGroundTruthExecution"


def test_entity_policies_of_a_role_and_a_user(db: Database) -> None:
    with db.transaction() as s:
        boundary = repo_iam_policies.create_policy(s, "Boundary", READ)
        managed = repo_iam_policies.create_policy(s, "Lister", READ)
        repo_iam_policies.create_policy_version(s, managed.arn, LIST, True)
        role = repo_iam_roles.create_role(s, "R", TRUST, path="/p/", boundary_arn=boundary.arn)
        repo_iam_roles.put_role_policy(s, "R", "inline", READ)
        repo_iam_roles.attach_role_policy(s, "R", managed.arn)
        repo_iam_roles.attach_role_policy(s, "R", GT)
        user = repo_iam.create_user(s, "u")
        repo_iam.put_user_policy(s, "u", "mine", LIST)
    with db.read() as s:
        found = entity_policies(s, role.arn)
        person = entity_policies(s, user.arn)
        with pytest.raises(NoSuchEntityError):
            entity_policies(s, "arn:aws:iam::000000000000:role/p/Nope")
        with pytest.raises(NoSuchEntityError, match="group"):
            entity_policies(s, "arn:aws:iam::000000000000:group/g")
    assert (found.kind, found.name) == ("role", "R")
    assert found.inline == (("inline", READ),)
    assert [(a.name, a.aws_managed) for a in found.attached] == [
        ("Lister", False),
        ("AmazonSageMakerGroundTruthExecution", True),
    ]
    assert found.attached[0].document == LIST  # the default version is the one in force
    assert found.boundary is not None and found.boundary.arn == boundary.arn
    assert (person.kind, person.inline, person.attached, person.boundary) == (
        "user",
        (("mine", LIST),),
        (),
        None,
    )


def test_authorization_details_in_iams_order_and_filtered(db: Database) -> None:
    with db.transaction() as s:
        managed = repo_iam_policies.create_policy(s, "Unattached", READ)
        repo_iam_roles.create_role(s, "B", TRUST)
        repo_iam_roles.create_role(s, "A", TRUST)
        repo_iam_roles.attach_role_policy(s, "A", GT)
        repo_iam.create_user(s, "u")
    with db.read() as s:
        items = authorization_details(s)
        roles_only = authorization_details(s, ["Role"])
        aws_only = authorization_details(s, ["AWSManagedPolicy"])
    lists = [name for name, _ in items]
    assert lists == sorted(lists, key=["UserDetailList", "RoleDetailList", "Policies"].index)
    assert [i["RoleName"] for n, i in items if n == "RoleDetailList"] == ["A", "B"]
    assert {i["Arn"] for n, i in items if n == "Policies"} == {GT, managed.arn}
    unattached = next(i for n, i in items if n == "Policies" and i["Arn"] == managed.arn)
    assert [
        (v["VersionId"], v["IsDefaultVersion"], v["Document"]) for v in unattached["PolicyVersionList"]
    ] == [("v1", True, READ)]
    assert {n for n, _ in roles_only} == {"RoleDetailList"}
    assert [i["Arn"] for _, i in aws_only] == [GT]  # only the AWS managed policies in use
