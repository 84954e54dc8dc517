"""The informal-debt page cuts a province's or a district's figures from results computed for
every unit at once (``data.debt.*_by_unit``, one cached call for all provinces, one per province
for its districts): the cut must equal the area's own query for every area and user, and the
page drawn from the cuts must equal the page drawn from the area's own queries."""

from __future__ import annotations

import pandas as pd
import pytest

from components import debt_view
from data import debt, debt_tally
from data.area_filter import rows_inside
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page
from tests.page_snapshot import assert_same_page, page_snapshot

PAIRS = [(debt.debt_stage_counts_by_unit, debt.debt_stage_counts, debt.cut_unit),
         (debt.debt_by_creditor_by_unit, debt.debt_by_creditor, debt.cut_unit),
         (debt.debt_by_month_by_unit, debt.debt_by_month, debt.cut_unit),
         (debt.debt_days_per_stage_by_unit, debt.debt_days_per_stage, debt.cut_days),
         (debt_tally.debt_tally_by_province_by_unit, debt_tally.debt_tally_by_province,
          debt.cut_unit)]


def _scopes() -> list[AccessScope]:
    few = AccessScope(user="p", roles=frozenset({"provincial"}),
                      provinces=frozenset({"10", "50", "94"}))
    return [AccessScope.everything(), few, AccessScope.nothing()]


def _areas(store) -> list[str]:
    provinces = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'province' ORDER BY code")]
    districts = [r[0] for r in store.rows(
        "SELECT DISTINCT substr(area_code, 1, 4) FROM debt_cases ORDER BY 1")]
    assert len(provinces) == 77 and districts
    # Every province, every third district with cases and one without any.
    return [*provinces, *districts[::3], "9999"]


def _same(cut: pd.DataFrame, own: pd.DataFrame, what: str) -> None:
    if own.empty and cut.empty:  # no case (the dtypes of nothing may differ)
        assert list(cut.columns) == list(own.columns), what
        return
    pd.testing.assert_frame_equal(cut, own, check_exact=True, obj=what)


@pytest.mark.parametrize(("by_unit", "of_area", "cut"), PAIRS,
                         ids=[p[1].__name__ for p in PAIRS])
def test_the_cut_equals_the_area_query(store, by_unit, of_area, cut):
    seen = 0
    for scope in _scopes():
        results: dict[tuple[str, int], pd.DataFrame] = {}
        for area in _areas(store):
            parent = debt.debt_unit_parent(area)
            if parent not in results:
                results[parent] = by_unit(store, scope, *parent)
            own = of_area(store, scope, area)
            _same(cut(results[parent], area), own, f"{of_area.__name__} {area}")
            seen += not own.empty and own is not None
    assert seen > 50  # not vacuous: most areas have cases for the first two users


def test_children_cut_from_every_district(store):
    for scope in _scopes():
        every = debt.debt_by_district(store, scope)
        country = debt.debt_by_child(store, scope, "")
        for area in [*_areas(store), "R:NE", "R:S"]:
            source = country if area.startswith("R:") else every
            cut = rows_inside(source, area, "code").reset_index(drop=True)
            _same(cut, debt.debt_by_child(store, scope, area), f"children of {area}")


def test_other_areas_are_asked_for_as_they_are():
    assert debt.debt_unit_parent("") is None
    assert debt.debt_unit_parent("R:NE") is None
    assert debt.debt_unit_parent("940101") is None
    assert debt.debt_unit_parent("94") == ("", 2)
    assert debt.debt_unit_parent("9401") == ("94", 4)
    with pytest.raises(ValueError):
        debt.debt_stage_counts_by_unit(None, AccessScope.everything(), "9401", 4)


def _own_queries(monkeypatch) -> None:
    """The page as it was: every figure from the area's own query."""
    from components.datasource import fetch

    monkeypatch.setattr(debt_view, "area_rows",
                        lambda by_unit, of_area, area, cut=None: fetch(of_area, area))
    monkeypatch.setattr(debt_view, "children_rows",
                        lambda area: fetch(debt.debt_by_child, area))
    import components.debt_tally_view as tally_view

    monkeypatch.setattr(tally_view, "area_rows",
                        lambda by_unit, of_area, area, cut=None: fetch(of_area, area))


# (role, area, language, whether the page draws its charts): the provincial user works in
# Pattani (94); a subdistrict has no cases of its own.
VIEWS = [("executive", "94", "en", True), ("executive", "9401", "th", True),
         ("executive", "50", "en", True), ("executive", "", "en", True),
         ("executive", "R:NE", "th", True), ("analyst", "5001", "en", True),
         ("provincial", "94", "th", True), ("provincial", "", "en", True),
         ("executive", "940101", "en", False), ("analyst", "10", "en", True)]


@pytest.mark.parametrize(("role", "area", "lang", "drawn"), VIEWS)
def test_the_page_equals_the_page_of_own_queries(app_env, monkeypatch, role, area, lang,
                                                 drawn):
    import streamlit as st

    query = {"area": area} if area else None
    session = {"dt_days_open": True}
    cut = open_page("debt", lang=lang, query=query, role=role, session=session)
    assert_clean(cut)
    st.cache_data.clear()
    with monkeypatch.context() as m:
        _own_queries(m)
        own = open_page("debt", lang=lang, query=query, role=role, session=session)
    assert (len(own.get("plotly_chart")) >= 4) == drawn
    assert_same_page(page_snapshot(cut), page_snapshot(own))
