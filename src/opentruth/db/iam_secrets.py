"""Sealing IAM secrets at rest: AES-256-GCM under a root key kept outside the database.

SigV4 verification recomputes an HMAC with the caller's secret, so the server must be able to
read secrets back; they are therefore encrypted, not hashed. The root key lives outside the
database, so a copy of the database alone (a backup, a dump) reveals no secret:

* ``OPENTRUTH_ROOT_KEY`` (base64 of 32 bytes), when set, wins. Use it when several processes
  share one PostgreSQL database from different machines.
* Otherwise ``DATA/iam-root.key``: created on first use with mode 0600 (owner read/write only),
  and refused if group or others can read it.

Blob layout: ``0x01 | nonce (12 bytes) | ciphertext + tag``. The *context* (for example
``access-key:AKIA…``) is the AES-GCM associated data: a sealed secret copied onto another row
does not open there.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from opentruth.errors import OpenTruthError, ValidationError

ROOT_KEY_ENV = "OPENTRUTH_ROOT_KEY"
ROOT_KEY_FILENAME = "iam-root.key"
_VERSION = b"\x01"
_NONCE = 12


class SecretStoreError(OpenTruthError):
    """The root key is missing, unreadable, too open, or not the one the secrets were sealed with."""


class SecretBox:
    """Seals and opens small secrets with one AES-256-GCM root key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValidationError(f"the IAM root key must be 32 bytes, got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def generate(cls) -> SecretBox:
        """A box with a fresh random key (tests, and the first start)."""
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def load(cls, data_dir: str | Path | None, *, create: bool = True) -> SecretBox:
        """The box of a deployment: ``$OPENTRUTH_ROOT_KEY``, else ``DATA/iam-root.key``."""
        env = os.environ.get(ROOT_KEY_ENV)
        if env:
            try:
                return cls(base64.b64decode(env, validate=True))
            except (binascii.Error, ValueError, ValidationError):
                raise SecretStoreError(
                    f"{ROOT_KEY_ENV} must be the base64 of 32 random bytes "
                    f"(python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())')"
                ) from None
        if data_dir is None:
            raise SecretStoreError(f"no IAM root key: pass --data DIR or set {ROOT_KEY_ENV}")
        return cls.from_file(Path(data_dir) / ROOT_KEY_FILENAME, create=create)

    @classmethod
    def from_file(cls, path: Path, *, create: bool = True) -> SecretBox:
        """Read the key file, creating it (mode 0600, exclusively) when absent and ``create``."""
        if not path.exists():
            if not create:
                raise SecretStoreError(f"IAM root key file {path} does not exist: run `opentruth init`")
            path.parent.mkdir(parents=True, exist_ok=True)
            key = AESGCM.generate_key(bit_length=256)
            try:
                # O_EXCL: two processes starting at once must not each write their own key.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return cls.from_file(path, create=False)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64encode(key) + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            return cls(key)
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretStoreError(
                f"IAM root key file {path} is readable by group or others (mode {stat.filemode(mode)}); "
                f"run: chmod 600 {path}"
            )
        try:
            return cls(base64.b64decode(path.read_bytes().strip(), validate=True))
        except (binascii.Error, ValueError, ValidationError):
            raise SecretStoreError(f"IAM root key file {path} is damaged (not base64 of 32 bytes)") from None

    def seal(self, plaintext: str, context: str) -> bytes:
        """Encrypt ``plaintext`` bound to ``context``."""
        nonce = secrets.token_bytes(_NONCE)
        return (
            _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        )

    def open(self, blob: bytes, context: str) -> str:
        """Decrypt a blob sealed with ``context``; a wrong key or context raises :class:`SecretStoreError`."""
        if len(blob) < 1 + _NONCE + 16 or blob[:1] != _VERSION:
            raise SecretStoreError(f"sealed secret for {context} has an unknown format")
        try:
            plain = self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], context.encode("utf-8"))
        except InvalidTag:
            raise SecretStoreError(
                f"cannot open the sealed secret for {context}: the IAM root key is not the one it was "
                f"sealed with (check {ROOT_KEY_ENV} or {ROOT_KEY_FILENAME} in the data directory)"
            ) from None
        return plain.decode("utf-8")
