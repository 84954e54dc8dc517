"""Imports: messy files built here, atomic commits, idempotence and undo.

The files reproduce TIS-620, BE wide tables, title rows, Thai headers, subtotals,
misspelt names, duplicates and broken files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io

import pandas as pd
import pytest

from data.importer import (
    ImportFailure,
    commit_import,
    load_batches,
    load_rejections,
    preview_import,
    undo_batch,
)
from data.scope import AccessScope
from data.store import Store, open_store

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward"}), provinces=None)


@functools.cache
def _reference() -> dict[str, pd.DataFrame]:
    from data.demo.sdg import catalogue_frame
    from domain import catalogue
    from domain.areas import regions_frame, registry_frame

    areas = registry_frame()
    villages = pd.DataFrame({
        "code": ["40010101", "40010102", "10010101"], "level": "village",
        "name_th": ["บ้านโนน หมู่ที่ 1", "บ้านดอน หมู่ที่ 2", "ชุมชนหนึ่ง"],
        "name_en": ["Ban Non (Moo 1)", "Ban Don (Moo 2)", "Chumchon Nueng"],
        "parent_code": ["400101", "400101", "100101"], "province_code": ["40", "40", "10"],
        "region_nesdc": ["NE", "NE", "C"], "region_four": ["NE", "NE", "BKK"],
        "status": "current"})
    goals = pd.DataFrame(catalogue.SDG_GOALS, columns=["goal", "name_th", "name_en", "colour"])
    partners = pd.DataFrame({
        "partner_id": [1, 2], "name": ["วัดโพธิ์ขาม", "มูลนิธิรักษ์ถิ่น"],
        "name_en": ["Wat Pho Kham", "Rak Thin Foundation"], "sector": ["religion", "civil_society"],
        "home_province": ["40", "10"]})
    return {"regions": regions_frame(), "areas": pd.concat([areas, villages]),
            "sdg_goals": goals, "sdg_indicators": catalogue_frame(), "partners": partners}


@pytest.fixture()
def db(any_empty_store) -> Store:
    """A small reference store on each backend: every import test runs on DuckDB and PostgreSQL."""
    s = any_empty_store
    for table, frame in _reference().items():
        s.insert_df(table, frame)
    s.insert_df("sdg_values", pd.DataFrame({
        "indicator_code": ["g1_income_poverty"] * 2, "area_code": ["40", "30"],
        "year": [2018, 2018], "disaggregation": "total", "value": [9.0, 7.0]}))
    return s


def _counts(s: Store) -> dict[str, int]:
    tables = ("sdg_values", "households", "partners", "partner_activities", "activity_goals",
              "plan_projects", "plan_project_goals", "debt_cases", "import_batches",
              "import_replaced", "import_rejections")
    return {t: int(s.scalar(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def _reasons(p) -> list[str]:
    return sorted(p.rejected["reason"].tolist())


# -- reading quirks -------------------------------------------------------------------------------
WIDE_TIS620 = (
    "รายงานสัดส่วนคนจน รายจังหวัด\n"
    "ที่มา: สำนักงานสถิติแห่งชาติ\n"
    "\n"
    "ตัวชี้วัด,จังหวัด,พ.ศ. 2561,พ.ศ. 2562,พ.ศ. 2563\n"
    "g1_income_poverty,จ.ขอนแก่น,\"๑๒.๕\",\"๑๑.๐\",10.2\n"
    "g1_income_poverty,Bungkan,20,19,\n"
    "g1_income_poverty,Phangnga,5,4,3\n"
    "g1_income_poverty,รวมภาคตะวันออกเฉียงเหนือ,15,14,13\n"
    "g1_income_poverty,ทั้งประเทศ,9,8,7\n"
    "g1_income_poverty,นครราชศรีมา,1,2,3\n"
    "g1_income_poverty,เมืองลับแล,1,2,3\n"
)


def test_tis620_wide_be_table_with_titles_subtotals_and_misspellings(db):
    p = preview_import(db, STEWARD, WIDE_TIS620.encode("cp874"), "poverty.csv", "indicators",
                       "replace")
    assert p.notes["encoding"] == "cp874"
    assert p.notes["header_row"] == 4
    assert p.notes["wide_years"] == [2018, 2019, 2020]
    acc = p.accepted.set_index(["area_code", "year"])["value"]
    # Thai digits, thousands separators, BE -> CE, romanisations, a misspelt Thai name.
    assert acc[("40", 2018)] == 12.5
    assert acc[("40", 2019)] == 11.0
    assert acc[("38", 2019)] == 19.0
    assert ("38", 2020) not in acc.index  # an empty cell of a wide table is no row
    assert acc[("82", 2020)] == 3.0
    assert acc[("30", 2019)] == 2.0
    assert p.notes["approximate_matches"] == {"นครราชศรีมา": "30 นครราชสีมา"}
    assert len(p.accepted) == 11
    assert _reasons(p) == ["aggregate"] * 6 + ["area_unknown"] * 3
    assert p.areas == ["30", "38", "40", "82"] and p.years == [2018, 2019, 2020]
    # The stored 2018 values of Khon Kaen and Nakhon Ratchasima would be replaced.
    assert sorted(p.replaced["__key"]) == ["g1_income_poverty|30|2018|total",
                                           "g1_income_poverty|40|2018|total"]
    report = p.rejected_report("th")
    assert report["row"].tolist()[:3] == [8, 8, 8]
    assert "แถวรวม" in report["reason"].iloc[0]


def test_utf8_bom_long_table_ce_years_units_in_brackets(db):
    text = ("\ufeffรหัสตัวชี้วัด,รหัสพื้นที่,ปี,ค่า (ร้อยละ)\n"
            "g1_income_poverty,40,2019,10\n"
            "g1_income_poverty,4001,2019,10\n"  # district: the indicator is province-only
            "g1_income_poverty,41,2019,120\n"   # a percentage above 100
            "g1_income_poverty,42,1850,3\n"     # not a year
            "no_such_indicator,43,2019,3\n")
    p = preview_import(db, STEWARD, text.encode("utf-8"), "x.csv", "indicators")
    assert p.notes["encoding"] == "utf-8-sig"
    assert p.notes["units"] == {"value": "ร้อยละ"}
    assert p.accepted[["area_code", "year", "value"]].values.tolist() == [["40", 2019, 10.0]]
    assert _reasons(p) == ["area_level", "indicator_unknown", "range", "year"]


def test_unit_checked_against_catalogue(db):
    text = ("indicator,province,year,value,unit\n"
            "g1_income_poverty,Khon Kaen,2563,5,%\n"
            "g1_income_poverty,Loei,2563,5,baht\n")
    p = preview_import(db, STEWARD, text.encode(), "u.csv", "indicators")
    assert p.accepted["area_code"].tolist() == ["40"]
    assert p.rejected["reason"].tolist() == ["unit"]


CATALOGUE_CSV = (
    "รหัสตัวชี้วัด,เป้าหมาย SDG,รหัสตัวชี้วัด UN,ชื่อตัวชี้วัด,ชื่อภาษาอังกฤษ,หน่วย,ทิศทาง,"
    "ค่าต่ำสุดของช่วงคะแนน,ค่าสูงสุดของช่วงคะแนน,เป้าหมายปี 2573,แหล่งที่มา,ระดับพื้นที่\n"
    "g6_piped,6,6.1.1,ครัวเรือนที่มีน้ำประปา,Households with piped water,%,ยิ่งสูงยิ่งดี,"
    "50,100,100,กปภ.,จังหวัดและอำเภอ\n"
    "g3_smoking,3,3.a.1,อัตราการสูบบุหรี่,Smoking rate,%,lower is better,5,30,10,NSO,province\n"
    "g18_x,18,,ผิด,Bad goal,%,higher,0,1,,x,province\n"
    "g6_flat,6,,ผิด,Bounds upside down,%,higher,80,20,,x,province\n"
    "g6_dir,6,,ผิด,No direction,%,sideways,0,1,,x,province\n")


def test_indicator_catalogue_brings_its_metadata_and_then_its_values(db):
    """New indicators arrive with what scoring needs; their values import and score next."""
    from data.sdg import indicator_ranking, load_sdg_catalogue

    p = preview_import(db, STEWARD, CATALOGUE_CSV.encode("utf-8-sig"), "cat.csv",
                       "indicator_catalogue")
    assert sorted(p.accepted["indicator_code"]) == ["g3_smoking", "g6_piped"]
    assert sorted(p.rejected["reason"]) == ["choice", "invalid", "range"]
    commit_import(db, STEWARD, p)
    cat = load_sdg_catalogue(db, STEWARD).set_index("indicator_code")
    piped, smoking = cat.loc["g6_piped"], cat.loc["g3_smoking"]
    assert (piped.goal, piped.un_code, piped.direction, piped.lower_bound, piped.upper_bound,
            piped.target_2030, piped.levels) == (6, "6.1.1", 1, 50, 100, 100,
                                                 "province,district")
    assert (smoking.direction, smoking.levels, bool(smoking.in_index)) == (-1, "province", True)
    values = ("indicator,province,year,value\n"
              "Households with piped water,Khon Kaen,2563,75\n"
              "g3_smoking,Khon Kaen,2563,30\n")
    v = preview_import(db, STEWARD, values.encode(), "v.csv", "indicators")
    assert len(v.accepted) == 2 and v.rejected.empty
    commit_import(db, STEWARD, v)
    ranking = indicator_ranking(db, STEWARD, "g6_piped", "province", 2020).set_index(
        "area_code")
    assert ranking.loc["40", "score"] == 50.0  # 75 on the 50-100 scale
    smoke = indicator_ranking(db, STEWARD, "g3_smoking", "province", 2020).set_index(
        "area_code")
    assert smoke.loc["40", "score"] == 0.0  # at the worst bound of a lower-is-better scale


def _xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_title_rows_and_two_row_thai_header(db):
    data = _xlsx([
        ["ตารางที่ 3 ความยากจนรายจังหวัด"],
        [None],
        ["ตัวชี้วัด", "จังหวัด", "ค่าตัวชี้วัด (ร้อยละ)", None],
        [None, None, "พ.ศ. 2564", "พ.ศ. 2565"],
        ["g1_income_poverty", "กรุงเทพฯ", 1.5, 1.25],
        ["g1_income_poverty", "จังหวัดพังงา", "๓", "2,5"],
        ["g1_income_poverty", "รวม", 3, 3],
    ], merge="C3:D3")
    p = preview_import(db, STEWARD, data, "t.xlsx", "indicators")
    assert p.notes["format"] == "xlsx" and p.notes["header_row"] == 3
    assert p.notes["header_rows"] == 2
    got = sorted(p.accepted[["area_code", "year", "value"]].values.tolist())
    assert got == [["10", 2021, 1.5], ["10", 2022, 1.25], ["82", 2021, 3.0]]
    # "2,5" may be a decimal comma or a typo: refused, not read as 25.
    assert _reasons(p) == ["aggregate", "aggregate", "number"]


def test_multiline_header_cells_and_thai_choices(db):
    data = _xlsx([
        ["ทะเบียนภาคีเครือข่าย"],
        ["ชื่อภาคี", "ชื่อภาษา\nอังกฤษ", "ภาค", "จังหวัด\nที่ตั้ง"],
        ["ชมรมผู้สูงอายุบ้านโนน", "Ban Non Elderly Club", "ภาคประชาชน", "ขอนแก่น"],
        ["บริษัท ตัวอย่าง จำกัด", "Example Co.", "private", "Chiang Mai"],
        ["กลุ่มไม่มีภาค", "", "ภาคอื่น", "Loei"],
    ])
    p = preview_import(db, STEWARD, data, "partners.xlsx", "partners")
    assert p.accepted[["name", "sector", "home_province"]].values.tolist() == [
        ["ชมรมผู้สูงอายุบ้านโนน", "people", "40"], ["บริษัท ตัวอย่าง จำกัด", "private", "50"]]
    assert _reasons(p) == ["choice"]


def test_parquet_is_read(db):
    frame = pd.DataFrame({"indicator_code": ["g1_income_poverty"], "area_code": ["40"],
                          "year": [2565], "value": [4.5]})
    buf = io.BytesIO()
    frame.to_parquet(buf)
    p = preview_import(db, STEWARD, buf.getvalue(), "v.parquet", "indicators")
    assert p.accepted[["area_code", "year", "value"]].values.tolist() == [["40", 2022, 4.5]]


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"PK\x03\x04 this is not really a workbook", "broken.xlsx", "unreadable"),
    (b"", "empty.csv", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "xls"),
    (b"a,b\n1,2\n", "x.pdf", "format"),
    (b"indicator,province\nx,y\n", "nocols.csv", "unmapped"),
])
def test_bad_files_are_refused_with_a_message(db, data, name, code):
    before = _counts(db)
    with pytest.raises(ImportFailure) as err:
        preview_import(db, STEWARD, data, name, "indicators")
    assert err.value.code == code
    assert err.value.message("th") and err.value.message("en")
    assert _counts(db) == before


def test_oversized_file_is_refused(db, monkeypatch):
    monkeypatch.setenv("WARROOM_IMPORT_MAX_MB", "0.001")
    with pytest.raises(ImportFailure) as err:
        preview_import(db, STEWARD, b"x" * 5000, "big.csv", "indicators")
    assert err.value.code == "too_large"
    assert "MB" in err.value.message("en")


def test_truncated_csv_rejects_the_cut_row(db):
    text = ("indicator,province,year,value\n"
            "g1_income_poverty,Khon Kaen,2563,5\n"
            "g1_income_poverty,Lo")
    p = preview_import(db, STEWARD, text.encode(), "cut.csv", "indicators")
    assert len(p.accepted) == 1
    assert p.rejected["reason"].tolist() == ["missing"]
    text_quoted = 'indicator,province,year,value\ng1_income_poverty,"Khon Kaen,2563,5\n'
    with pytest.raises(ImportFailure) as err:
        preview_import(db, STEWARD, text_quoted.encode(), "cut2.csv", "indicators")
    assert err.value.code == "unreadable"


# -- duplicates -----------------------------------------------------------------------------------
DUPS = ("indicator,province,year,value\n"
        "g1_income_poverty,Khon Kaen,2561,1\n"   # already stored (9.0)
        "g1_income_poverty,Loei,2561,2\n"
        "g1_income_poverty,Loei,2561,3\n")       # same key twice in the file


@pytest.mark.parametrize(("policy", "accepted", "reasons", "stored_kk", "stored_loei"), [
    ("replace", 2, ["dup_file_replace"], 1.0, 3.0),
    ("keep", 1, ["dup_file_keep", "dup_store_keep"], 9.0, 2.0),
    ("reject", 0, ["dup_file_reject", "dup_file_reject", "dup_store_reject"], 9.0, None),
])
def test_duplicate_policies(db, policy, accepted, reasons, stored_kk, stored_loei):
    p = preview_import(db, STEWARD, DUPS.encode(), "d.csv", "indicators", policy)
    assert len(p.accepted) == accepted
    assert _reasons(p) == reasons
    if accepted:
        commit_import(db, STEWARD, p)
    value = {r[0]: r[1] for r in db.rows(
        "SELECT area_code, value FROM sdg_values WHERE year = 2018")}
    assert value.get("40") == stored_kk
    assert value.get("42") == stored_loei


# -- commit: atomic, idempotent, recorded, reversible ---------------------------------------------
def test_commit_is_idempotent_recorded_and_undoable(db):
    before = _counts(db)
    p = preview_import(db, STEWARD, WIDE_TIS620.encode("cp874"), "poverty.csv", "indicators",
                       "replace")
    r = commit_import(db, STEWARD, p)
    assert (r.inserted, r.replaced, r.rejected, r.already) == (11, 2, 9, False)
    after = _counts(db)
    assert after["sdg_values"] == before["sdg_values"] + 9
    assert after["import_replaced"] == 2 and after["import_rejections"] == 9
    batch = load_batches(db, STEWARD).iloc[0]
    assert batch["file_name"] == "poverty.csv" and batch["imported_by"] == "steward1"
    assert len(batch["sha256"]) == 64 and batch["rows_accepted"] == 11
    assert int(db.scalar("SELECT COUNT(*) FROM sdg_values WHERE batch_id = ?", [r.batch_id])) == 11
    # The same file again adds nothing.
    again = preview_import(db, STEWARD, WIDE_TIS620.encode("cp874"), "poverty.csv", "indicators",
                           "replace")
    assert again.existing_batch == r.batch_id
    r2 = commit_import(db, STEWARD, again)
    assert r2.already and r2.batch_id == r.batch_id
    assert _counts(db) == after
    rej = load_rejections(db, STEWARD, r.batch_id)
    assert len(rej) == 9 and rej["reason"].str.startswith("aggregate").sum() == 6
    assert load_rejections(db, AccessScope.everything(), r.batch_id).empty
    # Another steward does not get this file's rejected cells (they may be personal data).
    other = dataclasses.replace(STEWARD, user="steward2")
    assert other.may_import and load_rejections(db, other, r.batch_id).empty
    # Undo removes the batch's rows and restores what it replaced.
    assert undo_batch(db, STEWARD, r.batch_id) == 11
    restored = {r[0]: r[1] for r in db.rows(
        "SELECT area_code, value FROM sdg_values WHERE year = 2018")}
    assert restored == {"40": 9.0, "30": 7.0}
    assert _counts(db)["sdg_values"] == before["sdg_values"]
    assert db.scalar("SELECT status FROM import_batches WHERE batch_id = ?",
                     [r.batch_id]) == "undone"
    actions = [r[0] for r in db.rows("SELECT action FROM audit_log ORDER BY event_id")]
    assert actions == ["import", "import_undo"]
    with pytest.raises(ImportFailure) as err:
        undo_batch(db, STEWARD, r.batch_id)
    assert err.value.code == "already_undone"


def test_failed_commit_leaves_the_store_unchanged(db, monkeypatch):
    p = preview_import(db, STEWARD, WIDE_TIS620.encode("cp874"), "poverty.csv", "indicators",
                       "replace")
    before = _counts(db)
    values_before = db.query("SELECT * FROM sdg_values ORDER BY 1, 2, 3, 4")
    real = Store.insert_df
    calls = {"n": 0}

    def failing(self, table, df):
        calls["n"] += 1
        if table == "sdg_values":  # after the batch row, the backup and the delete
            raise RuntimeError("disk full")
        return real(self, table, df)

    monkeypatch.setattr(Store, "insert_df", failing)
    with pytest.raises(ImportFailure) as err:
        commit_import(db, STEWARD, p)
    assert err.value.code == "commit_failed"
    assert calls["n"] >= 2
    monkeypatch.setattr(Store, "insert_df", real)
    assert _counts(db) == before
    pd.testing.assert_frame_equal(db.query("SELECT * FROM sdg_values ORDER BY 1, 2, 3, 4"),
                                  values_before)


def test_only_stewards_commit_and_scope_limits_rows(db):
    p = preview_import(db, STEWARD, DUPS.encode(), "d.csv", "indicators", "replace")
    with pytest.raises(ImportFailure) as err:
        commit_import(db, AccessScope.everything(), p)
    assert err.value.code == "not_allowed"
    khon_kaen = AccessScope(user="kk", roles=frozenset({"steward"}), provinces=frozenset({"40"}))
    p = preview_import(db, khon_kaen, DUPS.encode(), "d.csv", "indicators", "replace")
    assert p.accepted["area_code"].tolist() == ["40"]
    assert "out_of_scope" in _reasons(p)


# -- the other kinds ------------------------------------------------------------------------------
def _flags(value: str) -> str:
    from domain.catalogue import POVERTY_INDICATORS

    return ",".join(value for _ in POVERTY_INDICATORS)


def test_households(db):
    from domain.catalogue import POVERTY_INDICATORS

    head = "รหัสบ้าน,ปีที่สำรวจ,รหัสหมู่บ้าน,จำนวนสมาชิก,รายได้เฉลี่ยต่อคนต่อปี (บาท)," \
           "บัตรสวัสดิการแห่งรัฐ,คนจนเป้าหมาย," + ",".join(i.code for i in POVERTY_INDICATORS)
    text = "\n".join([
        head,
        f"H1,2567,40010101,4,\"๔๒,๐๐๐\",ใช่,ไม่ใช่,{_flags('0')}",
        f"H2,2567,40010102,3,12000,1,1,{_flags('1')}",
        f"H3,2567,99999999,3,12000,1,1,{_flags('0')}",
        f"H4,2567,40010101,0,12000,1,1,{_flags('0')}",
        f"H5,2567,40010101,2,12000,maybe,1,{_flags('0')}",
    ])
    p = preview_import(db, STEWARD, text.encode("cp874"), "hh.csv", "households")
    assert p.accepted["house_code"].tolist() == ["H1", "H2"]
    assert _reasons(p) == ["area_unknown", "bool", "range"]
    r = commit_import(db, STEWARD, p)
    row = db.rows("SELECT survey_year, province_code, district_code, income_per_head, "
                  "welfare_card, target_poor, d_income_per_head FROM households "
                  "WHERE house_code = 'H1'")[0]
    assert row == (2024, "40", "4001", 42000.0, True, False, False)
    assert db.scalar("SELECT d_health_food FROM households WHERE house_code = 'H2'") is True
    # The village rollup and the poverty aggregates follow the import and its undo.
    assert db.rows("SELECT village_code, households, target_poor_households FROM "
                   "household_rollup ORDER BY 1") == [("40010101", 1, 0), ("40010102", 1, 1)]
    assert db.scalar("SELECT SUM(households) FROM poverty_profiles") == 2
    undo_batch(db, STEWARD, r.batch_id)
    assert db.scalar("SELECT COUNT(*) FROM households") == 0
    assert db.scalar("SELECT COUNT(*) FROM household_rollup") == 0
    assert db.scalar("SELECT COUNT(*) FROM poverty_profiles") == 0


def test_partners_then_activities_with_goals_and_undo_order(db):
    partners = ("ชื่อภาคี,ภาค,จังหวัดที่ตั้ง\n"
                "สภาองค์กรชุมชนเลย,ภาคประชาสังคม,จ.เลย\n")
    rp = commit_import(db, STEWARD, preview_import(db, STEWARD, partners.encode(), "p.csv",
                                                   "partners"))
    acts = ("ภาคีเครือข่าย,จังหวัด,อำเภอ,ชื่อกิจกรรม,วันเริ่ม,วันสิ้นสุด,ผู้ได้รับประโยชน์ (คน),"
            "งบประมาณ (บาท),สถานะ,เป้าหมาย SDG\n"
            "สภาองค์กรชุมชนเลย,เลย,อ.เมืองเลย,ปลูกป่าชุมชน,1/6/2567,30/9/2567,120,\"50,000\","
            "เสร็จสิ้น,\"15, 13\"\n"
            "Wat Pho Kham,Khon Kaen,,ธนาคารอาหาร,2024-01-05,,80,1000,ongoing,SDG 2\n"
            "ไม่มีภาคีนี้,Khon Kaen,,x,2024-01-05,,80,1000,ongoing,2\n"
            "Wat Pho Kham,Khon Kaen,,เป้าหมายผิด,2024-01-05,,80,1000,ongoing,18\n")
    p = preview_import(db, STEWARD, acts.encode(), "a.csv", "activities")
    assert _reasons(p) == ["choice", "partner_unknown"]
    assert p.accepted["area_code"].tolist() == ["4201", "40"]
    assert str(p.accepted["started_on"].iloc[0].date()) == "2024-06-01"
    ra = commit_import(db, STEWARD, p)
    goals = sorted(db.rows("SELECT goal FROM activity_goals"))
    assert goals == [(2,), (13,), (15,)]
    # The partners batch cannot be undone while activities refer to its partner.
    with pytest.raises(ImportFailure) as err:
        undo_batch(db, STEWARD, rp.batch_id)
    assert err.value.code == "undo_blocked"
    undo_batch(db, STEWARD, ra.batch_id)
    assert db.scalar("SELECT COUNT(*) FROM activity_goals") == 0
    undo_batch(db, STEWARD, rp.batch_id)
    assert db.scalar("SELECT COUNT(*) FROM partners") == 2


def test_plan_projects_replace_keeps_ids_and_undo_restores(db):
    head = ("จังหวัด,ปีงบประมาณ,ชื่อโครงการ,หน่วยงานรับผิดชอบ,งบประมาณที่ได้รับ (บาท),"
            "วันเริ่ม,วันสิ้นสุด,สถานะ,ความก้าวหน้า (%),เป้าหมาย SDG,วันที่รายงาน\n")
    first = head + ("ขอนแก่น,2568,ซ่อมบ้าน,การเคหะแห่งชาติ,\"1,500,000\",1/10/2567,30/9/2568,"
                    "กำลังดำเนินการ,40,\"11.1, 1\",31/1/2568\n"
                    "ขอนแก่น,2568,ถนน,drr,900000,1/10/2567,30/9/2568,ยังไม่เริ่ม,0,9,31/1/2568\n"
                    "ขอนแก่น,2568,ผิด,drr,900000,1/10/2567,30/9/2568,ยังไม่เริ่ม,140,9,31/1/2568\n"
                    "ขอนแก่น,2568,ไม่มีวันรายงาน,drr,900000,1/10/2567,30/9/2568,ยังไม่เริ่ม,0,9,\n")
    p1 = preview_import(db, STEWARD, first.encode(), "plan.csv", "plan_projects")
    # Progress without its report date cannot be judged late or stalled: refused.
    assert _reasons(p1) == ["missing", "range"]
    r1 = commit_import(db, STEWARD, p1)
    ids = dict(db.rows("SELECT name_th, project_id FROM plan_projects"))
    assert db.rows("SELECT goal, target FROM plan_project_goals WHERE project_id = ? "
                   "ORDER BY goal", [ids["ซ่อมบ้าน"]]) == [(1, ""), (11, "11.1")]
    update = head + ("ขอนแก่น,2568,ซ่อมบ้าน,nha,1500000,1/10/2567,30/9/2568,แล้วเสร็จ,100,11,"
                     "28/2/2568\n")
    p2 = preview_import(db, STEWARD, update.encode(), "plan2.csv", "plan_projects", "replace")
    assert len(p2.replaced) == 1
    r2 = commit_import(db, STEWARD, p2)
    assert db.rows("SELECT project_id, status, progress_pct FROM plan_projects "
                   "WHERE name_th = 'ซ่อมบ้าน'") == [(ids["ซ่อมบ้าน"], "completed", 100.0)]
    with pytest.raises(ImportFailure):
        undo_batch(db, STEWARD, r1.batch_id)  # batch 2 replaced one of its rows
    undo_batch(db, STEWARD, r2.batch_id)
    assert db.rows("SELECT status, progress_pct FROM plan_projects WHERE name_th = 'ซ่อมบ้าน'"
                   ) == [("in_progress", 40.0)]
    assert db.scalar("SELECT COUNT(*) FROM plan_project_goals") == 3


def test_debt_cases(db):
    text = ("วันที่ลงทะเบียน,จังหวัด,อำเภอ,มูลหนี้ (บาท),ประเภทเจ้าหนี้,ขั้นตอน,วันที่ไกล่เกลี่ย\n"
            "5 ม.ค. 2567,ขอนแก่น,เมืองขอนแก่น,\"๕๐,๐๐๐\",แอปเงินกู้ออนไลน์,ไกล่เกลี่ย,20/1/2567\n"
            "2024-02-01,ขอนแก่น,,-100,moneylender,registered,\n"
            "2024-02-01,ขอนแก่น,,100,moneylender,registered,1/1/2567\n")
    p = preview_import(db, STEWARD, text.encode(), "debt.csv", "debt_cases")
    assert _reasons(p) == ["invalid", "range"]
    commit_import(db, STEWARD, p)
    assert db.rows("SELECT area_code, CAST(registered_on AS VARCHAR), debt_amount, "
                   "creditor_type, stage FROM debt_cases") == [
        ("4001", "2024-01-05", 50000.0, "online_app", "mediation")]


@pytest.mark.parametrize("policy", ["reject", "replace", "keep"])
def test_two_cases_alike_but_for_their_case_number_both_import(db, policy):
    """Same centre, same day, same creditor and amount: the case numbers keep them apart."""
    text = ("เลขที่เรื่อง,วันที่ลงทะเบียน,จังหวัด,มูลหนี้ (บาท),ประเภทเจ้าหนี้,ขั้นตอน\n"
            "40-2567-000001,2024-02-01,ขอนแก่น,20000,moneylender,registered\n"
            "40-2567-000002,2024-02-01,ขอนแก่น,20000,moneylender,registered\n")
    p = preview_import(db, STEWARD, text.encode(), "two.csv", "debt_cases", policy)
    assert len(p.accepted) == 2 and p.rejected.empty
    commit_import(db, STEWARD, p)
    assert sorted(r[0] for r in db.rows("SELECT case_no FROM debt_cases")) == [
        "40-2567-000001", "40-2567-000002"]


def test_cli_dry_run_and_import(tmp_path, monkeypatch, capsys):
    import json

    from data.__main__ import main

    path = tmp_path / "cli.duckdb"
    s = open_store(f"duckdb:///{path}")
    for table, frame in _reference().items():
        s.insert_df(table, frame)
    s.close()
    monkeypatch.setenv("WARROOM_DB", str(path))
    f = tmp_path / "poverty.csv"
    f.write_bytes(WIDE_TIS620.encode("cp874"))
    assert main(["import", str(f), "--kind", "indicators", "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] == 11 and "batch_id" not in out
    assert main(["import", str(f), "--kind", "indicators", "--policy", "replace"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["batch_id"] == 1
    assert main(["import", "1", "--undo"]) == 0
    assert main(["import", str(tmp_path / "missing.csv"), "--kind", "indicators"]) == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    assert main(["import", str(bad), "--kind", "indicators"]) == 2
    assert "could not be read" in capsys.readouterr().err


def test_catalogue_shows_lineage(db):
    from data.importer.lineage import load_catalogue

    commit_import(db, STEWARD, preview_import(db, STEWARD, WIDE_TIS620.encode("cp874"),
                                              "poverty.csv", "indicators", "replace"))
    cat = load_catalogue(db, AccessScope.everything()).set_index("dataset")
    row = cat.loc["sdg_values"]
    assert (row["rows"], row["initial_rows"], row["imported_rows"], row["batches"]) == (
        11, 0, 11, 1)
    assert row["first_year"] == 2018 and row["last_year"] == 2020
    assert "poverty.csv" in row["source"] and row["last_import"] is not None
    assert cat.loc["partners", "initial_rows"] == 2
    only_loei = AccessScope(user="l", roles=frozenset({"analyst"}), provinces=frozenset({"42"}))
    assert load_catalogue(db, only_loei).set_index("dataset").loc["sdg_values", "rows"] == 0


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_import_back(db, lang, fmt):
    from data.importer import KINDS
    from data.importer.templates import template_csv, template_xlsx

    for kind in KINDS:
        data = (template_csv if fmt == "csv" else template_xlsx)(kind, lang)
        if fmt == "csv":
            assert data.startswith(b"\xef\xbb\xbf")
        p = preview_import(db, STEWARD, data, f"template.{fmt}", kind)
        assert p.rows_read == 1, kind
        assert not p.notes["ignored_columns"], (kind, p.notes["ignored_columns"])


def test_data_date_of_an_export_follows_its_own_dataset(db):
    """An export's "data as of" is the latest import of its kinds, else the initial load."""
    from data.importer.commit import load_data_as_of

    built = load_data_as_of(db, STEWARD, ("households",))
    assert built is not None and dt.date.fromisoformat(built) <= dt.date.today()
    text = "indicator,province,year,value\ng1_income_poverty,Khon Kaen,2563,5\n"
    commit_import(db, STEWARD, preview_import(db, STEWARD, text.encode(), "d.csv", "indicators"))
    assert load_data_as_of(db, STEWARD, ("indicators",)) == dt.date.today().isoformat()
    assert load_data_as_of(db, STEWARD, ("households",)) == built


