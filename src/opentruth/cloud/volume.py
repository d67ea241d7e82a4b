"""A labeling job's working folder (its "ML storage volume"), encrypted with ``VolumeKmsKeyId``.

Ground Truth encrypts the storage volumes of automated labeling's training and inference with
``LabelingJobResourceConfig.VolumeKmsKeyId``: the service creates a KMS *grant* on the key for
the volume, which is why the execution role needs ``kms:CreateGrant`` (with
``kms:GrantIsForAWSResource``) rather than ``kms:Encrypt``/``kms:Decrypt``.

opentruth's equivalent of the volume is the folder ``DATA/jobs/<job name>/`` holding whatever
a job keeps for itself on the server (cached task payloads today; training and inference
artefacts of automated labeling should go through :meth:`JobVolume.write` too). With a key:

1. :meth:`JobVolume.attach` creates a grant through the role session (``kms:CreateGrant``
   decided by the key policy and IAM, ``kms:GrantIsForAWSResource`` = ``true``) whose grantee is
   the execution role, for ``GenerateDataKey`` and ``Decrypt``, constrained to the encryption
   context ``opentruth:volume`` = the job ARN. Re-attaching reuses the grant (same name).
2. Each file gets a fresh data key (allowed through that grant, so a role that may only
   CreateGrant still works, as on AWS) and is stored as
   ``OTVOL\\x01 | u32 len | data-key blob | 0x01 | nonce | ct+tag``, with the file's name in the
   associated data: the bytes on disk are ciphertext, and a file moved to another name fails.

Without a key the files are written as they are.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from opentruth.cloud.crypto import InvalidCiphertextError, open_data, pack_parts, seal_data, unpack_parts
from opentruth.cloud.keys import KeyManager, KmsPrincipal
from opentruth.errors import ValidationError

MAGIC = b"OTVOL\x01"
CONTEXT_KEY = "opentruth:volume"
VOLUME_OPERATIONS = ("GenerateDataKey", "Decrypt")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}$")
_JOB = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")


class GrantingPrincipal(KmsPrincipal, Protocol):
    """A principal that also names the role it acts for (a job's role session)."""

    @property
    def role_arn(self) -> str: ...


class JobVolume:
    """``DATA/jobs/<job>/``: a job's own files, sealed under its volume key when it has one."""

    def __init__(
        self,
        root: Path,
        job_arn: str,
        *,
        keys: KeyManager | None = None,
        principal: KmsPrincipal | None = None,
        kms_key: str | None = None,
    ) -> None:
        if kms_key and (keys is None or principal is None):
            raise ValueError("an encrypted volume needs a key manager and a principal")
        self.root = root
        self.job_arn = job_arn
        self.keys = keys
        self.principal = principal
        self.kms_key = kms_key or None

    @classmethod
    def attach(
        cls,
        work_dir: Path,
        job_name: str,
        job_arn: str,
        *,
        keys: KeyManager | None = None,
        session: GrantingPrincipal | None = None,
        kms_key: str | None = None,
    ) -> JobVolume:
        """The job's volume; with ``kms_key``, first the grant (``kms:CreateGrant`` by the role)."""
        if not _JOB.match(job_name):
            raise ValidationError(f"labeling job name {job_name!r} cannot name a volume folder")
        if kms_key:
            if keys is None or session is None:
                raise ValidationError("VolumeKmsKeyId is set but opentruth has no key manager; configure KMS")
            keys.create_grant(
                session,
                kms_key,
                grantee=session.role_arn,
                operations=list(VOLUME_OPERATIONS),
                name=f"opentruth-volume-{job_name}",
                constraints={"EncryptionContextSubset": {CONTEXT_KEY: job_arn}},
                for_aws_resource=True,
            )
        return cls(work_dir / job_name, job_arn, keys=keys, principal=session, kms_key=kms_key)

    @property
    def encrypted(self) -> bool:
        return self.kms_key is not None

    def path(self, name: str) -> Path:
        """The file of ``name`` (``a/b.json``); unsafe names are refused."""
        if not _NAME.match(name) or ".." in name.split("/"):
            raise ValidationError(
                f"volume file name {name!r} must be up to 8 segments of letters, digits, '.', '_', '-'"
            )
        return self.root / name

    def _context(self, name: str) -> dict[str, str]:
        return {CONTEXT_KEY: self.job_arn, "opentruth:file": name}

    def write(self, name: str, data: bytes) -> Path:
        """Write a file atomically (sealed under a fresh data key on an encrypted volume)."""
        path = self.path(name)
        body = data
        if self.kms_key is not None:
            assert self.keys is not None and self.principal is not None
            dk = self.keys.generate_data_key(self.principal, self.kms_key, self._context(name))
            body = MAGIC + pack_parts(dk.ciphertext) + seal_data(dk.plaintext, data, name.encode())
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def read(self, name: str) -> bytes:
        """Read a file back (decrypting it through the grant on an encrypted volume)."""
        stored = self.path(name).read_bytes()
        if self.kms_key is None:
            return stored
        assert self.keys is not None and self.principal is not None
        if not stored.startswith(MAGIC):
            raise InvalidCiphertextError(f"volume file {name} is not an encrypted volume file")
        (blob,), sealed = unpack_parts(stored[len(MAGIC) :], 1)
        dk = self.keys.decrypt(self.principal, blob, self._context(name))
        return open_data(dk.plaintext, sealed, name.encode())
