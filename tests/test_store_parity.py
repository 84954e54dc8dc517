"""Data-layer queries on DuckDB and PostgreSQL: each engine against an independent expected
result (hand-computed fixtures, plain pandas over the raw rows), then the two against each
other over the demo data (agreement alone would not catch a query wrong on both)."""

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
    (queries.activities_by_sector, (EVERYTHING, "", 2023)),
    (plans.load_fiscal_years, (EVERYTHING,)),
    (plans.plan_budget_by_child, (EVERYTHING, "", 2024)),
    (plans.plan_budget_by_goal, (EVERYTHING, "94", 2024)),
    (plans.load_plan_projects, (PATTANI, "", 2024)),
    (debt.debt_stage_counts, (EVERYTHING, "")),
    (debt.debt_by_child, (EVERYTHING, "94")),
    (debt.debt_by_month, (EVERYTHING, "")),
    (debt.debt_by_creditor, (EVERYTHING, "")),
    (debt.debt_household_link_by_unit, (EVERYTHING,)),
    (debt.debt_days_per_stage, (PATTANI, "94")),
    (debt.debt_days_per_stage, (EVERYTHING, "")),
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
        # Two empty frames would agree whatever the query does: every case here has rows.
        assert not a.empty and not b.empty
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)
    elif isinstance(a, dict):
        assert a and a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key]), key
    else:
        assert a and a == b


@pytest.mark.parametrize(("fn", "args"), [
    (queries.target_poor_by_child, (PATTANI, "50", 2023)),
    (queries.sdg_values_by_area, (PATTANI, "50", 2023)),
    (debt.debt_by_child, (PATTANI, "50")),
    (poverty.poverty_trend, (PATTANI, "50")),
])
def test_outside_the_scope_is_empty_on_both(both, fn, args):
    """A province outside the user's scope gives no rows on either engine."""
    for store in both:
        assert len(fn(store, *args)) == 0


# -- each engine against a result computed without the query --------------------------------
DEBT_COLUMNS = ("case_id", "area_code", "province_code", "registered_on", "debt_amount",
                "creditor_type", "stage", "amount_reduced", "amount_refinanced")
# Four cases written by hand, with the answers worked out by hand below.
DEBT_CASES = [
    (1, "9401", "94", dt.date(2024, 1, 5), 100_000.0, "bank", "registered", 0.0, 0.0),
    (2, "9401", "94", dt.date(2024, 2, 9), 50_000.0, "informal", "settled", 20_000.0, 5_000.0),
    (3, "9402", "94", dt.date(2024, 2, 20), 30_000.0, "informal", "mediation", 0.0, 0.0),
    (4, "5001", "50", dt.date(2024, 3, 1), 70_000.0, "bank", "settled", 10_000.0, 0.0),
]


@pytest.fixture
def debt_fixture(any_empty_store):
    store = any_empty_store
    cols = ", ".join(DEBT_COLUMNS)
    marks = ", ".join("?" for _ in DEBT_COLUMNS)
    with store.transaction():
        for case in DEBT_CASES:
            store.execute(f"INSERT INTO debt_cases ({cols}) VALUES ({marks})", list(case))
    return store


def test_debt_queries_on_hand_computed_cases(debt_fixture):
    store = debt_fixture
    stages = debt.debt_stage_counts(store, EVERYTHING, "")
    assert stages.stage.tolist() == ["mediation", "registered", "settled"]
    assert stages.cases.tolist() == [1, 1, 2]
    assert stages.debt_amount.tolist() == [30_000, 100_000, 120_000]
    assert stages.amount_reduced.tolist() == [0, 0, 30_000]
    assert stages.amount_refinanced.tolist() == [0, 0, 5_000]
    pattani = debt.debt_by_child(store, EVERYTHING, "94")
    assert pattani.code.tolist() == ["9401", "9402"]
    assert pattani.cases.tolist() == [2, 1] and pattani.unresolved.tolist() == [1, 1]
    assert pattani.settled.tolist() == [1, 0]
    assert pattani.debt_amount.tolist() == [150_000, 30_000]
    provinces = debt.debt_by_child(store, EVERYTHING, "")
    assert dict(zip(provinces.code, provinces.cases, strict=True)) == {"50": 1, "94": 3}
    creditors = debt.debt_by_creditor(store, PATTANI, "")
    assert creditors.creditor_type.tolist() == ["informal", "bank"]
    assert creditors.cases.tolist() == [2, 1]
    assert creditors.debt_amount.tolist() == [80_000, 100_000]


def _raw(store: Store, sql: str, params=()) -> pd.DataFrame:
    return store.query(sql, list(params))


@pytest.mark.usefixtures("exact_counts")
@pytest.mark.parametrize("area", ["", "94", "9401"])
def test_target_poor_by_child_equals_a_count_of_the_households(any_store, area):
    """The rollup-based query against plain pandas over the household rows of 2023."""
    got = queries.target_poor_by_child(any_store, EVERYTHING, area, 2023)
    rows = _raw(any_store, "SELECT village_code, members, target_poor FROM households "
                           "WHERE survey_year = 2023")
    rows = rows[rows.village_code.str.startswith(area)]
    rows["code"] = rows.village_code.str[:len(area) + 2]
    rows["tp_members"] = rows.members.where(rows.target_poor.astype(bool), 0)
    want = rows.groupby("code").agg(
        households=("members", "size"), people=("members", "sum"),
        target_poor_households=("target_poor", "sum"), target_poor_people=("tp_members", "sum"))
    assert len(want) > 1
    got = got.set_index("code")[list(want.columns)].sort_index()
    pd.testing.assert_frame_equal(got.astype("int64"), want.astype("int64"), check_names=False)


def test_partner_kpis_equal_a_count_of_the_activities(any_store):
    """Activities overlapping 2023 (started by its end, not ended before its start)."""
    got = partners.partner_kpis(any_store, EVERYTHING, YEAR_2023)
    rows = _raw(any_store, "SELECT partner_id, area_code, started_on, ended_on, beneficiaries, "
                           "budget FROM partner_activities")
    start, end = pd.Timestamp(2023, 1, 1), pd.Timestamp(2023, 12, 31)
    ended = pd.to_datetime(rows.ended_on)
    rows = rows[(pd.to_datetime(rows.started_on) <= end) & (ended.isna() | (ended >= start))]
    assert len(rows) > 10
    assert got["activities"] == len(rows)
    assert got["partners"] == rows.partner_id.nunique()
    assert got["areas"] == rows.area_code.nunique()
    assert got["beneficiaries"] == int(rows.beneficiaries.sum())
    assert got["budget"] == pytest.approx(float(rows.budget.sum()))


def test_debt_stage_counts_equal_a_count_of_the_cases(any_store):
    got = debt.debt_stage_counts(any_store, PATTANI, "")
    rows = _raw(any_store, "SELECT stage, debt_amount FROM debt_cases WHERE province_code = ?",
                ["94"])
    want = rows.groupby("stage").agg(cases=("stage", "size"), debt_amount=("debt_amount", "sum"))
    assert len(want) > 1
    got = got.set_index("stage")[["cases", "debt_amount"]]
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_names=False, rtol=1e-9)
