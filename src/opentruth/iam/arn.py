"""Amazon Resource Names: parsing and the small helpers the engine needs.

An ARN is ``arn:partition:service:region:account:resource``. The resource part may itself
contain ``:`` and ``/`` (``log-group:/aws/x:log-stream:y``), so it is everything after the fifth
colon. S3 and IAM ARNs keep the region (and for S3 the account) segment empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed ARN. Fields keep their original case: ARNs compare case-sensitively."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """The leading word of the resource part: ``role`` in ``role/R``, ``log-group`` in
        ``log-group:/x``. S3 ARNs have no type word, so this is the bucket name for them."""
        for i, ch in enumerate(self.resource):
            if ch in "/:":
                return self.resource[:i]
        return ""


@lru_cache(maxsize=8192)
def parse_arn(text: str) -> Arn | None:
    """Parse ``text`` as an ARN; ``None`` if it is not one (fewer than six segments).

    Memoised: requests name the same principals and resources over and over. The result is
    shared, so treat it as read-only, like every parsed value here."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def account_of(principal: str) -> str | None:
    """The account of an IAM/STS principal ARN, or ``None`` for a service principal."""
    arn = parse_arn(principal)
    if arn is None or not arn.account:
        return None
    return arn.account


def role_arn_of_session(principal: str) -> str | None:
    """``arn:aws:iam::A:role/R`` for the session ``arn:aws:sts::A:assumed-role/R/S``.

    Role ARNs in policies name the role without the session; the session ARN carries the role
    name only (never the role's path), so a policy naming ``role/R`` matches every session of R.
    """
    arn = parse_arn(principal)
    if arn is None or arn.service != "sts" or not arn.resource.startswith("assumed-role/"):
        return None
    rest = arn.resource[len("assumed-role/") :]
    name, sep, _session = rest.partition("/")
    if not sep or not name:
        return None
    return f"arn:{arn.partition}:iam::{arn.account}:role/{name}"
