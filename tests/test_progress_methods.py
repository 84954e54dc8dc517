"""The two progress rules (SDSN trend, Open SDG compound growth) against hand-computed cases.

The arithmetic of every case is written out beside it: a rule that drifts from the published
one fails here, not on a minister's desk.
"""

from __future__ import annotations

import pytest

from domain import progress, sdg


# -- SDSN trend rule ------------------------------------------------------------------------
def test_sdsn_observed_against_required_change():
    # Higher is better, 50 (2018) -> 60 (2024), target 90 by 2030.
    # observed = (60 - 50) / 6 = 1.6667 a year; required = (90 - 60) / (2030 - 2024) = 5.
    p = progress.sdsn(50, 2018, 60, 2024, 90, 1)
    assert p.status == "stagnating"  # 1.67 < 0.5 x 5 = 2.5
    assert p.rule == "observed_vs_required"
    assert p.as_dict()["observed_per_year"] == pytest.approx(10 / 6)
    assert p.as_dict()["required_per_year"] == pytest.approx(5.0)
    # 30 (2018) -> 60: observed 5 a year = required: on track.
    assert progress.sdsn(30, 2018, 60, 2024, 90, 1).status == "on_track"
    # 45 (2018) -> 60: observed 2.5 = half the required: moderately improving.
    assert progress.sdsn(45, 2018, 60, 2024, 90, 1).status == "moderate"
    # 61 (2018) -> 60: observed -1/6 a year: decreasing.
    assert progress.sdsn(61, 2018, 60, 2024, 90, 1).status == "decreasing"


def test_sdsn_target_reached_and_the_wrapper_agrees():
    # Lower is better, target 4; value 2 is below it: gap = -1 x (4 - 2) = -2 <= 0.
    p = progress.sdsn(3, 2018, 2, 2024, 4, -1)
    assert (p.status, p.rule) == ("on_track", "target_reached")
    # Reached but worse than before (1 -> 2 with lower better): decreasing.
    assert progress.sdsn(1, 2018, 2, 2024, 4, -1).status == "decreasing"
    for args in ((16, 2018, 10, 2024, 4, -1), (13, 2018, 10, 2024, 4, -1),
                 (11, 2018, 10, 2024, 4, -1), (8, 2018, 10, 2024, 4, -1)):
        assert sdg.progress_status(*args) == progress.sdsn(*args).status


def test_sdsn_without_trend_or_target_has_no_status():
    assert progress.sdsn(None, None, 10, 2024, 4, -1).rule == "no_trend"
    assert progress.sdsn(10, 2024, 10, 2024, 4, -1).status is None
    assert progress.sdsn(12, 2018, 10, 2024, None, -1).rule == "no_target"


# -- Open SDG -------------------------------------------------------------------------------
def test_opensdg_ratio_lower_is_better():
    # 20 (2018) -> 14 (2024), target 5 by 2030, lower is better.
    # observed CAGR = (14/20)^(1/6) - 1 = 0.7^(0.16667) - 1 = -0.057713
    # required CAGR = (5/20)^(1/12) - 1 = 0.25^(0.08333) - 1 = -0.109101
    # ratio = -0.057713 / -0.109101 = 0.52899 -> 0 <= R < 0.60: limited progress.
    p = progress.opensdg(20, 2018, 14, 2024, 5, -1)
    w = p.as_dict()
    assert w["cagr_observed"] == pytest.approx(-0.057713, abs=1e-6)
    assert w["cagr_required"] == pytest.approx(-0.109101, abs=1e-6)
    assert w["ratio"] == pytest.approx(0.528989, abs=1e-6)
    assert (p.status, p.rule) == ("stagnating", "ratio_to_required")


def test_opensdg_ratio_bands_higher_is_better():
    # Target 80 by 2030 from 50 in 2018: required = (80/50)^(1/12) - 1 = 0.039944.
    # 66 in 2024: observed = (66/50)^(1/6) - 1 = 1.32^(1/6) - 1 = 0.047363; R = 1.1857 >= 0.95.
    assert progress.opensdg(50, 2018, 66, 2024, 80, 1).status == "on_track"
    # 60: observed = 1.2^(1/6) - 1 = 0.030853; R = 0.77241 in [0.60, 0.95): acceleration needed.
    p = progress.opensdg(50, 2018, 60, 2024, 80, 1)
    assert p.as_dict()["ratio"] == pytest.approx(0.772412, abs=1e-6)
    assert p.status == "moderate"
    # 55: observed = 1.1^(1/6) - 1 = 0.016012; R = 0.40086 in [0, 0.60): limited progress.
    assert progress.opensdg(50, 2018, 55, 2024, 80, 1).status == "stagnating"
    # 45: observed < 0, R < 0: deterioration.
    assert progress.opensdg(50, 2018, 45, 2024, 80, 1).status == "decreasing"


