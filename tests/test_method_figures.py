"""'How was this computed?' beside the Overview's SDG figures and the poverty trend and map
values (issue 22.1): the panel's inputs give back the figure the page shows, for random areas
on both engines, under each role's scope; and the panels are on the pages in Thai and English."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from data import poverty as P
from data.overview import index_movers
from data.scope import AccessScope
from data.sdg import NATIONAL, explain_sdg_index, goal_scores_of_areas, load_sdg_years
from domain import mpi_depth as md
from domain import poverty as pv
from tests.apptest_util import assert_clean, open_page

PATTANI = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))


def _same(a: object, b: object) -> bool:
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-12)


def _index_from_working(working) -> float:
    """The index from the panel's goal table alone: its counted scores times their weights."""
    g = working.goals[working.goals.counted]
    return float((g.score * g.weight).sum()) if len(g) else float("nan")


def _check_area(store, scope, code: str, year: int, shown: pd.Series) -> None:
    """The Overview's figures of one area (``shown``: its row of index_movers) against the
    panel: the index, the goal strip's scores, and the change from the year before."""
    from components.how_computed import index_change_table

    working = explain_sdg_index(store, scope, code, year)
    assert working is not None
    assert _same(working.index["index"], shown["index"]), code
    if pd.notna(shown["index"]):
        assert _index_from_working(working) == pytest.approx(float(shown["index"]), abs=1e-9)
    strip = goal_scores_of_areas(store, scope, (code,), year).set_index("goal").score
    panel = working.goals.set_index("goal").score
    for goal, score in strip.items():
        assert _same(panel[goal], score), (code, goal)
    before = explain_sdg_index(store, scope, code, year - 1)
    table = index_change_table(working.index["index"],
                               None if before is None else before.index["index"], year)
    change = table.value.iloc[2]
    if pd.isna(shown["change"]):
        assert change == "–"
    else:
        assert float(change.replace(",", "")) == pytest.approx(float(shown["change"]), abs=5e-5)


def test_overview_index_figures_come_back_from_the_panel(store, everything):
    year = max(load_sdg_years(store, everything))
    rng = random.Random(22)
    national = index_movers(store, everything, "country", year).iloc[0]
    _check_area(store, everything, NATIONAL, year, national)
    provinces = index_movers(store, everything, "province", year)
    assert len(provinces) >= 70
    for i in rng.sample(range(len(provinces)), 6):
        _check_area(store, everything, provinces.area_code.iloc[i], year, provinces.iloc[i])
    province = provinces.area_code.iloc[rng.randrange(len(provinces))]
    districts = index_movers(store, everything, "district", year, province)
    assert len(districts)
    for i in rng.sample(range(len(districts)), min(3, len(districts))):
        _check_area(store, everything, districts.area_code.iloc[i], year, districts.iloc[i])


def test_overview_panel_keeps_to_the_viewers_provinces(store):
    year = max(load_sdg_years(store, PATTANI))
    own = index_movers(store, PATTANI, "district", year, "94")
    _check_area(store, PATTANI, own.area_code.iloc[0], year, own.iloc[0])
    assert explain_sdg_index(store, PATTANI, "50", year) is None
    assert explain_sdg_index(store, PATTANI, "5001", year) is None


def _measures_from_inputs(population: float, poor: float, score_poor: float) -> tuple:
    h = poor / population if population else 0.0
    a = score_poor / poor if poor else 0.0
    return h, a, h * a


@pytest.mark.usefixtures("exact_counts")  # the arithmetic; protection: the test below
@pytest.mark.parametrize("dims", [{}, {"income": 2.0}])
def test_poverty_trend_panel_reproduces_the_trend(store, everything, dims):
    from components.how_computed import trend_table
    from components.i18n import t

    weights = pv.nested_weights(dims).key() if dims else None
    for area in ("", "R:SB", "94", "9401"):
        trend = P.poverty_trend(store, everything, area, pv.parse_k("1/3"), weights)
        assert len(trend) >= 2
        table = trend_table(trend)
        inputs = zip(table[t("stats_af_population")], table[t("stats_af_poor")],
                     table[t("stats_af_score_poor")], strict=True)
        for (pop, poor, score), row in zip(inputs, trend.itertuples(), strict=True):
            h, a, m0 = _measures_from_inputs(pop, poor, score)
            # The table's inputs (the summed score to 6 decimals) give the plotted figures.
            assert h == pytest.approx(row.h, rel=1e-12)
            assert a == pytest.approx(row.a, abs=1e-6) and m0 == pytest.approx(row.mpi, abs=1e-6)
        change = table[t("stats_how_change_prev")].to_numpy(float)
        assert np.isnan(change[0])
        np.testing.assert_allclose(change[1:], np.diff(trend.mpi.to_numpy(float)), atol=1e-6)


