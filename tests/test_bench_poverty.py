"""The poverty benchmark's two baselines (prepared pandas, DuckDB SQL on raw households) give
the store's own drill-down figures at every level, so the ratios compare the same work."""

from __future__ import annotations

from bench.bench_poverty import (
    HouseholdIndex,
    check_same,
    load_households,
    pandas_drilldown,
    pick_levels,
    sql_drilldown,
)
from data import poverty as P
from data.scope import AccessScope
from data.store import Store
from domain import poverty as pv


def test_both_baselines_answer_like_the_store(demo_db, exact_counts):
    store = Store(f"duckdb:///{demo_db}", read_only=True)
    try:
        scope = AccessScope.everything()
        year = max(P.load_poverty_years(store, scope))
        weights, k = pv.nested_weights(), float(pv.DEFAULT_K)
        ix = HouseholdIndex(load_households(store, year))
        levels = pick_levels(store, year)
        assert [lv for lv, _ in levels] == ["country", "region", "province", "district",
                                            "subdistrict", "village"]
        for level, area in levels:
            step = P.poverty_drilldown(store, scope, area, year, k)
            got = (step.children, step.area)
            check_same(got, pandas_drilldown(ix, area, k, weights), level, "pandas")
            check_same(got, sql_drilldown(store, area, year, k, weights), level, "duckdb sql")
            assert len(ix.rows(area)) == (
                len(ix.frame) if not area else
                int(store.scalar("SELECT COUNT(*) FROM households WHERE survey_year = ? AND "
                                 + ("left(village_code, 2) IN (SELECT code FROM areas WHERE "
                                    "level = 'province' AND region_nesdc = 'NE')"
                                    if area.startswith("R:") else "starts_with(village_code, ?)"),
                                 [year] + ([] if area.startswith("R:") else [area]))))
    finally:
        store.close()
