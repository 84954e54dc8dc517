"""Network-partner queries: activities by sector, goal, area and period (scoped, aggregated in SQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data.area_filter import area_predicate, parse_area
from data.plans import child_code_length
from data.protect import protect_frame
from data.queries import area_condition
from data.scope import AccessScope
from data.store import Store


@dataclass(frozen=True)
class ActivityFilter:
    """The page's filters; hashable so it can be part of a cache key.

    An activity is in the period when it overlaps it: started on or before ``end`` and not
    ended before ``start`` (planned and ongoing activities have no end date yet). Empty
    tuples mean "all" sectors, goals or statuses.
    """

    area: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    sectors: tuple[str, ...] = ()
    goals: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    partner_id: int | None = None

    def without_period(self) -> ActivityFilter:
        return ActivityFilter(self.area, None, None, self.sectors, self.goals, self.statuses,
                              self.partner_id)


def _where(scope: AccessScope, f: ActivityFilter) -> tuple[str, list[Any]]:
    """WHERE clause over ``partner_activities a JOIN partners p`` for the scope and filters."""
    where, params = scope.sql_filter("a.province_code")
    cond, cond_params = area_condition(f.area, "a.area_code")
    parts, args = [where, cond], [*params, *cond_params]
    if f.end is not None:
        parts.append("a.started_on <= ?")
        args.append(f.end)
    if f.start is not None:
        parts.append("(a.ended_on IS NULL OR a.ended_on >= ?)")
        args.append(f.start)
    if f.sectors:
        parts.append("p.sector = ANY(?)")
        args.append(list(f.sectors))
    if f.statuses:
        parts.append("a.status = ANY(?)")
        args.append(list(f.statuses))
    if f.goals:
        parts.append("EXISTS (SELECT 1 FROM activity_goals fg WHERE fg.activity_id = "
                     "a.activity_id AND fg.goal = ANY(?))")
        args.append([int(g) for g in f.goals])
    if f.partner_id is not None:
        parts.append("a.partner_id = ?")
        args.append(int(f.partner_id))
    return " AND ".join(parts), args


_FROM = "FROM partner_activities a JOIN partners p ON p.partner_id = a.partner_id"


def load_activity_span(store: Store, scope: AccessScope) -> tuple[dt.date, dt.date] | None:
    """First start and last start of any activity the user may see (bounds of the date filter)."""
    where, params = scope.sql_filter("province_code")
    row = store.rows(f"SELECT MIN(started_on), MAX(started_on) FROM partner_activities "
                     f"WHERE {where}", params)[0]
    if row[0] is None:
        return None
    return pd.Timestamp(row[0]).date(), pd.Timestamp(row[1]).date()


def partner_kpis(store: Store, scope: AccessScope, f: ActivityFilter) -> dict[str, Any]:
    """Active partners, activities, beneficiaries and budget under the filters."""
    where, args = _where(scope, f)
    row = store.rows(
        "SELECT COUNT(DISTINCT a.partner_id), COUNT(*), COALESCE(SUM(a.beneficiaries), 0), "
        f"COALESCE(SUM(a.budget), 0), COUNT(DISTINCT a.area_code) {_FROM} WHERE {where}", args)[0]
    return {"partners": int(row[0]), "activities": int(row[1]), "beneficiaries": int(row[2]),
            "budget": float(row[3]), "areas": int(row[4])}


def activities_by_quarter(store: Store, scope: AccessScope, f: ActivityFilter) -> pd.DataFrame:
    """Activities started per calendar quarter and sector (the period filter is not applied,
    so the chart shows the whole history around the chosen period)."""
    where, args = _where(scope, f.without_period())
    return store.query(
        "SELECT CAST(EXTRACT(year FROM a.started_on) AS INTEGER) AS year, "
        "CAST(EXTRACT(quarter FROM a.started_on) AS INTEGER) AS quarter, p.sector, "
        f"COUNT(*) AS activities, SUM(a.beneficiaries) AS beneficiaries {_FROM} "
        f"WHERE {where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", args)


def coverage_by_sector_goal(store: Store, scope: AccessScope, f: ActivityFilter) -> pd.DataFrame:
    """Activities and partners per sector and SDG goal (an activity counts once per goal)."""
    where, args = _where(scope, f)
    return store.query(
        "SELECT p.sector, g.goal, COUNT(*) AS activities, "
        "COUNT(DISTINCT a.partner_id) AS partners, SUM(a.beneficiaries) AS beneficiaries "
        f"{_FROM} JOIN activity_goals g ON g.activity_id = a.activity_id WHERE {where} "
        "GROUP BY 1, 2 ORDER BY 1, 2", args)


def activities_by_child(store: Store, scope: AccessScope, f: ActivityFilter) -> pd.DataFrame:
    """Activities, partners, beneficiaries and budget per child unit of the filter's area.

    Activities recorded above the child level (e.g. a district-wide activity when the children
    are subdistricts) are returned once with ``wide`` true and ``code`` = their own area.
    """
    length = child_code_length(f.area)
    where, args = _where(scope, f)
    return store.query(
        "SELECT CASE WHEN length(a.area_code) >= ? THEN substr(a.area_code, 1, ?) "
        "ELSE a.area_code END AS code, length(a.area_code) < ? AS wide, "
        "COUNT(*) AS activities, COUNT(DISTINCT a.partner_id) AS partners, "
        "SUM(a.beneficiaries) AS beneficiaries, SUM(a.budget) AS budget "
        f"{_FROM} WHERE {where} GROUP BY 1, 2 ORDER BY 1", [length, length, length, *args])


def households_by_child(store: Store, scope: AccessScope, area_code: str,
                        year: int) -> pd.DataFrame:
    """Surveyed households, people and target poor per child unit of ``area_code`` in one year
    (aggregates only; the per-capita and need measures are built from these)."""
    length = child_code_length(area_code)
    where, params = scope.sql_filter("province_code")
    cond, cond_params = area_condition(area_code, "village_code")
    # Summed from the village rollup (data/rollup.py), not from 13 million household rows.
    # Children of one area, shown beside its total: small counts withheld with a complement.
    return protect_frame(store.query(
        "SELECT substr(village_code, 1, ?) AS code, "
        "CAST(SUM(households) AS BIGINT) AS households, CAST(SUM(people) AS BIGINT) AS people, "
        "CAST(SUM(target_poor_households) AS BIGINT) AS target_poor_households, "
        "CAST(SUM(target_poor_people) AS BIGINT) AS target_poor_people "
        f"FROM household_rollup WHERE survey_year = ? AND {where} AND {cond} "
        "GROUP BY 1 ORDER BY 1",
        [length, year, *params, *cond_params]), scope)


def activity_need_by_child(store: Store, scope: AccessScope, f: ActivityFilter,
                           need_year: int | None) -> pd.DataFrame:
    """Per child unit: activity aggregates under the filters (units without activity get 0)
    joined to surveyed households and target poor of ``need_year``. Area-wide activities
    recorded above the child level are left out (see ``activities_by_child``)."""
    return _with_need(store, scope, f, need_year, activities_by_child(store, scope, f))


def activity_need_and_wide(store: Store, scope: AccessScope, f: ActivityFilter,
                           need_year: int | None) -> tuple[pd.DataFrame, int]:
    """:func:`activity_need_by_child` and the number of activities recorded above the child
    level (the ``wide`` rows of :func:`activities_by_child`) from one read of the activities:
    the page's map needs both, and asked for them in two cached calls that each read them."""
    acts = activities_by_child(store, scope, f)
    wide = int(acts[acts.wide.astype(bool)].activities.sum())
    return _with_need(store, scope, f, need_year, acts), wide


