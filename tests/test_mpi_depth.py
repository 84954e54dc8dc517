"""MPI depth (issue 22.4): hand-computed Alkire-Foster working, annualised change, rank
robustness, and the figures from the aggregates against household rows on both engines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data import poverty_depth as pd_q
from domain import catalogue
from domain import mpi_depth as md
from domain import poverty as pv

# Arithmetic against household rows: small-number protection off (tests/test_disclosure.py
# covers it; the last test here shows the depth view with it on).
pytestmark = pytest.mark.usefixtures("exact_counts")


def _two_indicator_weights() -> pv.Weights:
    return pv.Weights(("x", "y"), (0.5, 0.5), ("d1", "d2"))


def test_explain_measures_by_hand():
    # 10 people, two indicators weighted 1/2 each, k = 1/2: 2 deprived in both (c = 1),
    # 2 in x only and 1 in y only (c = 1/2, poor at k = 1/2), 5 in nothing.
    # poor = 5; score of the poor = 2 x 1 + 3 x 0.5 = 3.5; censored x = 2 + 2 = 4,
    # y = 2 + 1 = 3; uncensored the same (every deprived person is poor at this k).
    totals = {"population": 10, "poor": 5, "score_poor": 3.5, "cen_x": 4, "cen_y": 3,
              "raw_x": 4, "raw_y": 3}
    summary, ind = md.explain_measures(totals, _two_indicator_weights())
    values = dict(zip(summary.step, summary.value, strict=True))
    assert values["h"] == pytest.approx(0.5)  # 5 / 10
    assert values["a"] == pytest.approx(0.7)  # 3.5 / 5
    assert values["mpi"] == pytest.approx(0.35)  # 0.5 x 0.7
    ind = ind.set_index("indicator")
    assert ind.censored_h["x"] == pytest.approx(0.4) and ind.uncensored_h["y"] == 0.3
    # Contributions: x 0.5 x 0.4 = 0.20, y 0.5 x 0.3 = 0.15; they add up to M0 = 0.35.
    assert ind.contribution["x"] == pytest.approx(0.20)
    assert ind.contribution.sum() == pytest.approx(values["mpi"])
    assert ind.contribution_pct["x"] == pytest.approx(100 * 0.20 / 0.35)
    dims = md.by_dimension(ind.reset_index()).set_index("dimension")
    assert dims.contribution_pct.sum() == pytest.approx(100.0)


def test_annualised_change_by_hand():
    # M0 0.20 (2018) -> 0.15 (2022): absolute (0.15 - 0.20) / 4 = -0.0125 a year;
    # relative ((0.15 / 0.20)^(1/4) - 1) x 100 = (0.75^0.25 - 1) x 100 = -6.9395 % a year.
    absolute, relative = md.annualised_change(0.20, 0.15, 4)
    assert absolute == pytest.approx(-0.0125)
    assert relative == pytest.approx(-6.93953, abs=1e-4)
    assert math.isnan(md.annualised_change(0.0, 0.1, 2)[1])
    with pytest.raises(ValueError):
        md.annualised_change(0.1, 0.2, 0)


def test_spearman_and_movers_by_hand():
    a = pd.Series([0.1, 0.2, 0.3, 0.4], index=list("abcd"))
    assert md.spearman(a, a * 2) == pytest.approx(1.0)
    assert md.spearman(a, -a) == pytest.approx(-1.0)
    # Ranks 1,2,3,4 against 1,3,2,4: d = 0,1,1,0; rho = 1 - 6 x 2 / (4 x 15) = 0.8.
    b = pd.Series([0.1, 0.3, 0.2, 0.4], index=list("abcd"))
    assert md.spearman(a, b) == pytest.approx(0.8)
    moves = md.rank_shifts(a, b)
    assert set(moves.code) == {"b", "c"} and set(moves["shift"].abs()) == {1}
    s = md.spread(pd.Series([60.0, 55.0, np.nan, 70.0], index=["01", "02", "03", "04"]), True)
    assert (s["min"], s["max"], s["range"], s["worst"], s["best"], s["missing"]) == (
        55.0, 70.0, 15.0, "02", "04", 1)


def _households_measures(store, province: str, year: int, k: float) -> pv.AFResult:
    cols = ", ".join(catalogue.DEPRIVATION_COLUMNS)
    hh = store.query(f"SELECT members, {cols} FROM households WHERE survey_year = ? "
                     "AND province_code = ?", [year, province])
    return pv.af_measures(hh, k)


def test_depth_from_aggregates_matches_household_rows(store, everything):
    from data.poverty import load_poverty_years

    year = max(load_poverty_years(store, everything))
    depth = pd_q.mpi_depth(store, everything, "94", year)
    assert list(depth.levels.k) == ["1/5", "1/3", "1/2"]
    for row in depth.levels.itertuples():
        ref = _households_measures(store, "94", year, pv.parse_k(row.k))
        assert row.h == pytest.approx(ref.h) and row.a == pytest.approx(ref.a)
        assert row.mpi == pytest.approx(ref.mpi)
    # A higher cut-off never finds more poor people, and their intensity never falls.
    assert depth.levels.poor.is_monotonic_decreasing
    assert depth.levels.a.is_monotonic_increasing
    # Children: every district of Pattani, M0 at each cut-off.
    assert depth.children.code.str.startswith("94").all()
    assert (depth.children.vulnerable >= depth.children.severe - 1e-12).all()


def test_robustness_and_scope(store, everything):
    from data.poverty import load_poverty_years
    from data.scope import AccessScope

    year = max(load_poverty_years(store, everything))
    rob = pd_q.mpi_robustness(store, everything, "", year)
    kinds = rob.correlations.set_index("alternative")
    assert {"vulnerable", "severe", "double_income"} <= set(kinds.index)
    assert kinds.spearman.between(-1, 1).all()
    # Doubling a dimension's weight reorders some areas, but not beyond recognition.
    assert kinds.loc["double_health", "spearman"] > 0
    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    hidden = pd_q.mpi_depth(store, pattani, "50", year)
    assert hidden.children.empty and (hidden.levels.population == 0).all()
    own = pd_q.mpi_depth(store, pattani, "", year)
    assert set(own.children.code) == {"94"}


@pytest.mark.parametrize("k_text", ["1/5", "1/3", "1/2"])
def test_how_computed_reproduces_the_shown_measures(store, everything, k_text):
    """For random areas at every level, the working's inputs give back the H, A, M0 shown."""
    import random

    from data.poverty import load_poverty_years, poverty_drilldown

    year = max(load_poverty_years(store, everything))
    k = pv.parse_k(k_text)
    rng = random.Random(k_text)
    area = ""
    for _ in range(5):  # the country, then a random unit at each level below
        step = poverty_drilldown(store, everything, area, year, k)
        total = step.area
        summary, ind = md.explain_measures(total.to_dict(), pv.nested_weights())
        v = dict(zip(summary.step, summary.value, strict=True))
        assert v["poor"] / v["population"] == pytest.approx(float(total.h))
        assert (v["score_poor"] / v["poor"] if v["poor"] else 0.0) == pytest.approx(
            float(total.a))
        assert v["mpi"] == pytest.approx(float(total.mpi))
        assert ind.contribution.sum() == pytest.approx(float(total.mpi))
        for dim in catalogue.DIMENSION_CODES:
            part = ind[ind.dimension == dim].contribution_pct.sum()
            assert part == pytest.approx(float(total[f"contrib_{dim}"]))
        # Down one level: the country's regions, a region's provinces, then districts.
        area = str(rng.choice(sorted(step.children.code)))


