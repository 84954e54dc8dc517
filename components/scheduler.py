"""The app's own timer for the scheduled follow-up work (``WARROOM_SCHEDULE=app``)."""

from __future__ import annotations

import logging
import threading

from data import config

log = logging.getLogger("warroom")
TICK_S = 300.0
_STARTED: list[threading.Thread] = []
_LOCK = threading.Lock()


def start_scheduler() -> bool:
    """Start the timer once per process when the setting asks for it; True if it runs.

    A DuckDB store has one writing process, the app: a cron command cannot write beside it,
    so the app runs what is due every few minutes (data/schedule.py decides what is due).
    """
    if str(config.get("WARROOM_SCHEDULE")).strip().lower() != "app":
        return False
    with _LOCK:
        if _STARTED:
            return True
        thread = threading.Thread(target=_loop, name="warroom-schedule", daemon=True)
        _STARTED.append(thread)
        thread.start()
    return True


def _loop() -> None:
    stop = threading.Event()
    while not stop.wait(TICK_S):
        tick()


def tick() -> dict:
    """Run what is due now on the writable store; never raises (the log has any error)."""
    from components.datasource import get_writer
    from data.schedule import run_due

    try:
        writer = get_writer()
        if writer.read_only:
            return {}
        done = run_due(writer, "system:schedule")
        if done:
            log.info("scheduled follow-up work: %s", done)
        return done
    except Exception:  # noqa: BLE001 - the timer goes on; the next tick tries again
        log.exception("scheduled follow-up work failed")
        return {}
