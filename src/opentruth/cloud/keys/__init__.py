"""KMS keys: the port that SSE-KMS and the KMS API use, and the embedded adapter.

The package: :mod:`~opentruth.cloud.keys.port` (the port, its types and errors),
:mod:`~opentruth.cloud.keys.policy` (key policies and grant constraints),
:mod:`~opentruth.cloud.keys.registry` (keys, rotation and aliases on the database) and
:mod:`~opentruth.cloud.keys.embedded` (the adapter: cryptography and grants).

:class:`KeyManager` is what the rest of opentruth needs from KMS (data keys for SSE-KMS, grants
for job volumes, resolving a key id for a job or a topic). :class:`EmbeddedKeyManager` serves it,
and the whole KMS API subset, from the database: key material is AES-256 from ``cryptography``,
sealed under the deployment's root key (see :mod:`opentruth.db.repo_kms`), and ciphertexts are
the self-describing blobs of :mod:`opentruth.cloud.crypto`.

**Authorisation, as KMS does it** (KMS Developer Guide, "key policies", "grants"):

- The key policy is the resource policy of every decision, and it is *authoritative*: identity
  policies count only when the key policy delegates to the account (``Principal: {"AWS":
  "arn:aws:iam::<acct>:root"}``), which the default key policy does. The IAM engine implements
  this rule for ``kms:`` actions on ``arn:aws:kms:`` resources.
- A grant is a separate allow path: its grantee may perform the granted operations (within its
  encryption-context constraints) even where no policy allows them. An explicit deny in any
  policy still wins over a grant.
- Request keys: ``kms:CallerAccount``; ``kms:EncryptionContext:<k>`` and
  ``kms:EncryptionContextKeys`` when the request has a context; ``kms:ViaService`` when another
  service (S3 for SSE-KMS) calls on the principal's behalf; ``kms:RequestAlias`` when the key was
  named by an alias; the ``kms:Grant*`` keys on CreateGrant; ``kms:ReEncryptOnSameKey``.

Whoever calls is a :class:`KmsPrincipal`: a job's :class:`~opentruth.cloud.session.RoleSession`
fits as it is, and :class:`CallerPrincipal` adapts an API caller.
"""

from __future__ import annotations

from opentruth.cloud.keys.embedded import EmbeddedKeyManager
from opentruth.cloud.keys.policy import default_key_policy
from opentruth.cloud.keys.port import (
    GRANT_OPERATIONS,
    CallerPrincipal,
    DataKey,
    Decrypted,
    DisabledKeyError,
    IncorrectKeyError,
    KeyManager,
    KeyMetadata,
    KmsPrincipal,
    MalformedKeyPolicyError,
)
from opentruth.db.repo_kms import KeyNotFoundError

__all__ = [
    "GRANT_OPERATIONS",
    "CallerPrincipal",
    "DataKey",
    "Decrypted",
    "DisabledKeyError",
    "EmbeddedKeyManager",
    "IncorrectKeyError",
    "KeyManager",
    "KeyMetadata",
    "KeyNotFoundError",
    "KmsPrincipal",
    "MalformedKeyPolicyError",
    "default_key_policy",
]
