"""Pacing a background pass so that it never holds the process for long.

``opentruth serve`` runs the worker API and the background steps (consolidation above all) in
one process, and CPython runs one thread's Python at a time. A consolidation pass of a window's
answers is some hundreds of milliseconds of Python (output files, state, metrics); run flat
out, it takes the interpreter lock for that long in slices of the switch interval (5 ms), and
each time the event loop lets go of the lock for a system call (a socket send, a SQLite step)
it waits up to one slice to get it back. A request makes dozens of such calls, so during a
pass a 2 ms loop turned into 50 to 100 ms.

A :class:`Pacer` gives the pass a share of the time instead: after each few milliseconds of
work it sleeps in proportion, and while it sleeps the event loop runs alone. The pass takes
longer in wall time (a window's pass still ends well within the next window) and costs no more
CPU, and the worker API's latency stays flat.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: The share of wall time a paced pass may take while it runs (the rest is left to requests).
DEFAULT_SHARE = 0.5
#: How long a pass runs before it sleeps, in seconds: under the interpreter's switch interval
#: times a few, so the event loop never waits long.
DEFAULT_SLICE = 0.004


class Pacer:
    """Call :meth:`tick` between small units of background work; it sleeps when the work since
    the last sleep took a slice, so that the work takes at most ``share`` of wall time
    (``share=1``: it never sleeps)."""

    def __init__(
        self,
        share: float = DEFAULT_SHARE,
        slice_seconds: float = DEFAULT_SLICE,
        *,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], got {share}")
        self.share = share
        self.slice = slice_seconds
        self._clock = clock
        self._sleep = sleep
        self._since = clock()
        #: Seconds slept so far (for tests and logs).
        self.slept = 0.0

    def tick(self) -> None:
        """Mark the end of a unit of work; sleep if the current slice is used up."""
        if self.share >= 1:
            return
        busy = self._clock() - self._since
        if busy < self.slice:
            return
        pause = busy * (1 - self.share) / self.share
        self._sleep(pause)
        self.slept += pause
        self._since = self._clock()
