"""Pre-computed poverty aggregates equal the direct computation on the demo households."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import poverty as P
from data.scope import AccessScope
from domain import catalogue
from domain import poverty as pv

# The arithmetic against direct computations: small-number protection is tested on its own.
pytestmark = pytest.mark.usefixtures("exact_counts")

YEAR = 2024


def _households(store, where: str = "TRUE", params=()) -> pd.DataFrame:
    cols = ", ".join(catalogue.DEPRIVATION_COLUMNS)
    return store.query(
        "SELECT house_code, village_code, province_code, district_code, members, target_poor, "
        f"{cols} FROM households WHERE survey_year = ? AND {where}", [YEAR, *params])


def _pattani_district(store) -> str:
    return store.scalar("SELECT MIN(district_code) FROM households WHERE province_code = '94'")


@pytest.mark.parametrize("k", [0.0, 1 / 3, 0.5, 1.0])
def test_province_children_match_direct_af(store, everything, k):
    district = _pattani_district(store)
    got = P.poverty_by_child(store, everything, "94", YEAR, k=k).set_index("code")
    hh = _households(store, "province_code = ?", ["94"])
    for code, part in hh.groupby("district_code"):
        direct = pv.af_measures(part, k=k)
        row = got.loc[code]
        assert row.population == direct.population
        assert row.poor == direct.poor
        assert row.h == pytest.approx(direct.h)
        assert row.a == pytest.approx(direct.a)
        assert row.mpi == pytest.approx(direct.mpi)
        for dim, value in direct.contribution.items():
            assert row[f"contrib_{dim}"] == pytest.approx(value)
    assert district in got.index


def test_weights_pass_through_to_sql(store, everything):
    w = pv.nested_weights({"income": 3, "access": 0.5})
    got = P.poverty_by_child(store, everything, "94", YEAR, k=0.25, weights=w.key())
    direct = pv.af_measures(_households(store, "province_code = ?", ["94"]), k=0.25, weights=w)
    total = P.poverty_area_totals(got, w.key())
    assert total.poor == direct.poor
    assert total.mpi == pytest.approx(direct.mpi)
    assert total.contrib_income == pytest.approx(direct.contribution["income"])


def test_national_totals_and_tpmap_counts(store, everything):
    regions = P.poverty_by_child(store, everything, "", YEAR)
    assert len(regions) == 6 and regions.code.str.startswith("R:").all()
    provinces = P.poverty_by_child(store, everything, "", YEAR, grain="province")
    assert len(provinces) == 77
    hh = _households(store)
    direct = pv.af_measures(hh)
    counts = pv.tpmap_counts(hh)
    for frame in (regions, provinces):
        total = P.poverty_area_totals(frame)
        assert total.population == hh.members.sum()
        assert total.households == len(hh)
        assert total.mpi == pytest.approx(direct.mpi)
        for key, value in counts.items():
            assert total[key] == value


def test_children_add_up_to_parent(store, everything):
    district = _pattani_district(store)
    parent = P.poverty_by_child(store, everything, "94", YEAR).set_index("code").loc[district]
    children = P.poverty_by_child(store, everything, district, YEAR)
    for col in ("households", "population", "poor", "target_poor_people", "people_income"):
        assert children[col].sum() == parent[col]
    sub = children.code.iloc[0]
    villages = P.poverty_by_child(store, everything, sub, YEAR)
    assert villages.code.str.len().eq(8).all()
    assert villages.population.sum() == children.set_index("code").loc[sub].population
    one = P.poverty_by_child(store, everything, villages.code.iloc[0], YEAR)
    assert len(one) == 1 and one.code.iloc[0] == villages.code.iloc[0]


def test_a_drilldown_step_is_its_children_and_their_sum(store, everything):
    district = _pattani_district(store)
    hh = _households(store, "district_code = ?", [district])
    for area in ("", "R:SB", "94", district):
        step = P.poverty_drilldown(store, everything, area, YEAR, 0.25)
        children = P.poverty_by_child(store, everything, area, YEAR, 0.25)
        pd.testing.assert_frame_equal(step.children, children)
        summed = P.poverty_area_totals(children)
        for col in ("households", "population", "poor", "score_poor", "mpi", "h", "a",
                    "contrib_income", "people_health", "cen_d_income_per_head"):
            assert step.area[col] == pytest.approx(summed[col]), (area, col)
    # The district's own measures are the direct AF measures of its households.
    assert step.area.mpi == pytest.approx(pv.af_measures(hh, k=0.25).mpi)
    assert set(step.children.name_en.dropna()) and step.children.name_th.notna().all()
    # Nothing to show: an empty frame and an area of zeros, never an error.
    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    hidden = P.poverty_drilldown(store, pattani, "50", YEAR)
    assert hidden.children.empty and hidden.area.population == 0 and hidden.area.mpi == 0


def test_trend_matches_direct(store, everything):
    trend = P.poverty_trend(store, everything, "94").set_index("year")
    assert list(trend.index) == list(range(2018, 2025))
    hh = _households(store, "province_code = ?", ["94"])
    assert trend.loc[YEAR].mpi == pytest.approx(pv.af_measures(hh).mpi)


def test_pipeline_matches_cases(store, everything):
    district = _pattani_district(store)
    village = store.scalar(
        "SELECT MIN(village_code) FROM assistance_cases WHERE substr(village_code, 1, 4) = ?",
        [district])
    # The country, a region and a province read the counts by province; below, by village.
    for area in ("", "R:SB", "94", district, village):
        if area.isdigit() and len(area) > 2:  # cases hold no district or subdistrict code
            cond, params = f"substr(village_code, 1, {len(area)}) = ?", [area]
        else:
            cond, params = P.area_filter(area)
        direct = store.query(
            "SELECT dimension, agency, status, COUNT(*) AS cases FROM assistance_cases "
            f"WHERE survey_year = ? AND {cond} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            [YEAR, *params])
        got = P.assistance_pipeline(store, everything, area, YEAR)
        assert len(direct) and direct.cases.sum() > 0, area
        pd.testing.assert_frame_equal(got, direct, check_dtype=False)
        assert set(got.status) <= set(catalogue.CASE_STATUSES)


def test_scope_restricts_aggregates(store):
    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    assert list(P.poverty_by_child(store, pattani, "", YEAR).code) == ["94"]
    assert list(P.poverty_by_child(store, pattani, "R:SB", YEAR).code) == ["94"]
    assert P.poverty_by_child(store, pattani, "50", YEAR).empty
    assert P.poverty_by_child(store, AccessScope.nothing(), "", YEAR).empty
    assert P.load_poverty_years(store, AccessScope.nothing()) == []


def test_household_list_only_for_entitled_users(store, everything):
    village = store.scalar(
        "SELECT village_code FROM households WHERE province_code = '94' AND survey_year = ? "
        "AND target_poor GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1", [YEAR])
    entitled = AccessScope(user="p", roles=frozenset({"provincial"}),
                           provinces=frozenset({"94"}), household_provinces=frozenset({"94"}))
    rows = P.load_target_households(store, entitled, village, YEAR)
    expected = store.scalar("SELECT COUNT(*) FROM households WHERE village_code = ? AND "
                            "survey_year = ? AND target_poor", [village, YEAR])
    assert len(rows) >= expected > 0
    assert list(rows.columns) == list(P.HOUSEHOLD_COLUMNS)
    raw = store.query("SELECT house_code FROM households WHERE village_code = ?", [village])
    shown = " ".join(rows.household)
    assert not any(code in shown for code in raw.house_code)  # IDs are masked
    assert P.load_target_households(store, everything, village, YEAR).empty
    executive = AccessScope(user="e", roles=frozenset({"executive"}), provinces=None)
    assert P.load_target_households(store, executive, village, YEAR).empty
    other = AccessScope(user="o", provinces=frozenset({"94", "50"}),
                        household_provinces=frozenset({"50"}))
    assert P.load_target_households(store, other, village, YEAR).empty


def test_refresh_is_idempotent_and_by_year(demo_db, tmp_path):
    import shutil

    from data.store import open_store

    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    s = open_store(f"duckdb:///{copy}")
    try:
        before = s.scalar("SELECT SUM(people) FROM poverty_profiles")
        counts = P.refresh_poverty_aggregates(s, years=[YEAR])
        assert s.scalar("SELECT SUM(people) FROM poverty_profiles") == before
        assert counts["poverty_profiles"] > 0
        s.execute("DELETE FROM households WHERE survey_year = ? AND province_code = '94'", [YEAR])
        P.refresh_poverty_aggregates(s)
        assert s.scalar("SELECT COUNT(*) FROM poverty_profiles WHERE survey_year = ? AND "
                        "province_code = '94'", [YEAR]) == 0
    finally:
        s.close()


def test_bad_area_code_is_a_clear_error(store, everything):
    with pytest.raises(ValueError):
        P.area_filter("R:XX")
    with pytest.raises(ValueError):
        P.area_filter("123")


@pytest.mark.parametrize("k", [0.0, 0.3, 1 / 3, 1.0])
def test_rollup_equals_profiles(store, everything, k):
    district = _pattani_district(store)
    subdistrict = store.scalar(
        "SELECT MIN(subdistrict_code) FROM households WHERE district_code = ?", [district])
    w = pv.nested_weights()
    cases = [("", "province_code", YEAR), ("R:SB", "province_code", YEAR),
             ("94", "district_code", YEAR), (district, "subdistrict_code", YEAR),
             ("", "survey_year", None), ("R:NE", "survey_year", None),
             ("94", "survey_year", None), (district, "survey_year", None),
             (subdistrict, "survey_year", None)]
    for area, group, year in cases:
        fast = P._query_rollup_many(store, everything, area, year, [k])
        [slow] = P._query_totals_many(store, everything, area, group, year, [(k, w)])
        assert fast is not None, area
        _assert_same_totals(fast[0], slow, area)
    # Below a province the profile rows are read as they are (integer keys, flag bits),
    # without the GROUP BY.
    village = store.scalar(
        "SELECT MIN(village_code) FROM households WHERE subdistrict_code = ?", [subdistrict])
    for area, group in ((district, "subdistrict_code"), (subdistrict, "village_code"),
                        (village, "village_code")):
        [fast] = P._profile_children_many(store, everything, area, YEAR, [(k, w)])
        [slow] = P._query_totals_many(store, everything, area, group, YEAR, [(k, w)])
        _assert_same_totals(fast, slow, area)


def _assert_same_totals(fast: P.Totals, slow: P.Totals, area: str) -> None:
    fast_df = P.totals_frame(fast).astype({"code": str}).set_index("code")
    slow_df = P.totals_frame(slow).astype({"code": str}).set_index("code")
    assert len(slow_df), area
    assert list(fast_df.index) == list(slow_df.index), area
    pd.testing.assert_frame_equal(fast_df[slow_df.columns], slow_df, check_dtype=False,
                                  check_exact=False, rtol=1e-9)


def test_limited_user_gets_own_provinces_under_thailand(store):
    two = AccessScope(user="p", roles=frozenset({"provincial"}),
                      provinces=frozenset({"94", "40"}))
    got = P.poverty_by_child(store, two, "", YEAR)
    assert sorted(got.code) == ["40", "94"]
    assert set(got.name_en) == {"Pattani", "Khon Kaen"}


def _assert_keys_and_bits_agree(store) -> int:
    """Every profile's integer keys spell its codes and its flag bits its flags."""
    flags = list(catalogue.DEPRIVATION_COLUMNS)
    df = store.query(
        "SELECT province_code, district_code, subdistrict_code, village_code, province_key, "
        f"district_key, subdistrict_key, village_key, flag_bits, {', '.join(flags)} "
        "FROM poverty_profiles")
    for level, width in P._KEY_LEVELS.items():
        spelt = df[f"{level}_key"].map(lambda v, w=width: f"{int(v):0{w}d}")
        assert (spelt == df[f"{level}_code"]).all(), level
    bits = df.flag_bits.to_numpy(np.int64)
    for i, c in enumerate(flags):
        assert (((bits >> i) & 1).astype(bool) == df[c].to_numpy(bool)).all(), c
    return len(df)


