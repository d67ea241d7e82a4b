"""Checks on the ARNs written in a policy's Resource element.

Two questions, both about patterns rather than concrete ARNs (a policy's ARNs carry ``*``, ``?``
and ``${...}`` variables):

- :func:`arn_problem`: is this a well-formed ARN (six fields, a known partition and service, a
  plausible region and account)?
- :func:`arn_fits`: can this pattern name a resource of a given resource type, whose ARN
  template comes from the catalogue (``arn:${Partition}:sns:${Region}:${Account}:${TopicName}``)?
  Both sides are wildcard patterns, so this is an intersection test, not a match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opentruth.iam import catalog

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
# ``${...}`` is a policy variable (or template placeholder); ``*`` and ``?`` are wildcards.
_VAR_RE = re.compile(r"\$\{[^}]*\}")

STAR, QMARK = "\ue000", "\ue001"  # private-use stand-ins for the wildcards inside a pattern
# A template placeholder for a name that cannot contain "/" or ":" (a bucket, topic or queue
# name). Without it ``arn:aws:s3:::bucket/*`` would fit the bucket type, hiding the classic
# mistake of granting s3:ListBucket on the objects' ARN instead of the bucket's.
NAME = "\ue002"
_NAME_PLACEHOLDERS = frozenset({"${BucketName}", "${TopicName}", "${QueueName}"})
_STARS = (STAR, NAME)


def _is_pattern(text: str) -> bool:
    return "*" in text or "?" in text or "${" in text


def arn_problem(resource: str) -> str | None:
    """What is wrong with the policy resource ``resource``, in plain words; ``None`` if nothing.

    ``"*"`` is always fine. A field that holds a wildcard or a policy variable is not checked.
    """
    if resource == "*" or resource.startswith("${"):
        return None
    if not resource.startswith("arn:"):
        return f'{resource!r} is not an ARN; write "*" or an ARN such as "arn:aws:s3:::my-bucket/*"'
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return (
            f"{resource!r} has {len(parts)} of the six ARN fields "
            "arn:partition:service:region:account:resource; write every field, using * for the "
            'ones that may vary (e.g. "arn:aws:sqs:*:*:my-queue")'
        )
    _, partition, service, region, account, rest = parts
    if not _is_pattern(partition) and partition not in PARTITIONS:
        return f"unknown partition {partition!r} in {resource!r}; use one of {', '.join(sorted(PARTITIONS))}"
    if not _is_pattern(service):
        known = catalog.arn_services() | catalog.service_prefixes()
        if service not in known:
            hint = " (ARN service names are lower case)" if service.lower() in known else ""
            return f"unknown service {service!r} in ARN {resource!r}{hint}"
    if region and not _is_pattern(region) and not _REGION_RE.match(region):
        return f"{region!r} is not an AWS region (such as us-east-1) in ARN {resource!r}"
    if account and not _is_pattern(account) and account != "aws" and not _ACCOUNT_RE.match(account):
        return f"{account!r} is not a 12-digit account ID in ARN {resource!r}"
    if not rest:
        return f"ARN {resource!r} has an empty resource field; name the resource or use *"
    return None


def _encode(text: str, *, template: bool) -> str:
    """Turn a policy ARN (or a catalogue template) into a glob over private-use wildcards.

    Every ``${...}`` becomes ``*``: for a template it is a name to fill in; for a policy it is a
    variable whose value is unknown here (this over-approximates the escapes ``${*}`` etc., which
    only ever makes a resource fit more often, never produce a false finding).
    """
    text = text.replace(STAR, "").replace(QMARK, "").replace(NAME, "")
    text = _VAR_RE.sub(lambda m: NAME if template and m.group(0) in _NAME_PLACEHOLDERS else STAR, text)
    if not template:
        text = text.replace("*", STAR).replace("?", QMARK)
    return text


@lru_cache(maxsize=65536)
def globs_intersect(a: str, b: str) -> bool:
    """True if some string matches both encoded globs ``a`` and ``b``.

    Dynamic programming over (position in a, position in b): a star may swallow the other side's
    next character or be dropped (a :data:`NAME` star swallows no literal ``/`` or ``:``); two
    single characters agree when either is ``?`` or they are equal. Quadratic in the pattern
    lengths, which are short.
    """
    n, m = len(a), len(b)
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == n and j == m:
            return True
        ca = a[i] if i < n else None
        cb = b[j] if j < m else None
        if ca in _STARS:
            stack.append((i + 1, j))
            if cb is not None and _swallows(ca, cb):
                stack.append((i, j + 1))
        if cb in _STARS:
            stack.append((i, j + 1))
            if ca is not None and _swallows(cb, ca):
                stack.append((i + 1, j))
        if (
            ca is not None
            and cb is not None
            and ca not in _STARS
            and cb not in _STARS
            and (ca in (QMARK, cb) or cb == QMARK)
        ):
            stack.append((i + 1, j + 1))
    return False


def _swallows(star: str, char: str) -> bool:
    """Can ``star`` produce text matching the other side's token ``char``?"""
    return star == STAR or char not in "/:"


def arn_fits(resource: str, template: str) -> bool:
    """True if the policy resource pattern can name a resource with ARN ``template``.

    The first five fields (arn, partition, service, region, account) are compared one by one, so
    that a star in one field cannot swallow the service name of another; the resource field is
    compared as a whole (it may contain ``:`` and ``/``).
    """
    if resource == "*":
        return True
    res = resource.split(":", 5)
    tpl = template.split(":", 5)
    if len(res) < 6 or len(tpl) < 6:
        return False
    return all(
        globs_intersect(_encode(r, template=False), _encode(t, template=True))
        for r, t in zip(res, tpl, strict=True)
    )
