"""Alkire-Foster measures against a small hand-computed example (k edges, weights, counts)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from domain import poverty as pv
from domain.catalogue import DEPRIVATION_COLUMNS, DIMENSION_CODES

# Default nested weights: health/living/education 1/20 per indicator (4 each), income 1/15
# (3 indicators), access 1/10 (2 indicators).
_HOUSEHOLDS = {
    # code: (members, target_poor, deprived columns)
    "A": (4, True, ["d_health_food", "d_income_per_head", "d_access_elderly_care"]),  # 13/60
    "B": (2, True, ["d_income_working_age_job", "d_income_elderly_job", "d_income_per_head",
                    "d_access_disabled_care"]),  # 18/60 = 0.3
    "C": (3, True, ["d_access_elderly_care", "d_access_disabled_care", "d_income_per_head",
                    "d_income_working_age_job"]),  # exactly 1/3
    "D": (1, False, []),  # 0
    "E": (5, True, list(DEPRIVATION_COLUMNS)),  # 1
}


def _frame() -> pd.DataFrame:
    rows = []
    for code, (members, target, cols) in _HOUSEHOLDS.items():
        row = {"house_code": code, "members": members, "target_poor": target}
        row.update({c: c in cols for c in DEPRIVATION_COLUMNS})
        rows.append(row)
    return pd.DataFrame(rows)


def test_default_weights_are_nested_equally():
    w = pv.nested_weights().as_dict()
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["d_health_food"] == pytest.approx(1 / 20)
    assert w["d_income_per_head"] == pytest.approx(1 / 15)
    assert w["d_access_elderly_care"] == pytest.approx(1 / 10)


def test_scores_by_hand():
    scores = pv.deprivation_scores(_frame(), pv.nested_weights())
    assert list(scores) == pytest.approx([13 / 60, 0.3, 1 / 3, 0.0, 1.0])


def test_measures_at_default_k():
    r = pv.af_measures(_frame())
    assert r.population == 15
    assert r.poor == 8  # C (exactly at k = 1/3) and E
    assert r.h == pytest.approx(8 / 15)
    assert r.a == pytest.approx(0.75)
    assert r.mpi == pytest.approx(0.4)
    assert r.censored["d_income_per_head"] == pytest.approx(8 / 15)
    assert r.censored["d_health_food"] == pytest.approx(5 / 15)  # A's food is censored away
    assert r.uncensored["d_health_food"] == pytest.approx(9 / 15)
    assert r.contribution["health"] == pytest.approx(100 * (1 / 15) / 0.4)
    assert r.contribution["income"] == pytest.approx(100 * (21 / 225) / 0.4)
    assert r.contribution["access"] == pytest.approx(100 * (16 / 150) / 0.4)
    assert sum(r.contribution.values()) == pytest.approx(100.0)
    assert sum(r.dimension_mpi.values()) == pytest.approx(r.mpi)


def test_household_exactly_at_k_is_poor_and_just_above_is_not():
    at_k = pv.af_measures(_frame(), k=pv.parse_k("1/3"))
    above = pv.af_measures(_frame(), k=1 / 3 + 1e-6)
    assert at_k.poor == 8
    assert above.poor == 5 and above.h == pytest.approx(1 / 3) and above.a == pytest.approx(1.0)
    b_at = pv.af_measures(_frame(), k=0.3)
    assert b_at.poor == 10
    assert b_at.a == pytest.approx((2 * 0.3 + 3 / 3 + 5) / 10)
    assert b_at.mpi == pytest.approx(0.44)


def test_k_zero_is_union_but_never_the_undeprived():
    r = pv.af_measures(_frame(), k=0.0)
    assert r.poor == 14  # D (no deprivation) stays non-poor
    assert r.h == pytest.approx(14 / 15)
    assert r.a == pytest.approx(448 / 840)
    assert r.mpi == pytest.approx(448 / 60 / 15)


def test_k_one_is_intersection():
    r = pv.af_measures(_frame(), k=1.0)
    assert r.poor == 5 and r.a == pytest.approx(1.0) and r.mpi == pytest.approx(1 / 3)


def test_household_weighting():
    r = pv.af_measures(_frame(), people=None)
    assert r.population == 5 and r.h == pytest.approx(0.4)
    assert r.a == pytest.approx(2 / 3)
    assert r.mpi == pytest.approx(0.4 * 2 / 3)


def test_configurable_dimension_weights():
    w = pv.nested_weights({"income": 2})
    assert w.as_dict()["d_income_per_head"] == pytest.approx(1 / 9)
    assert w.as_dict()["d_health_food"] == pytest.approx(1 / 24)
    r = pv.af_measures(_frame(), weights=w)
    assert r.poor == 10  # B (5/12) and C (7/18) poor, A (0.236) not
    assert r.h == pytest.approx(2 / 3)


def test_configurable_indicator_weights_within_a_dimension():
    w = pv.nested_weights(indicator_weights={"per_head": 2})
    d = w.as_dict()
    assert d["d_income_per_head"] == pytest.approx(0.1)
    assert d["d_income_elderly_job"] == pytest.approx(0.05)
    assert sum(d.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        pv.nested_weights({"health": -1})


def test_weights_key_round_trip():
    w = pv.nested_weights({"access": 3})
    assert pv.weights_from_key(w.key()) == w
    assert pv.weights_from_key(None) == pv.nested_weights()


def test_totals_add_up_across_areas():
    df = _frame()
    w = pv.nested_weights()
    whole = pv.af_measures(df)
    parts = [pv.af_measures(df.iloc[:2]), pv.af_measures(df.iloc[2:])]
    assert sum(p.poor for p in parts) == whole.poor
    frame = pd.DataFrame([{"population": p.population, "poor": p.poor,
                           "score_poor": p.a * p.poor,
                           **{f"cen_{c}": p.censored[c] * p.population for c in w.columns}}
                          for p in parts])
    summed = pv.measures_frame(frame.sum().to_frame().T, w).iloc[0]
    assert summed.mpi == pytest.approx(whole.mpi)
    assert summed.contrib_income == pytest.approx(whole.contribution["income"])
    assert sum(summed[f"a_{d}"] for d in DIMENSION_CODES) == pytest.approx(whole.a)


def test_tpmap_counts_overlap():
    c = pv.tpmap_counts(_frame())
    assert c["target_poor_people"] == 14 and c["target_poor_households"] == 4
    assert c["people_health"] == 9 and c["people_income"] == 14 and c["people_access"] == 14
    assert c["people_living"] == 5 and c["people_education"] == 5
    # Overlapping: the dimension counts add up to more than the target poor.
    assert sum(c[f"people_{d}"] for d in DIMENSION_CODES) > c["target_poor_people"]


def test_tpmap_dimension_counts_are_of_target_poor_people_only():
    """A household failing a need without being a TPMap target is not in the counts."""
    extra = _frame().iloc[[0]].assign(house_code="F", members=6, target_poor=False)
    extra[[c for c in DEPRIVATION_COLUMNS if c.startswith("d_health")]] = True
    c = pv.tpmap_counts(pd.concat([_frame(), extra], ignore_index=True))
    assert c == pv.tpmap_counts(_frame())


@pytest.mark.parametrize("raw,expected", [("1/3", 1 / 3), ("0", 0.0), ("1", 1.0),
                                          (Fraction(2, 5), 0.4)])
def test_parse_k(raw, expected):
    assert pv.parse_k(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["2", "-1/3", "abc", "1/0"])
def test_parse_k_rejects(raw):
    with pytest.raises(ValueError):
        pv.parse_k(raw)


def test_measure_column():
    assert pv.measure_column("mpi", None) == "mpi"
    assert pv.measure_column("h", "income") == "h_income"
    assert pv.measure_column("count", None) == "target_poor_people"
    assert pv.measure_column("count", "health") == "people_health"
    with pytest.raises(ValueError):
        pv.measure_column("x", None)


@pytest.mark.parametrize("code, shown", [
    ("940101010023", "•••••••••023"),   # demo code: village + sequence
    ("10230123456", "•••••••••56"),     # an 11-digit DOPA house code
    ("1234", "•••4"),
    ("12", "••"),
])
def test_mask_house_code_shows_at_most_a_quarter(code, shown):
    assert pv.mask_house_code(code) == shown
    assert len(shown) == len(code)


def test_case_status():
    assert pv.case_status([]) == "none"
    assert pv.case_status(["resolved", "in_progress"]) == "in_progress"
    assert pv.case_status(["resolved", "identified", "in_progress"]) == "identified"
    assert pv.case_status(["resolved"]) == "resolved"


def test_parse_dimension_weights():
    assert pv.parse_dimension_weights("1,1,1,2,1") == (1.0, 1.0, 1.0, 2.0, 1.0)
    for bad in ("1,1,1", "0,0,0,0,0", "a,1,1,1,1", "-1,1,1,1,1"):
        with pytest.raises(ValueError):
            pv.parse_dimension_weights(bad)


def test_cases_by_status_equals_a_pivot_table():
    """Every agency with its cases per status (unknown statuses left out), smallest first."""
    statuses = ("identified", "in_progress", "resolved")
    cases = pd.DataFrame({
        "agency": ["b", "a", "b", "c", None, "a", "d"],
        "status": ["resolved", "identified", "identified", "in_progress", "resolved",
                   "resolved", "withdrawn"],
        "cases": [5, 2, 1, 7, 9, 3, 4]})
    got = pv.cases_by_status(cases, "agency", statuses)
    want = cases.pivot_table(index="agency", columns="status", values="cases", aggfunc="sum",
                             fill_value=0).reindex(columns=list(statuses), fill_value=0)
    want = want.loc[want.sum(axis=1).sort_values(kind="stable").index]
    assert list(got.index) == ["d", "a", "b", "c"]  # d only has an unknown status: 0 cases
    assert got.loc["a"].tolist() == [2, 0, 3] and got.loc["b"].tolist() == [1, 0, 5]
    assert got.dtypes.map(lambda d: d.kind).tolist() == ["i", "i", "i"]
    pd.testing.assert_frame_equal(got.drop(index="d"), want.drop(index="d", errors="ignore"),
                                  check_dtype=False, check_names=False)
    empty = pv.cases_by_status(cases.iloc[:0], "agency", statuses)
    assert empty.shape == (0, 3)
