"""The SDG figures the Overview and the SDG page cut from the whole level's cached scores equal
each area's own: the goal scores against ``goal_scores_of_areas`` (its level narrowed to the
area's province) and the index row against the working of ``explain_sdg_index``, for every
province, districts, the nation, a user of a few provinces and a year without values."""

from __future__ import annotations

import pandas as pd
import pytest

from components import datasource, sdg_figures
from data.scope import AccessScope
from data.sdg import NATIONAL, explain_sdg_index, goal_scores_of_areas, load_sdg_years

FEW = AccessScope(user="p", roles=frozenset({"provincial"}),
                  provinces=frozenset({"10", "50", "94"}))
# The fields of the index row the SDG page shows (the figure, and why it is withheld).
SHOWN = ("index", "reason", "goals", "expected", "indicators", "indicators_expected",
         "missing_share")


@pytest.fixture()
def direct(store, monkeypatch):
    """``fetch`` without Streamlit's cache: each call runs the query for the scope set."""
    calls: list[tuple] = []
    scope = {"now": AccessScope.everything()}

    def fetch(fn, *args):
        calls.append((fn.__name__, *args))
        return fn(store, scope["now"], *args)

    monkeypatch.setattr(datasource, "fetch", fetch)
    monkeypatch.setattr(sdg_figures, "fetch", fetch)
    return scope, calls


def _codes(store) -> list[str]:
    provinces = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'province' ORDER BY code")]
    districts = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'district' ORDER BY code")]
    assert len(provinces) == 77 and len(districts) > 100
    return [NATIONAL, *provinces, *districts[::37], "5001", "9401"]


def test_goal_scores_cut_equal_each_areas_own(store, direct):
    scope, calls = direct
    year = max(load_sdg_years(store, AccessScope.everything()))
    for who in (AccessScope.everything(), FEW):
        scope["now"] = who
        for code in _codes(store):
            got = sdg_figures.goal_scores_of((code,), year)
            own = goal_scores_of_areas(store, who, (code,), year)
            if own.empty:  # outside the user's provinces
                assert got.empty and list(got.columns) == list(own.columns), code
                continue
            pd.testing.assert_frame_equal(got, own, check_exact=True)
        pair = sdg_figures.goal_scores_of(("94", NATIONAL), year)
        pd.testing.assert_frame_equal(
            pair, goal_scores_of_areas(store, who, ("94", NATIONAL), year), check_exact=True)
    assert not sdg_figures.goal_scores_of(("50",), year).empty  # not vacuous
    # Every area came from its whole level (no parent), never from a narrowed query.
    assert calls and all(len(args) == 3 for args in calls)


@pytest.mark.parametrize("max_missing", [None, "0"])
def test_index_row_equals_the_areas_working(store, direct, monkeypatch, max_missing):
    scope, _calls = direct
    if max_missing is not None:  # every area with a missing value withheld, with its reason
        monkeypatch.setenv("WARROOM_SDG_MAX_MISSING", max_missing)
    years = sorted(load_sdg_years(store, AccessScope.everything()))
    withheld = 0
    for who in (AccessScope.everything(), FEW):
        scope["now"] = who
        for code in _codes(store):
            working = explain_sdg_index(store, who, code, years[-1])
            if working is None:  # the page shows "no data" before asking for the row
                assert code != NATIONAL and not who.can_see_province(code)
                continue
            row = sdg_figures.index_row_of(code, years[-1])
            withheld += bool(row["reason"])
            for field in SHOWN:
                a, b = row[field], working.index[field]
                assert (pd.isna(a) and pd.isna(b)) or a == b, (code, field, a, b)
    # The withheld rows and their reasons are compared too.
    assert withheld if max_missing is not None else not withheld
    # A year without values: the working's "no data", not an error or a figure.
    for code in (NATIONAL, "94", "9401"):
        working = explain_sdg_index(store, AccessScope.everything(), code, years[0] - 1)
        row = sdg_figures.index_row_of(code, years[0] - 1)
        assert working.index["reason"] == row["reason"] == "no_data"
        assert pd.isna(working.index["index"]) and pd.isna(row["index"])
