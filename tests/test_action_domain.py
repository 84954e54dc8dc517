"""Unit tests of the follow-up domain: service levels, rule evaluators, snapshot comparison,
freshness and debt tallies, on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from domain import alert_rules as rules
from domain.debt_tally import daily_tally, top_provinces
from domain.freshness import codebook_frequency_days, freshness_status
from domain.meetings import biggest_moves, category_moves, compare_figures, summary_counts
from domain.service_levels import closure_summary, item_status, level_days, weighted_quantile

D = dt.date
LEVELS = {("assistance", "identified", ""): 30, ("assistance", "identified", "moph"): 10,
          ("assistance", "in_progress", ""): 120, ("project", "in_progress", ""): 0}


# -- service levels ---------------------------------------------------------------------------
def test_level_days_prefers_the_agency_then_any_agency():
    assert level_days(LEVELS, "assistance", "identified", "moph") == 10
    assert level_days(LEVELS, "assistance", "identified", "dla") == 30
    assert level_days(LEVELS, "assistance", "resolved", "dla") is None


def test_item_status_hand_computed():
    items = pd.DataFrame([
        # moph: 10 days allowed from 1 Dec -> due 11 Dec; on 31 Dec 20 days overdue.
        {"kind": "assistance", "stage": "identified", "agency": "moph",
         "opened_on": D(2024, 12, 1), "stage_since": D(2024, 12, 1)},
        # any agency: 30 days from 1 Dec -> due 31 Dec: on the due day, not overdue.
        {"kind": "assistance", "stage": "identified", "agency": "dla",
         "opened_on": D(2024, 12, 1), "stage_since": D(2024, 12, 1)},
        # in progress since 1 Aug (opened 1 Jul): 120 days -> due 29 Nov; 32 days overdue.
        {"kind": "assistance", "stage": "in_progress", "agency": "dla",
         "opened_on": D(2024, 7, 1), "stage_since": D(2024, 8, 1)},
        # a stage without a service level is never overdue.
        {"kind": "assistance", "stage": "waiting", "agency": "dla",
         "opened_on": D(2020, 1, 1), "stage_since": None},
    ])
    got = item_status(items, LEVELS, D(2024, 12, 31))
    assert got.age_days.tolist() == [30, 30, 183, 1826]
    assert got.stage_days.tolist() == [30, 30, 152, 1826]  # no stage date: since opening
    assert got.overdue.tolist() == [True, False, True, False]
    assert got.overdue_days.tolist() == [20, 0, 32, 0]
    assert got.due_on.iloc[2] == pd.Timestamp(2024, 11, 29)


def test_project_deadline_counts_from_the_planned_end():
    items = pd.DataFrame([{"kind": "project", "stage": "in_progress", "agency": "drr",
                           "opened_on": D(2024, 1, 1), "stage_since": D(2024, 1, 1),
                           "deadline": D(2024, 9, 30)}])
    got = item_status(items, LEVELS, D(2024, 12, 31))
    assert got.overdue_days.iloc[0] == 92  # 1 Oct .. 31 Dec


def test_weighted_quantile_matches_numpy_and_hand_values():
    # Sample 2, 4, 4, 10: median (4 + 4) / 2 = 4; p90 at position 2.7 -> 4 + 0.7 * 6 = 8.2.
    assert weighted_quantile(np.array([10, 2, 4]), np.array([1, 1, 2]), 0.5) == 4.0
    assert weighted_quantile(np.array([10, 2, 4]), np.array([1, 1, 2]), 0.9) == pytest.approx(8.2)
    rng = np.random.default_rng(3)
    days = rng.integers(0, 400, 500)
    values, counts = np.unique(days, return_counts=True)
    for q in (0.1, 0.5, 0.9, 1.0):
        assert weighted_quantile(values, counts, q) == pytest.approx(np.percentile(days, 100 * q))
    assert math.isnan(weighted_quantile(np.array([]), np.array([]), 0.5))


def test_closure_summary_by_group():
    counts = pd.DataFrame({"group": ["a", "a", "a", "b"], "days": [10, 20, 30, 7],
                           "n": [1, 2, 1, 3]})
    got = closure_summary(counts).set_index("group")
    # a: 10, 20, 20, 30 -> median 20, p90 at 2.7 -> 20 + 0.7 * 10 = 27, mean 20.
    assert got.loc["a"].tolist() == [4, 20.0, pytest.approx(27.0), 20.0]
    assert got.loc["b", "median_days"] == 7 and got.loc["b", "closed"] == 3


# -- rules ------------------------------------------------------------------------------------
def test_validate_params_rejects_nonsense():
    with pytest.raises(rules.RuleError):
        rules.validate_params("threshold", {"indicator": "x", "op": "near", "value": 1})
    with pytest.raises(rules.RuleError):
        rules.validate_params("decline", {"indicator": "x", "years": 0})
    with pytest.raises(rules.RuleError):
        rules.validate_params("threshold", {"indicator": "nope", "op": "below", "value": 1},
                              indicators={"x"})
    with pytest.raises(rules.RuleError):
        rules.validate_params("not_reported", {"dataset": "x", "days": "ten"})
    assert rules.validate_params("overdue_agency", {"limit": "5"})["limit"] == 5


def test_threshold_rule():
    values = pd.DataFrame({"area_code": ["10", "40", "94"], "value": [5.0, 12.0, np.nan]})
    below = rules.eval_threshold(values, "below", 10)
    assert below.subject.tolist() == ["10"] and below.reference.tolist() == [10]
    assert rules.eval_threshold(values, "above", 10).subject.tolist() == ["40"]


def test_decline_rule_needs_consecutive_years():
    series = pd.DataFrame({
        "area_code": ["10"] * 4 + ["40"] * 4 + ["94"] * 3,
        "year": [2019, 2020, 2021, 2022, 2019, 2020, 2021, 2022, 2018, 2020, 2021],
        "value": [9, 8, 7, 6, 9, 8, 8.5, 7, 9, 8, 7]})
    got = rules.eval_decline(series, 3)
    # 10 fell three years running; 40 rose once; 94 misses 2019 (the run is broken).
    assert got.subject.tolist() == ["10"]
    assert got.value.iloc[0] == 6 and got.reference.iloc[0] == 9
    assert rules.eval_decline(series, 2).subject.tolist() == ["10"]
    assert rules.eval_decline(series, 1).subject.tolist() == ["10", "40", "94"]


def test_category_drop_rule():
    now = pd.DataFrame({"area_code": ["10", "40", "94"],
                        "category": ["performer", "aspirant", None]})
    before = pd.DataFrame({"area_code": ["10", "40", "94"],
                           "category": ["performer", "front_runner", "aspirant"]})
    got = rules.eval_category_drop(now, before)
    assert got.subject.tolist() == ["40"] and got.value.tolist() == [0.0]
    assert rules.eval_category_drop(now, before, steps=3).empty


def test_overdue_agency_rule():
    counts = pd.DataFrame({"agency": ["moph", "moph", "dla"], "province_code": ["10", "40", "10"],
                           "overdue": [4, 3, 5]})
    assert rules.eval_overdue_agency(counts, 6).subject.tolist() == ["moph"]
    per = rules.eval_overdue_agency(counts, 4, per_province=True)
    assert per.subject.tolist() == ["dla|10"] and per.area_code.tolist() == ["10"]
    assert rules.eval_overdue_agency(counts, 4, agency="dla").value.tolist() == [5.0]


def test_not_reported_rule():
    f = pd.DataFrame({"province_code": ["10", "40", "94"], "days_since": [30.0, 31.0, np.nan]})
    got = rules.eval_not_reported(f, 30)
    assert got.subject.tolist() == ["40", "94"]
    assert got.value.iloc[0] == 31 and pd.isna(got.value.iloc[1])


def test_neighbour_deviation_rule():
    adjacency = {"A": ("B", "C"), "B": ("A",), "C": ("A",), "D": ("E",)}
    values = pd.DataFrame({"area_code": ["A", "B", "C", "D"], "value": [20.0, 10.0, 12.0, 5.0]})
    got = rules.eval_neighbour_deviation(values, adjacency, 8)
    # A vs mean(10, 12) = 11: 9 > 8; B vs 20: 10 > 8; C vs 20: 8 is not more than 8.
    assert got.subject.tolist() == ["A", "B"]
    assert got.reference.tolist() == [11.0, 20.0]
    rel = rules.eval_neighbour_deviation(values, adjacency, 50, relative=True)
    # A: 9 / 11 = 82 %; B: 10 / 20 = 50 % (not more); C: 8 / 20 = 40 %.
    assert rel.subject.tolist() == ["A"]


# -- snapshots --------------------------------------------------------------------------------
def test_compare_figures_directions():
    before = pd.DataFrame({"area_code": ["10", "10", "10", "10", "40"],
                           "metric": ["sdg_index", "target_poor_people", "debt_registered",
                                      "cases_open", "sdg_category"],
                           "value": [60.0, 1000, 50, 7, 2]})
    after = pd.DataFrame({"area_code": ["10", "10", "10", "40", "94"],
                          "metric": ["sdg_index", "target_poor_people", "debt_registered",
                                     "sdg_category", "sdg_index"],
                          "value": [62.5, 1200, 80, 1, 40.0]})
    diff = compare_figures(before, after).set_index(["area_code", "metric"])
    assert diff.loc[("10", "sdg_index"), "direction"] == "better"
    assert diff.loc[("10", "sdg_index"), "change"] == 2.5
    assert diff.loc[("10", "target_poor_people"), "direction"] == "worse"
    assert diff.loc[("10", "debt_registered"), "direction"] == "changed"
    assert diff.loc[("10", "cases_open"), "direction"] == "gone"
    assert diff.loc[("94", "sdg_index"), "direction"] == "new"
    assert diff.loc[("40", "sdg_category"), "direction"] == "worse"
    flat = diff.reset_index()
    assert category_moves(flat).area_code.tolist() == ["40"]
    assert summary_counts(flat) == {"better": 1, "worse": 2, "changed": 1, "same": 0,
                                    "new": 1, "gone": 1}
    moves = biggest_moves(flat, "target_poor_people")
    assert moves.area_code.tolist() == ["10"]


# -- freshness --------------------------------------------------------------------------------
def test_freshness_status_boundaries():
    last = pd.Series([D(2024, 12, 1), D(2024, 11, 15), D(2024, 11, 16), None])
    got = freshness_status(last, D(2024, 12, 31), 31, 14)
    # 30, 46 and 45 days since; 45 = 31 + 14 is still on time.
    assert got.days_since.tolist()[:3] == [30, 46, 45]
    assert got.status.tolist() == ["on_time", "late", "on_time", "never"]
    assert codebook_frequency_days(pd.Series(["annual", "quarterly", None, "irregular"])) == 92
    assert codebook_frequency_days(pd.Series(["irregular"])) is None


# -- debt tallies -----------------------------------------------------------------------------
def test_daily_tally_fills_days_and_accumulates():
    days = pd.DataFrame({"day": [D(2024, 1, 1), D(2024, 1, 3), D(2024, 1, 3), D(2023, 12, 1)],
                         "registrants": [2, 1, 4, 10], "debt_total": [100.0, 50, 25, 1000]})
    got = daily_tally(days, D(2024, 1, 1), D(2024, 1, 4))
    assert [d.isoformat() for d in got.day] == ["2024-01-01", "2024-01-02", "2024-01-03",
                                                 "2024-01-04"]
    assert got.registrants.tolist() == [2, 0, 5, 0]
    # Running totals include the December figures before the window.
    assert got.cum_registrants.tolist() == [12, 12, 17, 17]
    assert got.cum_debt_total.tolist() == [1100, 1100, 1175, 1175]
    assert got.mediated.sum() == 0


def test_top_provinces_ties_by_code():
    frame = pd.DataFrame({"province_code": ["40", "10", "94"], "registrants": [5, 5, 9]})
    assert top_provinces(frame, "registrants", 2).province_code.tolist() == ["94", "10"]
