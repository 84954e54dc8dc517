"""The poverty page's depth section cuts a province's measures at three cut-offs, and its
districts' M0, from one result for every province (``mpi_depth_by_province``): the cut must
equal the province's own ``mpi_depth`` for every province, year and user (small-number
protection on, as the page has it), and the page drawn from it must equal the page drawn from
the province's own, element by element."""

from __future__ import annotations

import pandas as pd
import pytest

from components import mpi_depth as view
from data import poverty_depth as D
from data.poverty import load_poverty_years
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page
from tests.page_snapshot import assert_same_page, page_snapshot


def _scopes() -> list[AccessScope]:
    # A provincial user who may list Pattani's households: Pattani's figures are not withheld.
    few = AccessScope(user="p", roles=frozenset({"provincial"}),
                      provinces=frozenset({"10", "50", "94"}),
                      household_provinces=frozenset({"94"}))
    return [AccessScope.everything(), few]


def test_the_cut_equals_the_province_depth(store):
    if store.dialect != "duckdb":
        # PostgreSQL sums its roll-up in the engine: every province is asked for as it is.
        assert D.mpi_depth_by_province(store, AccessScope.everything(), 2024) is None
        return
    withheld = 0
    for scope in _scopes():
        years = load_poverty_years(store, scope)
        for year in years[-2:]:
            every = D.mpi_depth_by_province(store, scope, year)
            provinces = sorted(set(every.levels.code))
            assert len(provinces) == (77 if scope.all_provinces else 3)
            for province in provinces:
                cut = D.depth_of(every, province)
                own = D.mpi_depth(store, scope, province, year)
                pd.testing.assert_frame_equal(cut.levels, own.levels, check_exact=True,
                                              obj=f"levels {province} {year}")
                pd.testing.assert_frame_equal(cut.children, own.children, check_exact=True,
                                              obj=f"districts {province} {year}")
                withheld += int(own.children.poor.isna().sum())
    assert withheld  # protection was on and withheld some districts' M0 (not vacuous)


def test_other_cases_are_asked_for_as_they_are(store):
    if store.dialect != "duckdb":
        return
    every = D.mpi_depth_by_province(store, AccessScope.everything(), 2024)
    assert D.depth_of(every, "99") is None
    assert D.depth_of(None, "94") is None
    assert D.mpi_depth_by_province(store, AccessScope.nothing(), 2024) is None


def _own_queries(monkeypatch) -> None:
    from components.datasource import fetch

    monkeypatch.setattr(view, "depth_rows",
                        lambda area, year, weights: fetch(D.mpi_depth, area, year, weights))


VIEWS = [("executive", {"year": "2024", "area": "94"}, "en"),
         ("executive", {"year": "2023", "area": "50"}, "th"),
         ("analyst", {"year": "2024", "area": "10"}, "en"),
         ("provincial", {"year": "2024", "area": "94"}, "th"),
         ("executive", {"year": "2024"}, "en"), ("executive", {"year": "2024", "area": "9401"}, "en"),
         ("executive", {"year": "2024", "area": "R:NE"}, "th")]


@pytest.mark.parametrize(("role", "query", "lang"), VIEWS)
def test_the_page_equals_the_page_of_own_depth(app_env, monkeypatch, role, query, lang):
    import streamlit as st

    session = {"stats_robust_on": True, "pov_how_mpi_open": True}
    cut = open_page("poverty", lang=lang, query=query, role=role, session=session)
    assert_clean(cut)
    st.cache_data.clear()
    with monkeypatch.context() as m:
        _own_queries(m)
        own = open_page("poverty", lang=lang, query=query, role=role, session=session)
    # The depth table (its M0 column) is drawn.
    assert any("M0" in table.value.columns for table in own.dataframe)
    assert_same_page(page_snapshot(cut), page_snapshot(own))
