"""The poverty queries and the aggregate refresh give the same answers on DuckDB and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

from data import poverty as P
from data.scope import AccessScope
from data.store import Store
from domain import poverty as pv

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("exact_counts")]

EVERYTHING = AccessScope.everything()
PATTANI = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                      household_provinces=frozenset({"94"}))
WEIGHTS = pv.nested_weights({"income": 2}).key()


@pytest.fixture(scope="module")
def both(demo_db, pg_demo_url):
    duck = Store(f"duckdb:///{demo_db}", read_only=True)
    pg = Store(pg_demo_url, read_only=True)
    yield duck, pg
    duck.close()
    pg.close()


def _village(store: Store) -> str:
    return store.scalar(
        "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
        "AND survey_year = 2024 GROUP BY village_code ORDER BY COUNT(*) DESC, village_code "
        "LIMIT 1")


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    for col in df.columns:
        if df[col].dtype.kind in "iufb":
            df[col] = df[col].astype("float64").round(6)
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


@pytest.mark.parametrize("area", ["", "R:SB", "94", "9401", "940101", "village"])
@pytest.mark.parametrize("weights", [None, WEIGHTS])
def test_drilldown_parity(both, area, weights):
    duck, pg = both
    area = _village(duck) if area == "village" else area
    for scope in (EVERYTHING, PATTANI):
        a = P.poverty_by_child(duck, scope, area, 2024, 0.25, weights)
        b = P.poverty_by_child(pg, scope, area, 2024, 0.25, weights)
        pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False, rtol=1e-9)
    a, b = P.poverty_trend(duck, EVERYTHING, area, 0.25, weights), \
        P.poverty_trend(pg, EVERYTHING, area, 0.25, weights)
    pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False, rtol=1e-9)


def test_pipeline_households_and_years_parity(both):
    duck, pg = both
    village = _village(duck)
    pd.testing.assert_frame_equal(_norm(P.assistance_pipeline(duck, EVERYTHING, "94", 2024)),
                                  _norm(P.assistance_pipeline(pg, EVERYTHING, "94", 2024)),
                                  check_dtype=False)
    a = P.load_target_households(duck, PATTANI, village, 2024)
    b = P.load_target_households(pg, PATTANI, village, 2024)
    assert len(a) > 0
    pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False)
    assert P.load_poverty_years(duck, PATTANI) == P.load_poverty_years(pg, PATTANI)


def test_refresh_on_postgresql(pg_demo_url):
    from data.store import open_store

    pg = open_store(pg_demo_url)
    try:
        before = pg.rows("SELECT COUNT(*), SUM(people) FROM poverty_rollup")[0]
        P.refresh_poverty_aggregates(pg, years=[2024])
        assert pg.rows("SELECT COUNT(*), SUM(people) FROM poverty_rollup")[0] == before
    finally:
        pg.close()
