"""Signed object URLs: round trip, tampering, expiry, domain-separated keys."""

from __future__ import annotations

import pytest

from opentruth.portal.signing import BadObjectUrl, ObjectUrlSigner, derive_key


def test_round_trip_and_url_alphabet() -> None:
    signer = ObjectUrlSigner(b"s" * 32)
    url = signer.url("bucket", "a/../b c&d.png", "job", 1000, origin="http://h")
    token = url.removeprefix("http://h/worker/objects/")
    assert all(c.isalnum() or c in "-_." for c in token)
    grant = signer.verify(token, now=999)
    assert (grant.bucket, grant.key, grant.job, grant.expires) == ("bucket", "a/../b c&d.png", "job", 1000)


def test_tampered_expired_and_other_keys_fail() -> None:
    signer = ObjectUrlSigner(b"s" * 32)
    token = signer.token("bucket", "k", "job", 1000)
    payload, sig = token.split(".")
    with pytest.raises(BadObjectUrl, match="expired"):
        signer.verify(token, now=1001)
    with pytest.raises(BadObjectUrl, match="signature"):
        signer.verify(signer.token("bucket", "k2", "job", 1000).split(".")[0] + "." + sig, now=0)
    with pytest.raises(BadObjectUrl, match="malformed"):
        signer.verify(payload, now=0)
    with pytest.raises(BadObjectUrl, match="signature"):
        ObjectUrlSigner(b"t" * 32).verify(token, now=0)
    assert derive_key(b"r" * 32, "a") != derive_key(b"r" * 32, "b")
    with pytest.raises(ValueError, match="32 bytes"):
        ObjectUrlSigner(b"short")
