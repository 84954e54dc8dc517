"""Meetings: dated snapshots of every province's figures, and what changed since one of them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.scope import AccessScope
from data.store import Store
from domain import sdg as scoring
from domain.alert_rules import category_rank
from domain.meetings import compare_figures
from domain.plans import ATTENTION_FLAGS, flag_projects

_NATION = ""  # area code of the country's own row in meeting_figures
_SUMMED = ("target_poor_people", "cases_open", "cases_closed", "cases_overdue", "debt_open",
           "debt_settled", "debt_registered", "plan_budget_planned", "plan_budget_spent",
           "plan_projects_attention", "alerts_open")


def _long(frame: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Wide (area_code + one column per metric) to rows of area_code, metric, value."""
    if frame.empty:
        return pd.DataFrame(columns=["area_code", "metric", "value"])
    out = frame.melt(id_vars="area_code", value_vars=metrics, var_name="metric",
                     value_name="value")
    out["value"] = pd.to_numeric(out.value, errors="coerce").astype(float)
    return out


def _sdg_figures(store: Store, year: int | None) -> pd.DataFrame:
    from data.sdg import goal_scores_by_area, sdg_index_by_area

    everything = AccessScope.everything()
    if year is None:
        return pd.DataFrame(columns=["area_code", "metric", "value"])
    parts = []
    for level in ("province", "country"):
        idx = sdg_index_by_area(store, everything, level, year)
        idx = idx.assign(area_code=_NATION if level == "country" else idx.area_code,
                         sdg_category=idx.category.map(category_rank), sdg_index=idx["index"])
        parts.append(_long(idx, ["sdg_index", "sdg_category"]))
        goals = goal_scores_by_area(store, everything, level, year)
        goals = goals.assign(area_code=_NATION if level == "country" else goals.area_code,
                             metric="goal_" + goals.goal.astype(int).astype(str),
                             value=goals.score.astype(float))
        parts.append(goals[["area_code", "metric", "value"]])
    parts.append(_status_figures(store, year))
    return pd.concat(parts, ignore_index=True)


def _status_figures(store: Store, year: int) -> pd.DataFrame:
    """Per province, how many indicators are on track and how many are decreasing."""
    values = store.query(
        "SELECT v.area_code, v.indicator_code, v.year, v.value, i.direction, i.target_2030, "
        "i.base_year AS first_year FROM sdg_values v JOIN sdg_indicators i USING "
        "(indicator_code) WHERE length(v.area_code) = 2 AND v.area_code <> 'TH' "
        "AND v.disaggregation = 'total' AND v.year <= ? ORDER BY v.year", [year])
    keys = ["area_code", "indicator_code"]
    now = values[values.year == year].set_index(keys)
    first_year = values.first_year.fillna(0)
    hist = values[(values.year < year) & (values.year >= first_year)]
    base = hist.groupby(keys).first()  # rows are in year order: the base year's value
    both = now.join(base[["year", "value"]].add_suffix("_base"), how="inner")
    rows = [(code, scoring.progress_status(
        float(bv), int(by), float(v), year, None if pd.isna(t) else float(t), int(d)))
        for (code, _ind), bv, by, v, t, d in zip(
            both.index, both.value_base, both.year_base, both.value, both.target_2030,
            both.direction, strict=True)]
    s = pd.DataFrame(rows, columns=["area_code", "status"])
    wide = pd.DataFrame({
        "area_code": sorted(set(s.area_code)),
    })
    for status, metric in (("decreasing", "indicators_decreasing"),
                           ("on_track", "indicators_on_track")):
        counts = s[s.status == status].groupby("area_code").size()
        wide[metric] = wide.area_code.map(counts).fillna(0)
    return _long(wide, ["indicators_decreasing", "indicators_on_track"])


