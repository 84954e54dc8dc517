"""Unit tests of partner measures (per-capita rates, gap ranking, network flows) and queries."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from data.partners import (
    ActivityFilter,
    activities_by_child,
    count_activities,
    coverage_by_sector_goal,
    households_by_child,
    load_activities_page,
    partner_goal_links,
    partner_kpis,
    sdg_indicator_by_child,
    top_partners,
)
from data.scope import AccessScope
from domain.partners import (
    activity_values,
    household_need,
    per_thousand,
    rank_gaps,
    sankey_links,
)

# ---------------------------------------------------------------- per-capita measures


def test_per_thousand_scalars_and_zero_base():
    assert per_thousand(25, 5000) == pytest.approx(5.0)
    assert per_thousand(3, 200, per=100) == pytest.approx(1.5)
    assert math.isnan(per_thousand(10, 0))
    assert math.isnan(per_thousand(10, None))


def test_per_thousand_series_keeps_index_and_blanks_missing_bases():
    out = per_thousand(pd.Series([10, 0, 7], index=["a", "b", "c"]),
                       pd.Series([2000, 500, 0], index=["a", "b", "c"]))
    assert list(out.index) == ["a", "b", "c"]
    assert out["a"] == pytest.approx(5.0)
    assert out["b"] == 0.0
    assert math.isnan(out["c"])


def test_activity_measures_from_aggregates():
    frame = pd.DataFrame({"code": ["01", "02"], "activities": [4, None],
                          "beneficiaries": [300, None], "partners": [2, None],
                          "budget": [1_000_000.0, None], "households": [2000, 500],
                          "target_poor_people": [400, 0]})
    assert list(activity_values(frame, "activities")) == [4.0, 0.0]
    assert list(activity_values(frame, "activities_per_10k")) == pytest.approx([20.0, 0.0])
    assert list(activity_values(frame, "beneficiaries_per_1k")) == pytest.approx([150.0, 0.0])
    budget = activity_values(frame, "budget_per_poor")
    assert budget[0] == pytest.approx(2500.0) and math.isnan(budget[1])
    with pytest.raises(ValueError):
        activity_values(frame, "nonsense")


def test_household_need_share_and_count():
    hh = pd.DataFrame({"households": [200, 0], "target_poor_households": [30, 0],
                       "target_poor_people": [90, 0]})
    share = household_need(hh, "target_poor_share")
    assert share[0] == pytest.approx(15.0) and math.isnan(share[1])
    assert list(household_need(hh, "target_poor_people")) == [90.0, 0.0]


# ---------------------------------------------------------------- gap ranking


def _areas() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["A", "B", "C", "D", "E"],
        "need": [40.0, 35.0, 5.0, 30.0, None],  # E has no need value
        "activity": [0.0, 9.0, 8.0, 1.0, 0.0],
    })


def test_rank_gaps_puts_needy_unserved_areas_first():
    ranked = rank_gaps(_areas())
    assert list(ranked.code) == ["A", "D", "B", "C"]  # E (no need value) is left out
    assert list(ranked["rank"]) == [1, 2, 3, 4]
    top = ranked.iloc[0]
    assert top.need_pct == pytest.approx(1.0) and top.activity_pct == pytest.approx(0.25)
    assert top.gap == pytest.approx(0.75)
    assert top.quadrant == "gap"
    c = ranked.set_index("code").loc["C"]
    assert c.quadrant == "concentrated" and c.gap < 0
    assert ranked.set_index("code").loc["B"].quadrant == "served"


def test_rank_gaps_lower_is_worse_for_scores():
    # A goal score: low is need. Area X scores lowest and has no activity: first.
    frame = pd.DataFrame({"code": ["X", "Y", "Z"], "need": [20.0, 80.0, 50.0],
                          "activity": [0.0, 0.0, 5.0]})
    ranked = rank_gaps(frame, higher_is_worse=False)
    assert ranked.code.iloc[0] == "X"
    assert ranked.set_index("code").loc["X"].need_pct == pytest.approx(1.0)


def test_rank_gaps_ties_broken_by_need_and_missing_activity_is_zero():
    frame = pd.DataFrame({"code": ["P", "Q"], "need": [10.0, 20.0], "activity": [None, None]})
    ranked = rank_gaps(frame)
    # Equal activity (none): the gap is larger for the needier area, Q.
    assert list(ranked.code) == ["Q", "P"]
    assert ranked.activity_pct.tolist() == [0.75, 0.75]


def test_rank_gaps_empty():
    empty = rank_gaps(pd.DataFrame({"code": ["A"], "need": [None], "activity": [1.0]}))
    assert empty.empty


# ---------------------------------------------------------------- network flows


def test_sankey_merges_small_partners_per_sector():
    links = pd.DataFrame({
        "sector": ["gov", "gov", "gov", "gov", "media"],
        "partner_id": [1, 1, 2, 3, 9],
        "goal": [1, 3, 1, 4, 16],
        "activities": [5, 2, 3, 1, 4],
    })
    flows = sankey_links(links, top_n=1)
    nodes = set(flows.source) | set(flows.target)
    assert nodes == {"s:gov", "s:media", "p:1", "o:gov", "p:9", "g:1", "g:3", "g:4", "g:16"}
    others = flows[flows.target == "o:gov"].iloc[0]
    assert others.value == 4 and others.merged == 2  # partners 2 and 3 merged
    # Flows balance: what enters a partner node leaves it towards goals.
    into = flows[flows.target == "p:1"].value.sum()
    out = flows[flows.source == "p:1"].value.sum()
    assert into == out == 7
    assert sankey_links(links, top_n=0).target.str.startswith("p:").sum() == 0


# ---------------------------------------------------------------- queries on the demo store


def test_demo_has_hundreds_of_partners_in_every_sector_and_province(store):
    from domain.catalogue import SECTOR_CODES

    assert store.scalar("SELECT COUNT(*) FROM partners") >= 300
    sectors = {r[0] for r in store.rows("SELECT DISTINCT sector FROM partners")}
    assert sectors == set(SECTOR_CODES)
    assert store.scalar("SELECT COUNT(DISTINCT province_code) FROM partner_activities") == 77
    assert store.scalar("SELECT COUNT(*) FROM partners WHERE name LIKE '%onerror%'") == 1


def test_filters_narrow_the_kpis(store, everything):
    year = ActivityFilter("", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    narrow = ActivityFilter("", dt.date(2023, 1, 1), dt.date(2023, 12, 31),
                            sectors=("people",), goals=(1,), statuses=("completed",))
    k_all, k_narrow = partner_kpis(store, everything, year), partner_kpis(store, everything,
                                                                          narrow)
    assert 0 < k_narrow["activities"] < k_all["activities"]
    assert k_narrow["partners"] <= k_all["partners"]
    # Every activity counted by the narrow filter really matches it.
    page = load_activities_page(store, everything, narrow, 500, 0)
    assert len(page) == k_narrow["activities"] == count_activities(store, everything, narrow)
    assert set(page.sector) == {"people"} and set(page.status) == {"completed"}
    assert all("1" in g.split(", ") for g in page.goals)
    assert (pd.to_datetime(page.started_on) <= pd.Timestamp("2023-12-31")).all()


def test_activity_pages_are_disjoint_and_complete(store, everything):
    f = ActivityFilter("94")
    total = count_activities(store, everything, f)
    pages = [load_activities_page(store, everything, f, 7, off) for off in range(0, total, 7)]
    ids = [i for p in pages for i in p.activity_id]
    assert len(ids) == len(set(ids)) == total
    assert all(len(p) <= 7 for p in pages)


def test_area_and_scope_restrict_rows(store):
    pattani = AccessScope(user="p", roles=frozenset({"provincial"}),
                          provinces=frozenset({"94"}))
    everything = AccessScope.everything()
    f = ActivityFilter("")
    mine = activities_by_child(store, pattani, f)
    assert set(mine.code) == {"94"}
    assert mine.activities.sum() == partner_kpis(store, everything, ActivityFilter("94"))[
        "activities"]
    assert top_partners(store, AccessScope.nothing(), f).empty
    districts = activities_by_child(store, everything, ActivityFilter("94"))
    assert set(districts[~districts.wide].code.str.len()) == {4}


@pytest.mark.usefixtures("exact_counts")
def test_children_align_with_household_need(store, everything):
    hh = households_by_child(store, everything, "", 2024)
    assert len(hh) == 77 and (hh.households > 0).all()
    assert (hh.target_poor_households <= hh.households).all()
    region = households_by_child(store, everything, "R:NE", 2024)
    assert 15 <= len(region) <= 25 and set(region.code) <= set(hh.code)


def test_coverage_and_links_count_goal_tags(store, everything):
    f = ActivityFilter("", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    cov = coverage_by_sector_goal(store, everything, f)
    links = partner_goal_links(store, everything, f)
    assert cov.activities.sum() == links.activities.sum()
    tags = store.scalar(
        "SELECT COUNT(*) FROM activity_goals g JOIN partner_activities a USING (activity_id) "
        "WHERE a.started_on <= DATE '2022-12-31' AND "
        "(a.ended_on IS NULL OR a.ended_on >= DATE '2022-01-01')")
    assert cov.activities.sum() == tags


def test_sdg_indicator_need_by_province(store, everything):
    code = store.scalar("SELECT indicator_code FROM sdg_indicators WHERE levels LIKE "
                        "'%district%' ORDER BY 1 LIMIT 1")
    prov = sdg_indicator_by_child(store, everything, "", 2024, code)
    assert len(prov) == 77 and set(prov.direction) <= {-1, 1}
    dist = sdg_indicator_by_child(store, everything, "94", 2024, code)
    assert not dist.empty and set(dist.code.str.len()) == {4}


def test_partners_for_area_prefers_local_partners(store, everything):
    from data.partners import partners_for_area

    f = ActivityFilter("40", dt.date(2018, 1, 1), dt.date(2024, 12, 31))
    df = partners_for_area(store, everything, f, "4001", 10)
    assert 0 < len(df) <= 10
    home = (df.home_province == "40").tolist()
    assert home == sorted(home, reverse=True)  # partners based in the province come first
    assert (df.in_area <= df.activities).all()
