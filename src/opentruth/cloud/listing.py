"""ListObjectsV2 paging over a lazily sorted key source.

S3 lists keys in UTF-8 binary order (the same as Python's code-point order), rolls keys that
contain the delimiter after the prefix into ``CommonPrefixes``, counts keys and prefixes
together against ``MaxKeys``, and hands back an opaque continuation token.

The embedded store produces its keys lazily from a directory walk. To page through a bucket of
100,000 objects without reading all of them for every page, the walk consults a
:class:`Cursor` while it runs: it skips whole folders that sort before the resume point, and
whole folders that have already been rolled into a common prefix.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from opentruth.cloud.objectstore import InvalidArgument

T = TypeVar("T")


class Cursor:
    """What the walk may skip: keys ``<= after``, and keys starting with ``skip_prefix``.

    ``prefix`` is the listing's prefix; a walk need not produce keys outside it.
    """

    __slots__ = ("after", "prefix", "skip_prefix")

    def __init__(self, prefix: str, after: str | None, skip_prefix: str | None) -> None:
        self.prefix = prefix
        self.after = after
        self.skip_prefix = skip_prefix

    def wants_key(self, key: str) -> bool:
        """Whether ``key`` may appear on the page."""
        if not key.startswith(self.prefix):
            return False
        if self.after is not None and key <= self.after:
            return False
        return not (self.skip_prefix and key.startswith(self.skip_prefix))

    def wants_folder(self, folder: str) -> bool:
        """Whether any key starting with ``folder`` (e.g. ``a/b/``) may appear on the page."""
        if not (folder.startswith(self.prefix) or self.prefix.startswith(folder)):
            return False
        if self.skip_prefix and folder.startswith(self.skip_prefix):
            return False
        # Every key under `folder` sorts before `after` when folder < after and `after` does not
        # itself lie under `folder`: the two strings differ within len(folder).
        return not (self.after is not None and folder < self.after and not self.after.startswith(folder))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page: (key, item) pairs in key order, common prefixes, truncation and next token."""

    items: list[tuple[str, T]]
    common_prefixes: list[str]
    is_truncated: bool
    next_token: str | None


def encode_token(last: str, is_prefix: bool) -> str:
    """An opaque continuation token naming the last key or common prefix returned."""
    raw = ("p" if is_prefix else "k") + last
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> tuple[str, bool]:
    """The (last, is_prefix) pair in ``token``; :class:`InvalidArgument` if it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raw = ""
    if not raw or raw[0] not in "pk":
        raise InvalidArgument(
            "the continuation token provided is incorrect; pass the NextContinuationToken as is"
        )
    return raw[1:], raw[0] == "p"


def paginate(
    walk: Callable[[Cursor], Iterator[tuple[str, T]]],
    *,
    prefix: str,
    delimiter: str | None,
    max_keys: int,
    continuation_token: str | None,
    start_after: str | None,
) -> Page[T]:
    """Build one ListObjectsV2 page from ``walk``, which yields (key, item) in key order.

    ``walk`` receives a :class:`Cursor` that this function updates while it consumes keys;
    the walk should re-check it before descending into a folder.
    """
    after = start_after or None
    skip: str | None = None
    if continuation_token is not None:
        # As in S3, a continuation token overrides StartAfter.
        last, was_prefix = decode_token(continuation_token)
        after = last
        skip = last if was_prefix else None
    cursor = Cursor(prefix, after, skip)

    items: list[tuple[str, T]] = []
    prefixes: list[str] = []
    last_entry: tuple[str, bool] | None = None
    truncated = False
    for key, item in walk(cursor):
        if not cursor.wants_key(key):
            continue
        common: str | None = None
        if delimiter:
            i = key.find(delimiter, len(prefix))
            if i >= 0:
                common = key[: i + len(delimiter)]
        if len(items) + len(prefixes) >= max_keys:
            truncated = True
            break
        if common is not None:
            prefixes.append(common)
            last_entry = (common, True)
            # Everything else under this common prefix is already represented by it.
            cursor.skip_prefix = common
        else:
            items.append((key, item))
            last_entry = (key, False)
    token = encode_token(*last_entry) if truncated and last_entry is not None else None
    return Page(items, prefixes, truncated, token)
