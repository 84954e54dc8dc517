"""Informal-debt case queries: stages, areas, months and the aggregate link to poverty data."""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.area_filter import rows_inside
from data.queries import area_condition
from data.scope import AccessScope
from data.store import Store
from domain import catalogue
from domain.debt import days_per_stage_of_counts


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
    length = debt_child_length(area_code)
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