def _with_need(store: Store, scope: AccessScope, f: ActivityFilter, need_year: int | None,
               acts: pd.DataFrame) -> pd.DataFrame:
    acts = acts[~acts.wide.astype(bool)].drop(columns="wide")
    if need_year is None:
        hh = pd.DataFrame(columns=["code", "households", "people", "target_poor_households",
                                   "target_poor_people"])
    else:
        hh = households_by_child(store, scope, f.area, need_year)
    frame = hh.merge(acts, on="code", how="outer")
    for col in ("activities", "partners", "beneficiaries", "budget"):
        frame[col] = frame[col].fillna(0)
    return frame.sort_values("code").reset_index(drop=True)


def load_household_years(store: Store, scope: AccessScope) -> list[int]:
    rows = store.rows("SELECT DISTINCT survey_year FROM household_rollup ORDER BY 1")
    return [int(r[0]) for r in rows]


def load_need_indicators(store: Store, scope: AccessScope) -> pd.DataFrame:
    """SDG indicators that have values below the national level (usable as a need by area)."""
    return store.query(
        "SELECT i.indicator_code, i.goal, i.name_th, i.name_en, i.unit, i.direction, i.levels "
        "FROM sdg_indicators i WHERE EXISTS (SELECT 1 FROM sdg_values v WHERE "
        "v.indicator_code = i.indicator_code AND length(v.area_code) = 2 AND v.area_code <> 'TH') "
        "ORDER BY i.goal, i.indicator_code")


