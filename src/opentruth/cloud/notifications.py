"""S3 event notifications: the store publishes ``ObjectCreated`` events as S3 does.

:class:`NotifyingObjectStore` wraps any :class:`~opentruth.cloud.objectstore.ObjectStore`. After
a successful PutObject, CopyObject or CompleteMultipartUpload it asks the notifier (the SNS
topics, :class:`opentruth.cloud.topics.DatabaseTopics`) to publish an S3 event to every topic the
bucket's notification configuration selects. So objects written by the S3 API, by the CLI and by
jobs themselves all notify, which is what streaming jobs fed by S3 events rely on.

A failed notification never fails the write (S3 delivers events asynchronously and does not
undo a PutObject when a topic refuses). Whether a bucket has a configuration is cached for a
couple of seconds, so a bucket without one costs nothing per write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from opentruth.cloud.objectstore import Body, CompletedPart, ObjectStore, PutResult

logger = logging.getLogger("opentruth.notifications")

_TTL = 2.0


class BucketNotifier(Protocol):
    """Keeps bucket notification configurations and publishes events (SNS topics do)."""

    def put_bucket_notification(self, bucket: str, configuration: Mapping[str, Any]) -> None: ...
    def get_bucket_notification(self, bucket: str) -> dict[str, Any]: ...
    def notify_object_created(
        self, bucket: str, key: str, *, size: int, etag: str, event_name: str = "ObjectCreated:Put"
    ) -> int: ...


class NotifyingObjectStore:
    """An object store that publishes S3 ``ObjectCreated`` events; everything else delegates."""

    def __init__(self, store: ObjectStore, notifier: BucketNotifier | None = None) -> None:
        self._store = store
        self.notifier = notifier
        self._configured: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @property
    def inner(self) -> ObjectStore:
        """The wrapped store."""
        return self._store

    # ------------------------------------------------------------------ configuration

    def put_bucket_notification(self, bucket: str, configuration: Mapping[str, Any]) -> None:
        """Store the bucket's configuration (S3's PutBucketNotificationConfiguration)."""
        if self.notifier is None:
            raise RuntimeError("no notifier: bucket notifications need the SNS topics")
        self._store.head_bucket(bucket)  # NoSuchBucket, as S3 answers
        self.notifier.put_bucket_notification(bucket, configuration)
        with self._lock:
            self._configured.pop(bucket, None)

    def get_bucket_notification(self, bucket: str) -> dict[str, Any]:
        """The bucket's configuration (empty when it has none)."""
        self._store.head_bucket(bucket)
        return {} if self.notifier is None else self.notifier.get_bucket_notification(bucket)

    def _has_configuration(self, bucket: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hit = self._configured.get(bucket)
        if hit is not None and hit[0] > now:
            return hit[1]
        assert self.notifier is not None
        found = bool(self.notifier.get_bucket_notification(bucket).get("TopicConfigurations"))
        with self._lock:
            self._configured[bucket] = (now + _TTL, found)
        return found

    def _notify(self, bucket: str, key: str, event_name: str) -> None:
        if self.notifier is None:
            return
        try:
            if not self._has_configuration(bucket):
                return
            info = self._store.head_object(bucket, key)
            self.notifier.notify_object_created(
                bucket, key, size=info.size, etag=info.etag, event_name=event_name
            )
        except Exception:  # a notification must never undo or fail the write
            logger.exception("could not publish the S3 event of s3://%s/%s", bucket, key)

    # ------------------------------------------------------------------ writes that notify

    def put_object(
        self,
        bucket: str,
        key: str,
        body: Body,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PutResult:
        result = self._store.put_object(
            bucket, key, body, content_type=content_type, metadata=metadata, tags=tags
        )
        self._notify(bucket, key, "ObjectCreated:Put")
        return result

    def copy_object(
        self,
        src_bucket: str,
        src_key: str,
        bucket: str,
        key: str,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PutResult:
        result = self._store.copy_object(
            src_bucket, src_key, bucket, key, content_type=content_type, metadata=metadata, tags=tags
        )
        self._notify(bucket, key, "ObjectCreated:Copy")
        return result

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> PutResult:
        result = self._store.complete_multipart_upload(bucket, key, upload_id, parts)
        self._notify(bucket, key, "ObjectCreated:CompleteMultipartUpload")
        return result
