"""Small-number protection: the rule by hand, then on the poverty frames of the demo store."""

from __future__ import annotations

import numpy as np
import pytest

from data import poverty as P
from data.scope import AccessScope
from domain import disclosure as D

YEAR = 2024
GROUPS_THAT_COUNT = ("households", "poor_households", "target_poor_households", "poor")


def test_a_small_count_is_withheld_with_the_smallest_other_part_of_its_total():
    hidden = D.withheld_cells(np.array([10, 3, 20, 0]), 5)[:, 0]
    # 3 alone would be the total minus 30: 10, the smallest shown part above zero, goes too.
    assert hidden.tolist() == [True, True, False, False]


def test_two_small_counts_need_no_complement_and_zero_is_shown():
    assert D.withheld_cells(np.array([10, 3, 2, 0]), 5)[:, 0].tolist() == [False, True, True,
                                                                            False]
    assert not D.withheld_cells(np.array([0, 0, 7]), 5).any()


def test_rows_the_viewer_may_list_are_neither_withheld_nor_picked_as_complement():
    hidden = D.withheld_cells(np.array([3, 6, 40]), 5, exempt_rows=np.array([True, False,
                                                                            False]))[:, 0]
    assert hidden.tolist() == [False, False, False]
    hidden = D.withheld_cells(np.array([3, 6, 40]), 5, exempt_rows=np.array([False, True,
                                                                            False]))[:, 0]
    assert hidden.tolist() == [True, False, True]  # 6 is seen anyway: 40 is the complement


def test_a_two_way_table_with_both_margins_shown_stays_closed():
    table = np.array([[20, 2, 30],
                      [25, 40, 35],
                      [50, 60, 70]])
    hidden = D.withheld_cells(table, 5, row_totals=True, column_totals=True)
    assert hidden[0, 1]
    for line in (*hidden, *hidden.T):
        assert line.sum() != 1  # no total with exactly one withheld part
    assert hidden.sum() == 4  # the 2, one more in its row and column, and their crossing


def test_groups_withhold_what_is_computed_from_a_small_count():
    columns = {"households": np.array([3, 50, 60]), "poor_households": np.array([1, 2, 30]),
               "h": np.array([0.3, 0.04, 0.5]), "raw_x": np.array([9, 9, 9])}
    out, rows = D.withhold(columns, [("households", ("poor_households", "h", "raw_x")),
                                     ("poor_households", ("h",))], 5)
    # Row 0 (three households) goes whole; its complement (50) takes its group with it.
    assert np.isnan(out["raw_x"][0]) and np.isnan(out["h"][0])
    assert np.isnan(out["households"][1]) and np.isnan(out["raw_x"][1])
    # Row 1's two poor households: its H goes; row 2 stays.
    assert np.isnan(out["h"][1]) and out["h"][2] == 0.5 and out["raw_x"][2] == 9
    assert rows.tolist() == [True, True, False]


def _village_parent(store) -> str:
    """A Pattani subdistrict of several villages, one with 1 to 4 target-poor households."""
    return store.scalar(
        "SELECT substr(village_code, 1, 6) AS sub FROM household_rollup WHERE survey_year = ? "
        "AND province_code = '94' GROUP BY sub HAVING COUNT(*) >= 3 AND SUM(CASE WHEN "
        "target_poor_households BETWEEN 1 AND 4 THEN 1 ELSE 0 END) >= 1 ORDER BY sub LIMIT 1",
        [YEAR])


def _check_closed(step, threshold: int = 5) -> None:
    for col in GROUPS_THAT_COUNT:
        values = step.children[col].to_numpy(dtype=float)
        shown = values[~np.isnan(values)]
        assert not ((shown > 0) & (shown < threshold)).any(), col
        if not np.isnan(float(step.area[col])):
            # A lone gap beside a shown total is the total minus the rest.
            assert np.isnan(values).sum() != 1, col


