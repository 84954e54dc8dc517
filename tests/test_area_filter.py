"""The one area predicate: validated codes, the same refusal of bad input at every query."""

from __future__ import annotations

import pytest

from data.area_filter import area_predicate, parse_area, rows_inside
from data.scope import AccessScope


@pytest.mark.parametrize("code, level", [("", "country"), ("R:NE", "region"), ("94", "province"),
                                         ("9401", "district"), ("940101", "subdistrict"),
                                         ("94010101", "village")])
def test_codes_name_their_level(code, level):
    assert parse_area(code).level == level


@pytest.mark.parametrize("bad", ["R:XX", "9", "940", "94a1", "94'; DROP TABLE x; --", "%",
                                 "940101011"])
def test_bad_codes_are_refused_the_same_way_everywhere(bad, any_store):
    from data import overview, partners, poverty, queries, sdg

    with pytest.raises(ValueError):
        parse_area(bad)
    for build in (lambda: area_predicate(bad, column="village_code"),
                  lambda: area_predicate(bad, prefix=""),
                  lambda: poverty.area_filter(bad),
                  lambda: queries.area_condition(bad, "area_code"),
                  lambda: overview.overview_headline(any_store, AccessScope.everything(), 2024,
                                                     bad),
                  lambda: sdg.sdg_values_by_level(any_store, AccessScope.everything(),
                                                  "district", (2024,), bad),
                  lambda: partners.partners_for_area(
                      any_store, AccessScope.everything(), partners.ActivityFilter(), bad)):
        with pytest.raises(ValueError):
            build()


def test_fragments_bind_every_value():
    assert area_predicate("", column="c") == ("TRUE", [])
    assert area_predicate("R:SB", prefix="p.") == (
        "p.province_code IN (?, ?, ?, ?, ?)", ["90", "91", "94", "95", "96"])
    assert area_predicate("R:SB", prefix="", keys=True)[1] == [90, 91, 94, 95, 96]
    assert area_predicate("9401", prefix="") == ("district_code = ?", ["9401"])
    assert area_predicate("940101", prefix="", keys=True) == ("subdistrict_key = ?", [940101])
    assert area_predicate("9401", column="a.area_code") == ("a.area_code LIKE ?", ["9401%"])
    assert area_predicate("R:NE", column="v")[0] == "substr(v, 1, 2) = ANY(?)"
    with pytest.raises(TypeError):
        area_predicate("94")


def test_each_query_selects_what_a_plain_count_selects(any_store):
    """Households inside an area by the predicate equal the households counted one by one."""
    codes = [r[0] for r in any_store.rows(
        "SELECT DISTINCT village_code FROM households WHERE survey_year = 2024 "
        "AND province_code = '94' ORDER BY 1 LIMIT 40")]
    for area in ("94", codes[0][:4], codes[0][:6], codes[0], "R:SB"):
        where, params = area_predicate(area, column="village_code")
        got = any_store.scalar(f"SELECT COUNT(*) FROM households WHERE survey_year = 2024 AND "
                               f"{where}", params)
        villages = [r[0] for r in any_store.rows(
            "SELECT village_code FROM households WHERE survey_year = 2024")]
        inside = parse_area(area)
        expected = sum(1 for v in villages if (v[:2] in inside.provinces if inside.provinces
                                               else v.startswith(area)))
        assert got == expected > 0


def test_rows_inside_selects_what_the_predicate_selects():
    import duckdb
    import pandas as pd

    frame = pd.DataFrame({"area_code": ["94", "9401", "940101", "96", "9601", "50", "5001"]})
    con = duckdb.connect()
    con.register("t", frame)
    for code in ("", "R:SB", "94", "9401", "50", "5002"):
        where, params = area_predicate(code, column="area_code")
        expected = [r[0] for r in con.execute(
            f"SELECT area_code FROM t WHERE {where} ORDER BY area_code", params).fetchall()]
        assert sorted(rows_inside(frame, code).area_code) == expected, code
    assert rows_inside(frame, "R:SB").area_code.tolist() == ["94", "9401", "940101", "96", "9601"]