def _work_figures(store: Store, survey_year: int | None, fiscal_year: int | None,
                  as_of: dt.date) -> pd.DataFrame:
    from data.tracking import overdue_by_agency

    everything = AccessScope.everything()
    poor = store.query("SELECT province_code AS area_code, SUM(target_poor_people) AS "
                       "target_poor_people FROM household_rollup WHERE survey_year = ? "
                       "GROUP BY 1", [survey_year or 0])
    cases = overdue_by_agency(store, everything, "assistance", "", as_of)
    cases = cases.groupby("province_code", as_index=False)[["open", "overdue"]].sum().rename(
        columns={"province_code": "area_code", "open": "cases_open", "overdue": "cases_overdue"})
    closed = store.query("SELECT province_code AS area_code, COUNT(*) AS cases_closed FROM "
                         "assistance_cases WHERE status = 'resolved' GROUP BY 1")
    debt = store.query(
        "SELECT province_code AS area_code, COUNT(*) AS debt_registered, "
        "SUM(CASE WHEN stage IN ('registered', 'mediation') THEN 1 ELSE 0 END) AS debt_open, "
        "SUM(CASE WHEN stage = 'settled' THEN 1 ELSE 0 END) AS debt_settled "
        "FROM debt_cases GROUP BY 1")
    projects = store.query(
        "SELECT province_code AS area_code, status, start_date, end_date, progress_pct, "
        "last_update, budget_planned, budget_spent FROM plan_projects WHERE fiscal_year = ?",
        [fiscal_year or 0])
    projects["attention"] = flag_projects(projects, as_of).isin(ATTENTION_FLAGS).astype(int) \
        if len(projects) else pd.Series(dtype=int)
    plan = projects.groupby("area_code", as_index=False).agg(
        plan_budget_planned=("budget_planned", "sum"), plan_budget_spent=("budget_spent", "sum"),
        plan_projects_attention=("attention", "sum"))
    alerts = store.query("SELECT province_code AS area_code, COUNT(*) AS alerts_open FROM "
                         "alerts WHERE resolved_at IS NULL AND province_code <> '' GROUP BY 1")
    wide = pd.DataFrame({"area_code": sorted(set().union(
        poor.area_code, cases.area_code, closed.area_code, debt.area_code, plan.area_code))})
    for frame in (poor, cases, closed, debt, plan, alerts):
        wide = wide.merge(frame, on="area_code", how="left")
    wide[list(_SUMMED)] = wide[list(_SUMMED)].fillna(0)
    nation = wide[list(_SUMMED)].sum().to_frame().T.assign(area_code=_NATION)
    return _long(pd.concat([wide, nation], ignore_index=True), list(_SUMMED))


def current_figures(store: Store, as_of: dt.date | None = None) -> tuple[pd.DataFrame, dict]:
    """Every province's (and the country's) figures now, and the years they are of."""
    from data.tracking import load_as_of

    as_of = as_of or load_as_of(store)
    sdg_year = store.scalar("SELECT MAX(year) FROM sdg_values")
    survey_year = store.scalar("SELECT MAX(survey_year) FROM household_rollup")
    fiscal_year = store.scalar("SELECT MAX(fiscal_year) FROM plan_projects WHERE "
                               "start_date <= ?", [as_of])
    years = {"sdg_year": sdg_year, "survey_year": survey_year, "fiscal_year": fiscal_year,
             "as_of": as_of}
    figures = pd.concat([_sdg_figures(store, sdg_year),
                         _work_figures(store, survey_year, fiscal_year, as_of)],
                        ignore_index=True)
    return figures, years


def take_snapshot(store: Store, user: str, title: str, kind: str = "manual",
                  held_at: dt.datetime | None = None) -> int:
    """Record a meeting with every figure as it stands; returns its number."""
    if kind not in ("manual", "scheduled"):
        raise ValueError(kind)
    figures, years = current_figures(store)
    held_at = held_at or dt.datetime.now()
    with store.transaction():
        store.serialise("meetings")
        meeting_id = int(store.scalar("SELECT COALESCE(MAX(meeting_id), 0) + 1 FROM meetings"))
        store.execute(
            "INSERT INTO meetings (meeting_id, title, held_at, kind, created_by, last_batch_id, "
            "last_alert_id, sdg_year, survey_year, fiscal_year, as_of) VALUES "
            "(?, ?, ?, ?, ?, (SELECT COALESCE(MAX(batch_id), 0) FROM import_batches), "
            "(SELECT COALESCE(MAX(alert_id), 0) FROM alerts), ?, ?, ?, ?)",
            [meeting_id, title.strip()[:200] or "meeting", held_at, kind, user,
             _int(years["sdg_year"]), _int(years["survey_year"]), _int(years["fiscal_year"]),
             years["as_of"]])
        rows = figures.dropna(subset=["value"]).assign(meeting_id=meeting_id)
        store.insert_df("meeting_figures", rows[["meeting_id", "area_code", "metric", "value"]])
    return meeting_id


