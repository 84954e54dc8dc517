"""Every data-layer query gives the same answer on DuckDB and on PostgreSQL (same demo data)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import debt, overview, partners, plans, poverty, queries, sdg
from data.scope import AccessScope
from data.store import Store

pytestmark = pytest.mark.postgres

EVERYTHING = AccessScope.everything()
PATTANI = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
YEAR_2023 = partners.ActivityFilter("", dt.date(2023, 1, 1), dt.date(2023, 12, 31))

CASES = [
    (queries.load_areas, (EVERYTHING, "district", "94")),
    (queries.load_areas, (PATTANI, "province")),
    (queries.load_regions, (EVERYTHING,)),
    (queries.load_years, (EVERYTHING,)),
    (queries.sdg_values_by_area, (EVERYTHING, "94", 2022)),
    (queries.sdg_values_by_area, (EVERYTHING, "", 2022)),
    (queries.target_poor_by_child, (EVERYTHING, "", 2023)),
    (queries.target_poor_by_child, (EVERYTHING, "R:NE", 2023)),
    (queries.target_poor_by_child, (EVERYTHING, "9401", 2023)),
    (queries.target_poor_by_child, (PATTANI, "50", 2023)),
    (queries.activities_by_sector, (EVERYTHING, "", 2023)),
    (plans.load_fiscal_years, (EVERYTHING,)),
    (plans.plan_budget_by_child, (EVERYTHING, "", 2024)),
    (plans.plan_budget_by_goal, (EVERYTHING, "94", 2024)),
    (plans.load_plan_projects, (PATTANI, "", 2024)),
    (debt.debt_stage_counts, (EVERYTHING, "")),
    (debt.debt_by_child, (EVERYTHING, "94")),
    (debt.debt_by_month, (EVERYTHING, "")),
    (debt.debt_by_creditor, (EVERYTHING, "")),
    (debt.debt_household_link, (EVERYTHING, "")),
    (debt.load_debt_stage_dates, (PATTANI, "94")),
    (overview.overview_headline, (EVERYTHING, 2023, "")),
    (overview.overview_headline, (PATTANI, 2023, "9401")),
    (overview.overview_headline, (EVERYTHING, 2023, "940101")),
    (overview.overview_headline, (PATTANI, 2022, "")),
    (overview.index_movers, (EVERYTHING, "province", 2023)),
    (poverty.load_poverty_years, (EVERYTHING,)),
    (poverty.poverty_by_child, (EVERYTHING, "", 2023)),
    (poverty.poverty_by_child, (EVERYTHING, "9401", 2023)),
    (poverty.poverty_trend, (PATTANI, "94")),
    (poverty.assistance_pipeline, (EVERYTHING, "30", 2023)),
    (sdg.load_sdg_years, (EVERYTHING,)),
    (sdg.sdg_index_by_area, (EVERYTHING, "province", 2023)),
    (sdg.sdg_index_by_area, (EVERYTHING, "district", 2023, "94")),
    (sdg.indicator_ranking, (EVERYTHING, "g1_income_poverty", "province", 2023)),
    (partners.partner_kpis, (EVERYTHING, YEAR_2023)),
    (partners.activities_by_child, (EVERYTHING, YEAR_2023)),
    (partners.households_by_child, (EVERYTHING, "94", 2023)),
    (partners.load_household_years, (EVERYTHING,)),
    (partners.top_partners, (EVERYTHING, YEAR_2023)),
]


@pytest.fixture(scope="module")
def both(demo_db, pg_demo_url):
    duck = Store(f"duckdb:///{demo_db}", read_only=True)
    pg = Store(pg_demo_url, read_only=True)
    yield duck, pg
    duck.close()
    pg.close()


def _normalise(value):
    if isinstance(value, pd.DataFrame):
        df = value.reset_index(drop=True)
        for col in df.columns:
            if df[col].dtype.kind in "iuf":
                # Compared with a tolerance below: rounding here would flip ties at the edge.
                df[col] = df[col].astype("float64")
            elif df[col].dtype.kind == "M":
                df[col] = df[col].astype("datetime64[us]")
            elif df[col].dtype == object or str(df[col].dtype) in ("str", "string"):
                df[col] = df[col].astype(object).where(df[col].notna(), None)
        return df
    return value


@pytest.mark.parametrize(("fn", "args"), CASES,
                         ids=[f"{fn.__name__}-{i}" for i, (fn, _a) in enumerate(CASES)])
def test_same_result_on_both_backends(both, fn, args):
    duck, pg = both
    a, b = _normalise(fn(duck, *args)), _normalise(fn(pg, *args))
    if isinstance(a, pd.DataFrame):
        assert not a.empty or b.empty
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key]), key
    else:
        assert a == b
