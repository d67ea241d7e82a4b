"""The AES-GCM envelopes: round trips, and every kind of tampering is an error, never garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opentruth.cloud.crypto import (
    InvalidCiphertextError,
    canonical_context,
    generate_key,
    open_blob,
    open_data,
    pack_parts,
    parse_blob,
    seal_blob,
    seal_data,
    unpack_parts,
)
from opentruth.errors import ValidationError

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
CTX = {"aws:s3:arn": "arn:aws:s3:::bucket/key", "purpose": "test"}


def test_blob_round_trip_and_header() -> None:
    material = generate_key()
    blob = seal_blob(material, KEY_ID, 3, b"secret", CTX)
    parsed = parse_blob(blob)
    assert (parsed.key_id, parsed.key_version) == (KEY_ID, 3)
    assert b"secret" not in blob
    assert open_blob(material, parsed, dict(reversed(list(CTX.items())))) == b"secret"


@given(st.binary(max_size=4096), st.dictionaries(st.text(min_size=1), st.text(), max_size=4))
def test_blob_round_trips_any_plaintext_and_context(plain: bytes, ctx: dict[str, str]) -> None:
    material = generate_key()
    assert open_blob(material, parse_blob(seal_blob(material, KEY_ID, 1, plain, ctx)), ctx) == plain


def test_every_flipped_byte_is_invalid_ciphertext() -> None:
    material = generate_key()
    blob = seal_blob(material, KEY_ID, 1, b"payload", CTX)
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0x01
        with pytest.raises(InvalidCiphertextError):
            open_blob(material, parse_blob(bytes(damaged)), CTX)


def test_wrong_context_wrong_key_and_truncation_are_errors() -> None:
    material = generate_key()
    blob = seal_blob(material, KEY_ID, 1, b"payload", CTX)
    with pytest.raises(InvalidCiphertextError, match="encryption context"):
        open_blob(material, parse_blob(blob), {**CTX, "purpose": "other"})
    with pytest.raises(InvalidCiphertextError):
        open_blob(material, parse_blob(blob), None)
    with pytest.raises(InvalidCiphertextError):
        open_blob(generate_key(), parse_blob(blob), CTX)
    for cut in (0, 1, 5, len(blob) - 17):
        with pytest.raises(InvalidCiphertextError):
            open_blob(material, parse_blob(blob[:cut]), CTX)


def test_the_header_is_authenticated() -> None:
    # Relabelling a blob as another version of the same key must not decrypt under it.
    material = generate_key()
    blob = seal_blob(material, KEY_ID, 1, b"payload", None)
    parsed = parse_blob(blob)
    relabelled = parsed.header[:-1] + b"\x02" + blob[len(parsed.header) :]
    with pytest.raises(InvalidCiphertextError):
        open_blob(material, parse_blob(relabelled), None)


def test_context_is_canonical_and_typed() -> None:
    assert canonical_context({"b": "2", "a": "1"}) == canonical_context({"a": "1", "b": "2"})
    assert canonical_context({}) == canonical_context(None) == b""
    with pytest.raises(ValidationError, match="strings"):
        canonical_context({"a": 1})  # type: ignore[dict-item]


def test_data_envelope() -> None:
    key = generate_key()
    env = seal_data(key, b"object body", b"arn:aws:s3:::b/k")
    assert open_data(key, env, b"arn:aws:s3:::b/k") == b"object body"
    with pytest.raises(InvalidCiphertextError):
        open_data(key, env, b"arn:aws:s3:::b/other")
    with pytest.raises(InvalidCiphertextError):
        open_data(generate_key(), env, b"arn:aws:s3:::b/k")
    with pytest.raises(InvalidCiphertextError):
        open_data(key, env[:10], b"arn:aws:s3:::b/k")


def test_pack_parts_round_trip_and_truncation() -> None:
    packed = pack_parts(b"one", b"", b"three") + b"rest"
    assert unpack_parts(packed, 3) == ([b"one", b"", b"three"], b"rest")
    with pytest.raises(InvalidCiphertextError):
        unpack_parts(packed[:5], 2)
