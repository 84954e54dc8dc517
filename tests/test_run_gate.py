"""The run gate: how many page runs execute at once, and how long one waits for a slot."""

from __future__ import annotations

import os
import threading
import time

import pytest

from components.gate import RunGate
from data import config


def test_gate_admits_at_most_its_slots_and_the_rest_in_turn():
    gate = RunGate(2, wait_s=30)
    running, peak, order = [0], [0], []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def run(i: int) -> None:
        start.wait()
        with gate:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
                order.append(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert sorted(order) == list(range(6))
    assert peak[0] == 2
    assert gate.overflows == 0


def test_a_freed_slot_goes_to_the_oldest_waiter_not_to_a_newcomer():
    """Waiting runs are admitted in arrival order: a run arriving just as a slot frees up
    queues behind those already waiting (a plain semaphore would let it take the slot)."""
    gate = RunGate(1, wait_s=30)
    order: list[str] = []

    def waiter(name: str) -> None:
        with gate:
            order.append(name)

    gate.__enter__()  # this thread holds the one slot
    waiters = []
    for name in ("first", "second"):
        th = threading.Thread(target=waiter, args=(name,))
        th.start()
        waiters.append(th)
        deadline = time.monotonic() + 5
        while len(gate._waiting) < len(waiters) and time.monotonic() < deadline:
            time.sleep(0.005)
    gate.__exit__(None, None, None)  # free the slot ...
    with gate:  # ... and arrive again at once
        order.append("newcomer")
    for th in waiters:
        th.join(5)
    assert order == ["first", "second", "newcomer"]
    assert gate.overflows == 0


def test_a_run_waits_at_most_wait_s_then_goes_ahead(caplog):
    gate = RunGate(1, wait_s=0.2)
    release = threading.Event()
    entered = threading.Event()

    def long_run() -> None:
        with gate:
            entered.set()
            release.wait(10)

    th = threading.Thread(target=long_run)
    th.start()
    entered.wait(5)
    with gate as waited:
        assert 0.15 <= waited < 2
    assert gate.overflows == 1
    assert any("went ahead without one (1 so far)" in r.getMessage() for r in caplog.records)
    release.set()
    th.join(5)
    # The overflowing run held no slot, so the one slot is free again: no wait now.
    with gate as waited:
        assert waited < 0.1


def test_a_failing_run_gives_its_slot_back():
    gate = RunGate(1, wait_s=5)
    with pytest.raises(RuntimeError), gate:
        raise RuntimeError("the page failed")
    with gate as waited:
        assert waited < 0.1


def test_gate_needs_a_slot():
    with pytest.raises(ValueError):
        RunGate(0, wait_s=1)


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("3", 3), ("1", 1), ("0", None),
                                                ("-2", None), ("two", None)])
def test_run_slots_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("WARROOM_RUN_SLOTS", raw)
    default = max(2, os.cpu_count() or 2)
    assert config.run_slots() == (expected if expected is not None else default)
