"""``fetch_within`` cuts one province's areas from the whole level's cached result: the cut must
equal the query narrowed to the province, for every province, for a user of every province and
for a user of a few, or a page would show another figure than the narrowed query gives."""

from __future__ import annotations

import pandas as pd
import pytest

from components import datasource
from data.overview import index_movers
from data.scope import AccessScope
from data.sdg import load_sdg_years, sdg_index_by_area


def _scopes() -> list[AccessScope]:
    few = AccessScope(user="p", roles=frozenset({"provincial"}),
                      provinces=frozenset({"10", "50", "90"}))
    return [AccessScope.everything(), few]


@pytest.mark.parametrize("fn", [index_movers, sdg_index_by_area], ids=lambda f: f.__name__)
@pytest.mark.parametrize("level", ["district", "province"])
def test_the_cut_equals_the_narrowed_query(store, monkeypatch, fn, level):
    provinces = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'province' ORDER BY code")]
    years = sorted(load_sdg_years(store, AccessScope.everything()))[-1:]
    assert len(provinces) == 77 and years
    calls: list[tuple] = []
    for scope in _scopes():
        def direct(f, *args, _scope=scope):
            calls.append(args)
            return f(store, _scope, *args)

        monkeypatch.setattr(datasource, "fetch", direct)
        for year in years:
            # Every seventh province and the few user's own: a quarter of a minute, not four.
            for parent in sorted({*provinces[::7], "10", "50", "90"}):
                cut = datasource.fetch_within(fn, level, year, parent)
                narrowed = fn(store, scope, level, year, parent).reset_index(drop=True)
                if narrowed.empty:  # outside the user's provinces (dtypes of nothing differ)
                    assert cut.empty and list(cut.columns) == list(narrowed.columns)
                else:
                    pd.testing.assert_frame_equal(cut, narrowed, check_exact=True)
    # Each cut came from the whole level (no parent), not from the narrowed query.
    assert calls and all(len(args) == 2 for args in calls)
    assert not datasource.fetch_within(fn, level, years[-1], "10").empty  # not vacuous


def test_a_region_or_no_parent_is_fetched_as_asked(monkeypatch):
    seen: list[tuple] = []
    monkeypatch.setattr(datasource, "fetch", lambda f, *args: seen.append(args) or "asked")
    assert datasource.fetch_within(index_movers, "province", 2024, "R:north") == "asked"
    assert datasource.fetch_within(index_movers, "province", 2024, None) == "asked"
    assert seen == [("province", 2024, "R:north"), ("province", 2024, None)]
