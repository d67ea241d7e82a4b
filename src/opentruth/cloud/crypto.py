"""AES-256-GCM envelopes: KMS ciphertext blobs and data-key sealed payloads.

Two formats, both versioned and self-describing:

**KMS ciphertext blob** (what Encrypt and GenerateDataKey return as ``CiphertextBlob``)::

    0x01 | len(key id) (1 byte) | key id (ASCII) | key version (4 bytes, big-endian) | nonce (12) | ct+tag

The header (everything before the nonce) *and* the canonical encryption context are the AES-GCM
associated data. So a blob decrypts only under the key version that the header names, with
exactly the context it was made with; editing the header (to point at another key or version),
any ciphertext byte, or the context makes the tag check fail, which is reported as
:class:`InvalidCiphertextError`, never as garbage plaintext. Rotation keeps old versions, so old
blobs still name (and open under) the version that sealed them.

**Data envelope** (what a data key seals: an SSE-KMS object, a volume file)::

    0x01 | nonce (12) | ct+tag          (associated data: chosen by the caller, e.g. the object ARN)

Nonces are random 96-bit values. A fresh data key per object keeps every key far below the
~2^32 messages that random GCM nonces allow (stack spec, section 1.7).
"""

from __future__ import annotations

import json
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from opentruth.errors import ValidationError

BLOB_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
_MAX_KEY_ID = 255

#: An encryption context: string keys and values (KMS's ``EncryptionContext``).
EncryptionContext = Mapping[str, str]


class InvalidCiphertextError(ValidationError):
    """A ciphertext that is damaged, not ours, or opened with the wrong key or context."""

    aws_code = "InvalidCiphertextException"
    http_status = 400


def generate_key() -> bytes:
    """A new random 256-bit AES key (key material or a data key)."""
    return AESGCM.generate_key(bit_length=256)


def canonical_context(context: EncryptionContext | None) -> bytes:
    """The encryption context as associated data: JSON with sorted keys, no spaces, UTF-8.

    Order-independent, so ``{"a": "1", "b": "2"}`` and ``{"b": "2", "a": "1"}`` are the same
    context, as in KMS; an empty or absent context is the empty byte string.
    """
    if not context:
        return b""
    for k, v in context.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValidationError("EncryptionContext keys and values must be strings")
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class BlobHeader:
    """The parsed header of a KMS ciphertext blob."""

    key_id: str
    key_version: int
    header: bytes  # the raw header bytes (part of the associated data)
    nonce: bytes
    sealed: bytes  # ciphertext + tag


def _header(key_id: str, key_version: int) -> bytes:
    raw = key_id.encode("ascii")
    if not 0 < len(raw) <= _MAX_KEY_ID:
        raise ValidationError(f"key id {key_id!r} must be 1 to {_MAX_KEY_ID} ASCII characters")
    return bytes([BLOB_VERSION, len(raw)]) + raw + struct.pack(">I", key_version)


def seal_blob(
    material: bytes, key_id: str, key_version: int, plaintext: bytes, context: EncryptionContext | None
) -> bytes:
    """Encrypt ``plaintext`` under one version of a KMS key into a self-describing blob."""
    header = _header(key_id, key_version)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(material).encrypt(nonce, plaintext, header + canonical_context(context))
    return header + nonce + sealed


def parse_blob(blob: bytes) -> BlobHeader:
    """Read a blob's header (no decryption); a malformed blob is :class:`InvalidCiphertextError`."""
    bad = InvalidCiphertextError(
        "The ciphertext is not a valid opentruth KMS ciphertext blob (damaged, truncated or "
        "from another system)"
    )
    if len(blob) < 2 or blob[0] != BLOB_VERSION:
        raise bad
    n = blob[1]
    end = 2 + n + 4
    if n == 0 or len(blob) < end + NONCE_BYTES + TAG_BYTES:
        raise bad
    try:
        key_id = blob[2 : 2 + n].decode("ascii")
    except UnicodeDecodeError:
        raise bad from None
    (version,) = struct.unpack(">I", blob[2 + n : end])
    return BlobHeader(key_id, version, blob[:end], blob[end : end + NONCE_BYTES], blob[end + NONCE_BYTES :])


def open_blob(material: bytes, parsed: BlobHeader, context: EncryptionContext | None) -> bytes:
    """Decrypt a parsed blob with its key version's material and the caller's context."""
    try:
        return AESGCM(material).decrypt(
            parsed.nonce, parsed.sealed, parsed.header + canonical_context(context)
        )
    except InvalidTag:
        raise InvalidCiphertextError(
            "The ciphertext does not decrypt: it was altered, or the encryption context differs "
            "from the one it was encrypted with"
        ) from None


def seal_data(data_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt a payload with a data key: ``0x01 | nonce | ct+tag``."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return bytes([BLOB_VERSION]) + nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)


def open_data(data_key: bytes, envelope: bytes, aad: bytes) -> bytes:
    """Decrypt :func:`seal_data`'s output; anything wrong is :class:`InvalidCiphertextError`."""
    if len(envelope) < 1 + NONCE_BYTES + TAG_BYTES or envelope[0] != BLOB_VERSION:
        raise InvalidCiphertextError("the encrypted payload is damaged or truncated")
    try:
        return AESGCM(data_key).decrypt(envelope[1 : 1 + NONCE_BYTES], envelope[1 + NONCE_BYTES :], aad)
    except InvalidTag:
        raise InvalidCiphertextError(
            "the encrypted payload does not decrypt: it was altered, moved, or sealed with another key"
        ) from None


def pack_parts(*parts: bytes) -> bytes:
    """Length-prefixed concatenation (4-byte big-endian lengths), for file envelopes."""
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def unpack_parts(data: bytes, count: int) -> tuple[list[bytes], bytes]:
    """Read ``count`` length-prefixed parts; return them and the rest of ``data``."""
    out: list[bytes] = []
    pos = 0
    for _ in range(count):
        if pos + 4 > len(data):
            raise InvalidCiphertextError("the encrypted file is truncated")
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        pos += 4
        if pos + n > len(data):
            raise InvalidCiphertextError("the encrypted file is truncated")
        out.append(data[pos : pos + n])
        pos += n
    return out, data[pos:]
