"""``s3://bucket/key`` URIs: parsing and the general-purpose bucket naming rules.

The SageMaker model's ``S3Uri`` pattern, ``(https|s3)://([^/]+)/?(.*)``, accepts almost anything
after the scheme. A bucket name that S3 itself would refuse only shows up once a job runs, so
requests are held to S3's own bucket naming rules up front.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_BUCKET_CHARS = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


@dataclass(frozen=True, slots=True)
class S3Uri:
    """A parsed ``s3://bucket/key`` URI; ``key`` may be empty (a bucket or prefix)."""

    bucket: str
    key: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def bucket_name_problem(bucket: str) -> str | None:
    """Why ``bucket`` is not a valid general-purpose bucket name, or None if it is."""
    if not 3 <= len(bucket) <= 63:
        return f"bucket name '{bucket}' must be 3 to 63 characters long"
    if not _BUCKET_CHARS.fullmatch(bucket):
        return (
            f"bucket name '{bucket}' may hold only lowercase letters, digits, '.' and '-', "
            "and must begin and end with a letter or digit"
        )
    if ".." in bucket:
        return f"bucket name '{bucket}' must not contain two adjacent periods"
    try:
        ipaddress.IPv4Address(bucket)
    except ValueError:
        pass
    else:
        return f"bucket name '{bucket}' must not be formatted as an IP address"
    for prefix in _RESERVED_PREFIXES:
        if bucket.startswith(prefix):
            return f"bucket name '{bucket}' must not start with the reserved prefix '{prefix}'"
    for suffix in _RESERVED_SUFFIXES:
        if bucket.endswith(suffix):
            return f"bucket name '{bucket}' must not end with the reserved suffix '{suffix}'"
    return None


def parse_s3_uri(uri: str, *, need_key: bool) -> S3Uri:
    """Parse ``uri`` as ``s3://bucket[/key]``.

    Raises :class:`ValueError` with a message that says what is wrong: another scheme, a bad
    bucket name, or (with ``need_key``) no object key.
    """
    if not uri.startswith("s3://"):
        raise ValueError(f"'{uri}' is not an S3 URI; write it as s3://bucket/key")
    bucket, _, key = uri[len("s3://") :].partition("/")
    problem = bucket_name_problem(bucket)
    if problem:
        raise ValueError(f"'{uri}': {problem}")
    if need_key and (not key or key.endswith("/")):
        raise ValueError(f"'{uri}' names no object; give the full key of the file, s3://{bucket}/path/file")
    return S3Uri(bucket=bucket, key=key)