@pytest.mark.parametrize("text, value", [
    ("1,234.5", 1234.5), ("12,345,678", 12345678.0), ("๑,๒๓๔", 1234.0), ("(1,000)", -1000.0),
    ("฿ 5", 5.0), ("12 %", 12.0), ("-1,500", -1500.0), ("2,5", None), ("1,1.0", None),
    ("1,2345", None), (",5", None), ("12,34,567", None), ("-", None),
])
def test_thousands_separators_only_between_groups_of_three(text, value):
    from data.importer.parsing import parse_number

    values, bad = parse_number(pd.Series([text], dtype=object))
    if value is None:
        assert bad.iloc[0] or text == "-"
        assert pd.isna(values.iloc[0])
    else:
        assert not bad.iloc[0] and values.iloc[0] == value


def test_history_is_national_and_imports_are_logged_with_their_area(db):
    """Import history is withheld from province-limited users; the audit names the province."""
    from data.audit import load_audit_events

    text = "indicator,province,year,value\ng1_income_poverty,Khon Kaen,2563,5\n"
    r = commit_import(db, STEWARD, preview_import(db, STEWARD, text.encode(), "kk.csv",
                                                  "indicators"))
    assert load_batches(db, STEWARD).batch_id.tolist() == [r.batch_id]
    loei = AccessScope(user="o", roles=frozenset({"provincial"}), provinces=frozenset({"42"}))
    assert load_batches(db, loei).empty
    admin = AccessScope(user="a", roles=frozenset({"admin"}), provinces=None)
    event = load_audit_events(db, admin, action="import").iloc[0]
    assert event.area_code == "40" and "provinces=40" in event.detail


def test_utf8_bom_file_with_bad_bytes_is_refused_not_patched(db):
    """Bad bytes inside a UTF-8 file are an encoding error, never silently replaced."""
    good = "\ufeffindicator,province,year,value\ng1_income_poverty,ขอนแก่น,2563,5\n".encode()
    bad = good.replace("ขอนแก่น".encode(), b"\xe0\xb8" + b"\xff" + "นแก่น".encode())
    with pytest.raises(ImportFailure):
        preview_import(db, STEWARD, bad, "bad.csv", "indicators")
    cut = good + "g1_income_poverty,ขอนแก่น,2564,".encode() + "๖".encode()[:2]
    p = preview_import(db, STEWARD, cut, "cut.csv", "indicators")
    assert len(p.accepted) == 1 and len(p.rejected) == 1