def test_district_spread_against_the_pages_own_figures(store, everything):
    from data.poverty import load_poverty_years, poverty_drilldown
    from data.scope import AccessScope
    from data.sdg import sdg_index_by_area

    year = max(load_poverty_years(store, everything))
    spread = pd_q.district_spread(store, everything, "94", year).set_index("measure")
    kids = poverty_drilldown(store, everything, "94", year, pv.parse_k("1/3")).children
    mpi = spread.loc["mpi"]
    assert mpi["min"] == pytest.approx(kids.mpi.min())
    assert mpi["max"] == pytest.approx(kids.mpi.max())
    assert mpi["range"] == pytest.approx(kids.mpi.max() - kids.mpi.min())
    assert mpi.worst == kids.code[kids.mpi.idxmax()]  # the poorest district
    if "sdg_index" in spread.index:
        index = sdg_index_by_area(store, everything, "district", year, "94")
        s = spread.loc["sdg_index"]
        assert s["min"] == pytest.approx(index["index"].min())
        assert s.worst == index.area_code[index["index"].idxmin()]
        assert s.n + s.missing == len(index)
    other = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"50"}))
    assert pd_q.district_spread(store, other, "94", year).empty


@pytest.mark.parametrize("weights", [None, pv.nested_weights({"income": 2.0}).key()])
def test_district_spread_from_the_pages_cached_parts(store, everything, weights):
    """The poverty page composes the spread from results it already holds (its districts at k,
    the whole district level's SDG index cut to the province): the same rows, every province."""
    from data.area_filter import rows_inside
    from data.poverty import load_poverty_years, poverty_drilldown
    from data.scope import AccessScope
    from data.sdg import sdg_index_by_area

    k = pv.parse_k("1/3")
    narrow = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    for scope in (everything, narrow):
        for year in load_poverty_years(store, scope):
            level = sdg_index_by_area(store, scope, "district", year)
            provinces = sorted({c[:2] for c in level.area_code.astype(str)}) or ["94"]
            for province in provinces:
                kids = poverty_drilldown(store, scope, province, year, k, weights).children
                index = rows_inside(level, province).reset_index(drop=True)
                pd.testing.assert_frame_equal(
                    pd_q.spread_of(kids, index),
                    pd_q.district_spread(store, scope, province, year, k, weights))
    assert pd_q.spread_of(None, None).empty


