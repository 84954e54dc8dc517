"""A bound on how many page runs of this process execute at once (the run gate)."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

log = logging.getLogger("warroom")


class RunGate:
    """At most ``slots`` runs at once; a run waits for a slot at most ``wait_s`` seconds.

    Python executes one thread at a time, so fifty page runs started together all progress
    slowly and all finish late; every thread switch also costs CPU caches and lock hand-offs.
    Admitting a few at a time (the rest wait in arrival order) lets runs finish one after
    another and cost less in all. After ``wait_s`` a run goes ahead anyway, so that one long
    run (an import, a large export) delays the others by at most that much.
    """

    def __init__(self, slots: int, wait_s: float) -> None:
        if slots < 1:
            raise ValueError("a run gate needs at least one slot")
        self.slots = slots
        self.wait_s = wait_s
        self._sem = threading.BoundedSemaphore(slots)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.overflows = 0  # runs that went ahead without a slot after waiting wait_s

    def __enter__(self) -> float:
        """Wait for a slot; returns the seconds waited."""
        start = time.monotonic()
        got = self._sem.acquire(timeout=self.wait_s)
        self._local.held = got
        if not got:
            with self._lock:
                self.overflows += 1
                count = self.overflows
            # The process is past what it can serve in time: the operator's cue to add replicas.
            log.warning("run gate: a page run waited %.1f s for one of %d slots and went ahead "
                        "without one (%d so far)", self.wait_s, self.slots, count)
        return time.monotonic() - start

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if getattr(self._local, "held", False):
            self._local.held = False
            self._sem.release()
