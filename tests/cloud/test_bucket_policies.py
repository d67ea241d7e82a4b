"""A bucket's policy, read on each call and parsed once per text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import opentruth.cloud.bucket_policies as bp
from opentruth.cloud.bucket_policies import BucketPolicies
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.objectstore import MalformedPolicy


def _doc(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": "arn:aws:s3:::bkt/*"}
            ],
        }
    )


def test_parsed_once_per_text_and_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedObjectStore(tmp_path, durable=False)
    store.create_bucket("bkt")
    store.create_bucket("plain")
    parses: list[str] = []
    from opentruth.iam import parse_policy as real

    def counting(doc: object, *, name: str = "policy") -> object:
        parses.append(name)
        return real(doc, name=name)

    monkeypatch.setattr(bp, "parse_policy", counting)
    policies = BucketPolicies(store)
    assert policies.policy("plain") is None and policies.policy("missing") is None
    store.put_bucket_policy("bkt", _doc("s3:GetObject"))
    first = policies.policy("bkt")
    assert first is not None and first.name == "bucket-policy:bkt"
    assert policies.policy("bkt") is first and parses == ["bucket-policy:bkt"]
    store.put_bucket_policy("bkt", _doc("s3:PutObject"))
    second = policies.policy("bkt")
    assert second is not None and second is not first
    assert second.policy.statements[0].actions == ("s3:PutObject",)
    assert len(parses) == 2


def test_a_policy_that_does_not_parse_names_its_bucket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedObjectStore(tmp_path, durable=False)
    store.create_bucket("bkt")
    # The store validates what it is given, so plant a broken text behind its back.
    monkeypatch.setattr(store, "get_bucket_policy", lambda bucket: '{"Statement": 7}')
    with pytest.raises(MalformedPolicy, match="bucket 'bkt'"):
        BucketPolicies(store).policy("bkt")
