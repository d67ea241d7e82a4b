"""The parsed bucket policies of an object store, cached by their text.

Both the S3 API (:mod:`opentruth.api.s3.access`) and a job's authorised store
(:mod:`opentruth.cloud.authorized_store`) decide requests against a bucket's policy on every
call; the policy is read each time (another process may have changed it) but parsed only when
its text changed.
"""

from __future__ import annotations

import threading

from opentruth.cloud.objectstore import MalformedPolicy, NoSuchBucket, ObjectStore
from opentruth.iam import NamedPolicy, PolicyError, parse_policy


class BucketPolicies:
    """``policy(bucket)``: the bucket's parsed policy, or ``None`` when it has none."""

    def __init__(self, store: ObjectStore, *, max_cached: int = 256) -> None:
        self.store = store
        self._max = max_cached
        self._parsed: dict[tuple[str, str], NamedPolicy] = {}
        self._lock = threading.Lock()

    def policy(self, bucket: str) -> NamedPolicy | None:
        """Raises :class:`MalformedPolicy` when the stored text does not parse; a missing bucket
        has no policy (the operation itself reports it once authorised)."""
        try:
            text = self.store.get_bucket_policy(bucket)
        except NoSuchBucket:
            return None
        if text is None:
            return None
        with self._lock:
            hit = self._parsed.get((bucket, text))
        if hit is not None:
            return hit
        name = f"bucket-policy:{bucket}"
        try:
            named = NamedPolicy(name, parse_policy(text, name=name))
        except PolicyError as exc:
            raise MalformedPolicy(f"the policy of bucket {bucket!r} does not parse: {exc.message}") from None
        with self._lock:
            if len(self._parsed) >= self._max:
                self._parsed.clear()
            # Keyed by the text: a changed policy is parsed again, an unchanged one never.
            self._parsed[(bucket, text)] = named
        return named
