"""Pre-computed household aggregates per village and year, refreshed after household changes."""

from __future__ import annotations

from collections.abc import Iterable

from data.store import Store

_SELECT = (
    "SELECT survey_year, village_code, MIN(province_code), COUNT(*), SUM(members), "
    "SUM(CASE WHEN target_poor THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN target_poor THEN members ELSE 0 END), "
    "SUM(CASE WHEN welfare_card THEN 1 ELSE 0 END) FROM households"
)


def refresh_household_rollup(store: Store, years: Iterable[int] | None = None) -> int:
    """Recompute ``household_rollup`` for ``years`` (all years when None); return its rows.

    Call it in the same transaction as any insert, replace or undo of household rows, so that
    the drill-down never disagrees with the households table.
    """
    if years is None:
        store.execute("DELETE FROM household_rollup")
        store.execute(f"INSERT INTO household_rollup {_SELECT} GROUP BY survey_year, village_code")
    else:
        ys = sorted({int(y) for y in years})
        if not ys:
            return 0
        store.execute("DELETE FROM household_rollup WHERE survey_year = ANY(?)", [ys])
        store.execute(f"INSERT INTO household_rollup {_SELECT} WHERE survey_year = ANY(?) "
                      "GROUP BY survey_year, village_code", [ys])
    return int(store.scalar("SELECT COUNT(*) FROM household_rollup") or 0)


def refresh_all_aggregates(store: Store, years: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute every aggregate derived from household and case rows, in one transaction
    (``python -m data refresh``: repairs a store whose aggregates were left behind)."""
    from data.poverty import refresh_poverty_aggregates

    with store.transaction():
        rows = refresh_household_rollup(store, years)
        counts = refresh_poverty_aggregates(store, years)
    return {"household_rollup": rows, **counts}


# Per survey year: what the source rows hold, and what each aggregate says they hold.
_CHECKS = {
    "households": "SELECT survey_year, COUNT(*), SUM(members), "
                  "SUM(CASE WHEN target_poor THEN 1 ELSE 0 END) FROM households GROUP BY 1",
    "household_rollup": "SELECT survey_year, SUM(households), SUM(people), "
                        "SUM(target_poor_households) FROM household_rollup GROUP BY 1",
    "poverty_profiles": "SELECT survey_year, SUM(households), SUM(people), "
                        "SUM(CASE WHEN target_poor THEN households ELSE 0 END) "
                        "FROM poverty_profiles GROUP BY 1",
    "poverty_patterns": "SELECT survey_year, SUM(households), SUM(people), "
                        "SUM(CASE WHEN target_poor THEN households ELSE 0 END) "
                        "FROM poverty_patterns GROUP BY 1",
    "poverty_rollup": "SELECT survey_year, SUM(households), SUM(people), "
                      "SUM(CASE WHEN target_poor THEN households ELSE 0 END) FROM poverty_rollup "
                      "WHERE unit_level = 'province' GROUP BY 1",
}
_CASE_CHECKS = {
    "assistance_cases": "SELECT survey_year, COUNT(*) FROM assistance_cases GROUP BY 1",
    "poverty_case_counts": "SELECT survey_year, SUM(cases) FROM poverty_case_counts GROUP BY 1",
    "poverty_case_provinces": "SELECT survey_year, SUM(cases) FROM poverty_case_provinces "
                              "GROUP BY 1",
}


def aggregates_check(store: Store) -> dict[str, object]:
    """Whether every aggregate agrees with the rows it is computed from, per survey year.

    Totals (households, people, target-poor households, cases) are compared, which is what a
    refresh that stopped half way leaves unequal. ``stale_years`` lists the years to refresh.
    """
    stale: set[int] = set()
    details: dict[str, dict[int, tuple[int, ...]]] = {}
    for checks in (_CHECKS, _CASE_CHECKS):
        totals = {name: _by_year(store, sql) for name, sql in checks.items()}
        source, *derived = totals
        for name in derived:
            years = set(totals[source]) | set(totals[name])
            stale |= {y for y in years if totals[source].get(y) != totals[name].get(y)}
        details.update(totals)
    return {"consistent": not stale, "stale_years": sorted(stale),
            "totals": {name: {str(y): list(v) for y, v in sorted(t.items())}
                       for name, t in details.items()}}


def _by_year(store: Store, sql: str) -> dict[int, tuple[int, ...]]:
    return {int(r[0]): tuple(int(v or 0) for v in r[1:]) for r in store.rows(sql)}