def sdg_indicator_by_child(store: Store, scope: AccessScope, area_code: str, year: int,
                           indicator_code: str) -> pd.DataFrame:
    """One indicator's value per child unit (newest year not after ``year``), with its
    direction (1 = higher is better, -1 = lower is better)."""
    length = child_code_length(area_code)
    where, params = scope.sql_filter("substr(v.area_code, 1, 2)")
    cond, cond_params = area_condition(area_code, "v.area_code")
    return store.query(
        "SELECT v.area_code AS code, v.value, v.year, i.direction FROM sdg_values v "
        "JOIN sdg_indicators i ON i.indicator_code = v.indicator_code "
        "WHERE v.indicator_code = ? AND v.disaggregation = 'total' AND length(v.area_code) = ? "
        "AND v.area_code <> 'TH' "
        f"AND {where} AND {cond} AND v.year = (SELECT MAX(w.year) FROM sdg_values w "
        "WHERE w.indicator_code = v.indicator_code AND w.area_code = v.area_code "
        "AND w.disaggregation = 'total' AND w.year <= ?) ORDER BY 1",
        [indicator_code, length, *params, *cond_params, year])


def top_partners(store: Store, scope: AccessScope, f: ActivityFilter,
                 limit: int = 15) -> pd.DataFrame:
    """The partners with the most activities under the filters."""
    where, args = _where(scope, f)
    return store.query(
        "SELECT p.partner_id, p.name, p.name_en, p.sector, p.home_province, "
        "COUNT(*) AS activities, SUM(a.beneficiaries) AS beneficiaries, "
        "SUM(a.budget) AS budget, COUNT(DISTINCT a.area_code) AS areas "
        f"{_FROM} WHERE {where} "
        "GROUP BY p.partner_id, p.name, p.name_en, p.sector, p.home_province "
        "ORDER BY activities DESC, beneficiaries DESC, p.partner_id LIMIT ?",
        [*args, int(limit)])


def partners_for_area(store: Store, scope: AccessScope, f: ActivityFilter, area_code: str,
                      limit: int = 10) -> pd.DataFrame:
    """Partners who could be sent to ``area_code``: active under the filters (same goals,
    sectors, period) in the page's area, those based in the same province first, then the
    most active; ``in_area`` counts their activities already in ``area_code``."""
    where, args = _where(scope, f)
    inside, inside_args = area_predicate(area_code, column="a.area_code")
    return store.query(
        "SELECT p.partner_id, p.name, p.name_en, p.sector, p.home_province, "
        "COUNT(*) AS activities, COUNT(DISTINCT a.area_code) AS areas, "
        f"SUM(CASE WHEN {inside} THEN 1 ELSE 0 END) AS in_area, "
        "SUM(a.beneficiaries) AS beneficiaries "
        f"{_FROM} WHERE {where} "
        "GROUP BY p.partner_id, p.name, p.name_en, p.sector, p.home_province "
        "ORDER BY CASE WHEN p.home_province = ? THEN 0 ELSE 1 END, activities DESC, "
        "p.partner_id LIMIT ?",
        [*inside_args, *args, parse_area(area_code).province, int(limit)])


def partner_goal_links(store: Store, scope: AccessScope, f: ActivityFilter) -> pd.DataFrame:
    """Activities per (sector, partner, goal): the flows of the network view."""
    where, args = _where(scope, f)
    return store.query(
        "SELECT p.sector, p.partner_id, p.name, p.name_en, g.goal, COUNT(*) AS activities "
        f"{_FROM} JOIN activity_goals g ON g.activity_id = a.activity_id WHERE {where} "
        "GROUP BY p.sector, p.partner_id, p.name, p.name_en, g.goal ORDER BY 1, 2, 5", args)


def count_activities(store: Store, scope: AccessScope, f: ActivityFilter) -> int:
    where, args = _where(scope, f)
    return int(store.scalar(f"SELECT COUNT(*) {_FROM} WHERE {where}", args) or 0)


def load_activities_page(store: Store, scope: AccessScope, f: ActivityFilter, limit: int,
                         offset: int) -> pd.DataFrame:
    """One page of activities (newest first) with partner, area, goals and beneficiaries.

    ``limit`` and ``offset`` are bound parameters: the database returns only this page.
    """
    where, args = _where(scope, f)
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    return store.query(
        "SELECT a.activity_id, a.started_on, a.ended_on, a.status, a.title, a.area_code, "
        "p.partner_id, p.name AS partner, p.name_en AS partner_en, p.sector, "
        "a.beneficiaries, a.budget, "
        "(SELECT string_agg(CAST(g.goal AS VARCHAR), ', ' ORDER BY g.goal) "
        "FROM activity_goals g WHERE g.activity_id = a.activity_id) AS goals "
        f"{_FROM} WHERE {where} ORDER BY a.started_on DESC, a.activity_id DESC "
        "LIMIT ? OFFSET ?", [*args, limit, offset])
