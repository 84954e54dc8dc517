"""Each user's alert inbox: the alerts of the user's area, their acknowledgements and notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from data.scope import AccessScope
from data.store import Store

NOTE_MAX = 500
FILTERS = ("unacknowledged", "open", "all")
_COLUMNS = ["alert_id", "rule_id", "rule", "kind", "severity", "params", "subject", "area_code",
            "province_code", "value", "reference", "raised_at", "last_seen_at", "resolved_at",
            "acked_at", "note", "acks"]


def _scope_sql(scope: AccessScope) -> tuple[str, list[Any]]:
    """Alerts of provinces in the scope; alerts of the whole country (province '') only for
    users of every province."""
    if scope.all_provinces:
        return "TRUE", []
    where, params = scope.sql_filter("a.province_code")
    return f"a.province_code <> '' AND {where}", params


def load_inbox(store: Store, scope: AccessScope, which: str = "unacknowledged",
               since: dt.datetime | None = None, limit: int = 500) -> pd.DataFrame:
    """The user's alerts, newest first, with the user's own acknowledgement and how many
    colleagues acknowledged each. ``which``: unacknowledged (open and not acknowledged by
    this user), open, or all (cleared ones too, since ``since``)."""
    if scope.is_empty or which not in FILTERS:
        return pd.DataFrame(columns=_COLUMNS)
    where, params = _scope_sql(scope)
    extra = {"unacknowledged": "a.resolved_at IS NULL AND k.alert_id IS NULL",
             "open": "a.resolved_at IS NULL", "all": "TRUE"}[which]
    period, period_args = ("a.raised_at >= ?", [since]) if since else ("TRUE", [])
    return store.query(
        "SELECT a.alert_id, a.rule_id, r.name AS rule, r.kind, r.severity, r.params, "
        "a.subject, a.area_code, a.province_code, a.value, a.reference, a.raised_at, "
        "a.last_seen_at, a.resolved_at, k.acked_at, k.note, "
        "(SELECT COUNT(*) FROM alert_acks x WHERE x.alert_id = a.alert_id) AS acks "
        "FROM alerts a JOIN alert_rules r ON r.rule_id = a.rule_id "
        "LEFT JOIN alert_acks k ON k.alert_id = a.alert_id AND k.username = ? "
        f"WHERE {where} AND {extra} AND {period} "
        "ORDER BY (a.resolved_at IS NULL) DESC, CASE r.severity WHEN 'critical' THEN 0 "
        "WHEN 'warning' THEN 1 ELSE 2 END, a.raised_at DESC, a.alert_id DESC LIMIT ?",
        [scope.user, *params, *period_args, int(limit)])


def inbox_counts(store: Store, scope: AccessScope) -> dict[str, int]:
    """Open alerts in the user's area, how many of them the user has not acknowledged, and
    how many are critical."""
    if scope.is_empty:
        return {"open": 0, "unacknowledged": 0, "critical": 0}
    where, params = _scope_sql(scope)
    row = store.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN k.alert_id IS NULL THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN r.severity = 'critical' THEN 1 ELSE 0 END), 0) "
        "FROM alerts a JOIN alert_rules r ON r.rule_id = a.rule_id "
        "LEFT JOIN alert_acks k ON k.alert_id = a.alert_id AND k.username = ? "
        f"WHERE a.resolved_at IS NULL AND {where}", [scope.user, *params])[0]
    return {"open": int(row[0]), "unacknowledged": int(row[1]), "critical": int(row[2])}


def load_acks(store: Store, scope: AccessScope, alert_id: int) -> pd.DataFrame:
    """Who acknowledged an alert of the user's area, when, with which note."""
    if not _alert_visible(store, scope, alert_id):
        return pd.DataFrame(columns=["username", "acked_at", "note"])
    return store.query("SELECT username, acked_at, note FROM alert_acks WHERE alert_id = ? "
                       "ORDER BY acked_at", [int(alert_id)])


def _alert_visible(store: Store, scope: AccessScope, alert_id: int) -> bool:
    where, params = _scope_sql(scope)
    return bool(store.scalar(f"SELECT COUNT(*) FROM alerts a WHERE a.alert_id = ? AND {where}",
                             [int(alert_id), *params]))


def acknowledge(store: Store, scope: AccessScope, alert_ids: list[int], note: str) -> int:
    """Acknowledge alerts of the user's area with a note (a new note replaces the user's
    earlier one); returns how many were acknowledged."""
    if scope.is_empty or not scope.user:
        raise PermissionError("nobody is signed in")
    note = " ".join(str(note or "").split())[:NOTE_MAX]
    ids = [int(a) for a in alert_ids if _alert_visible(store, scope, int(a))]
    now = dt.datetime.now()
    with store.transaction():
        for alert_id in ids:
            store.execute("DELETE FROM alert_acks WHERE alert_id = ? AND username = ?",
                          [alert_id, scope.user])
            store.execute("INSERT INTO alert_acks (alert_id, username, acked_at, note) "
                          "VALUES (?, ?, ?, ?)", [alert_id, scope.user, now, note])
    return len(ids)


def load_runs(store: Store, scope: AccessScope, limit: int = 20) -> pd.DataFrame:
    """The latest evaluation runs (when, why, how long, what they found)."""
    del scope  # counts, not data
    return store.query("SELECT run_id, trigger_name, started_at, seconds, rules, raised, "
                       "resolved, failed FROM alert_runs ORDER BY run_id DESC LIMIT ?",
                       [int(limit)])


def load_deliveries(store: Store, scope: AccessScope, limit: int = 50) -> pd.DataFrame:
    """The latest digests and webhook posts (administrators and stewards see them all)."""
    if not scope.has_role("admin", "steward"):
        return pd.DataFrame(columns=["delivery_id", "channel", "recipient", "sent_at", "alerts",
                                     "status", "error"])
    return store.query("SELECT delivery_id, channel, recipient, sent_at, alerts, status, error "
                       "FROM alert_deliveries ORDER BY delivery_id DESC LIMIT ?", [int(limit)])