def _int(value: object) -> int | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) \
        else int(value)


def load_meetings(store: Store, scope: AccessScope) -> pd.DataFrame:
    """Every meeting, newest first (dates and titles only: visible to every signed-in user)."""
    if scope.is_empty:
        return pd.DataFrame(columns=["meeting_id", "title", "held_at", "kind", "created_by"])
    return store.query("SELECT meeting_id, title, held_at, kind, created_by, sdg_year, "
                       "survey_year, fiscal_year, last_batch_id, last_alert_id, as_of "
                       "FROM meetings ORDER BY held_at DESC, meeting_id DESC")


def _scoped(frame: pd.DataFrame, scope: AccessScope) -> pd.DataFrame:
    """Rows of provinces in the scope; the country's row only for users of every province."""
    keep = [(scope.all_provinces if c == _NATION else scope.can_see_province(c))
            for c in frame.area_code]
    return frame[keep].reset_index(drop=True)


def compare_with_meeting(store: Store, scope: AccessScope, meeting_id: int) -> pd.DataFrame:
    """What moved since meeting ``meeting_id``, per area in the scope (domain.compare_figures)."""
    before = store.query("SELECT area_code, metric, value FROM meeting_figures "
                         "WHERE meeting_id = ?", [int(meeting_id)])
    now, _years = current_figures(store)
    return _scoped(compare_figures(before, now), scope)


def load_figures_now(store: Store, scope: AccessScope) -> pd.DataFrame:
    """Every figure now in the shape of a comparison with nothing before (all ``new``): the
    page's headline before any meeting is recorded."""
    now, _years = current_figures(store)
    empty = pd.DataFrame(columns=["area_code", "metric", "value"])
    return _scoped(compare_figures(empty, now), scope)


def changes_since(store: Store, scope: AccessScope, meeting_id: int) -> dict[str, pd.DataFrame]:
    """New imports, new problems (alerts raised) and problems closed since a meeting."""
    m = store.rows("SELECT held_at, last_batch_id FROM meetings WHERE meeting_id = ?",
                   [int(meeting_id)])
    if not m:
        raise LookupError(meeting_id)
    held_at, last_batch = m[0]
    imports = store.query(
        "SELECT batch_id, kind, file_name, rows_accepted, imported_by, imported_at, status "
        "FROM import_batches WHERE batch_id > ? ORDER BY batch_id", [int(last_batch)]) \
        if scope.all_provinces else pd.DataFrame(columns=["batch_id"])
    where, params = scope.sql_filter("a.province_code")
    if scope.all_provinces:
        where, params = "TRUE", []
    alerts = store.query(
        "SELECT a.alert_id, a.rule_id, r.name AS rule, r.kind, r.severity, r.params, a.subject, "
        "a.area_code, a.province_code, a.value, a.reference, a.raised_at, a.resolved_at "
        "FROM alerts a JOIN alert_rules r USING (rule_id) "
        f"WHERE (a.raised_at > ? OR a.resolved_at > ?) AND {where} ORDER BY a.alert_id",
        [held_at, held_at, *params])
    raised = alerts[pd.to_datetime(alerts.raised_at) > pd.Timestamp(held_at)]
    closed = alerts[alerts.resolved_at.notna()
                    & (pd.to_datetime(alerts.resolved_at) > pd.Timestamp(held_at))]
    return {"imports": imports, "new_problems": raised.reset_index(drop=True),
            "closed_problems": closed.reset_index(drop=True)}
