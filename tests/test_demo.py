"""Demo data: deterministic, complete at every level, calibrated to the public figures."""

from __future__ import annotations

import pandas as pd

from data.demo.households import TARGET_POOR_SHARE
from data.queries import summary
from domain.catalogue import DEPRIVATION_COLUMNS, SECTOR_CODES


def test_summary_covers_everything(any_store):
    s = summary(any_store)
    assert s["areas_per_level"]["province"] == 77
    assert s["areas_per_level"]["district"] == 928
    assert s["areas_per_level"]["subdistrict"] == 7436
    assert s["areas_per_level"]["village"] >= 7436
    assert s["provinces_with_households"] == 77
    assert s["household_years"] == list(range(2018, 2025))
    assert s["sdg_goals_with_values"] == list(range(1, 18))
    assert sorted(s["partner_sectors_with_activities"]) == sorted(SECTOR_CODES)
    assert s["rows"]["partners"] >= 300


def test_every_subdistrict_has_a_village_with_households(any_store):
    missing = any_store.scalar(
        "SELECT COUNT(*) FROM areas s WHERE s.level = 'subdistrict' AND NOT EXISTS "
        "(SELECT 1 FROM households h WHERE h.subdistrict_code = s.code)")
    assert missing == 0


def test_target_poor_share_is_calibrated(any_store):
    df = any_store.query(
        "SELECT survey_year, SUM(members) AS people, "
        "SUM(CASE WHEN target_poor THEN members ELSE 0 END) AS poor FROM households GROUP BY 1")
    for row in df.itertuples():
        share = row.poor / row.people
        assert abs(share - TARGET_POOR_SHARE[row.survey_year]) < 0.003, row


def test_target_poor_means_at_least_one_deprivation(any_store):
    any_flag = " OR ".join(DEPRIVATION_COLUMNS)
    bad = any_store.scalar(f"SELECT COUNT(*) FROM households WHERE target_poor <> ({any_flag})")
    assert bad == 0


def test_pattani_is_poorest_and_northeast_poorer_than_central(any_store):
    df = any_store.query(
        "SELECT h.province_code, a.region_nesdc, SUM(h.members) AS people, "
        "SUM(CASE WHEN h.target_poor THEN h.members ELSE 0 END) AS poor "
        "FROM households h JOIN areas a ON a.code = h.province_code "
        "WHERE h.survey_year = 2023 GROUP BY 1, 2")
    poverty = any_store.query(
        "SELECT area_code, value FROM sdg_values WHERE indicator_code = 'g1_income_poverty' "
        "AND year = 2023 AND length(area_code) = 2 ORDER BY value DESC LIMIT 1")
    assert poverty.area_code.iloc[0] == "94"
    region = df.groupby("region_nesdc")[["people", "poor"]].sum()
    rate = region.poor / region.people
    assert rate["NE"] > rate["C"] and rate["SB"] > rate["C"]


def test_demo_is_deterministic(tmp_path):
    from data.demo import build
    from data.store import Store

    frames = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.duckdb"
        build(path, scale=0.001, seed=11, log=lambda _m: None)
        s = Store(f"duckdb:///{path}", read_only=True)
        frames.append(s.query(
            "SELECT house_code, survey_year, members, target_poor FROM households "
            "ORDER BY 1, 2 LIMIT 2000"))
        s.close()
    pd.testing.assert_frame_equal(frames[0], frames[1])


def test_failed_build_leaves_no_store(tmp_path, monkeypatch):
    import pytest

    from data import demo

    def boom(ctx):
        raise RuntimeError("generator failed")

    monkeypatch.setattr(demo, "_components", lambda: [("boom", boom)])
    target = tmp_path / "x.duckdb"
    with pytest.raises(RuntimeError):
        demo.build(target, scale=0.001, log=lambda _m: None)
    assert not target.exists()
    assert not list(tmp_path.glob("*.building"))
