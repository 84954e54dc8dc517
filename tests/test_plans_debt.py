"""One Plan and informal-debt measures (hand-computed cases) and their scoped queries."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from data import debt, plans
from data.area_filter import parse_area
from data.scope import AccessScope
from domain.debt import days_per_stage, median_p90, stage_funnel, suppress_small
from domain.plans import budget_per_need, expected_progress, flag_projects

AS_OF = dt.date(2024, 12, 31)


def _project(status, start, end, progress, last_update):
    return {"status": status, "start_date": pd.Timestamp(start), "end_date": pd.Timestamp(end),
            "progress_pct": progress, "last_update": pd.Timestamp(last_update)}


def test_expected_progress_is_linear_and_clipped():
    start = pd.Series(pd.to_datetime(["2024-12-01", "2025-02-01", "2024-01-01"]))
    end = pd.Series(pd.to_datetime(["2025-01-30", "2025-06-01", "2024-06-30"]))
    got = expected_progress(start, end, AS_OF).round(1).tolist()
    assert got == [50.0, 0.0, 100.0]  # 30 of 60 days; not started; finished


def test_flags_follow_their_precedence():
    df = pd.DataFrame([
        _project("completed", "2024-01-01", "2024-06-30", 100, "2024-07-01"),
        _project("suspended", "2024-01-01", "2025-06-30", 10, "2024-03-01"),
        _project("in_progress", "2024-01-01", "2024-11-30", 80, "2024-12-20"),   # past end
        _project("in_progress", "2024-10-01", "2025-09-30", 20, "2024-08-01"),   # silent 152 d
        _project("in_progress", "2024-10-01", "2025-03-31", 10, "2024-12-20"),   # 50 expected
        _project("in_progress", "2024-10-01", "2025-03-31", 35, "2024-12-20"),   # 15 behind: ok
        _project("not_started", "2024-12-01", "2025-06-30", 0, "2024-12-01"),   # should run
        _project("not_started", "2025-02-01", "2025-06-30", 0, "2024-12-01"),
    ])
    assert flag_projects(df, AS_OF).tolist() == [
        "completed", "suspended", "late", "stalled", "behind", "on_track", "late",
        "not_started"]


def test_flag_thresholds_are_strict():
    # Exactly 90 silent days is not yet stalled; exactly 20 points behind is not yet behind.
    silent = _project("in_progress", "2024-01-01", "2025-12-31", 100, AS_OF - dt.timedelta(90))
    df = pd.DataFrame([silent])
    assert flag_projects(df, AS_OF).tolist() == ["on_track"]
    start, end = dt.date(2024, 12, 1), dt.date(2025, 1, 30)
    expected = float(expected_progress(pd.Series([pd.Timestamp(start)]),
                                       pd.Series([pd.Timestamp(end)]), AS_OF)[0])
    at_edge = _project("in_progress", start, end, expected - 20, AS_OF)
    assert flag_projects(pd.DataFrame([at_edge]), AS_OF).tolist() == ["on_track"]


def test_flags_of_no_projects():
    empty = pd.DataFrame(columns=["status", "start_date", "end_date", "progress_pct",
                                  "last_update"])
    assert flag_projects(empty, AS_OF).empty


def test_budget_per_need_hand_computed():
    budget = pd.DataFrame({"code": ["10", "11", "12"], "budget": [300.0, 100.0, 50.0]})
    need = pd.DataFrame({"code": ["10", "11", "12", "13"], "need": [10, 10, 0, 20]})
    got = budget_per_need(budget, need).set_index("code")
    # Overall: 400 baht over 40 people in areas with need = 10 per person.
    assert got.per_need["10"] == 30.0 and got["index"]["10"] == 3.0
    assert got.per_need["11"] == 10.0 and got["index"]["11"] == 1.0
    assert math.isnan(got.per_need["12"]) and math.isnan(got["index"]["12"])  # no need
    assert got.budget["13"] == 0.0 and got["index"]["13"] == 0.0  # need, no budget


def test_budget_per_need_without_any_need():
    got = budget_per_need(pd.DataFrame({"code": ["10"], "budget": [5.0]}),
                          pd.DataFrame({"code": ["10"], "need": [0]}))
    assert got["index"].isna().all()


def test_stage_funnel():
    got = stage_funnel({"registered": 20, "mediation": 30, "settled": 35, "referred": 10,
                        "closed": 5})
    assert got.cases.tolist() == [100, 80, 35]
    assert got.share.tolist() == [1.0, 0.8, 0.35]
    assert got.step_rate.round(4).tolist() == [1.0, 0.8, 0.4375]


def test_stage_funnel_empty_and_no_mediation():
    empty = stage_funnel({})
    assert empty.cases.tolist() == [0, 0, 0] and empty.share.isna().all()
    got = stage_funnel({"registered": 4})
    assert got.cases.tolist() == [4, 0, 0]
    assert got.share.tolist() == [1.0, 0.0, 0.0]
    # Nobody reached mediation: the settlement rate of mediation is undefined, not 0 or 100 %.
    assert got.step_rate[1] == 0.0 and math.isnan(got.step_rate[2])


def test_days_per_stage_counts_only_finished_stays():
    d = pd.Timestamp
    cases = pd.DataFrame({
        "stage": ["registered", "mediation", "settled", "settled", "referred"],
        "registered_on": [d("2024-01-01")] * 5,
        "mediation_on": [pd.NaT, d("2024-01-11"), d("2024-01-05"), d("2024-01-21"),
                         d("2024-01-03")],
        "outcome_on": [pd.NaT, pd.NaT, d("2024-02-04"), d("2024-03-01"), d("2024-01-13")],
    })
    got = days_per_stage(cases).set_index("to_stage")
    assert got.loc["mediation", "cases"] == 4
    assert got.loc["mediation", "median_days"] == 7.0  # 10, 4, 20, 2 days
    assert got.loc["mediation", "open"] == 1
    assert got.loc["settled", "median_days"] == 35.0  # 30 and 40 days
    assert got.loc["settled", "open"] == 1
    assert got.loc["referred", "median_days"] == 10.0
    assert got.loc["closed", "cases"] == 0 and math.isnan(got.loc["closed", "median_days"])


def _stage_dates(store, scope, area):
    """Every case's stage and dates inside an area (what the page read before the engine
    computed the days): the input of ``domain.debt.days_per_stage``."""
    sql, args = debt._scoped(scope, area)
    return store.query("SELECT stage, registered_on, mediation_on, outcome_on FROM debt_cases "
                       f"WHERE {sql}", args)


def _assert_same_days(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    # Exactly: the quantiles are taken from the same numbers (an engine's percentile_cont
    # gave 25.200000000000003 for 25.2, which a rounded table or an export could show).
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


PATTANI = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))


@pytest.mark.parametrize("area", ["", "R:S", "94", "9401", "50", "R:NE"])
def test_days_per_stage_in_sql_equal_the_domain(any_store, everything, area):
    for scope in (everything, PATTANI):
        expected = days_per_stage(_stage_dates(any_store, scope, area))
        _assert_same_days(debt.debt_days_per_stage(any_store, scope, area), expected)
    assert debt.debt_days_per_stage(any_store, everything, "").cases.sum() > 100


def test_days_per_stage_in_sql_on_edge_cases(any_empty_store):
    """Hand-made cases where the two could part: even counts (interpolated median and p90),
    a case in mediation with a stray outcome date, an outcome without a mediation date, a
    step no case took (NaN, not 0)."""
    d = dt.date
    rows = [
        ("registered", d(2024, 1, 1), None, None),
        ("mediation", d(2024, 1, 1), d(2024, 1, 11), d(2024, 3, 1)),
        ("settled", d(2024, 1, 1), d(2024, 1, 5), d(2024, 2, 4)),
        ("settled", d(2024, 1, 1), d(2024, 1, 21), d(2024, 3, 1)),
        ("settled", d(2024, 1, 2), d(2024, 1, 3), d(2024, 1, 10)),
        ("settled", d(2024, 1, 2), None, d(2024, 1, 10)),
        ("referred", d(2024, 1, 1), d(2024, 1, 3), d(2024, 1, 13)),
        ("referred", d(2024, 1, 1), d(2024, 1, 3), None),
    ]
    any_empty_store.executemany(
        "INSERT INTO debt_cases (case_id, area_code, province_code, registered_on, debt_amount, "
        "creditor_type, stage, mediation_on, outcome_on) VALUES (?, '9401', '94', ?, 1000, "
        "'other', ?, ?, ?)",
        [(i, reg, stage, med, out) for i, (stage, reg, med, out) in enumerate(rows, 1)])
    everything = AccessScope.everything()
    got = debt.debt_days_per_stage(any_empty_store, everything, "94")
    _assert_same_days(got, days_per_stage(_stage_dates(any_empty_store, everything, "94")))
    by = got.set_index("to_stage")
    assert by.loc["settled", "cases"] == 3 and by.loc["settled", "median_days"] == 30.0
    assert by.loc["settled", "p90_days"] == pytest.approx(38.0)  # 7, 30, 40 days
    assert by.loc["mediation", "median_days"] == 3.0  # 1, 2, 2, 4, 10, 20 days
    assert by.loc["closed", "cases"] == 0 and math.isnan(by.loc["closed", "p90_days"])
    assert by.loc["mediation", "open"] == 1 and by.loc["settled", "open"] == 1


def test_median_p90_is_pandas_to_the_last_bit():
    """The days table's median and 90th percentile are pandas' Series.median and
    Series.quantile(0.9), bit for bit (what the page showed before), on day counts and on
    fractions, odd and even lengths, ties and single values."""
    import numpy as np

    rng = np.random.default_rng(7)
    for size in [*range(1, 40), 99, 100, 1001, 5000]:
        for values in (rng.integers(0, 400, size).astype(float), rng.random(size) * 97.3):
            series = pd.Series(values)
            median, p90 = median_p90(values)
            assert (median, p90) == (float(series.median()), float(series.quantile(0.9)))
    assert all(math.isnan(v) for v in median_p90(np.array([])))


def test_small_counts_are_withheld():
    assert suppress_small(0) == 0
    assert suppress_small(4) is None
    assert suppress_small(5) == 5
    assert suppress_small(None) is None


# -- queries on the demo any_store ------------------------------------------------------------


def test_plan_children_add_up_to_parent(any_store, everything):
    fy = max(plans.load_fiscal_years(any_store, everything))
    national = plans.plan_budget_by_child(any_store, everything, "", fy)
    assert not national.wide.any() and len(national) == 77
    province = plans.plan_budget_by_child(any_store, everything, "94", fy)
    assert province.projects.sum() == national.set_index("code").projects["94"]
    assert province.budget_planned.sum() == pytest.approx(
        national.set_index("code").budget_planned["94"])
    assert set(province[province.wide].code) <= {"94"}
    projects = plans.load_plan_projects(any_store, everything, "94", fy)
    assert len(projects) == province.projects.sum()
    assert projects.goals.notna().all()


def test_agency_filter_applies_to_every_plan_aggregate(any_store, everything):
    """The map's child totals and the goal chart follow the agency picked on the page."""
    fy = max(plans.load_fiscal_years(any_store, everything))
    projects = plans.load_plan_projects(any_store, everything, "", fy)
    agency = projects.agency.value_counts().index[0]
    mine = projects[projects.agency == agency]
    children = plans.plan_budget_by_child(any_store, everything, "", fy, agency)
    assert children.projects.sum() == len(mine) < len(projects)
    assert children.budget_planned.sum() == pytest.approx(mine.budget_planned.sum())
    goals = plans.plan_budget_by_goal(any_store, everything, "", fy, agency)
    every = plans.plan_budget_by_goal(any_store, everything, "", fy)
    assert goals.projects.max() <= len(mine)
    every = every.set_index("goal").projects
    assert (goals.set_index("goal").projects <= every.reindex(goals.goal).to_numpy()).all()


