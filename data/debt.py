"""Informal-debt case queries: stages, areas, months and the aggregate link to poverty data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.area_filter import rows_inside
from data.queries import area_condition
from data.scope import AccessScope
from data.store import Store
from domain import catalogue
from domain.debt import STAGE_STEPS, days_per_stage_of_counts, median_p90


def debt_child_length(area_code: str) -> int:
    """Cases are registered at district centres: maps go down to districts, no further."""
    if not area_code or area_code.startswith("R:"):
        return 2
    return 4


def _scoped(scope: AccessScope, area_code: str, prefix: str = "") -> tuple[str, list[Any]]:
    where, params = scope.sql_filter(f"{prefix}province_code")
    cond, cond_args = area_condition(area_code, f"{prefix}area_code")
    return f"{where} AND {cond}", [*params, *cond_args]


def load_debt_as_of(store: Store, scope: AccessScope) -> Any:
    """The newest date in the case records: the data is "as of" this day."""
    where, params = scope.sql_filter("province_code")
    return store.scalar(
        "SELECT MAX(CASE WHEN outcome_on IS NOT NULL AND outcome_on > registered_on "
        f"THEN outcome_on ELSE registered_on END) FROM debt_cases WHERE {where}", params)


def debt_stage_counts(store: Store, scope: AccessScope, area_code: str) -> pd.DataFrame:
    """Cases and amounts per stage inside an area."""
    sql, args = _scoped(scope, area_code)
    return store.query(
        "SELECT stage, COUNT(*) AS cases, SUM(debt_amount) AS debt_amount, "
        "SUM(amount_reduced) AS amount_reduced, SUM(amount_refinanced) AS amount_refinanced "
        f"FROM debt_cases WHERE {sql} GROUP BY stage ORDER BY stage", args)


def debt_days_per_stage(store: Store, scope: AccessScope, area_code: str) -> pd.DataFrame:
    """Median and 90th percentile of the days the cases that left a stage spent in it, and how
    many cases are still in it, inside an area (:func:`domain.debt.days_per_stage`).

    The engine counts the stays by length (a few hundred rows), where every case's dates were
    read before (140,000 rows for the country on the national store); the quantiles are then
    taken from the same numbers as before, so they are equal to the last bit (an engine's
    percentile_cont rounds differently: 25.200000000000003 for pandas' 25.2).
    """
    sql, args = _scoped(scope, area_code)
    # Each case once per branch: its days in the stage (NULL while it is still there or never
    # reached it) and whether it is still in the stage the step starts from.
    counts = store.query(
        "SELECT from_stage, to_stage, days, COUNT(days) AS n, SUM(still) AS still FROM ("
        "SELECT 'registered' AS from_stage, 'mediation' AS to_stage, "
        "mediation_on - registered_on AS days, "
        "CASE WHEN stage = 'registered' THEN 1 ELSE 0 END AS still "
        f"FROM debt_cases WHERE {sql} UNION ALL "
        "SELECT 'mediation', CASE WHEN stage = 'mediation' THEN 'settled' ELSE stage END, "
        "CASE WHEN stage <> 'mediation' THEN outcome_on - mediation_on END, "
        "CASE WHEN stage = 'mediation' THEN 1 ELSE 0 END "
        "FROM debt_cases WHERE stage IN ('mediation', 'settled', 'referred', 'closed') "
        f"AND {sql}) t GROUP BY from_stage, to_stage, days", [*args, *args])
    return days_per_stage_of_counts(counts)


def debt_by_child(store: Store, scope: AccessScope, area_code: str) -> pd.DataFrame:
    """Cases, unresolved cases and amounts per child unit (provinces or districts)."""
    return _by_child(store, scope, area_code, debt_child_length(area_code))


def _by_child(store: Store, scope: AccessScope, area_code: str, length: int) -> pd.DataFrame:
    sql, args = _scoped(scope, area_code)
    return store.query(
        "SELECT substr(area_code, 1, ?) AS code, COUNT(*) AS cases, "
        "SUM(CASE WHEN stage IN ('registered', 'mediation') THEN 1 ELSE 0 END) AS unresolved, "
        "SUM(CASE WHEN stage = 'settled' THEN 1 ELSE 0 END) AS settled, "
        "SUM(debt_amount) AS debt_amount, SUM(amount_reduced) AS amount_reduced, "
        "SUM(amount_refinanced) AS amount_refinanced "
        f"FROM debt_cases WHERE {sql} GROUP BY 1 ORDER BY 1", [length, *args])


def debt_by_month(store: Store, scope: AccessScope, area_code: str) -> pd.DataFrame:
    """Cases registered and cases reaching an outcome, per calendar month."""
    sql, args = _scoped(scope, area_code)
    return store.query(
        "SELECT y, m, SUM(registered) AS registered, SUM(settled) AS settled, "
        "SUM(other_outcome) AS other_outcome FROM ("
        "SELECT CAST(EXTRACT(year FROM registered_on) AS INTEGER) AS y, "
        "CAST(EXTRACT(month FROM registered_on) AS INTEGER) AS m, 1 AS registered, "
        "0 AS settled, 0 AS other_outcome "
        f"FROM debt_cases WHERE {sql} UNION ALL "
        "SELECT CAST(EXTRACT(year FROM outcome_on) AS INTEGER), "
        "CAST(EXTRACT(month FROM outcome_on) AS INTEGER), 0, "
        "CASE WHEN stage = 'settled' THEN 1 ELSE 0 END, "
        "CASE WHEN stage = 'settled' THEN 0 ELSE 1 END "
        f"FROM debt_cases WHERE outcome_on IS NOT NULL AND {sql}) t "
        "GROUP BY y, m ORDER BY y, m", [*args, *args])


def debt_by_creditor(store: Store, scope: AccessScope, area_code: str) -> pd.DataFrame:
    sql, args = _scoped(scope, area_code)
    return store.query(
        "SELECT creditor_type, COUNT(*) AS cases, SUM(debt_amount) AS debt_amount "
        f"FROM debt_cases WHERE {sql} GROUP BY 1 ORDER BY 2 DESC, 1", args)


def debt_household_link_by_unit(store: Store, scope: AccessScope) -> pd.DataFrame:
    """How many debtors' households appear in the basic-needs survey, and how poor they are,
    per registering unit (``code``: the cases' area code, a district): counts only, never a
    household.

    Cases linked to a surveyed household in its latest survey year, how many of those are
    target poor, and how many are deprived in each dimension. The join reads the whole survey
    year (12.9 million households on the national store: 0.6 s of CPU), whatever the area, so
    it is done once per scope for every unit; the counts add up to any area
    (:func:`household_link_within`).
    """
    where, args = scope.sql_filter("c.province_code")
    dims = catalogue.DIMENSION_CODES
    dim_sql = ", ".join(
        "SUM(CASE WHEN " + " OR ".join(
            f"h.{i.column}" for i in catalogue.POVERTY_INDICATORS if i.dimension == d)
        + f" THEN 1 ELSE 0 END) AS dim_{d}"
        for d in dims)
    return store.query(
        "SELECT c.area_code AS code, COUNT(*) AS cases, COUNT(h.house_code) AS linked, "
        "SUM(CASE WHEN h.target_poor THEN 1 ELSE 0 END) AS target_poor, "
        "SUM(CASE WHEN h.welfare_card THEN 1 ELSE 0 END) AS welfare_card, "
        f"{dim_sql} FROM debt_cases c LEFT JOIN households h ON h.house_code = c.house_code "
        "AND h.survey_year = (SELECT MAX(survey_year) FROM household_rollup) "
        f"WHERE {where} GROUP BY c.area_code ORDER BY c.area_code", args)


def household_link_within(by_unit: pd.DataFrame, area_code: str) -> dict[str, int]:
    """The counts of :func:`debt_household_link_by_unit` summed over the units inside an area
    (the units the SQL area condition of the other debt queries selects)."""
    columns = [c for c in by_unit.columns if c != "code"]
    totals = rows_inside(by_unit, area_code, "code")[columns].sum()
    return {c: (0 if pd.isna(totals.get(c)) else int(totals.get(c))) for c in columns}


# -- by unit: every province, or every district of a province, in one cached call ----------
# A page cuts its area's rows from these (``cut_unit``) instead of asking for every area it
# is shown: a province's rows come from one call for all provinces, a district's from one
# call for its province's districts. Each unit's rows are grouped from the very cases the
# area query selects (its code is the first ``width`` characters of the case's area code,
# what ``area_code LIKE 'code%'`` selects), so the figures are the same sums of the same rows.


def debt_unit_parent(area_code: str) -> tuple[str, int] | None:
    """The (parent, width) of the by-unit call an area's rows are cut from: a province from
    every province (``("", 2)``), a district from its province's districts (``("94", 4)``);
    None for the country, a region or a unit below a district (asked for directly)."""
    if area_code.isdigit() and len(area_code) == 2:
        return "", 2
    if area_code.isdigit() and len(area_code) == 4:
        return area_code[:2], 4
    return None


def _units(scope: AccessScope, parent: str, width: int) -> tuple[str, list[Any]]:
    """WHERE fragment of the cases inside ``parent`` (the country or a province) in scope."""
    if width not in (2, 4) or not (parent == "" or (len(parent) == 2 and parent.isdigit())):
        raise ValueError(f"debt units: {parent!r} by width {width!r}")
    return _scoped(scope, parent)


def cut_unit(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """One unit's rows of a by-unit result, without the ``code`` column: what the area's own
    query returns (its rows in their order, a fresh index)."""
    rows = frame[frame.code.to_numpy(dtype=object) == code]
    return rows.drop(columns="code").reset_index(drop=True)


def cut_days(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """One unit's :func:`debt_days_per_stage` from :func:`debt_days_per_stage_by_unit`: a
    unit without cases has no rows there, and its table of no stays here."""
    rows = cut_unit(frame, code)
    if len(rows):
        return rows
    return days_per_stage_of_counts(pd.DataFrame(
        {"from_stage": [], "to_stage": [], "days": [], "n": [], "still": []}))


def debt_stage_counts_by_unit(store: Store, scope: AccessScope, parent: str,
                              width: int) -> pd.DataFrame:
    """:func:`debt_stage_counts` of every unit of ``width`` inside ``parent`` (``code`` first)."""
    sql, args = _units(scope, parent, width)
    return store.query(
        "SELECT substr(area_code, 1, ?) AS code, stage, COUNT(*) AS cases, "
        "SUM(debt_amount) AS debt_amount, SUM(amount_reduced) AS amount_reduced, "
        "SUM(amount_refinanced) AS amount_refinanced "
        f"FROM debt_cases WHERE {sql} GROUP BY 1, 2 ORDER BY 1, 2", [width, *args])


def debt_by_creditor_by_unit(store: Store, scope: AccessScope, parent: str,
                             width: int) -> pd.DataFrame:
    """:func:`debt_by_creditor` of every unit of ``width`` inside ``parent`` (``code`` first)."""
    sql, args = _units(scope, parent, width)
    return store.query(
        "SELECT substr(area_code, 1, ?) AS code, creditor_type, COUNT(*) AS cases, "
        f"SUM(debt_amount) AS debt_amount FROM debt_cases WHERE {sql} "
        "GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2", [width, *args])


def debt_by_month_by_unit(store: Store, scope: AccessScope, parent: str,
                          width: int) -> pd.DataFrame:
    """:func:`debt_by_month` of every unit of ``width`` inside ``parent`` (``code`` first)."""
    sql, args = _units(scope, parent, width)
    return store.query(
        "SELECT code, y, m, SUM(registered) AS registered, SUM(settled) AS settled, "
        "SUM(other_outcome) AS other_outcome FROM ("
        "SELECT substr(area_code, 1, ?) AS code, "
        "CAST(EXTRACT(year FROM registered_on) AS INTEGER) AS y, "
        "CAST(EXTRACT(month FROM registered_on) AS INTEGER) AS m, 1 AS registered, "
        "0 AS settled, 0 AS other_outcome "
        f"FROM debt_cases WHERE {sql} UNION ALL "
        "SELECT substr(area_code, 1, ?), CAST(EXTRACT(year FROM outcome_on) AS INTEGER), "
        "CAST(EXTRACT(month FROM outcome_on) AS INTEGER), 0, "
        "CASE WHEN stage = 'settled' THEN 1 ELSE 0 END, "
        "CASE WHEN stage = 'settled' THEN 0 ELSE 1 END "
        f"FROM debt_cases WHERE outcome_on IS NOT NULL AND {sql}) t "
        "GROUP BY code, y, m ORDER BY code, y, m", [width, *args, width, *args])


def debt_days_per_stage_by_unit(store: Store, scope: AccessScope, parent: str,
                                width: int) -> pd.DataFrame:
    """:func:`debt_days_per_stage` of every unit of ``width`` inside ``parent`` (``code``
    first; a unit without cases has no rows): the stays counted by unit in one query, each
    unit's table computed from its own counts as the area's is."""
    sql, args = _units(scope, parent, width)
    counts = store.query(
        "SELECT code, from_stage, to_stage, days, COUNT(days) AS n, SUM(still) AS still FROM ("
        "SELECT substr(area_code, 1, ?) AS code, 'registered' AS from_stage, "
        "'mediation' AS to_stage, mediation_on - registered_on AS days, "
        "CASE WHEN stage = 'registered' THEN 1 ELSE 0 END AS still "
        f"FROM debt_cases WHERE {sql} UNION ALL "
        "SELECT substr(area_code, 1, ?), 'mediation', "
        "CASE WHEN stage = 'mediation' THEN 'settled' ELSE stage END, "
        "CASE WHEN stage <> 'mediation' THEN outcome_on - mediation_on END, "
        "CASE WHEN stage = 'mediation' THEN 1 ELSE 0 END "
        "FROM debt_cases WHERE stage IN ('mediation', 'settled', 'referred', 'closed') "
        f"AND {sql}) t GROUP BY code, from_stage, to_stage, days ORDER BY code",
        [width, *args, width, *args])
    return _days_tables(counts)


def _days_tables(counts: pd.DataFrame) -> pd.DataFrame:
    """``days_per_stage_of_counts`` of each unit's counts (the rows come by code), its steps,
    lengths and quantiles computed the same way (``median_p90`` of the same stays), in one
    frame: 77 provinces in a few milliseconds instead of 2-3 ms each."""
    codes = counts.code.to_numpy(dtype=object)
    start = counts.from_stage.to_numpy(dtype=object)
    end = counts.to_stage.to_numpy(dtype=object)
    days = counts.days.to_numpy(dtype=float)
    n = counts.n.to_numpy(dtype=np.int64)
    still = counts.still.to_numpy(dtype=np.int64)
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else []
    lasts = [*firsts[1:], len(codes)][:len(firsts)]
    steps = [(start == a) & (end == b) for a, b in STAGE_STEPS]
    taken = n > 0
    out: dict[str, list[Any]] = {k: [] for k in ("code", "from_stage", "to_stage", "cases",
                                                 "median_days", "p90_days", "open")}
    for i, j in zip(firsts, lasts, strict=True):
        for (a, b), step in zip(STAGE_STEPS, steps, strict=True):
            mine = step[i:j]
            stays = np.repeat(days[i:j][mine & taken[i:j]], n[i:j][mine & taken[i:j]])
            median, p90 = median_p90(stays)
            for key, value in (("code", codes[i]), ("from_stage", a), ("to_stage", b),
                               ("cases", int(len(stays))), ("median_days", median),
                               ("p90_days", p90), ("open", int(still[i:j][mine].sum()))):
                out[key].append(value)
    return pd.DataFrame(out)


def debt_by_district(store: Store, scope: AccessScope) -> pd.DataFrame:
    """:func:`debt_by_child` of every province and district at once: the cases in scope by
    district. A province's or a district's children are the rows inside it (``rows_inside``
    on ``code``): the groups its own query makes of its own cases."""
    return _by_child(store, scope, "", 4)
