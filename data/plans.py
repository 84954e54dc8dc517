"""One Plan queries: plan projects by area, fiscal year and SDG goal (scoped, aggregated in SQL)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.protect import protect_frame
from data.queries import area_condition, target_poor_sql
from data.scope import AccessScope
from data.store import Store


def child_code_length(area_code: str) -> int:
    """Code length of the child units shown under ``area_code`` (country/region: provinces)."""
    if not area_code or area_code.startswith("R:"):
        return 2
    return min(len(area_code) + 2, 6)


def load_fiscal_years(store: Store, scope: AccessScope) -> list[int]:
    where, params = scope.sql_filter("province_code")
    rows = store.rows(
        f"SELECT DISTINCT fiscal_year FROM plan_projects WHERE {where} ORDER BY 1", params)
    return [int(r[0]) for r in rows]


def load_plan_as_of(store: Store, scope: AccessScope) -> Any:
    """The date of the newest progress report anywhere: the plan data is "as of" this day.

    One date for every user (a date, not data): a project's flags must not change with who
    looks at it.
    """
    del scope
    return store.scalar("SELECT MAX(last_update) FROM plan_projects")


def load_plan_projects(store: Store, scope: AccessScope, area_code: str,
                       fiscal_year: int) -> pd.DataFrame:
    """Projects of one fiscal year inside an area, with their SDG goals and targets."""
    where, params = scope.sql_filter("p.province_code")
    cond, cond_args = area_condition(area_code, "p.area_code")
    return store.query(
        "SELECT p.project_id, p.area_code, p.province_code, p.fiscal_year, p.name_th, p.name_en, "
        "p.agency, p.budget_planned, p.budget_spent, p.start_date, p.end_date, p.status, "
        "p.progress_pct, p.beneficiaries, p.last_update, "
        "string_agg(CAST(g.goal AS VARCHAR), ',' ORDER BY g.goal) AS goals, "
        "string_agg(g.target, ', ' ORDER BY g.target) AS targets "
        "FROM plan_projects p LEFT JOIN plan_project_goals g ON g.project_id = p.project_id "
        f"WHERE p.fiscal_year = ? AND {where} AND {cond} "
        "GROUP BY p.project_id, p.area_code, p.province_code, p.fiscal_year, p.name_th, "
        "p.name_en, p.agency, p.budget_planned, p.budget_spent, p.start_date, p.end_date, "
        "p.status, p.progress_pct, p.beneficiaries, p.last_update ORDER BY p.project_id",
        [fiscal_year, *params, *cond_args],
    )


def _agency_condition(agency: str, column: str = "agency") -> tuple[str, list[Any]]:
    return (f"{column} = ?", [agency]) if agency else ("TRUE", [])


def plan_budget_by_child(store: Store, scope: AccessScope, area_code: str,
                         fiscal_year: int, agency: str = "") -> pd.DataFrame:
    """Projects, budget and mean progress per child unit of ``area_code``.

    A project belongs to a child only if it is planned at that level or below: a province-wide
    project is not split among districts (it is reported in ``wide`` rows with ``code`` = the
    area itself).
    """
    length = child_code_length(area_code)
    where, params = scope.sql_filter("province_code")
    cond, cond_args = area_condition(area_code, "area_code")
    by, by_args = _agency_condition(agency)
    return store.query(
        "SELECT CASE WHEN length(area_code) >= ? THEN substr(area_code, 1, ?) "
        "ELSE area_code END AS code, length(area_code) < ? AS wide, COUNT(*) AS projects, "
        "SUM(budget_planned) AS budget_planned, SUM(budget_spent) AS budget_spent, "
        "AVG(progress_pct) AS progress_mean, SUM(beneficiaries) AS beneficiaries "
        f"FROM plan_projects WHERE fiscal_year = ? AND {where} AND {cond} AND {by} "
        "GROUP BY 1, 2 ORDER BY 1",
        [length, length, length, fiscal_year, *params, *cond_args, *by_args],
    )


def plan_budget_by_goal(store: Store, scope: AccessScope, area_code: str,
                        fiscal_year: int, agency: str = "") -> pd.DataFrame:
    """Projects and planned budget linked to each SDG goal (a project may serve several goals,
    so goal totals overlap and are not summed)."""
    where, params = scope.sql_filter("p.province_code")
    cond, cond_args = area_condition(area_code, "p.area_code")
    by, by_args = _agency_condition(agency, "p.agency")
    return store.query(
        "SELECT g.goal, COUNT(DISTINCT p.project_id) AS projects, "
        "SUM(p.budget_planned) AS budget_planned "
        "FROM plan_projects p JOIN plan_project_goals g ON g.project_id = p.project_id "
        f"WHERE p.fiscal_year = ? AND {where} AND {cond} AND {by} "
        "GROUP BY g.goal ORDER BY g.goal",
        [fiscal_year, *params, *cond_args, *by_args],
    )


# -- need of every district at once --------------------------------------------------------
_COUNTS = ("households", "people", "target_poor_households", "target_poor_people")


def target_poor_by_district(store: Store, scope: AccessScope, year: int) -> pd.DataFrame:
    """``data.queries.target_poor_by_child`` of every province at once: each province's
    districts as that query gives them (the same sums of the village roll-up, names, order,
    and small counts withheld among the province's districts, as there), one province after
    another. A page cuts a province's rows out with :func:`districts_of`."""
    where, params = scope.sql_filter("h.province_code")
    frame = store.query(target_poor_sql(where), [4, year, *params])
    provinces = np.array([c[:2] for c in frame.code.to_numpy(dtype=object)], dtype=object)
    starts = np.flatnonzero(np.r_[True, provinces[1:] != provinces[:-1]]) \
        if len(provinces) else np.zeros(0, dtype=np.int64)
    ends = [*starts[1:], len(provinces)][:len(starts)]
    # Each province's districts withheld among themselves, as its own query withholds them.
    parts = [protect_frame(frame.iloc[a:b].reset_index(drop=True), scope)
             for a, b in zip(starts, ends, strict=True)]
    return pd.concat(parts, ignore_index=True) if parts else protect_frame(frame, scope)


def districts_of(frame: pd.DataFrame, province: str) -> pd.DataFrame:
    """One province's rows of :func:`target_poor_by_district`: what its own
    ``target_poor_by_child`` gives. Counts stay whole numbers where none of its districts is
    withheld (another province's withheld count made the shared column a float one)."""
    codes = frame.code.to_numpy(dtype=object)
    rows = frame[np.array([c[:2] == province for c in codes], dtype=bool)] \
        .reset_index(drop=True)
    if len(rows) and not rows.withheld.any():
        rows = rows.astype({c: np.int64 for c in _COUNTS if rows[c].dtype != np.int64})
    return rows
