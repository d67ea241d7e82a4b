"""ListObjectsV2 paging checked against a naive model of S3's semantics."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opentruth.cloud.listing import Cursor, decode_token, encode_token, paginate
from opentruth.cloud.objectstore import InvalidArgument


def model(
    keys: list[str], prefix: str, delimiter: str | None, start_after: str | None
) -> list[tuple[str, bool]]:
    """Every entry S3 would list, in order: (key, False) or (common prefix, True)."""
    out: list[tuple[str, bool]] = []
    for k in sorted(set(keys)):
        if not k.startswith(prefix) or (start_after is not None and k <= start_after):
            continue
        i = k.find(delimiter, len(prefix)) if delimiter else -1
        entry = (k[: i + len(delimiter)], True) if delimiter and i >= 0 else (k, False)
        if entry[1] and out and out[-1] == entry:
            continue
        out.append(entry)
    # A common prefix is listed when any key under it comes after start_after, even if the
    # prefix itself sorts before it, as S3 does.
    return out


def flat_walk(keys: list[str]) -> Callable[[Cursor], Iterator[tuple[str, None]]]:
    def walk(cursor: Cursor) -> Iterator[tuple[str, None]]:
        for k in sorted(set(keys)):
            if cursor.wants_key(k):
                yield k, None

    return walk


def all_pages(
    keys: list[str], prefix: str, delimiter: str | None, max_keys: int, start_after: str | None
) -> list[tuple[str, bool]]:
    walk = flat_walk(keys)
    token: str | None = None
    seen: list[tuple[str, bool]] = []
    for _ in range(1000):
        page = paginate(
            walk,
            prefix=prefix, delimiter=delimiter, max_keys=max_keys,
            continuation_token=token, start_after=start_after,
        )  # fmt: skip
        entries = [(k, False) for k, _ in page.items] + [(p, True) for p in page.common_prefixes]
        assert len(entries) <= max_keys
        seen += sorted(entries)
        if not page.is_truncated:
            assert page.next_token is None
            return seen
        assert page.next_token is not None
        token = page.next_token
    raise AssertionError("pagination did not end")


KEYS = st.lists(st.text(alphabet="ab/-.é", min_size=1, max_size=6), max_size=25)


@settings(max_examples=300, deadline=None)
@given(
    keys=KEYS,
    prefix=st.sampled_from(["", "a", "a/", "b/a", "é"]),
    delimiter=st.sampled_from([None, "/", "-", "a/"]),
    max_keys=st.integers(min_value=1, max_value=5),
    start_after=st.one_of(st.none(), st.text(alphabet="ab/", max_size=3)),
)
def test_pages_concatenate_to_the_model(
    keys: list[str], prefix: str, delimiter: str | None, max_keys: int, start_after: str | None
) -> None:
    assert all_pages(keys, prefix, delimiter, max_keys, start_after or None) == model(
        keys, prefix, delimiter, start_after or None
    )


def test_token_round_trip() -> None:
    for last, is_prefix in [("a/b", False), ("dir/", True), ("日本", False)]:
        assert decode_token(encode_token(last, is_prefix)) == (last, is_prefix)


@pytest.mark.parametrize("token", ["", "not base64!", "eA=="])
def test_foreign_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidArgument, match="continuation token"):
        decode_token(token)


def test_cursor_prunes_folders() -> None:
    c = Cursor(prefix="a/", after="a/m", skip_prefix="a/x/")
    assert not c.wants_folder("b/")  # outside the prefix
    assert not c.wants_folder("a/c/")  # wholly before the resume point
    assert c.wants_folder("a/m/")  # "a/m/..." sorts after the resume point "a/m"
    assert c.wants_folder("a/z/")
    assert not c.wants_folder("a/x/")  # already rolled into a common prefix
    assert c.wants_folder("")  # the bucket root contains the prefix
