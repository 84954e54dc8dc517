"""A bound on how many page runs of this process execute at once (the run gate)."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from types import TracebackType

log = logging.getLogger("warroom")


class RunGate:
    """At most ``slots`` runs at once; a run waits for a slot at most ``wait_s`` seconds.

    Python executes one thread at a time, so fifty page runs started together all progress
    slowly and all finish late; every thread switch also costs CPU caches and lock hand-offs.
    Admitting a few at a time lets runs finish one after another and cost less in all.
    Waiting runs are admitted strictly in arrival order: a freed slot is handed to the oldest
    waiter, never taken by a run that arrives just then. After ``wait_s`` a run goes ahead
    anyway, so that one long run (an import, a large export) delays the others by at most that.
    """

    def __init__(self, slots: int, wait_s: float) -> None:
        if slots < 1:
            raise ValueError("a run gate needs at least one slot")
        self.slots = slots
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._free = slots
        self._waiting: deque[threading.Event] = deque()
        self._local = threading.local()
        self.overflows = 0  # runs that went ahead without a slot after waiting wait_s

    def __enter__(self) -> float:
        """Wait for a slot; returns the seconds waited."""
        start = time.monotonic()
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                self._local.held = True
                return 0.0
            ticket = threading.Event()
            self._waiting.append(ticket)
        ticket.wait(self.wait_s)
        with self._lock:
            # A slot handed over just as the wait timed out is still this run's.
            held = ticket.is_set()
            if not held:
                self._waiting.remove(ticket)
                self.overflows += 1
                count = self.overflows
        self._local.held = held
        if not held:
            # The process is past what it can serve in time: the operator's cue to add replicas.
            log.warning("run gate: a page run waited %.1f s for one of %d slots and went ahead "
                        "without one (%d so far)", self.wait_s, self.slots, count)
        return time.monotonic() - start

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not getattr(self._local, "held", False):
            return
        self._local.held = False
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes straight to the oldest waiter
            else:
                self._free += 1