def test_plan_as_of_is_one_date_for_every_user(any_store, everything):
    pattani = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    assert plans.load_plan_as_of(any_store, pattani) == plans.load_plan_as_of(any_store,
                                                                              everything)


def test_plan_queries_respect_scope(any_store):
    fy = max(plans.load_fiscal_years(any_store, AccessScope.everything()))
    pattani = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    assert set(plans.load_plan_projects(any_store, pattani, "", fy).province_code) == {"94"}
    assert plans.load_plan_projects(any_store, pattani, "50", fy).empty
    assert plans.load_plan_projects(any_store, AccessScope.nothing(), "", fy).empty
    assert plans.load_fiscal_years(any_store, AccessScope.nothing()) == []


def test_debt_children_and_link(any_store, everything):
    national = debt.debt_by_child(any_store, everything, "")
    stages = debt.debt_stage_counts(any_store, everything, "")
    assert national.cases.sum() == stages.cases.sum()
    assert national.unresolved.sum() == stages.set_index("stage").cases.reindex(
        ["registered", "mediation"]).fillna(0).sum()
    province = debt.debt_by_child(any_store, everything, "94")
    assert province.code.str.len().eq(4).all()
    assert province.cases.sum() == national.set_index("code").cases.get("94", 0)
    months = debt.debt_by_month(any_store, everything, "")
    assert months.registered.sum() == stages.cases.sum()
    link = debt.household_link_within(debt.debt_household_link_by_unit(any_store, everything), "")
    assert 0 < link["linked"] <= link["cases"] and link["target_poor"] <= link["linked"]
    assert set(link) >= {"dim_health", "dim_income"}


