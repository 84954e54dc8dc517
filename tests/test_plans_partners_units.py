"""The One Plan page cuts a province's need (target poor by district) from one result for every
province, and the partners page reads the activities once for its map's figures and its note:
the cuts must equal the queries they stand for, for every province, year and user, and the
pages drawn from them must equal the pages drawn from those queries, element by element."""

from __future__ import annotations

import pandas as pd
import pytest

from components import partners_common, partners_overview, plans_view
from data import partners, plans
from data.queries import target_poor_by_child
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page
from tests.page_snapshot import assert_same_page, page_snapshot


def _scopes() -> list[AccessScope]:
    few = AccessScope(user="p", roles=frozenset({"provincial"}),
                      provinces=frozenset({"10", "50", "94"}),
                      household_provinces=frozenset({"94"}))
    return [AccessScope.everything(), few, AccessScope.nothing()]


def _provinces(store) -> list[str]:
    found = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'province' ORDER BY code")]
    assert len(found) == 77
    return found


def test_need_cut_equals_the_query(store):
    years = [r[0] for r in store.rows(
        "SELECT DISTINCT survey_year FROM household_rollup ORDER BY 1")]
    assert years
    kinds = set()
    for scope in _scopes():
        for year in years[-2:]:
            every = plans.target_poor_by_district(store, scope, year)
            for province in _provinces(store):
                own = target_poor_by_child(store, scope, province, year)
                cut = plans.districts_of(every, province)
                if own.empty:  # outside the user's provinces: the page asks for it as is
                    assert cut.empty
                    continue
                kinds.add(bool(own.withheld.any()))
                pd.testing.assert_frame_equal(cut, own, check_exact=True,
                                              obj=f"{province} {year}")
    # Provinces with and without a withheld district: both ways of the cut were held equal.
    assert kinds == {True, False}


def test_need_and_wide_activities_from_one_read(store):
    import datetime as dt

    for scope in _scopes()[:2]:
        for area in ["", "R:NE", "94", "50", "9401", "5001"]:
            for f in (partners.ActivityFilter(area=area),
                      partners.ActivityFilter(area=area, start=dt.date(2023, 1, 1),
                                              end=dt.date(2023, 12, 31))):
                for need_year in (None, 2024):
                    frame, wide = partners.activity_need_and_wide(store, scope, f, need_year)
                    pd.testing.assert_frame_equal(
                        frame, partners.activity_need_by_child(store, scope, f, need_year),
                        check_exact=True)
                    acts = partners.activities_by_child(store, scope, f)
                    assert wide == int(acts[acts.wide.astype(bool)].activities.sum())


def _own_queries(monkeypatch) -> None:
    """The pages as they were: the need from the province's own query, the map's figures
    and its note from two calls."""
    from components.datasource import fetch

    monkeypatch.setattr(plans_view, "need_rows",
                        lambda area, year: fetch(target_poor_by_child, area, year))
    monkeypatch.setattr(partners_common, "area_frame", lambda f, year: fetch(
        partners.activity_need_by_child, f, partners_common.need_year(year)))

    def wide(f, year):
        acts = fetch(partners.activities_by_child, f)
        return int(acts[acts.wide.astype(bool)].activities.sum())

    monkeypatch.setattr(partners_overview, "area_frame", partners_common.area_frame)
    monkeypatch.setattr(partners_overview, "wide_activities", wide)
    import components.partners_gaps as gaps

    monkeypatch.setattr(gaps, "area_frame", partners_common.area_frame)


VIEWS = [("plans", "executive", {"area": "94"}, "en"), ("plans", "executive", {"area": "50"}, "th"),
         ("plans", "analyst", {"area": "10", "fy": "2023"}, "en"),
         ("plans", "provincial", {"area": "94"}, "th"), ("plans", "executive", {}, "en"),
         ("plans", "executive", {"area": "R:NE"}, "en"),
         ("partners", "executive", {"area": "94"}, "en"),
         ("partners", "executive", {"area": "50"}, "th"),
         ("partners", "provincial", {"area": "94"}, "en"),
         ("partners", "executive", {}, "th"), ("partners", "analyst", {"area": "R:NE"}, "en"),
         ("partners", "executive", {"area": "5001", "pa_map": "beneficiaries_per_1k"}, "en")]


@pytest.mark.parametrize(("page", "role", "query", "lang"), VIEWS)
def test_the_page_equals_the_page_of_own_queries(app_env, monkeypatch, page, role, query, lang):
    import streamlit as st

    cut = open_page(page, lang=lang, query=query, role=role)
    assert_clean(cut)
    st.cache_data.clear()
    with monkeypatch.context() as m:
        _own_queries(m)
        own = open_page(page, lang=lang, query=query, role=role)
    assert own.get("plotly_chart") and own.get("component_instance")  # charts and the map
    assert_same_page(page_snapshot(cut), page_snapshot(own))