def test_refresh_writes_profile_keys_and_flag_bits(store):
    assert _assert_keys_and_bits_agree(store) > 1000


def test_migration_111_fills_keys_and_bits_of_existing_profiles(any_store_url, monkeypatch):
    """A store at version 110 with profiles gets the keys and bits the refresh would write."""
    from data import store as store_module

    every = store_module.list_migrations
    monkeypatch.setattr(store_module, "list_migrations",
                        lambda dialect: [m for m in every(dialect) if m.version < 111])
    s = store_module.Store(any_store_url)
    try:
        s.migrate()
        flags = list(catalogue.DEPRIVATION_COLUMNS)
        deprived = np.random.default_rng(3).random((60, len(flags))) < 0.4
        deprived[0] = True  # every bit at once
        deprived[1] = False
        marks = ", ".join("?" for _ in range(len(flags) + 8))
        for i, row in enumerate(deprived):
            village = f"{10 + i % 3}{1 + i % 2:02d}{1 + i % 5:02d}{1 + i:02d}"
            s.execute(
                "INSERT INTO poverty_profiles (survey_year, province_code, district_code, "
                f"subdistrict_code, village_code, target_poor, {', '.join(flags)}, households, "
                f"people) VALUES ({marks})",
                [2024, village[:2], village[:4], village[:6], village, bool(i % 2),
                 *map(bool, row), 1, 3])
        monkeypatch.setattr(store_module, "list_migrations", every)
        assert 111 in s.migrate()
        assert _assert_keys_and_bits_agree(s) == len(deprived)
    finally:
        s.close()