def test_the_benchmark_runs_in_the_runner(demo_db):
    from bench import run as bench_run

    assert "bench_mpi_depth" in bench_run.discover()
    ctx = bench_run.BenchContext(duckdb_path=demo_db, pg_url=None, quick=True, repeat=1,
                                 scale="quick")
    try:
        rows, modules = bench_run.run_modules(ctx, ["bench_mpi_depth"])
    finally:
        ctx.close()
    assert modules["bench_mpi_depth"]["status"] == "ok"
    cases = {r.case for r in rows}
    assert {"country: three cut-offs", "village: robustness (7 alternatives)"} <= cases
    assert all(r.median_ms > 0 for r in rows)


def test_depth_with_small_number_protection_on_withholds_instead_of_failing(store, monkeypatch):
    """An analyst on the demo store (a sample: few severely poor households per province)."""
    from data.poverty import load_poverty_years
    from data.scope import AccessScope

    monkeypatch.setenv("WARROOM_SMALL_COUNT", "5")
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    year = max(load_poverty_years(store, analyst))
    depth = pd_q.mpi_depth(store, analyst, "94", year)
    staff = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                        household_provinces=frozenset({"94"}))
    own = pd_q.mpi_depth(store, staff, "94", year)
    shown = depth.levels.poor.notna()
    # What is shown is the exact figure; what is not is NaN, never a rounded stand-in.
    assert (depth.levels.poor[shown] == own.levels.poor[shown]).all()
    assert own.levels.poor.notna().all()
    for total in depth.totals.values():
        md.explain_measures(total.to_dict(), pv.nested_weights())  # NaN in, no exception
    rob = pd_q.mpi_robustness(store, analyst, "94", year, depth=depth)
    assert rob.correlations.spearman.dropna().between(-1, 1).all()


