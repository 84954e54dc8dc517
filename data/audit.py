"""The audit log: record who did what, when, where (no personal data values), and read it back."""

from __future__ import annotations

import threading

import pandas as pd

from data.store import Store

_lock = threading.Lock()


def record_event(store: Store, user: str, action: str, area: str | None = None,
                 detail: str | None = None) -> None:
    """Append one event; ``detail`` names what was touched (a file, an export), not its values."""
    with _lock:
        # One writer at a time inside a process keeps the ids unique without a sequence,
        # which DuckDB and PostgreSQL would spell differently.
        next_id = int(store.scalar("SELECT COALESCE(MAX(event_id), 0) + 1 FROM audit_log"))
        store.execute(
            "INSERT INTO audit_log (event_id, user_name, action, area_code, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            [next_id, user or "anonymous", action, area or None, detail],
        )


def load_audit_log(store: Store, limit: int = 1000) -> pd.DataFrame:
    return store.query(
        "SELECT event_id, occurred_at, user_name, action, area_code, detail FROM audit_log "
        "ORDER BY event_id DESC LIMIT ?", [int(limit)])
