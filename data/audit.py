"""The audit log: record who did what, when, where (no personal data values), and read it back."""

from __future__ import annotations

import getpass
import os
import socket
import threading
from datetime import date, datetime, time, timedelta

import pandas as pd

from data.scope import AccessScope
from data.store import Store

_lock = threading.Lock()


def cli_actor(note: str = "") -> str:
    """How every command line records who ran it: ``cli:<operating-system user>``, with a
    free-text note after it when one is given (never instead of it)."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (some containers)
        who = f"uid{os.getuid()}"
    note = " ".join(note.split())[:80]
    return f"cli:{who}" + (f" ({note})" if note else "")


def served_by() -> str:
    """The host and process that record an event (several app processes share one log)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_event(store: Store, user: str, action: str, area: str | None = None,
                 detail: str | None = None, address: str | None = None,
                 purpose: str | None = None) -> None:
    """Append one event; ``detail`` names what was touched (a file, an export), not its values.

    Raises when the event cannot be written: the caller must then not perform the action.
    """
    # One writer at a time (threads here, replicas on PostgreSQL) keeps the ids unique
    # without a sequence, which DuckDB and PostgreSQL would spell differently.
    with _lock, store.transaction():
        store.serialise("audit_log")
        next_id = int(store.scalar("SELECT COALESCE(MAX(event_id), 0) + 1 FROM audit_log"))
        store.execute(
            "INSERT INTO audit_log (event_id, user_name, action, area_code, detail, "
            "source_address, served_by, purpose) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [next_id, user or "anonymous", action, area or None, detail, address or None,
             served_by(), purpose or None],
        )


def load_audit_log(store: Store, limit: int = 1000) -> pd.DataFrame:
    return store.query(
        "SELECT event_id, occurred_at, user_name, action, area_code, detail FROM audit_log "
        "ORDER BY event_id DESC LIMIT ?", [int(limit)])


def load_audit_events(store: Store, scope: AccessScope, *, user: str = "", action: str = "",
                      area: str = "", since: date | None = None, until: date | None = None,
                      limit: int = 5000) -> pd.DataFrame:
    """The audit log filtered for the administrator's viewer (newest first).

    Only an administrator's scope may read it; ``area`` matches the code and its children.
    """
    if not scope.may_administer:
        raise PermissionError("the audit log is for administrators")
    where, params = ["TRUE"], []
    if user:
        where.append("LOWER(user_name) LIKE ?")
        params.append(f"%{user.strip().lower()}%")
    if action:
        where.append("action = ?")
        params.append(action)
    if area:
        where.append("area_code LIKE ?")
        params.append(f"{area}%")
    period, period_params = _days(since, until)
    return store.query(
        "SELECT event_id, occurred_at, user_name, action, area_code, detail, purpose, "
        f"source_address, served_by FROM audit_log WHERE {' AND '.join(where)} AND {period} "
        "ORDER BY event_id DESC LIMIT ?", [*params, *period_params, int(limit)])


def _days(since: date | None, until: date | None) -> tuple[str, list[datetime]]:
    """Events from the start of ``since`` to the end of ``until`` (either may be open)."""
    where, params = ["TRUE"], []
    if since:
        where.append("occurred_at >= ?")
        params.append(datetime.combine(since, time.min))
    if until:
        where.append("occurred_at < ?")
        params.append(datetime.combine(until + timedelta(days=1), time.min))
    return " AND ".join(where), params


def load_audit_actions(store: Store, scope: AccessScope) -> list[str]:
    if not scope.may_administer:
        raise PermissionError("the audit log is for administrators")
    return [r[0] for r in store.rows("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def load_access_report(store: Store, scope: AccessScope, *, since: date | None = None,
                       until: date | None = None) -> pd.DataFrame:
    """Who opened household records, where and why: one row per user, area and purpose with
    the number of views and the first and last (an administrator's report)."""
    if not scope.may_administer:
        raise PermissionError("the access report is for administrators")
    period, params = _days(since, until)
    return store.query(
        "SELECT user_name, area_code, COALESCE(purpose, '') AS purpose, COUNT(*) AS views, "
        "MIN(occurred_at) AS first_view, MAX(occurred_at) AS last_view FROM audit_log "
        f"WHERE action = 'household_list_view' AND {period} "
        "GROUP BY user_name, area_code, COALESCE(purpose, '') "
        "ORDER BY user_name, area_code, purpose", params)
