"""The village rollup of households agrees with the households table on both backends."""

from __future__ import annotations

import pandas as pd

from data.rollup import refresh_household_rollup
from domain.catalogue import DEPRIVATION_COLUMNS


def test_rollup_matches_households(any_store):
    raw = any_store.query(
        "SELECT survey_year, province_code, COUNT(*) AS households, SUM(members) AS people, "
        "SUM(CASE WHEN target_poor THEN members ELSE 0 END) AS poor, "
        "SUM(CASE WHEN welfare_card THEN 1 ELSE 0 END) AS welfare "
        "FROM households GROUP BY 1, 2 ORDER BY 1, 2")
    rolled = any_store.query(
        "SELECT survey_year, province_code, SUM(households) AS households, SUM(people) AS people, "
        "SUM(target_poor_people) AS poor, SUM(welfare_card_households) AS welfare "
        "FROM household_rollup GROUP BY 1, 2 ORDER BY 1, 2")
    assert len(raw) == 77 * 7
    for col in ("households", "people", "poor", "welfare"):
        assert raw[col].astype(int).tolist() == rolled[col].astype(int).tolist(), col


def _households(year: int, members: list[int], poor: list[bool]) -> pd.DataFrame:
    n = len(members)
    df = pd.DataFrame({
        "house_code": [f"9401010{i % 2 + 1}{i:04d}" for i in range(n)],
        "survey_year": year, "village_code": [f"9401010{i % 2 + 1}" for i in range(n)],
        "subdistrict_code": "940101", "district_code": "9401", "province_code": "94",
        "members": members, "income_per_head": 50_000.0, "welfare_card": False,
        "target_poor": poor,
    })
    for col in DEPRIVATION_COLUMNS:
        df[col] = poor
    return df


def test_refresh_by_year_and_in_full(any_empty_store):
    s = any_empty_store
    s.insert_df("households", _households(2023, [1, 2, 3, 4], [True, False, False, True]))
    s.insert_df("households", _households(2024, [5, 5], [False, False]))
    assert refresh_household_rollup(s) == 4  # two villages, two years
    got = s.query("SELECT survey_year, village_code, households, people, target_poor_people "
                  "FROM household_rollup ORDER BY 1, 2")
    assert got.values.tolist() == [
        [2023, "94010101", 2, 4, 1], [2023, "94010102", 2, 6, 4],
        [2024, "94010101", 1, 5, 0], [2024, "94010102", 1, 5, 0]]
    s.execute("DELETE FROM households WHERE survey_year = ?", [2024])
    with s.transaction():
        assert refresh_household_rollup(s, [2024]) == 2
    assert s.scalar("SELECT COUNT(*) FROM household_rollup WHERE survey_year = 2023") == 2
    assert refresh_household_rollup(s, []) == 0