def test_debt_queries_respect_scope(any_store):
    chiang_mai = AccessScope(user="u", roles=frozenset({"provincial"}),
                             provinces=frozenset({"50"}))
    assert set(debt.debt_by_child(any_store, chiang_mai, "").code) <= {"50"}
    assert debt.debt_by_child(any_store, chiang_mai, "94").empty
    assert debt.household_link_within(
        debt.debt_household_link_by_unit(any_store, AccessScope.nothing()), "")["cases"] == 0
    nothing = debt.debt_days_per_stage(any_store, AccessScope.nothing(), "")
    assert nothing.cases.sum() == 0 and nothing.open.sum() == 0


def test_household_link_of_an_area_is_the_sum_of_its_units(any_store, everything):
    """One read per scope serves every area: each area's counts equal a count written out for
    that area alone (the cases inside it, joined to the latest survey year)."""
    by_unit = debt.debt_household_link_by_unit(any_store, everything)
    assert by_unit.code.is_unique and len(by_unit) > 1
    district = str(by_unit.code.iloc[0])
    latest = any_store.scalar("SELECT MAX(survey_year) FROM household_rollup")
    for area, where, params in [
            ("", "TRUE", []),
            ("R:SB", "", []),
            (district[:2], "c.area_code LIKE ?", [district[:2] + "%"]),
            (district, "c.area_code = ?", [district])]:
        if area.startswith("R:"):
            provinces = parse_area(area).provinces
            where = "substr(c.area_code, 1, 2) IN (" + ", ".join("?" for _ in provinces) + ")"
            params = list(provinces)
        row = any_store.query(
            "SELECT COUNT(*) AS cases, COUNT(h.house_code) AS linked, "
            "SUM(CASE WHEN h.target_poor THEN 1 ELSE 0 END) AS target_poor "
            "FROM debt_cases c LEFT JOIN households h ON h.house_code = c.house_code "
            f"AND h.survey_year = ? WHERE {where}", [latest, *params]).iloc[0]
        link = debt.household_link_within(by_unit, area)
        assert link["cases"] == int(row.cases) and link["cases"] > 0, area
        assert link["linked"] == int(row.linked), area
        assert link["target_poor"] == int(row.target_poor or 0), area
