"""Scheduled follow-up work: rule evaluation every few hours, the daily digest, periodic meeting
snapshots. One call runs whatever is due (from cron, a systemd timer or the app's own timer);
the check and the work happen under one lock, so several processes never do a job twice."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from data import config
from data.store import Store

log = logging.getLogger("warroom")
JOBS = ("evaluate", "digest", "snapshot")


def _started(store: Store, job: str) -> dt.datetime | None:
    """When ``job`` was last started by the schedule (a marker written under the lock)."""
    value = store.scalar("SELECT value FROM action_settings WHERE key = ?", [f"job_{job}"])
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def due_jobs(store: Store, now: dt.datetime) -> list[str]:
    """Which jobs are due at ``now`` (the server's local time)."""
    due = []
    every = float(config.get("WARROOM_ALERT_EVERY_HOURS"))
    last = _started(store, "evaluate")
    if every > 0 and (last is None or now - last >= dt.timedelta(hours=every)):
        due.append("evaluate")
    digest_hour = int(config.get("WARROOM_DIGEST_HOUR"))
    last = _started(store, "digest")
    if digest_hour >= 0 and now.hour >= digest_hour and (last is None
                                                         or last.date() < now.date()):
        due.append("digest")
    days = float(config.get("WARROOM_SNAPSHOT_EVERY_DAYS"))
    last = _started(store, "snapshot")
    if days > 0 and (last is None or now - last >= dt.timedelta(days=days)):
        due.append("snapshot")
    return due


def run_due(store: Store, who: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Run every job that is due; returns what was done. A job that fails is logged and the
    others still run (the next call tries it again)."""
    from data.alerts import evaluate_rules
    from data.audit import record_event
    from data.meetings import take_snapshot
    from data.notify import send_digest

    now = now or dt.datetime.now()
    done: dict[str, Any] = {}
    with store.transaction():
        # Replicas on one PostgreSQL server: the first takes the jobs, the others find them
        # done when the lock is theirs.
        store.serialise("follow-up schedule")
        jobs = due_jobs(store, now)
        for job in jobs:
            # Marked as started before it runs: another process finds it taken, and a job
            # that fails waits for its next turn instead of being retried every few minutes.
            store.execute("DELETE FROM action_settings WHERE key = ?", [f"job_{job}"])
            store.execute("INSERT INTO action_settings (key, value) VALUES (?, ?)",
                          [f"job_{job}", now.isoformat(timespec="seconds")])
    for job in jobs:
        try:
            if job == "evaluate":
                r = evaluate_rules(store, f"schedule ({who})")
                done[job] = {"rules": r.rules, "raised": r.raised, "resolved": r.resolved,
                             "failed_rules": r.failed}
            elif job == "digest":
                d = send_digest(store)
                done[job] = {"emails": d.emails, "failed": d.failed, "webhook": d.webhook}
            else:
                title = f"scheduled snapshot {now.date().isoformat()}"
                record_event(store, who, "meeting_snapshot", None, title)
                done[job] = {"meeting_id": take_snapshot(store, who, title, "scheduled")}
        except Exception as exc:  # noqa: BLE001 - one failed job must not stop the others
            log.exception("scheduled job %s failed", job)
            done[job] = {"error": type(exc).__name__}
    return done