@pytest.mark.parametrize("blocks", [True, False], ids=["blocks", "no-internals"])
def test_frame_from_arrays_equals_the_constructor(monkeypatch, blocks):
    """Built a block at a time, or (a pandas without its internals API) by the constructor."""
    if not blocks:
        monkeypatch.setattr(P, "create_dataframe_from_blocks", None)
    rng = np.random.default_rng(5)
    n = 7
    codes = np.array([f"{30010501 + i}" for i in range(n)], dtype=object)
    names = codes.copy()
    names[2] = None  # an area the registry does not name
    cases = [
        {"code": codes, "name_th": names, "households": rng.integers(0, 9, n),
         "score_poor": rng.random(n), "poor": rng.integers(0, 9, n), "h": rng.random(n)},
        {"code": np.arange(2018, 2018 + n), "households": rng.integers(0, 9, n),
         "h": rng.random(n)},
        {"code": np.array([], dtype=object), "households": np.array([], dtype=np.int64)},
        {"code": np.array([1, "x"] * 3 + [2], dtype=object), "h": rng.random(n)},
        {"flag": rng.random(n) < 0.5, "h": rng.random(n)},
    ]
    for columns in cases:
        got = P.frame_from_arrays(columns)
        pd.testing.assert_frame_equal(got, pd.DataFrame(columns))
        assert list(got.columns) == list(columns)


