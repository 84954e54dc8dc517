"""Problem-to-closure queries: open and overdue items, time to closure, overdue lists, and the
service levels they are judged by (assistance cases, informal-debt cases, One Plan projects)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from data.area_filter import area_predicate
from data.scope import AccessScope
from data.store import Store
from domain.poverty import mask_house_code
from domain.service_levels import (
    CLOSED_STAGES,
    DEBT_AGENCY,
    DEFAULT_LEVELS,
    ITEM_KINDS,
    OPEN_STAGES,
)

# Each kind of item as the same columns: where it is, who owns it, its stage, when it was
# opened, entered its stage, is due by its own plan (projects), and was closed.
_ITEMS = {
    "assistance": (
        "SELECT case_id AS item_id, house_code AS ref, province_code, village_code AS area_code, "
        "agency, status AS stage, opened_on, COALESCE(status_since, CASE WHEN status = "
        "'resolved' THEN closed_on ELSE opened_on END) AS stage_since, "
        "CAST(NULL AS DATE) AS deadline, closed_on, dimension AS topic FROM assistance_cases"),
    "debt": (
        "SELECT case_id AS item_id, COALESCE(case_no, CAST(case_id AS VARCHAR)) AS ref, "
        f"province_code, area_code, '{DEBT_AGENCY}' AS agency, stage, "
        "registered_on AS opened_on, CASE stage WHEN 'registered' THEN registered_on "
        "WHEN 'mediation' THEN COALESCE(mediation_on, registered_on) "
        "ELSE COALESCE(outcome_on, registered_on) END AS stage_since, "
        "CAST(NULL AS DATE) AS deadline, outcome_on AS closed_on, creditor_type AS topic "
        "FROM debt_cases"),
    "project": (
        "SELECT project_id AS item_id, name_th AS ref, province_code, area_code, agency, "
        "status AS stage, start_date AS opened_on, CASE status WHEN 'suspended' THEN "
        "last_update ELSE start_date END AS stage_since, CASE status WHEN 'in_progress' THEN "
        "end_date END AS deadline, CASE status WHEN 'completed' THEN last_update END "
        "AS closed_on, name_en AS topic FROM plan_projects"),
}
_AREA_COLUMN = {"assistance": "area_code", "debt": "area_code", "project": "area_code"}


def load_as_of(store: Store, scope: AccessScope | None = None) -> dt.date:
    """The day ages, overdue items and late reporters are judged on: the store's declared
    "today" (a demo store frozen at a date says so), else today."""
    del scope  # a date, not data
    if store.table_exists("action_settings"):
        value = store.scalar("SELECT value FROM action_settings WHERE key = 'as_of'")
        if value:
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                pass
    return dt.date.today()


def load_service_levels(store: Store, scope: AccessScope | None = None) -> pd.DataFrame:
    """Every service level in force: item_kind, stage, agency ('' = any agency), days,
    updated_by ('default' for the built-in levels nobody changed)."""
    del scope  # settings, not data
    stored = store.query("SELECT item_kind, stage, agency, days, updated_by, updated_at "
                         "FROM service_levels")
    have = set(zip(stored.item_kind, stored.stage, stored.agency, strict=True))
    defaults = pd.DataFrame([
        {"item_kind": k, "stage": s, "agency": a, "days": d, "updated_by": "default",
         "updated_at": None} for (k, s, a), d in DEFAULT_LEVELS.items() if (k, s, a) not in have])
    frames = [f for f in (stored, defaults) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else stored
    return out.sort_values(["item_kind", "stage", "agency"]).reset_index(drop=True)


def service_level_map(store: Store) -> dict[tuple[str, str, str], int]:
    """The levels in force: the built-in defaults, overridden by what people set."""
    levels = dict(DEFAULT_LEVELS)
    levels.update({(k, s, a): int(d) for k, s, a, d in store.rows(
        "SELECT item_kind, stage, agency, days FROM service_levels")})
    return levels


def save_service_level(store: Store, scope: AccessScope, kind: str, stage: str, agency: str,
                       days: int | None) -> None:
    """Set (or with ``days`` None remove) one service level; stewards and executives only."""
    if not scope.has_role("steward", "executive", "admin"):
        raise PermissionError("service levels are set by stewards and executives")
    if kind not in ITEM_KINDS or stage not in OPEN_STAGES[kind]:
        raise ValueError(f"no such stage: {kind} {stage}")
    if days is not None and not 0 <= int(days) <= 3650:
        raise ValueError("days must be between 0 and 3650")
    with store.transaction():
        store.execute("DELETE FROM service_levels WHERE item_kind = ? AND stage = ? "
                      "AND agency = ?", [kind, stage, agency])
        if days is not None:
            store.execute("INSERT INTO service_levels (item_kind, stage, agency, days, "
                          "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                          [kind, stage, agency, int(days), scope.user, dt.datetime.now()])


LevelsArg = tuple[tuple[tuple[str, str, str], int], ...] | None


def levels_token(store: Store) -> tuple[tuple[tuple[str, str, str], int], ...]:
    """The levels in force as a plain value: passed to the queries below by the app, it
    reads them once per page run and makes a change of level part of the cache key."""
    return tuple(sorted(service_level_map(store).items()))


def _judged(store: Store, kind: str, levels: LevelsArg = None) -> tuple[str, list[Any]]:
    """The items of ``kind`` with their service level in days and due date (the levels in
    force are bound as a VALUES list)."""
    in_force = dict(levels) if levels is not None else service_level_map(store)
    levels = [(s, a, d) for (k, s, a), d in in_force.items() if k == kind]
    levels = levels or [("", "", 0)]
    values = ", ".join("(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS INTEGER))"
                       for _ in levels)
    args = [v for row in levels for v in row]
    return (
        f"WITH items AS ({_ITEMS[kind]}), sl (stage, agency, days) AS (VALUES {values}), "
        "judged AS (SELECT i.*, COALESCE(a.days, d.days) AS sl_days, "
        "COALESCE(i.deadline, i.stage_since) + COALESCE(a.days, d.days) AS due_on "
        "FROM items i LEFT JOIN sl a ON a.stage = i.stage AND a.agency = i.agency "
        "LEFT JOIN sl d ON d.stage = i.stage AND d.agency = '') "), args


def _where(scope: AccessScope, kind: str, area: str, agency: str = "",
           households: bool = False) -> tuple[str, list[Any]]:
    where, params = (scope.household_sql_filter("province_code") if households
                     else scope.sql_filter("province_code"))
    cond, cond_args = area_predicate(area, column=_AREA_COLUMN[kind])
    parts, args = [where, cond], [*params, *cond_args]
    if agency:
        parts.append("agency = ?")
        args.append(agency)
    return " AND ".join(parts), args


def overdue_by_agency(store: Store, scope: AccessScope, kind: str, area: str = "",
                      as_of: dt.date | None = None, levels: LevelsArg = None) -> pd.DataFrame:
    """Open and overdue items per agency, province and stage inside ``area``.

    Columns agency, province_code, stage, open, overdue, oldest_days (days in stage of the
    item longest in it).
    """
    as_of = as_of or load_as_of(store)
    where, args = _where(scope, kind, area)
    judged, sl_args = _judged(store, kind, levels)
    return store.query(
        judged + "SELECT agency, province_code, stage, COUNT(*) AS open, "
        "SUM(CASE WHEN due_on < CAST(? AS DATE) THEN 1 ELSE 0 END) AS overdue, "
        "MAX(CAST(? AS DATE) - stage_since) AS oldest_days "
        f"FROM judged WHERE stage = ANY(?) AND {where} "
        "GROUP BY agency, province_code, stage ORDER BY agency, province_code, stage",
        [*sl_args, as_of, as_of, list(OPEN_STAGES[kind]), *args])


_GROUPS = {
    "agency": "agency",
    "province": "province_code",
    "year": "CAST(EXTRACT(year FROM closed_on) AS INTEGER)",
    "quarter": "CAST(EXTRACT(year FROM closed_on) AS INTEGER) * 10 + "
               "CAST(EXTRACT(quarter FROM closed_on) AS INTEGER)",
}


def closure_days(store: Store, scope: AccessScope, kind: str, by: str, area: str = "",
                 since: dt.date | None = None, until: dt.date | None = None,
                 agency: str = "") -> pd.DataFrame:
    """Closed items counted by group and whole days from opening to closing: group, days,
    n (the input of ``domain.service_levels.closure_summary``)."""
    where, args = _where(scope, kind, area, agency)
    period, period_args = "TRUE", []
    if since:
        period, period_args = "closed_on >= ?", [since]
    if until:
        period += " AND closed_on <= ?"
        period_args.append(until)
    return store.query(
        f"WITH items AS ({_ITEMS[kind]}) SELECT {_GROUPS[by]} AS grp, "
        "closed_on - opened_on AS days, COUNT(*) AS n FROM items "
        f"WHERE stage = ANY(?) AND closed_on IS NOT NULL AND {where} AND {period} "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        [list(CLOSED_STAGES[kind]), *args, *period_args]).rename(columns={"grp": "group"})


def load_overdue_items(store: Store, scope: AccessScope, kind: str, area: str,
                       as_of: dt.date | None = None, limit: int = 500,
                       levels: LevelsArg = None) -> pd.DataFrame:
    """The overdue items inside ``area``, longest overdue first.

    Cases about people (assistance, debt) are listed only inside provinces whose household
    records the user may see, with their reference masked here, before anything leaves the
    data layer; anyone else gets an empty list (the counts are in ``overdue_by_agency``).
    """
    personal = kind in ("assistance", "debt")
    if personal and not scope.can_list_households(area):
        return pd.DataFrame(columns=["item_id", "ref", "area_code", "agency", "stage",
                                     "stage_days", "due_on", "overdue_days", "topic"])
    as_of = as_of or load_as_of(store)
    where, args = _where(scope, kind, area, households=personal)
    judged, sl_args = _judged(store, kind, levels)
    df = store.query(
        judged + "SELECT item_id, ref, area_code, agency, stage, "
        "CAST(? AS DATE) - stage_since AS stage_days, due_on, "
        "CAST(? AS DATE) - due_on AS overdue_days, topic "
        f"FROM judged WHERE stage = ANY(?) AND due_on < CAST(? AS DATE) AND {where} "
        "ORDER BY overdue_days DESC, item_id LIMIT ?",
        [*sl_args, as_of, as_of, list(OPEN_STAGES[kind]), as_of, *args, int(limit)])
    if personal:
        df["ref"] = df.ref.map(mask_house_code)
        df = df.drop(columns="item_id")  # an internal number, no use to the reader
    return df