def test_several_cases_from_one_read_equal_one_step_each(store, everything):
    """poverty_drilldowns (the depth view's one read for its cut-offs and weightings) gives
    exactly the page's step for each (k, weights), default and changed weights mixed."""
    from data.poverty import load_poverty_years, poverty_drilldown, poverty_drilldowns

    year = max(load_poverty_years(store, everything))
    custom = pv.nested_weights({"health": 2.0}).key()
    cases = ((pv.parse_k("1/5"), None), (pv.parse_k("1/3"), custom),
             (pv.parse_k("1/2"), None), (pv.parse_k("1/3"), pv.nested_weights(
                 {"education": 2.0}).key()))
    village = store.scalar("SELECT MIN(village_code) FROM poverty_profiles WHERE "
                           "survey_year = ? AND province_code = '94'", [year])
    for area in ("", "R:S", "94", village[:4], village[:6], village):
        many = poverty_drilldowns(store, everything, area, year, cases)
        assert len(many) == len(cases)
        for (k, w), got in zip(cases, many, strict=True):
            want = poverty_drilldown(store, everything, area, year, k, w)
            pd.testing.assert_frame_equal(got.children, want.children, check_exact=True)
            pd.testing.assert_series_equal(got.area, want.area, check_exact=True)
        if area == "":  # the cut-off and the weights applied
            assert many[0].area["mpi"] != many[2].area["mpi"] != many[3].area["mpi"]


def test_ranks_and_movers_equal_pandas_ranking_with_ties_and_gaps():
    """The numpy ranking (no pandas per alternative) against pandas' own rank, with ties,
    missing values and codes only one side has."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(0, 30))
        codes = [f"{i:04d}" for i in rng.permutation(50)[:n]]
        a = pd.Series(rng.integers(0, 5, n) / 7.0, index=codes)
        a[rng.random(n) < 0.15] = np.nan
        b = pd.Series(rng.integers(0, 5, n) / 7.0, index=list(rng.permutation(codes)))
        both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
        for method, ascending in (("average", True), ("min", False)):
            want = both.a.rank(method=method, ascending=ascending).to_numpy()
            np.testing.assert_array_equal(md.ranks(both.a.to_numpy(), method, ascending), want)
        rho = md.spearman(a, b)
        if len(both) >= 3 and both.a.nunique() > 1 and both.b.nunique() > 1:
            assert rho == pytest.approx(both.a.rank().corr(both.b.rank()), abs=1e-12)
        else:
            assert math.isnan(rho)
        moves = md.rank_shifts(a, b, top=4)
        rb = both.a.rank(ascending=False, method="min")
        ro = both.b.rank(ascending=False, method="min")
        shift = (rb - ro)[lambda s: s != 0]
        assert len(moves) == min(4, len(shift))
        for row in moves.itertuples():
            assert row.shift == shift[row.code] and row.rank_base == rb[row.code]
        if len(moves):  # the largest moves first
            assert abs(moves["shift"]).is_monotonic_decreasing
            assert abs(moves["shift"].iloc[0]) == abs(shift).max()


@pytest.mark.parametrize("threshold", ["1", "5"])
def test_robustness_mpi_equals_the_pages_step(store, monkeypatch, threshold):
    """The robustness view's M0 of the child units (poverty_child_mpi_many) is exactly the
    page's step's, withheld cells included, at every level and for each weighting."""
    from data.poverty import load_poverty_years, poverty_child_mpi_many, poverty_drilldown
    from data.scope import AccessScope

    monkeypatch.setenv("WARROOM_SMALL_COUNT", threshold)
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    year = max(load_poverty_years(store, analyst))
    village = store.scalar("SELECT MIN(village_code) FROM poverty_profiles WHERE "
                           "survey_year = ? AND province_code = '94'", [year])
    cases = tuple((pv.parse_k(k), w) for k in ("1/3", "1/2") for _, w in
                  pd_q.weight_alternatives())
    withheld = 0
    for area in ("", "R:S", "94", village[:4], village[:6], village):
        got = poverty_child_mpi_many(store, analyst, area, year, cases)
        for (k, w), mpi in zip(cases, got, strict=True):
            step = poverty_drilldown(store, analyst, area, year, k, w).children
            assert list(mpi.index) == list(step.code)
            np.testing.assert_array_equal(mpi.to_numpy(), step.mpi.to_numpy(float))
            withheld += int(mpi.isna().sum())
    assert (withheld > 0) == (threshold == "5")