def test_provincial_user_drills_down_own_province_only(store, everything):
    """The integer-key scope filter keeps every row of the user's province and none other."""
    pattani = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    district = _pattani_district(store)
    subdistrict = store.scalar(
        "SELECT MIN(subdistrict_code) FROM households WHERE district_code = ?", [district])
    village = store.scalar(
        "SELECT MIN(village_code) FROM households WHERE subdistrict_code = ?", [subdistrict])
    other = pv.nested_weights({"income": 3, "access": 0.5}).key()
    for area in ("94", district, subdistrict, village):
        for weights in (None, other):
            mine = P.poverty_drilldown(store, pattani, area, YEAR, weights=weights)
            seen = P.poverty_drilldown(store, everything, area, YEAR, weights=weights)
            assert len(mine.children) and mine.area.population > 0, (area, weights)
            pd.testing.assert_frame_equal(mine.children, seen.children)
            pd.testing.assert_frame_equal(P.poverty_trend(store, pattani, area, weights=weights),
                                          P.poverty_trend(store, everything, area,
                                                          weights=weights))
    # Under Thailand with other weights the profiles are grouped in SQL: the key filter alone
    # keeps the other provinces out.
    assert list(P.poverty_by_child(store, pattani, "", YEAR, weights=other).code) == ["94"]
    elsewhere = store.scalar(
        "SELECT MIN(district_code) FROM households WHERE province_code = '40'")
    hidden = P.poverty_drilldown(store, pattani, elsewhere, YEAR)
    assert hidden.children.empty and hidden.area.population == 0
    assert P.poverty_trend(store, pattani, elsewhere).empty