@pytest.mark.parametrize("k", [1 / 3, 0.5])
def test_villages_are_protected_for_an_analyst_and_exact_for_the_provinces_own_staff(
        store, monkeypatch, k):
    parent = _village_parent(store)
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    staff = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                        household_provinces=frozenset({"94"}))
    protected = P.poverty_drilldown(store, analyst, parent, YEAR, k)
    own = P.poverty_drilldown(store, staff, parent, YEAR, k)
    monkeypatch.setenv("WARROOM_SMALL_COUNT", "1")
    exact = P.poverty_drilldown(store, analyst, parent, YEAR, k)
    assert protected.children.withheld.any(), "the fixture village should need protection"
    _check_closed(protected)
    # Entitled staff see every figure, identical to the unprotected computation.
    assert not own.children.withheld.any()
    assert own.children.poor.tolist() == exact.children.poor.tolist()
    # What is shown is the exact figure; what is withheld is NaN, never a rounded stand-in.
    shown = ~protected.children.withheld
    assert (protected.children.poor[shown] == exact.children.poor[shown]).all()
    # The subdistrict's own figures are not small: shown in full.
    assert protected.area.households == exact.area.households


def test_a_small_villages_trend_is_withheld_year_by_year(store):
    village = store.scalar(
        "SELECT village_code FROM household_rollup WHERE survey_year = ? GROUP BY village_code "
        "HAVING SUM(target_poor_households) BETWEEN 1 AND 4 ORDER BY village_code LIMIT 1", [YEAR])
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    trend = P.poverty_trend(store, analyst, village)
    row = trend[trend.year == YEAR].iloc[0]
    assert row.withheld and np.isnan(row.target_poor_households)


def test_the_overview_headline_of_a_small_village_withholds_its_target_poor(store):
    from data.overview import overview_headline

    village = store.scalar(
        "SELECT village_code FROM household_rollup WHERE survey_year = ? AND province_code = '94' "
        "AND target_poor_households BETWEEN 1 AND 4 AND households >= 5 ORDER BY village_code "
        "LIMIT 1", [YEAR])
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    staff = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                        household_provinces=frozenset({"94"}))
    seen = overview_headline(store, analyst, YEAR, village)
    own = overview_headline(store, staff, YEAR, village)
    assert seen["withheld"] and seen["target_poor_households"] is None
    assert seen["target_poor_people"] is None and seen["households"] == own["households"]
    assert not own["withheld"] and 1 <= own["target_poor_households"] <= 4


def test_budget_need_children_are_protected_like_the_poverty_page(store):
    from data.partners import households_by_child
    from data.queries import target_poor_by_child

    parent = _village_parent(store)
    analyst = AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None)
    villages = target_poor_by_child(store, analyst, parent, YEAR)
    assert villages.withheld.any()
    for frame in (villages, households_by_child(store, analyst, parent[:4], YEAR)):
        values = frame.target_poor_households.to_numpy(dtype=float)
        shown = values[~np.isnan(values)]
        assert not ((shown > 0) & (shown < 5)).any()
        # A lone gap is allowed only where the rest are zeros: then the total is as small as
        # the gap, and withheld by the same rule where it is shown.
        assert np.isnan(values).sum() != 1 or not shown.any()


def test_every_driving_count_at_once_withholds_what_one_call_each_would():
    """withhold puts all driving counts through withheld_cells in one call: each column is its
    own total's parts, so the cells are those of one call per driving count, group by group."""
    rng = np.random.default_rng(11)
    for _ in range(500):
        n = int(rng.integers(1, 10))
        cols = {f"c{j}": rng.choice([0, 1, 2, 4, 5, 9, 30], size=n).astype(float)
                for j in range(4)}
        cols["rate"] = rng.random(n)
        exempt = rng.random(n) < 0.2
        groups = [("c0", ("c1", "rate")), ("c2", ("rate",)), ("c1", ()), ("nope", ("c3",))]
        for siblings in (True, False):
            got, hidden = D.withhold(cols, groups, 5, sibling_totals=siblings,
                                              exempt_rows=exempt)
            whole = D.withheld_cells(cols["c0"], 5, column_totals=siblings,
                                              exempt_rows=exempt)[:, 0]
            want_hidden = np.zeros(n, dtype=bool)
            for driver, members in groups[:3]:
                mask = D.withheld_cells(cols[driver], 5, column_totals=siblings,
                                                 exempt_rows=exempt)[:, 0] | whole
                want_hidden |= mask
                for name in (driver, *members):
                    assert np.isnan(got[name][mask]).all()
            assert (hidden == want_hidden).all()
            assert not np.isnan(got["c3"]).any()  # its driver is not there
            shown = ~want_hidden
            assert np.array_equal(got["c0"][shown], cols["c0"][shown])