def test_opensdg_without_target_bands_the_growth():
    # 100 -> 110 over 6 years: (1.1)^(1/6) - 1 = 0.016012 >= 0.015: on track.
    p = progress.opensdg(100, 2018, 110, 2024, None, 1)
    assert p.as_dict()["growth_good_direction"] == pytest.approx(0.016012, abs=1e-6)
    assert (p.status, p.rule) == ("on_track", "growth_no_target")
    # 105: 1.05^(1/6) - 1 = 0.008165 in [0.005, 0.015): moderate.
    assert progress.opensdg(100, 2018, 105, 2024, None, 1).status == "moderate"
    # 103: 1.03^(1/6) - 1 = 0.004939 in [0, 0.005): limited progress.
    assert progress.opensdg(100, 2018, 103, 2024, None, 1).status == "stagnating"
    # Lower is better, 110 -> 100: growth in the good direction = -(0.9091^(1/6) - 1)
    # = -(-0.015760) = 0.015760: on track.
    assert progress.opensdg(110, 2018, 100, 2024, None, -1).status == "on_track"
    # Lower is better, 100 -> 110: -0.016012: deterioration.
    assert progress.opensdg(100, 2018, 110, 2024, None, -1).status == "decreasing"


def test_opensdg_edges():
    # Target reached (lower better, 3 <= 4): achieved, no growth needed.
    assert progress.opensdg(10, 2018, 3, 2024, 4, -1).rule == "target_achieved"
    assert progress.opensdg(10, 2018, 3, 2024, 4, -1).status == "achieved"
    # Base already met the target (3 <= 4) and the value slid back above it (6): the required
    # growth (4/3)^(1/12) - 1 > 0 points the wrong way for a lower-is-better indicator.
    assert progress.opensdg(3, 2018, 6, 2024, 4, -1).rule == "slid_back"
    assert progress.opensdg(3, 2018, 6, 2024, 4, -1).status == "decreasing"
    # Compound growth needs positive values.
    assert progress.opensdg(0, 2018, 6, 2024, 10, 1).rule == "not_positive"
    assert progress.opensdg(None, None, 6, 2024, 10, 1).rule == "no_trend"
    assert progress.opensdg(6, 2024, 6, 2024, 10, 1).status is None


def test_evaluate_dispatches_and_base_years():
    assert progress.evaluate("sdsn", 50, 2018, 60, 2024, 90, 1) == \
        progress.sdsn(50, 2018, 60, 2024, 90, 1)
    assert progress.evaluate("opensdg", 50, 2018, 60, 2024, 80, 1).method == "opensdg"
    with pytest.raises(ValueError):
        progress.evaluate("other", 1, 2018, 2, 2024, 3, 1)
    assert progress.base_year_from("opensdg", None) == 2015
    assert progress.base_year_from("sdsn", None) is None
    assert progress.base_year_from("sdsn", 2019) == 2019


# -- ranks with their band ----------------------------------------------------------------
def test_rank_bands_by_hand():
    import numpy as np
    import pandas as pd

    from domain.ranking import band_label, rank_bands

    scores = pd.Series([80.0, 79.5, 78.0, 70.0, np.nan, 70.0], index=list("abcdef"))
    r = rank_bands(scores, 1.0)
    # a 80: one area (b 79.5) within 1 point -> ranks 1-2; c 78 is 1.5 below b: alone;
    # d and f share 70: rank 4 (the best of the two), band 4-5; e has no score, no rank.
    assert r["rank"].tolist()[:4] == [1, 2, 3, 4] and r["rank"]["f"] == 4
    assert (r.rank_low["a"], r.rank_high["a"]) == (1, 2)
    assert (r.rank_low["b"], r.rank_high["b"]) == (1, 2)
    assert (r.rank_low["c"], r.rank_high["c"]) == (3, 3) and not r.tied["c"]
    assert (r.rank_low["d"], r.rank_high["d"]) == (4, 5) and r.tied["d"]
    assert pd.isna(r["rank"]["e"]) and not r.tied["e"]
    # A distance of exactly the gap counts as within (79.5 -> 78 with 1.5).
    assert rank_bands(scores, 1.5).rank_high["b"] == 3
    # Distance 0: only equal scores are ties.
    zero = rank_bands(scores, 0.0)
    assert not zero.tied["a"] and zero.tied["d"]
    assert band_label(4, 4, 5) == "4 (4-5)" and band_label(3, 3, 3) == "3"
    assert band_label(pd.NA, pd.NA, pd.NA) == ""


def test_threshold_band_by_hand():
    # Poverty (lower better): green at or below 2.5, red at or above 16.25.
    assert sdg.threshold_band(2.5, 2.5, 16.25, -1) == "green"
    assert sdg.threshold_band(10.0, 2.5, 16.25, -1) == "yellow"
    assert sdg.threshold_band(16.25, 2.5, 16.25, -1) == "red"
    # Welfare coverage (higher better): green at or above 100, red at or below 70.
    assert sdg.threshold_band(100.0, 100.0, 70.0, 1) == "green"
    assert sdg.threshold_band(69.0, 100.0, 70.0, 1) == "red"
    assert sdg.threshold_band(85.0, 100.0, 70.0, 1) == "yellow"
    assert sdg.threshold_band(None, 100.0, 70.0, 1) is None
    assert sdg.threshold_band(85.0, None, 70.0, 1) is None