@pytest.mark.usefixtures("exact_counts")
@pytest.mark.parametrize("dims", [{}, {"health": 2.0}])
def test_poverty_map_panel_reproduces_each_units_value(store, everything, dims):
    """Random units of the map at each level: the working (components.mpi_depth's
    explain_tables, from the unit's own row) gives back the H, A and M0 the map colours."""
    from components.i18n import t
    from components.mpi_depth import explain_tables

    weights = pv.nested_weights(dims).key() if dims else None
    w = pv.weights_from_key(weights)
    rng = random.Random(7)
    year = max(P.load_poverty_years(store, everything))
    for area in ("", "R:NE", "94", "9401", "940101"):
        units = (P.poverty_by_child(store, everything, area, year, pv.parse_k("1/3"), weights,
                                    "province") if not area else
                 P.poverty_drilldown(store, everything, area, year, pv.parse_k("1/3"),
                                     weights).children)
        assert len(units)
        for i in rng.sample(range(len(units)), min(4, len(units))):
            row = units.iloc[i]
            summary, indicators = md.explain_measures(row.to_dict(), w)
            got = dict(zip(summary.step, summary.value, strict=True))
            for m in ("h", "a", "mpi"):
                assert got[m] == pytest.approx(float(row[m]), rel=1e-12, abs=1e-15), (area, m)
            assert indicators.contribution.sum() == pytest.approx(float(row.mpi), abs=1e-12)
            steps, _, _ = explain_tables(row, weights)
            shown = dict(zip(steps[t("stats_step")], steps[t("stats_value")], strict=True))
            assert float(shown[t("stats_af_mpi")]) == pytest.approx(float(row.mpi), abs=1e-6)


def test_poverty_map_panel_with_small_numbers_withheld(store, monkeypatch):
    """An analyst's map of a district: withheld units give a working of NaN, never a figure
    rebuilt from hidden counts, and no error."""
    from components.mpi_depth import explain_tables

    monkeypatch.setenv("WARROOM_SMALL_COUNT", "5")
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    year = max(P.load_poverty_years(store, analyst))
    hidden = pd.concat([P.poverty_drilldown(store, analyst, area, year).children
                        for area in ("9401", "940101", "940102")])
    hidden = hidden[hidden.mpi.isna()]
    assert len(hidden)
    for _, row in hidden.iterrows():
        steps, _, _ = explain_tables(row, None)
        values = dict(zip(steps.iloc[:, 0], steps.iloc[:, 2], strict=True))
        # M0 withheld on the map is withheld in its working too: not a number.
        assert list(values.values())[-1] == "–"


def test_poverty_working_formulas_in_the_page_language(store, monkeypatch):
    """The working's formula column is in the viewer's language (it was English in Thai)."""
    import streamlit as st

    from components.mpi_depth import explain_tables

    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    year = max(P.load_poverty_years(store, analyst))
    row = P.poverty_drilldown(store, analyst, "94", year).children.iloc[0]
    formulas = {}
    for lang in ("th", "en"):
        monkeypatch.setitem(st.session_state, "lang", lang)
        steps, _, _ = explain_tables(row, None)
        formulas[lang] = list(steps.iloc[:, 1])
    assert formulas["th"][3] == "คนจน ÷ คนที่สำรวจ" and formulas["en"][3] == "poor ÷ people"
    assert not any("poor" in f or "sum of" in f for f in formulas["th"]), formulas["th"]
    assert formulas["en"][2] == "sum of c_i over the poor"


# -- the panels on the pages -------------------------------------------------------------------
def _how(lang: str) -> str:
    return "คำนวณอย่างไร?" if lang == "th" else "How was this computed?"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_overview_panels(app_env, lang):
    lower = "ขอบล่าง" if lang == "th" else "Lower bound"
    closed = open_page("overview", lang=lang, query={"area": "94"})
    assert_clean(closed)
    labels = [e.label for e in closed.expander if e.label.startswith(_how(lang))]
    assert len(labels) == 2, labels  # the index (headline, strip, change) and a map value
    # Closed, a panel computes nothing; opened (its state), it shows the working.
    assert not any(lower in d.value.columns for d in closed.dataframe)
    at = open_page("overview", lang=lang, query={"area": "94"},
                   session={"ov_how_index_open": True})
    assert_clean(at)
    frames = [d.value for d in at.dataframe]
    assert any(lower in f.columns for f in frames)
    # The hero's index is the panel's "this year" row.
    change = next(f for f in frames if len(f) == 3 and "item" in f.columns)
    pick = next(s for s in at.selectbox if s.key == "ov_how_map_district")
    pick.set_value("9401").run()
    assert_clean(at)
    assert sum(lower in d.value.columns for d in at.dataframe) == 2
    assert change.value.iloc[0] != "–"


def test_overview_panel_for_a_provincial_user(app_env):
    at = open_page("overview", lang="en", role="provincial")
    assert_clean(at)
    pick = next(s for s in at.selectbox if s.key.startswith("ov_how_map_"))
    # Pattani's districts only (12), not the country's 928.
    assert 0 < len(pick.options) <= 12
    pick.set_value("9401").run()
    assert_clean(at)
    lower = "Lower bound"  # the chosen district's working (the index panel is closed)
    assert sum(lower in d.value.columns for d in at.dataframe) == 1


@pytest.mark.parametrize("lang", ["th", "en"])
def test_poverty_panels(app_env, lang):
    at = open_page("poverty", lang=lang, query={"area": "94"},
                   session={"pov_how_trend_open": True, "pov_how_mpi_open": True})
    assert_clean(at)
    labels = [e.label for e in at.expander if e.label.startswith(_how(lang))]
    assert len(labels) >= 3, labels  # headline H, A, M0; the map value; the trend
    pick = next(s for s in at.selectbox if s.key == "pov_how_map_94")
    pick.set_value("9401").run()
    assert_clean(at)
    mpi = "M0 = H × A"
    trend = next(d.value for d in at.dataframe if mpi in d.value.columns)
    assert len(trend) >= 2
    # The headline working (opened, first on the page): its M0 is the headline figure.
    step = "ขั้นตอน" if lang == "th" else "Step"
    working = next(d.value for d in at.dataframe if step in d.value.columns)
    mpi_kpi = next(m for m in at.metric if "MPI" in m.label)
    assert f"{float(working.iloc[-1, 2]):.4f}" == mpi_kpi.value.replace(",", "")
