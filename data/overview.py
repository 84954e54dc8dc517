"""Overview queries: headline counts of any area (regions included) and SDG index movers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.protect import protect_figures
from data.queries import area_condition
from data.scope import AccessScope
from data.sdg import sdg_index_by_area
from data.store import Store

# Household-derived headline figures and what each small count takes with it (data/protect.py).
_HEADLINE_GROUPS = (
    ("households", ("people", "target_poor_households", "target_poor_people",
                    "target_poor_people_prev", "cases", "cases_resolved")),
    ("target_poor_households", ("target_poor_people",)),
    ("target_poor_people_prev", ()), ("cases", ("cases_resolved",)), ("cases_resolved", ()))


def overview_headline(store: Store, scope: AccessScope, year: int,
                      area_code: str = "") -> dict[str, Any]:
    """Households surveyed, target poor (this and last year), assistance cases and resolved,
    partner activities started in ``year``, inside ``area_code`` ("" = all the user may see).
    Small household counts come back as None (``withheld`` says so), see data/protect.py."""
    where, params = scope.sql_filter("province_code")
    cond, cond_args = area_condition(area_code, "village_code")
    # The village rollup (data/rollup.py) holds these sums: ~75,000 rows a year, not 13 million.
    hh = store.rows(
        "SELECT survey_year, COALESCE(SUM(households), 0), COALESCE(SUM(people), 0), "
        "COALESCE(SUM(target_poor_people), 0), COALESCE(SUM(target_poor_households), 0) "
        f"FROM household_rollup WHERE survey_year = ANY(?) AND {where} AND {cond} "
        "GROUP BY survey_year",
        [[year - 1, year], *params, *cond_args])
    cases = store.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0) "
        f"FROM assistance_cases WHERE survey_year = ? AND {where} AND {cond}",
        [year, *params, *cond_args])[0]
    act_cond, act_args = area_condition(area_code, "area_code")
    activities = store.scalar(
        "SELECT COUNT(*) FROM partner_activities "
        f"WHERE EXTRACT(year FROM started_on) = ? AND {where} AND {act_cond}",
        [year, *params, *act_args])
    by_year = {int(r[0]): r[1:] for r in hh}
    return _headline(scope, area_code, by_year.get(year), by_year.get(year - 1), cases,
                     activities)


def _headline(scope: AccessScope, area_code: str, cur: Any, prev: Any, cases: Any,
              activities: Any) -> dict[str, Any]:
    """The headline of one area from its sums (``cur``/``prev``: households, people, target
    poor people and households of the year and the year before, None for no survey rows)."""
    cur = cur or (0, 0, 0, 0)
    return protect_figures({
        "households": int(cur[0]), "people": int(cur[1]), "target_poor_people": int(cur[2]),
        "target_poor_households": int(cur[3]),
        "target_poor_people_prev": int(prev[2]) if prev else None,
        "cases": int(cases[0]), "cases_resolved": int(cases[1]),
        "activities": int(activities or 0),
    }, scope, area_code, _HEADLINE_GROUPS)


def overview_headline_by_province(store: Store, scope: AccessScope,
                                  year: int) -> dict[str, dict[str, Any]]:
    """:func:`overview_headline` of every province the user may see that has any row, in
    three grouped queries: one cached call a year serves every session's province, where each
    province picked cost three queries of its own (20 ms of CPU on the national store).

    Grouped by the code columns' first two digits, the very rows the area condition of the
    one-province call selects; ``tests/test_overview_headline.py`` holds them equal.
    """
    where, params = scope.sql_filter("province_code")
    hh: dict[str, dict[int, tuple[Any, ...]]] = {}
    for r in store.rows(
            "SELECT substr(village_code, 1, 2), survey_year, COALESCE(SUM(households), 0), "
            "COALESCE(SUM(people), 0), COALESCE(SUM(target_poor_people), 0), "
            "COALESCE(SUM(target_poor_households), 0) FROM household_rollup "
            f"WHERE survey_year = ANY(?) AND {where} GROUP BY 1, 2",
            [[year - 1, year], *params]):
        hh.setdefault(str(r[0]), {})[int(r[1])] = tuple(r[2:])
    cases = {str(r[0]): tuple(r[1:]) for r in store.rows(
        "SELECT substr(village_code, 1, 2), COUNT(*), "
        "COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0) "
        f"FROM assistance_cases WHERE survey_year = ? AND {where} GROUP BY 1",
        [year, *params])}
    activities = {str(r[0]): r[1] for r in store.rows(
        "SELECT substr(area_code, 1, 2), COUNT(*) FROM partner_activities "
        f"WHERE EXTRACT(year FROM started_on) = ? AND {where} GROUP BY 1", [year, *params])}
    return {code: _headline(scope, code, hh.get(code, {}).get(year),
                            hh.get(code, {}).get(year - 1), cases.get(code, (0, 0)),
                            activities.get(code, 0))
            for code in sorted({*hh, *cases, *activities}) if code.isdigit()}


def index_movers(store: Store, scope: AccessScope, level: str, year: int,
                 parent_code: str | None = None) -> pd.DataFrame:
    """SDG index of every area of ``level`` this year and last year, and the change.

    Columns area_code, index, category, prev_index, change (NaN where a year has no index).
    """
    now = sdg_index_by_area(store, scope, level, year, parent_code)
    before = sdg_index_by_area(store, scope, level, year - 1, parent_code)
    out = now[["area_code", "index", "category"]].merge(
        before[["area_code", "index"]].rename(columns={"index": "prev_index"}),
        on="area_code", how="left")
    out["change"] = out["index"] - out["prev_index"]
    return out
