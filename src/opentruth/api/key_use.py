"""When each long-term access key last signed a request (IAM's GetAccessKeyLastUsed).

Recording every request would put a database write on the hot path of every call; IAM's own
figure is approximate as well. So each process records a key's use at most once per
``every`` seconds (the first use at once), after its signature was verified. A failed write is
logged and dropped: it is bookkeeping, never a reason to refuse a request.
"""

from __future__ import annotations

import logging
import threading
import time

from opentruth.db.engine import Database
from opentruth.db.repo_iam_keys import record_key_use
from opentruth.db.types import utcnow

logger = logging.getLogger("opentruth.api")


class KeyUse:
    """Throttled recorder of access-key use, one per process."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._noted: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, key_id: str) -> bool:
        """Whether this use of ``key_id`` should be recorded (and, if so, mark it recorded).
        Temporary credentials (``ASIA…``) have no last use in IAM."""
        if not key_id.startswith("AKIA"):
            return False
        now = time.monotonic()
        with self._lock:
            last = self._noted.get(key_id)
            if last is not None and now - last < self.every:
                return False
            if len(self._noted) > 10_000:
                self._noted.clear()
            self._noted[key_id] = now
            return True

    def record(self, db: Database, key_id: str, service: str, region: str) -> None:
        """Write the use (in a worker thread: it is a database write)."""
        try:
            db.run(lambda s: record_key_use(s, key_id, service, region, utcnow()))
        except Exception:
            logger.exception("recording the use of access key %s failed", key_id)
