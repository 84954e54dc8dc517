""""How was this computed?": the inputs shown reproduce the figure shown, for random areas, on
DuckDB and PostgreSQL (issue 22.1), and the index withholding rule (issue 22.3)."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest

from data import sdg as q
from domain import progress
from domain import sdg as scoring

YEAR = 2024


def _recompute_index(working: scoring.IndexWorking) -> float:
    """The index from the shown inputs alone: bounds -> scores -> goal means -> index."""
    ind = working.indicators[working.indicators.counted]
    scores = scoring.normalise(ind.value.to_numpy(float), ind.lower_bound.to_numpy(float),
                               ind.upper_bound.to_numpy(float), ind.direction.to_numpy(float))
    assert np.allclose(scores, ind.score.to_numpy(float))
    by_goal = pd.Series(scores, index=ind.goal.to_numpy()).groupby(level=0).mean()
    goals = working.goals.set_index("goal")
    for goal, row in goals.iterrows():
        if row.counted:
            assert by_goal[goal] == pytest.approx(row.score)
    counted = goals[goals.counted]
    if counted.empty:
        return math.nan
    assert counted.weight.sum() == pytest.approx(1.0)
    return float((counted.score * counted.weight).sum())


@pytest.mark.parametrize("level", ["province", "district"])
def test_index_working_reproduces_the_displayed_index(store, everything, level):
    shown = q.sdg_index_by_area(store, everything, level, YEAR,
                                "50" if level == "district" else None).set_index("area_code")
    goals_shown = q.goal_scores_by_area(store, everything, level, YEAR,
                                        "50" if level == "district" else None)
    rng = random.Random(22)
    codes = rng.sample(sorted(shown.index), 6)
    withheld = shown.index[shown.reason != ""].tolist()
    for code in codes + withheld[:2]:
        working = q.explain_sdg_index(store, everything, code, YEAR)
        assert working is not None
        figure = shown.loc[code, "index"]
        if pd.isna(figure):
            assert pd.isna(working.index["index"])
            assert working.index["reason"] == shown.loc[code, "reason"] != ""
            assert not working.goals.counted.any()
        else:
            assert _recompute_index(working) == pytest.approx(figure, abs=1e-9)
        mine = goals_shown[goals_shown.area_code == code].set_index("goal").score
        pd.testing.assert_series_equal(working.goals.set_index("goal").score, mine,
                                       check_names=False)
        # Every applicable indicator is listed; each one left out says why.
        left_out = working.indicators[~working.indicators.counted]
        assert (left_out.reason != "").all()
        missing = int((working.indicators.reason == "no_value").sum())
        assert missing == int(working.index["indicators_expected"]) - int(
            working.index["indicators"])


def test_withheld_where_too_many_indicators_are_missing(store, everything, monkeypatch):
    index = q.sdg_index_by_area(store, everything, "province", YEAR).set_index("area_code")
    assert ((index.reason == "missing_indicators") == (
        (index.missing_share > 0.2 + 1e-9) & (index.goals / index.expected >= 0.8 - 1e-9))).all()
    # The setting moves the threshold: at 100 % only the goal rule withholds.
    monkeypatch.setenv("WARROOM_SDG_MAX_MISSING", "100")
    loose = q.sdg_index_by_area(store, everything, "province", YEAR)
    assert not (loose.reason == "missing_indicators").any()
    monkeypatch.setenv("WARROOM_SDG_MAX_MISSING", "0")
    strict = q.sdg_index_by_area(store, everything, "province", YEAR).set_index("area_code")
    assert strict["index"].notna().sum() == int((index.missing_share == 0).sum())


def test_explain_respects_scope(store):
    from data.scope import AccessScope

    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    assert q.explain_sdg_index(store, pattani, "50", YEAR) is None
    assert q.explain_sdg_index(store, pattani, "94", YEAR) is not None


@pytest.mark.parametrize("method", progress.METHODS)
def test_status_working_reproduces_the_status(store, everything, method):
    r = q.indicator_ranking(store, everything, "g1_income_poverty", "province", YEAR,
                            method=method)
    assert len(r) == 77
    for row in r.itertuples():
        w = row.progress.as_dict()
        again = progress.evaluate(method, w["base_value"], w["base_year"], w["value"],
                                  w["year"], w["target"], w["direction"])
        assert again.status == row.status and row.progress.method == method
        if method == "opensdg" and row.status not in (None, "achieved"):
            assert w["base_year"] >= 2015
            assert w["cagr_observed"] == pytest.approx(
                (w["value"] / w["base_value"]) ** (1 / (w["year"] - w["base_year"])) - 1)
    # The two methods disagree somewhere, or the switch would be for show.
    other = q.indicator_ranking(store, everything, "g1_income_poverty", "province", YEAR,
                                method="opensdg" if method == "sdsn" else "sdsn")
    assert (other.status.fillna("-") != r.status.fillna("-")).any()
    # Rank bands contain the rank.
    ranked = r[r["rank"].notna()]
    assert ((ranked.rank_low <= ranked["rank"]) & (ranked["rank"] <= ranked.rank_high)).all()


def test_explain_index_by_hand():
    # Goal 1: a (higher better, 0-100) and b (lower better, 0-10); goal 2: c (0-50).
    cat = pd.DataFrame({
        "indicator_code": ["a", "b", "c"], "goal": [1, 1, 2], "direction": [1, -1, 1],
        "lower_bound": [0.0, 0.0, 0.0], "upper_bound": [100.0, 10.0, 50.0],
        "levels": ["province", "province", "province"]})
    values = pd.DataFrame({"area_code": ["10", "10", "10", "11"],
                           "indicator_code": ["a", "b", "c", "a"], "value": [50, 2, 60, 1]})
    w = scoring.explain_index(values, cat, "10", "province")
    # a: 50 of 0-100 -> 50; b: 2 of 0-10, lower better -> 100 - 20 = 80; c: 60 > 50 -> 100.
    assert w.indicators.set_index("indicator_code").score.to_dict() == {
        "a": 50.0, "b": 80.0, "c": 100.0}
    # Goal 1 = (50 + 80) / 2 = 65, goal 2 = 100; index = (65 + 100) / 2 = 82.5, weights 1/2.
    assert w.goals.set_index("goal").score.to_dict() == {1: 65.0, 2: 100.0}
    assert w.goals.weight.tolist() == [0.5, 0.5]
    assert w.index["index"] == 82.5 and w.index["reason"] == ""
    # Area 11 has a only: goal 1 at 1 of 2 indicators (50 % >= 50 %) scores 1; goal 2 none:
    # 1 of 2 goals < 80 %: withheld for too few goals; 2 of 3 indicators missing.
    w11 = scoring.explain_index(values, cat, "11", "province")
    assert math.isnan(w11.index["index"]) and w11.index["reason"] == "few_goals"
    assert w11.indicators.set_index("indicator_code").reason.to_dict() == {
        "a": "", "b": "no_value", "c": "no_value"}
    # With c present but b missing (1 of 3 missing = 33 %), the 20 % rule withholds it.
    v12 = pd.DataFrame({"area_code": ["12", "12"], "indicator_code": ["a", "c"],
                        "value": [50, 25]})
    w12 = scoring.explain_index(v12, cat, "12", "province", max_missing=0.2)
    assert math.isnan(w12.index["index"]) and w12.index["reason"] == "missing_indicators"
    assert w12.index["missing_share"] == pytest.approx(1 / 3)
    # Without the rule the same area scores (50 + 50) / 2 = 50.
    assert scoring.explain_index(v12, cat, "12", "province").index["index"] == 50.0


def test_never_measured_indicators_are_not_missing():
    cat = pd.DataFrame({
        "indicator_code": ["a", "b", "c"], "goal": [1, 1, 2], "direction": [1, -1, 1],
        "lower_bound": [0.0, 0.0, 0.0], "upper_bound": [100.0, 10.0, 50.0],
        "levels": ["province", "province", "province"]})
    v = pd.DataFrame({"area_code": ["12", "12"], "indicator_code": ["a", "c"], "value": [50, 25]})
    # b never measured for area 12 (as goal 14 inland): 0 of 2 measured indicators missing.
    w = scoring.explain_index(v, cat, "12", "province", max_missing=0.2,
                              never_measured=frozenset({"b"}))
    assert w.index["index"] == 50.0 and w.index["missing_share"] == 0.0
    assert w.index["indicators_expected"] == 2 and w.index["not_measured"] == 1
    assert w.indicators.set_index("indicator_code").reason["b"] == "never_measured"


def test_inland_provinces_are_not_penalised_for_goal_14(store, everything):
    index = q.sdg_index_by_area(store, everything, "province", YEAR).set_index("area_code")
    # Chiang Mai (inland) has never had goal 14 values: 2 indicators not measured, not missing.
    assert index.loc["50", "not_measured"] == 2
    assert index.loc["94", "not_measured"] == 0  # Pattani is on the sea
    w = q.explain_sdg_index(store, everything, "50", YEAR)
    never = w.indicators[w.indicators.reason == "never_measured"]
    assert set(never.indicator_code) == {"g14_coastal_water", "g14_mangrove"}
