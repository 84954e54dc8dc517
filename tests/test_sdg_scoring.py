"""SDG Index scoring against hand-computed cases, and the scoring queries on the demo store.

Bounds, censoring, direction, missing data, categories, progress status.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from domain import sdg


def _cat() -> pd.DataFrame:
    # goal 1: a (higher better, 0-100) and b (lower better, 0-10); goal 2: c (0-50).
    return pd.DataFrame({
        "indicator_code": ["a", "b", "c"], "goal": [1, 1, 2], "direction": [1, -1, 1],
        "lower_bound": [0.0, 0.0, 0.0], "upper_bound": [100.0, 10.0, 50.0],
        "levels": ["province", "province,district", "province"]})


def _values(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_code", "indicator_code", "value"])


def test_normalise_between_bounds():
    assert sdg.normalise(25, 0, 100, 1) == 25.0
    assert sdg.normalise(60, 50, 100, 1) == 20.0
    assert sdg.normalise(0.35, 0.25, 0.5, -1) == pytest.approx(60.0)  # a Gini, lower better


def test_normalise_censors_values_beyond_bounds():
    assert sdg.normalise(120, 0, 100, 1) == 100.0
    assert sdg.normalise(-5, 0, 100, 1) == 0.0
    assert sdg.normalise(15, 0, 10, -1) == 0.0  # worse than the worst bound, lower better
    assert sdg.normalise(-1, 0, 10, -1) == 100.0


def test_normalise_negative_direction_reverses_the_scale():
    assert sdg.normalise(2, 0, 10, -1) == 80.0
    assert sdg.normalise(2, 0, 10, 1) == 20.0


def test_normalise_arrays_keep_missing_values_missing():
    out = sdg.normalise([1.0, 2.0, np.nan], [0, 0, 0], [4, 4, 4], [1, -1, 1])
    assert out[0] == 25.0 and out[1] == 50.0 and math.isnan(out[2])


def test_goal_score_is_the_mean_and_index_the_mean_of_goals():
    scored = sdg.indicator_scores(_values([("10", "a", 50), ("10", "b", 2), ("10", "c", 60)]),
                                  _cat())
    goals = sdg.goal_scores(scored, _cat())
    g = dict(zip(goals.goal, goals.score, strict=True))
    assert g[1] == pytest.approx((50 + 80) / 2)  # b: 2 of 0-10, lower better -> 80
    assert g[2] == 100.0  # 60 beyond the upper bound 50: censored
    index = sdg.sdg_index(goals)
    assert index["index"].iloc[0] == pytest.approx((65 + 100) / 2)
    assert index.category.iloc[0] == "front_runner"


def test_missing_indicators_follow_the_minimum_share_rule():
    # Area 11 has 1 of the 2 goal-1 indicators (50 %: enough) and none of goal 2.
    scored = sdg.indicator_scores(_values([("11", "a", 20)]), _cat())
    goals = sdg.goal_scores(scored, _cat()).set_index("goal")
    assert goals.loc[1, "score"] == 20.0
    assert goals.loc[1, "share"] == 0.5
    assert math.isnan(goals.loc[2, "score"])  # no data, never 0
    assert goals.loc[2, "indicators"] == 0
    # With a stricter rule goal 1 is no data too.
    strict = sdg.goal_scores(scored, _cat(), min_share=0.75).set_index("goal")
    assert math.isnan(strict.loc[1, "score"])
    # 1 of 2 goals scored is below the 80 % rule for the index: no data, no category.
    index = sdg.sdg_index(sdg.goal_scores(scored, _cat()))
    assert math.isnan(index["index"].iloc[0])
    assert index.category.isna().iloc[0]


def test_district_level_counts_only_indicators_measured_there():
    scored = sdg.indicator_scores(_values([("5001", "b", 5)]), _cat())
    goals = sdg.goal_scores(scored, _cat(), level="district")
    assert list(goals.goal) == [1]  # only goal 1 has a district indicator
    assert goals.expected.iloc[0] == 1
    assert goals.score.iloc[0] == 50.0
    assert sdg.sdg_index(goals)["index"].iloc[0] == 50.0


def test_indicators_left_out_of_the_index_do_not_count():
    cat = _cat().assign(in_index=[True, False, True])
    scored = sdg.indicator_scores(_values([("10", "a", 40), ("10", "b", 0), ("10", "c", 0)]),
                                  cat)
    goals = sdg.goal_scores(scored, cat).set_index("goal")
    assert goals.loc[1, "score"] == 40.0
    assert goals.loc[1, "expected"] == 1


def _goal_scores_by_definition(scored: pd.DataFrame, cat: pd.DataFrame, level: str,
                               min_share: float) -> dict[tuple[str, int], tuple]:
    """The goal-score rule written out loop by loop (the reference for the vectorised one)."""
    applies = [r for r in cat.itertuples()
               if (level in ("country", "region")
                   or level in str(r.levels if isinstance(r.levels, str) else "province")
                   .split(","))]
    expected = {g: len({r.indicator_code for r in applies if r.goal == g})
                for g in {r.goal for r in applies}}
    goal_of = {r.indicator_code: r.goal for r in applies}
    out = {}
    for area in dict.fromkeys(scored.area_code):
        rows = scored[scored.area_code == area]
        for goal in sorted(expected):
            vals = [s for c, s in zip(rows.indicator_code, rows.score, strict=True)
                    if goal_of.get(c) == goal and not math.isnan(s)]
            share = len(vals) / expected[goal]
            mean = sum(vals) / len(vals) if vals and share >= min_share - 1e-9 else math.nan
            out[(area, goal)] = (mean, len(vals), expected[goal])
    return out


@pytest.mark.parametrize("level", ["province", "district", "country"])
def test_vectorised_goal_scores_and_index_follow_the_rules_on_random_data(level):
    rng = np.random.default_rng(11)
    cat = pd.DataFrame({
        "indicator_code": [f"i{j}" for j in range(12)], "goal": rng.integers(1, 6, 12),
        "direction": rng.choice([1, -1], 12), "lower_bound": 0.0, "upper_bound": 100.0,
        "levels": rng.choice(["province", "province,district", None], 12)})
    rows = [(f"{a:02d}", f"i{j}", rng.uniform(-10, 110))
            for a in rng.permutation(40) for j in range(12) if rng.random() < 0.7]
    values = _values(rows)
    values.loc[values.index[::13], "value"] = np.nan  # a few missing values
    scored = sdg.indicator_scores(values, cat)
    goals = sdg.goal_scores(scored, cat, level)
    want = _goal_scores_by_definition(scored, cat, level, sdg.MIN_INDICATOR_SHARE)
    assert list(zip(goals.area_code, goals.goal, strict=True)) == list(want)
    for row in goals.itertuples():
        mean, n, expected = want[(row.area_code, row.goal)]
        assert (row.indicators, row.expected) == (n, expected)
        assert (math.isnan(row.score) and math.isnan(mean)) or row.score == pytest.approx(mean)
    index = sdg.sdg_index(goals)
    assert list(index.area_code) == sorted(set(goals.area_code))
    for row in index.itertuples():
        mine = goals[goals.area_code == row.area_code]
        scored_goals = mine.score.dropna()
        enough = len(scored_goals) / len(mine) >= sdg.MIN_GOAL_SHARE - 1e-9
        assert row.goals == len(scored_goals) and row.expected == len(mine)
        if enough:
            assert row.index == pytest.approx(scored_goals.mean())
            assert row.category == sdg.category(row.index)
        else:
            assert math.isnan(row.index) and pd.isna(row.category)


@pytest.mark.parametrize(("score", "expected"), [
    (0, "aspirant"), (49.4, "aspirant"), (49.9, "aspirant"), (49.96, "performer"),
    (50, "performer"), (64, "performer"), (64.6, "performer"), (64.95, "front_runner"),
    (65, "front_runner"), (99.4, "front_runner"), (99.9, "front_runner"),
    (99.95, "achiever"), (100, "achiever"), (None, None), (float("nan"), None)])
def test_categories(score, expected):
    assert sdg.category(score) == expected


# Progress: value 60 in 2024, target 90 by 2030 (higher better) needs +5 a year.
@pytest.mark.parametrize(("base", "expected"), [
    (30, "on_track"),     # +5.0 a year since 2018
    (42, "moderate"),     # +3.0 a year: at least half of +5
    (50, "stagnating"),   # +1.67 a year: less than half
    (60, "stagnating"),   # no change
    (66, "decreasing"),   # -1 a year
])
def test_progress_status_higher_is_better(base, expected):
    assert sdg.progress_status(base, 2018, 60, 2024, 90, 1) == expected


def test_progress_status_lower_is_better():
    # Poverty 10 % in 2024, target 4 % in 2030: needs -1 point a year.
    assert sdg.progress_status(16, 2018, 10, 2024, 4, -1) == "on_track"
    assert sdg.progress_status(13, 2018, 10, 2024, 4, -1) == "moderate"  # -0.5 a year
    assert sdg.progress_status(11, 2018, 10, 2024, 4, -1) == "stagnating"
    assert sdg.progress_status(8, 2018, 10, 2024, 4, -1) == "decreasing"  # rising poverty


def test_progress_status_target_reached_and_no_trend():
    assert sdg.progress_status(3, 2018, 2, 2024, 4, -1) == "on_track"  # below a lower target
    # Still below the target but rising again (lower is better): sliding back.
    assert sdg.progress_status(1, 2018, 2, 2024, 4, -1) == "decreasing"
    assert sdg.progress_status(95, 2018, 91, 2024, 90, 1) == "decreasing"
    assert sdg.progress_status(91, 2018, 91, 2024, 90, 1) == "on_track"  # holding
    assert sdg.progress_status(None, None, 10, 2024, 4, -1) is None  # one year only
    assert sdg.progress_status(10, 2024, 10, 2024, 4, -1) is None
    assert sdg.progress_status(12, 2018, 10, 2024, None, -1) is None  # no target
    assert sdg.progress_status(12, 2018, float("nan"), 2024, 4, -1) is None


def test_rank_best_first_without_ranking_missing():
    ranks = sdg.rank_desc(pd.Series([50.0, np.nan, 80.0, 50.0]))
    assert list(ranks.astype(object).where(ranks.notna(), None)) == [2, None, 1, 2]


# -- the queries on the demo store -------------------------------------------------------------

def test_scores_for_all_provinces_and_the_nation(store, everything):
    from data import sdg as q

    year = max(q.load_sdg_years(store, everything))
    index = q.sdg_index_by_area(store, everything, "province", year)
    assert len(index) == 77
    scored = index[index.reason == ""]
    assert scored["index"].between(0, 100).all()
    # Withheld only under the missing-data rules, each with its reason (issue 22.3).
    withheld = index[index.reason != ""]
    assert withheld["index"].isna().all()
    assert ((withheld.reason == "few_goals")
            | ((withheld.reason == "missing_indicators") & (withheld.missing_share > 0.2))).all()
    assert set(scored.category) <= {"aspirant", "performer", "front_runner", "achiever"}
    goals = q.goal_scores_by_area(store, everything, "province", year)
    assert sorted(goals.goal.unique()) == list(range(1, 18))
    # Goal 14 applies to coastal provinces only: an inland province (Chiang Mai) has no data.
    assert math.isnan(goals[(goals.area_code == "50") & (goals.goal == 14)].score.iloc[0])
    nation = q.sdg_index_by_area(store, everything, "country", year)
    assert list(nation.area_code) == ["TH"] and 0 < nation["index"].iloc[0] < 100


def test_district_scores_within_a_province(store, everything):
    from data import sdg as q

    index = q.sdg_index_by_area(store, everything, "district", 2023, "50")
    assert len(index) > 10 and index.area_code.str.startswith("50").all()
    assert index["index"].notna().all()


def test_scope_restricts_scored_areas(store):
    from data import sdg as q
    from data.scope import AccessScope

    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    index = q.sdg_index_by_area(store, pattani, "province", 2023)
    assert list(index.area_code) == ["94"]
    series = q.indicator_series(store, pattani, "g1_income_poverty", ("94", "50", "TH"))
    assert set(series.area_code) == {"94", "TH"}


def test_indicator_ranking_matches_the_stored_values(store, everything):
    from data import sdg as q

    r = q.indicator_ranking(store, everything, "g1_income_poverty", "province", 2023)
    assert len(r) == 77
    assert r["rank"].iloc[0] == 1
    # Lower poverty ranks first.
    ranked = r.dropna(subset=["value"])
    assert ranked.value.is_monotonic_increasing
    raw = store.scalar("SELECT value FROM sdg_values WHERE indicator_code = 'g1_income_poverty' "
                       "AND area_code = ? AND year = 2023 AND disaggregation = 'total'",
                       [ranked.area_code.iloc[0]])
    assert ranked.value.iloc[0] == pytest.approx(raw)
    assert set(r.status.dropna()) <= set(sdg.STATUSES)


def test_overview_headline_of_a_region_adds_up_its_provinces(store, everything):
    from data.overview import overview_headline
    from domain.areas import REGIONS_NESDC

    region = next(r for r in REGIONS_NESDC if r.code == "NE")
    whole = overview_headline(store, everything, 2023, "R:NE")
    parts = [overview_headline(store, everything, 2023, p) for p in region.provinces]
    assert whole["households"] > 0
    assert whole["households"] == sum(p["households"] for p in parts)
    assert whole["target_poor_people"] == sum(p["target_poor_people"] for p in parts)
    assert whole["target_poor_people_prev"] == sum(p["target_poor_people_prev"] or 0
                                                   for p in parts)


def test_index_movers_change_is_this_year_minus_last(store, everything):
    from data import sdg as q
    from data.overview import index_movers

    movers = index_movers(store, everything, "province", 2023)
    before = q.sdg_index_by_area(store, everything, "province", 2022).set_index("area_code")
    row = movers.iloc[0]
    assert row["prev_index"] == pytest.approx(before.loc[row.area_code, "index"])
    assert row["change"] == pytest.approx(row["index"] - row["prev_index"])
    assert len(movers) == 77
