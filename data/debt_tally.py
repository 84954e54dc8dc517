"""Informal-debt tallies from the case rows, per day and per province, as the Damrongdhama
centres publish them (registrants, debt, online and on site, creditors, mediation, prosecutions)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.area_filter import area_predicate
from data.scope import AccessScope
from data.store import Store
from domain.debt_tally import daily_tally


def _scoped(scope: AccessScope, area: str) -> tuple[str, list[Any]]:
    where, params = scope.sql_filter("province_code")
    cond, args = area_predicate(area, column="area_code")
    return f"{where} AND {cond}", [*params, *args]


def debt_tally_days(store: Store, scope: AccessScope, area: str = "") -> pd.DataFrame:
    """One row per day and event: registrations (with debt, channel and creditors), mediations,
    settlements (debt before and after) and prosecutions, summed by day
    (the input of ``domain.debt_tally.daily_tally``)."""
    w, a = _scoped(scope, area)
    return store.query(
        "SELECT day, SUM(registrants) AS registrants, SUM(debt_total) AS debt_total, "
        "SUM(online) AS online, SUM(onsite) AS onsite, SUM(creditors) AS creditors, "
        "SUM(mediated) AS mediated, SUM(settled) AS settled, SUM(debt_before) AS debt_before, "
        "SUM(debt_after) AS debt_after, SUM(prosecutions) AS prosecutions FROM ("
        "SELECT registered_on AS day, 1 AS registrants, debt_amount AS debt_total, "
        "CASE WHEN channel = 'online' THEN 1 ELSE 0 END AS online, "
        "CASE WHEN channel = 'onsite' THEN 1 ELSE 0 END AS onsite, "
        "COALESCE(creditors, 0) AS creditors, 0 AS mediated, 0 AS settled, "
        "0.0 AS debt_before, 0.0 AS debt_after, 0 AS prosecutions "
        f"FROM debt_cases WHERE {w} UNION ALL "
        f"SELECT mediation_on, 0, 0.0, 0, 0, 0, 1, 0, 0.0, 0.0, 0 FROM debt_cases "
        f"WHERE mediation_on IS NOT NULL AND {w} UNION ALL "
        "SELECT outcome_on, 0, 0.0, 0, 0, 0, 0, 1, debt_amount, debt_amount - amount_reduced, 0 "
        f"FROM debt_cases WHERE stage = 'settled' AND outcome_on IS NOT NULL AND {w} "
        "UNION ALL SELECT prosecuted_on, 0, 0.0, 0, 0, 0, 0, 0, 0.0, 0.0, 1 FROM debt_cases "
        f"WHERE prosecuted_on IS NOT NULL AND {w}) t GROUP BY day ORDER BY day",
        [*a, *a, *a, *a]).fillna(0)


def debt_tally_daily(store: Store, scope: AccessScope, area: str = "") -> pd.DataFrame:
    """:func:`domain.debt_tally.daily_tally` of :func:`debt_tally_days`: every day's figures
    and running totals, so that a cached result holds them (the page summed them again on
    every run: 4 ms)."""
    return daily_tally(debt_tally_days(store, scope, area))


# A province's totals, as both tallies by province return them.
_TOTALS = (
    "COUNT(*) AS registrants, SUM(debt_amount) AS debt_total, "
    "SUM(CASE WHEN channel = 'online' THEN 1 ELSE 0 END) AS online, "
    "SUM(CASE WHEN channel = 'onsite' THEN 1 ELSE 0 END) AS onsite, "
    "SUM(COALESCE(creditors, 0)) AS creditors, "
    "SUM(CASE WHEN mediation_on IS NOT NULL THEN 1 ELSE 0 END) AS mediated, "
    "SUM(CASE WHEN stage = 'settled' THEN 1 ELSE 0 END) AS settled, "
    "SUM(CASE WHEN stage = 'settled' THEN debt_amount ELSE 0 END) AS debt_before, "
    "SUM(CASE WHEN stage = 'settled' THEN debt_amount - amount_reduced ELSE 0 END) "
    "AS debt_after, "
    "SUM(CASE WHEN prosecuted_on IS NOT NULL THEN 1 ELSE 0 END) AS prosecutions ")


def debt_tally_by_province(store: Store, scope: AccessScope, area: str = "") -> pd.DataFrame:
    """Totals per province: registrants, debt, online, on site, creditors, mediated, settled,
    debt of settled cases before and after mediation, prosecutions."""
    w, a = _scoped(scope, area)
    return store.query(
        f"SELECT province_code, {_TOTALS} "
        f"FROM debt_cases WHERE {w} GROUP BY province_code ORDER BY province_code", a)


# -- by unit: every province, or every district of a province, in one cached call ----------
# As ``data.debt``'s by-unit queries: each unit's rows are grouped from the cases its own
# area query selects; the page cuts its area's rows out (``data.debt.cut_unit``).


def _units(scope: AccessScope, parent: str, width: int) -> tuple[str, list[Any]]:
    if width not in (2, 4) or not (parent == "" or (len(parent) == 2 and parent.isdigit())):
        raise ValueError(f"debt units: {parent!r} by width {width!r}")
    return _scoped(scope, parent)


def debt_tally_days_by_unit(store: Store, scope: AccessScope, parent: str,
                            width: int) -> pd.DataFrame:
    """:func:`debt_tally_days` of every unit of ``width`` inside ``parent`` (``code`` first)."""
    w, a = _units(scope, parent, width)
    unit = "substr(area_code, 1, ?)"
    return store.query(
        "SELECT code, day, SUM(registrants) AS registrants, SUM(debt_total) AS debt_total, "
        "SUM(online) AS online, SUM(onsite) AS onsite, SUM(creditors) AS creditors, "
        "SUM(mediated) AS mediated, SUM(settled) AS settled, SUM(debt_before) AS debt_before, "
        "SUM(debt_after) AS debt_after, SUM(prosecutions) AS prosecutions FROM ("
        f"SELECT {unit} AS code, registered_on AS day, 1 AS registrants, "
        "debt_amount AS debt_total, "
        "CASE WHEN channel = 'online' THEN 1 ELSE 0 END AS online, "
        "CASE WHEN channel = 'onsite' THEN 1 ELSE 0 END AS onsite, "
        "COALESCE(creditors, 0) AS creditors, 0 AS mediated, 0 AS settled, "
        "0.0 AS debt_before, 0.0 AS debt_after, 0 AS prosecutions "
        f"FROM debt_cases WHERE {w} UNION ALL "
        f"SELECT {unit}, mediation_on, 0, 0.0, 0, 0, 0, 1, 0, 0.0, 0.0, 0 FROM debt_cases "
        f"WHERE mediation_on IS NOT NULL AND {w} UNION ALL "
        f"SELECT {unit}, outcome_on, 0, 0.0, 0, 0, 0, 0, 1, debt_amount, "
        "debt_amount - amount_reduced, 0 "
        f"FROM debt_cases WHERE stage = 'settled' AND outcome_on IS NOT NULL AND {w} "
        f"UNION ALL SELECT {unit}, prosecuted_on, 0, 0.0, 0, 0, 0, 0, 0, 0.0, 0.0, 1 "
        f"FROM debt_cases WHERE prosecuted_on IS NOT NULL AND {w}) t "
        "GROUP BY code, day ORDER BY code, day",
        [width, *a, width, *a, width, *a, width, *a]).fillna(0)


def debt_tally_by_province_by_unit(store: Store, scope: AccessScope, parent: str,
                                   width: int) -> pd.DataFrame:
    """:func:`debt_tally_by_province` of every unit of ``width`` inside ``parent`` (``code``
    first)."""
    w, a = _units(scope, parent, width)
    return store.query(
        f"SELECT substr(area_code, 1, ?) AS code, province_code, {_TOTALS} "
        f"FROM debt_cases WHERE {w} GROUP BY 1, 2 ORDER BY 1, 2", [width, *a])
