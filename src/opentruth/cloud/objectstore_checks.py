"""Shared input checks for the object-store port: S3's own rules, applied identically by the adapters.

S3 makes these checks on its side (bucket names, tag limits, key length, metadata headers, part
numbers, bucket policies); making them here, before any adapter is called, means every adapter
rejects the same input with the same error, whichever peer is behind the S3 adapter.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence

from opentruth.cloud.objectstore import (
    DEFAULT_MAX_KEYS,
    MAX_PARTS,
    CompletedPart,
    InvalidArgument,
    InvalidBucketName,
    InvalidObjectKey,
    InvalidPartOrder,
    InvalidTag,
    KeyTooLong,
    MalformedPolicy,
)
from opentruth.iam import Policy, PolicyError, parse_policy

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IPV4_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def validate_bucket_name(bucket: str) -> None:
    """Apply S3's general-purpose bucket naming rules; raise :class:`InvalidBucketName`."""
    problem = ""
    if not 3 <= len(bucket) <= 63:
        problem = "it must be 3 to 63 characters long"
    elif not _BUCKET_RE.match(bucket):
        problem = (
            "it may contain only lower-case letters, digits, dots and hyphens, "
            "and must begin and end with a letter or digit"
        )
    elif ".." in bucket or ".-" in bucket or "-." in bucket:
        problem = "it must not contain two adjacent dots or a dot next to a hyphen"
    elif _IPV4_RE.match(bucket):
        problem = "it must not be formatted as an IP address"
    elif bucket.startswith(("xn--", "sthree-", "amzn-s3-demo-")) or bucket.endswith(
        ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
    ):
        problem = "it uses a prefix or suffix that S3 reserves"
    if problem:
        raise InvalidBucketName(f"bucket name {bucket!r} is not valid: {problem}")


def validate_key(key: str) -> None:
    """S3's key rules: non-empty, valid UTF-8, at most 1024 bytes."""
    if not key:
        raise InvalidObjectKey("object key must not be empty")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidObjectKey(
            f"object key {key!r} is not valid UTF-8 (it contains a lone surrogate)"
        ) from None
    if size > 1024:
        raise KeyTooLong(f"object key is {size} bytes of UTF-8; S3 allows at most 1024")


def _tag_chars_ok(text: str) -> bool:
    # AWS tag character set: letters, numbers, separators (spaces) and _ . : / = + - @
    return all(ch in "_.:/=+-@" or unicodedata.category(ch)[0] in "LNZ" for ch in text)


def validate_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """S3's object tag limits; returns a plain copy. Raises :class:`InvalidTag`."""
    if len(tags) > 10:
        raise InvalidTag(f"an object can have at most 10 tags; {len(tags)} were given")
    for k, v in tags.items():
        if not 1 <= len(k) <= 128:
            raise InvalidTag(f"tag key {k!r} must be 1 to 128 characters long")
        if len(v) > 256:
            raise InvalidTag(f"the value of tag {k!r} must be at most 256 characters long")
        if not _tag_chars_ok(k) or not _tag_chars_ok(v):
            raise InvalidTag(f"tag {k!r}={v!r} may contain only letters, digits, spaces and _ . : / = + - @")
        if k.lower().startswith("aws:"):
            raise InvalidTag(f"tag key {k!r} uses the reserved prefix 'aws:'")
    return dict(tags)


_META_KEY_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header token


def validate_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    """User metadata travels as ``x-amz-meta-*`` headers: token keys (lower-cased, as S3 returns
    them), printable ASCII values, at most 2 KB in all. Raises :class:`InvalidArgument`."""
    out: dict[str, str] = {}
    total = 0
    for k, v in metadata.items():
        if not _META_KEY_RE.match(k):
            raise InvalidArgument(
                f"metadata key {k!r} must be a non-empty HTTP header token (letters, digits, -_.)"
            )
        if not all(" " <= ch <= "~" for ch in v):
            raise InvalidArgument(f"the value of metadata key {k!r} must be printable ASCII")
        if v != v.strip():
            raise InvalidArgument(f"the value of metadata key {k!r} must not start or end with white space")
        total += len(k) + len(v)
        out[k.lower()] = v
    if total > 2048:
        raise InvalidArgument(f"user metadata is {total} bytes; S3 allows at most 2 KB")
    return out


def validate_max_keys(max_keys: int | None) -> int:
    """``MaxKeys``: a non-negative integer; S3 never returns more than 1000 per page."""
    if max_keys is None:
        return DEFAULT_MAX_KEYS
    if max_keys < 0:
        raise InvalidArgument(f"max-keys must be >= 0, not {max_keys}")
    return min(max_keys, DEFAULT_MAX_KEYS)


def validate_part_number(part_number: int) -> None:
    """Part numbers run from 1 to 10,000."""
    if not 1 <= part_number <= MAX_PARTS:
        raise InvalidArgument(f"part number must be an integer between 1 and {MAX_PARTS}, not {part_number}")


def validate_completed_parts(parts: Sequence[CompletedPart]) -> None:
    """CompleteMultipartUpload's list: at least one part, in strictly ascending order.

    Checked before the request leaves, because S3 and its look-alikes disagree on repeats.
    """
    if not parts:
        raise InvalidArgument("CompleteMultipartUpload needs at least one part", s3_code="MalformedXML")
    numbers = [p.part_number for p in parts]
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise InvalidPartOrder("the parts must be listed in ascending order of part number, without repeats")


def normalise_etag(etag: str) -> str:
    """An ETag without S3's surrounding quotes."""
    return etag.strip().strip('"')


def validate_bucket_policy(bucket: str, policy: str) -> Policy:
    """Parse a bucket policy as S3 does on PutBucketPolicy; raise :class:`MalformedPolicy`.

    Besides the grammar, a bucket policy is a resource policy: every statement needs a
    ``Principal`` and a ``Resource``, and every resource must lie in this bucket.
    """
    try:
        parsed = parse_policy(policy, name=f"bucket-policy:{bucket}")
    except PolicyError as exc:
        raise MalformedPolicy(f"bucket policy for {bucket!r} is not valid: {exc.message}") from None
    own = (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/")
    for st in parsed.statements:
        where = f"statement {st.sid or st.index}"
        if st.principals is None:
            raise MalformedPolicy(
                f"bucket policy for {bucket!r}: {where} has no Principal; name who it applies to"
            )
        if st.resources is None:
            raise MalformedPolicy(f"bucket policy for {bucket!r}: {where} has no Resource")
        for r in st.resources:
            if r != own[0] and not r.startswith(own[1]):
                raise MalformedPolicy(
                    f"bucket policy for {bucket!r}: {where} names resource {r!r}, "
                    f"which is not in this bucket; use {own[0]!r} or {own[1]}*"
                )
    return parsed
