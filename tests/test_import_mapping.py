"""Column mapping, suggestions, recipes, new measures, consistency checks and the reading fixes,
on files that look like real agency exports (tests/import_fixtures.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from data.importer import ImportFailure, commit_import, preview_import, undo_batch
from data.importer.areas import AreaMatcher
from data.importer.mapping import Mapping, Source, filename_value
from data.importer.measures import NewMeasure, create_measure
from data.importer.plan import override, plan_import
from data.importer.reading import read_table
from data.importer.recipes import (
    find_recipe,
    header_set,
    import_recipe,
    load_recipe,
    recipe_from_json,
    save_recipe,
)
from tests import import_fixtures as fx
from tests.test_import import STEWARD, _reference


@pytest.fixture()
def db(any_empty_store):
    """The reference store of test_import (registry, catalogue, two values) on each backend."""
    for table, frame in _reference().items():
        any_empty_store.insert_df(table, frame)
    any_empty_store.insert_df("sdg_values", pd.DataFrame({
        "indicator_code": ["g1_income_poverty"] * 2, "area_code": ["40", "30"],
        "year": [2018, 2018], "disaggregation": "total", "value": [9.0, 7.0]}))
    return any_empty_store


POP = NewMeasure("pop_registered", "ประชากรตามทะเบียนราษฎร", "Registered population", "คน",
                 "higher", "กรมการปกครอง", levels="province,district")


# -- reading fixes ------------------------------------------------------------------------------
def test_line_breaks_in_header_cells_lose_no_row_and_keep_row_numbers():
    raw = read_table(fx.company_register_cp874(), "register.csv")
    assert raw.encoding == "cp874" and raw.header_row == 4
    frame = raw.frame
    assert frame.columns.tolist()[:6] == ["ลำดับ", "เลขทะเบียน", "ชื่อนิติบุคคล",
                                          "ทุนจดทะเบียน (บาท)", "จังหวัด", "ปี พ.ศ."]
    # The first data row is kept; rows are numbered as a spreadsheet shows them (a cell with a
    # line break is one row).
    assert frame["ลำดับ"].tolist() == ["1", "2", "3", "4"]
    assert frame["__row"].tolist() == [5, 6, 7, 8]
    assert frame["ชื่อนิติบุคคล"].iloc[2] == "บริษัท สาม\r\nจำกัด"


def test_a_header_without_rows_says_so():
    with pytest.raises(ImportFailure) as err:
        read_table("ชื่อ,\"ทุน\n(บาท)\",จังหวัด\n".encode(), "empty_body.csv")
    assert err.value.code == "no_rows"
    assert "no data rows" in err.value.message("en")


def test_hidden_characters_are_removed_and_listed_by_row():
    raw = read_table(fx.hostile_header_csv(), "h.csv")
    assert raw.frame["จังหวัด"].tolist() == ["ขอนแก่น", "เลย", "นครราชสีมา"]
    assert raw.hidden == [{"row": 3, "column": "จังหวัด", "reason": "bidi"},
                          {"row": 4, "column": "จังหวัด", "reason": "zero_width"}]


# -- suggestions --------------------------------------------------------------------------------
def test_filename_patterns():
    assert filename_value("tpmap_{}_*.csv", "/in/tpmap_2566_health.csv") == "2566"
    assert filename_value("tpmap_*_{}", "tpmap_2566_health.csv") == "health"
    assert filename_value(r"_(\d{4})_", "tpmap_2566_health.csv") == "2566"
    assert filename_value("poor_{}.csv", "other.csv") is None


def test_suggestions_from_headers_and_values(db):
    plan = plan_import(db, fx.dopa_register_by_office(), "pop.csv", "indicators")
    reasons = {s.field: (s.source.value, s.reason) for s in plan.suggestions}
    # A 4-digit code column (with PP00 totals and municipal offices mixed in) is the area;
    # "รวม" (total) is the value; nothing says which indicator or year.
    assert reasons["area"] == ("รหัสสำนักทะเบียน", "code_values")
    assert reasons["value"] == ("รวม", "synonym")
    assert "indicator" not in plan.mapping.fields and "year" not in plan.mapping.fields
    wide = plan_import(db, fx.nso_wide_income(), "income.csv", "indicators")
    assert wide.raw.header_rows == 2
    assert wide.mapping.fields["province"] == Source("column", "ภาค/จังหวัด")
    tp = plan_import(db, fx.tpmap_province_file(), "tpmap.csv", "poverty_published")
    fields = tp.mapping.fields
    assert fields["area"] == Source("column", "PROV_ID")
    assert fields["people_surveyed"] == Source("column", "จำนวนคนที่สำรวจ")
    assert fields["target_poor_people"] == Source("column", "คนจนเป้าหมาย")
    assert fields["poor_health"] == Source("column", "ด้านสุขภาพ")
    assert fields["poor_access"] == Source("column", "ด้านการเข้าถึงบริการรัฐ")


@pytest.mark.parametrize("header", ["จังหวัด", "province", "prov_name", "ภาค/จังหวัด"])
def test_district_or_subdistrict_names_are_never_suggested_as_the_province(db, header):
    """A column of district (or subdistrict) names is suggested as the district (subdistrict)
    field, never as the province, even under a header that says province; province names
    under the same header still are the province."""
    def plan(names: list[str], kind: str = "indicators"):
        rows = [f"{header},ปี,ค่า"] + [f"{n},2566,{i}" for i, n in enumerate(names)]
        return plan_import(db, "\n".join(rows).encode("utf-8"), "f.csv", kind)

    def names(level: str) -> list[str]:
        return db.query("SELECT name_th FROM areas WHERE level = ? AND province_code = '40' "
                        "ORDER BY code LIMIT 25", [level]).name_th.tolist()

    districts = plan(names("district"))
    assert districts.mapping.fields.get("district") == Source("column", header)
    assert "province" not in districts.mapping.fields
    subdistricts = plan(names("subdistrict"))
    assert "province" not in subdistricts.mapping.fields
    partners = plan(names("district"), "partners")
    assert "province" not in partners.mapping.fields
    provinces = plan(db.query("SELECT name_th FROM areas WHERE level = 'province' "
                              "ORDER BY code LIMIT 25").name_th.tolist())
    assert provinces.mapping.fields.get("province") == Source("column", header)


def test_numeric_codes_are_never_fuzzy_matched(db):
    matcher = AreaMatcher.from_store(db)
    assert matcher.match_one("4001", "district") == "4001"
    assert matcher.match_one("4099", "district") is None
    assert matcher.match_one("4000", "district") is None  # a province total, not a district
    assert matcher.unpad("4000") == "40" and matcher.unpad("400100") == "4001"
    assert matcher.match_one("01", "district", "40") == "4001"  # a local amphoe number
    assert matcher.match_one("๔๐", "province") == "40"
    assert not matcher.approximate
    # A misspelt name still finds its area, and is listed as approximate.
    assert matcher.match_one("นครราชศรีมา", "province") == "30"
    assert matcher.approximate == {"นครราชศรีมา": "30"}


# -- mapping applied: a registration-office file, a new measure, checks --------------------------
def test_register_by_office_with_a_new_measure_and_consistency_checks(db):
    created = create_measure(db, STEWARD, POP)
    cat = db.query("SELECT goal, in_index, lower_bound, unit FROM sdg_indicators "
                   "WHERE indicator_code = 'pop_registered'").iloc[0]
    assert pd.isna(cat.goal) and not bool(cat.in_index) and pd.isna(cat.lower_bound)
    plan = plan_import(db, fx.dopa_register_by_office(), "pop_2561.csv", "indicators")
    mapping = override(plan.mapping, sets=["indicator=pop_registered"],
                       patterns=["year=pop_{}.csv"])
    p = preview_import(db, STEWARD, fx.dopa_register_by_office(), "pop_2561.csv",
                       "indicators", "reject", mapping, raw=plan.raw)
    assert p.years == [2018]
    assert sorted(p.accepted["area_code"]) == ["40", "4001", "4002", "4003"]
    assert p.accepted.set_index("area_code").loc["40", "value"] == 1_791_000
    # Municipal registration offices are counted and listed, not imported.
    assert p.rejected["reason"].tolist() == ["non_dopa"] * 3
    assert p.rejected["__row"].tolist() == [7, 8, 9]
    checks = p.notes["checks"]
    assert checks["non_dopa"] == {"rows": 3, "distinct": 3, "values": ["4097", "4098", "4099"]}
    gap = checks["hierarchy"][0]
    assert (gap["parent"], gap["children"], gap["expected"]) == ("40", 3, 26)
    assert gap["sum"] == 525_000 and gap["gap_pct"] == pytest.approx(-70.69, abs=0.01)
    assert gap["warn"]
    assert p.notes["ignored_columns"] == ["สำนักทะเบียน", "ชาย", "หญิง"]
    assert p.notes["constants"] == {"indicator": "pop_registered", "year": "2561"}
    # The measure is mappable and browsable, but never counts in a goal, even if a steward
    # ticked "counts in the index" on it.
    from data.sdg import goal_scores_by_area, sdg_index_by_area

    db.execute("UPDATE sdg_indicators SET in_index = TRUE WHERE indicator_code = ?",
               ["pop_registered"])
    before = goal_scores_by_area(db, STEWARD, "province", 2018)
    index_before = sdg_index_by_area(db, STEWARD, "province", 2018)
    assert before.indicators.sum() == 2 and before.expected.sum() == 2 * 37
    batch = commit_import(db, STEWARD, p)
    after = goal_scores_by_area(db, STEWARD, "province", 2018)
    pd.testing.assert_frame_equal(before, after, check_dtype=False)
    pd.testing.assert_frame_equal(index_before, sdg_index_by_area(db, STEWARD, "province", 2018),
                                  check_dtype=False)
    assert set(after.goal) == set(range(1, 18))
    from data.measures import load_measures, measure_by_area

    assert load_measures(db, STEWARD).indicator_code.tolist() == ["pop_registered"]
    assert measure_by_area(db, STEWARD, "pop_registered", "district", 2018, "40").set_index(
        "code").value.to_dict() == {"4001": 411000.0, "4002": 61500.0, "4003": 52500.0}
    # Undo of the measure is refused while a later batch holds its values; cascade is asked.
    with pytest.raises(ImportFailure) as err:
        undo_batch(db, STEWARD, created.batch_id)
    assert err.value.code == "undo_blocked"
    assert err.value.params["batches"] == [batch.batch_id]
    assert str(batch.batch_id) in err.value.message("en")
    removed = undo_batch(db, STEWARD, created.batch_id, cascade=True)
    assert removed == 5  # four values and the catalogue row
    assert db.scalar("SELECT COUNT(*) FROM sdg_indicators WHERE indicator_code = "
                     "'pop_registered'") == 0
    assert db.scalar("SELECT COUNT(*) FROM sdg_values WHERE indicator_code = "
                     "'pop_registered'") == 0
    statuses = dict(db.rows("SELECT batch_id, status FROM import_batches"))
    assert statuses == {created.batch_id: "undone", batch.batch_id: "undone"}


def test_non_dopa_units_are_listed_by_code_and_name(db):
    """With the office-name column mapped too, a municipal office is listed by its code and
    then its name (not by the name alone); without it, by its code."""
    create_measure(db, STEWARD, POP)
    data = fx.dopa_register_by_office()
    plan = plan_import(db, data, "pop_2561.csv", "indicators")
    base = override(plan.mapping, sets=["indicator=pop_registered"],
                    patterns=["year=pop_{}.csv"])
    named = override(base, maps=["สำนักทะเบียน=district"])
    p = preview_import(db, STEWARD, data, "pop_2561.csv", "indicators", "reject", named,
                       raw=plan.raw)
    assert p.notes["checks"]["non_dopa"]["values"] == [
        "4097 ท้องถิ่นเทศบาลเมืองบ้านไผ่", "4098 ท้องถิ่นเทศบาลเมืองชุมแพ",
        "4099 ท้องถิ่นเทศบาลนครขอนแก่น"]
    report = p.rejected_report("en")
    assert report["reason"].str.contains("4098 ท้องถิ่นเทศบาลเมืองชุมแพ", regex=False).any()
    # The code still decides the area: the DOPA rows are accepted as before.
    assert sorted(p.accepted["area_code"]) == ["40", "4001", "4002", "4003"]
    plain = preview_import(db, STEWARD, data, "pop_2561.csv", "indicators", "reject", base,
                           raw=plan.raw)
    assert plain.notes["checks"]["non_dopa"]["values"] == ["4097", "4098", "4099"]


def test_nso_wide_table_with_national_row_checked(db):
    create_measure(db, STEWARD, NewMeasure("hh_income_month", "รายได้เฉลี่ยต่อเดือนต่อครัวเรือน",
                                           "Average monthly household income", "บาท", "higher",
                                           "สำนักงานสถิติแห่งชาติ"))
    plan = plan_import(db, fx.nso_wide_income(), "income.csv", "indicators")
    mapping = override(plan.mapping, sets=["indicator=hh_income_month"])
    p = preview_import(db, STEWARD, fx.nso_wide_income(), "income.csv", "indicators",
                       "reject", mapping, raw=plan.raw)
    values = p.accepted.set_index(["area_code", "year"])["value"]
    assert values[("40", 2019)] == 22_100 and values[("30", 2023)] == 23_150
    assert ("30", 2021) not in values.index  # "-" in a wide table: no row
    assert p.notes["wide_years"] == [2019, 2021, 2023]
    assert sorted(set(p.rejected["reason"])) == ["aggregate"]
    national = {g["key"]: g for g in p.notes["checks"]["national"]}
    # Three provinces against the kingdom's row: far apart, and said so.
    g = national["hh_income_month · 2023 · total"]
    assert g["reference"] == 29_030 and g["sum"] == 24_050 + 19_900 + 23_150 and g["warn"]


def test_indentation_gives_each_district_its_province(db):
    data = fx.indented_xlsx("เฉลิมพระเกียรติ", "นครราชสีมา", "บุรีรัมย์")
    create_measure(db, STEWARD, NewMeasure("target_poor_people", "คนจนเป้าหมาย",
                                           "Target poor people", "คน", "lower", "TPMap",
                                           levels="province,district"))
    plan = plan_import(db, data, "tp.xlsx", "indicators")
    assert plan.raw.sheet == "คนจนเป้าหมาย"
    mapping = override(plan.mapping, maps=["พื้นที่=area", "คนจนเป้าหมาย (คน)=value"],
                       sets=["indicator=target_poor_people", "year=2566"])
    p = preview_import(db, STEWARD, data, "tp.xlsx", "indicators", "reject", mapping,
                       raw=plan.raw)
    assert p.accepted.set_index("area_code")["value"].to_dict() == {
        "30": 5000, "3032": 1000, "31": 3000, "3123": 600}
    assert p.rejected["reason"].tolist() == ["aggregate"]
    assert {g["parent"]: g["children"] for g in p.notes["checks"]["hierarchy"]} == {
        "30": 1, "31": 1}


def test_unmapped_required_fields_are_named(db):
    with pytest.raises(ImportFailure) as err:
        preview_import(db, STEWARD, fx.dopa_register_by_office(), "pop.csv", "indicators")
    assert err.value.code == "unmapped"
    assert set(err.value.params["fields"]) == {"indicator", "year"}
    with pytest.raises(ImportFailure) as err:
        preview_import(db, STEWARD, fx.dopa_register_by_office(), "pop.csv", "indicators",
                       mapping=Mapping({"year": Source("filename", "pop_{}.csv")}))
    assert err.value.code == "bad_mapping"  # the file name does not fit the pattern


# -- published poverty figures ---------------------------------------------------------------------
def test_tpmap_province_file_becomes_published_figures(db):
    plan = plan_import(db, fx.tpmap_province_file(), "tpmap_2566.csv", "poverty_published")
    mapping = override(plan.mapping, sets=["year=2566", "source=TPMap"])
    p = preview_import(db, STEWARD, fx.tpmap_province_file(), "tpmap_2566.csv",
                       "poverty_published", "reject", mapping, raw=plan.raw)
    assert p.rejected.empty and len(p.accepted) == 3 * 7
    got = p.accepted.set_index(["area_code", "measure"])["value"]
    assert got[("40", "target_poor_people")] == 21_500
    assert got[("94", "poor_access")] == 200
    assert p.notes["columns"]["province"] == "PROV_NAME" and not p.notes["ignored_columns"]
    commit_import(db, STEWARD, p)
    assert db.scalar("SELECT COUNT(*) FROM poverty_published WHERE source = 'TPMap'") == 21


def test_one_file_per_dimension_shares_a_recipe(db, tmp_path, monkeypatch, capsys):
    """The dimension comes from each file's name; one command, one batch per file."""
    files = fx.tpmap_dimension_files()
    first = next(iter(files))
    plan = plan_import(db, files[first], first, "poverty_published")
    mapping = override(plan.mapping, maps=["จำนวนคน=value"], sets=["source=TPMap"],
                       patterns=["measure=tpmap_*_{}.csv", "year=tpmap_{}_*"])
    recipe = save_recipe(db, STEWARD, "TPMap per dimension", "poverty_published", mapping,
                         plan.raw.headers)
    folder = tmp_path / "tpmap"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    from data.importer.cli import _folder

    class Args:  # what argparse gives ``python -m data import FOLDER --recipe ...``
        kind = None
        recipe = "TPMap per dimension"
        map = set = from_name = None
        save_recipe = None
        no_recipe = False
        policy = None
        dry_run = False
        rejected = None

    assert _folder(db, STEWARD, folder, Args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 3 and report["failed"] == 0 and len(report["batches"]) == 3
    stored = db.query("SELECT area_code, measure, value FROM poverty_published "
                      "ORDER BY measure, area_code")
    assert stored.values.tolist() == [
        ["40", "poor_education", 8200.0], ["42", "poor_education", 3600.0],
        ["40", "poor_health", 4100.0], ["42", "poor_health", 1900.0],
        ["40", "poor_income", 7900.0], ["42", "poor_income", 3500.0]]
    assert {r["recipe"] for r in report["reports"]} == {f"TPMap per dimension v{recipe.version}"}
    assert db.scalar("SELECT COUNT(DISTINCT recipe) FROM import_batches") == 1


# -- recipes -----------------------------------------------------------------------------------
def test_recipes_are_versioned_found_by_headers_and_travel_as_json(db):
    plan = plan_import(db, fx.nso_wide_income(), "income_2566.csv", "indicators")
    mapping = override(plan.mapping, sets=["indicator=g1_income_poverty"])
    first = save_recipe(db, STEWARD, "NSO income", "indicators", mapping, plan.raw.headers)
    second = save_recipe(db, STEWARD, "NSO income", "indicators", mapping, plan.raw.headers,
                         "replace")
    assert (first.version, second.version) == (1, 2)
    assert load_recipe(db, "NSO income").version == 2
    assert load_recipe(db, "NSO income", 1).policy is None
    # Next year's table has other year columns: the same header set.
    later = [h.replace("2562", "2563") for h in plan.raw.headers]
    assert header_set(later) == header_set(plan.raw.headers)
    assert find_recipe(db, later, "indicators").version == 2
    assert find_recipe(db, later, "households") is None
    again = plan_import(db, fx.nso_wide_income(), "income_2567.csv", None)
    assert again.recipe_found and again.kind == "indicators"
    assert again.mapping.fields["indicator"] == Source("constant", "g1_income_poverty")
    exported = load_recipe(db, "NSO income").to_json()
    doc = json.loads(exported)
    assert doc["format"] == "warroom-import-recipe" and doc["mapping"] == mapping.to_dict()
    back = import_recipe(db, STEWARD, exported)
    assert back.version == 3 and back.mapping == mapping
    with pytest.raises(ImportFailure) as err:
        recipe_from_json(b'{"name": "x"}')
    assert err.value.code == "bad_recipe"
    with pytest.raises(ImportFailure):
        save_recipe(db, STEWARD, "bad\x00name", "indicators", mapping, [])
    reader = type(STEWARD)(user="r", roles=frozenset({"analyst"}), provinces=None)
    with pytest.raises(ImportFailure) as err:
        save_recipe(db, reader, "x", "indicators", mapping, [])
    assert err.value.code == "not_allowed"


def test_cli_maps_sets_saves_a_recipe_and_reuses_it(tmp_path, monkeypatch, capsys):
    from data.__main__ import main
    from data.store import open_store

    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("WARROOM_DB", str(path))
    store = open_store()
    for table, frame in _reference().items():
        store.insert_df(table, frame)
    create_measure(store, STEWARD, POP)
    store.close()
    first = tmp_path / "pop_2566.csv"
    first.write_bytes(fx.dopa_register_by_office())
    assert main(["import", str(first), "--kind", "indicators", "--set",
                 "indicator=pop_registered", "--from-name", "year=pop_{}.csv",
                 "--dry-run"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mapping"] == {"area": "รหัสสำนักทะเบียน", "value": "รวม",
                                 "indicator": "= pop_registered",
                                 "year": "file name ~ pop_{}.csv"}
    assert report["ignored_columns"] == ["สำนักทะเบียน", "ชาย", "หญิง"]
    assert report["rejected_by_reason"]["non_dopa"] == 3
    assert report["checks"]["non_dopa"]["values"] == ["4097", "4098", "4099"]
    assert report["accepted"] == 4 and "batch_id" not in report
    assert main(["import", str(first), "--kind", "indicators", "--set",
                 "indicator=pop_registered", "--from-name", "year=pop_{}.csv",
                 "--map", "รวม=", "--map", "ชาย=value", "--save-recipe", "register",
                 "--dry-run"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["recipe_saved"] == "register v1" and report["mapping"]["value"] == "ชาย"
    second = tmp_path / "pop_2567.csv"
    second.write_bytes(fx.dopa_register_by_office().replace(b"2566", b"2567"))
    assert main(["import", str(second)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["recipe"] == "register v1" and report["recipe_found_by_headers"]
    assert report["years"] == [2024] and report["kind"] == "indicators"
    assert report["batch_id"] == 2 and report["accepted"] == 4
    check = open_store()
    assert check.scalar("SELECT recipe FROM import_batches WHERE batch_id = 2") == "register v1"
    assert check.scalar("SELECT value FROM sdg_values WHERE area_code = '4001'") == 200_100
    check.close()
    out = tmp_path / "register.json"
    assert main(["recipes", "export", "register", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["name"] == "register"
    assert main(["recipes", "import", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 2
    assert main(["recipes", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["version"]) for r in listed] == [("register", 2)]
    assert main(["import", str(second), "--recipe", "nothing"]) == 2
    assert "No import recipe named nothing" in capsys.readouterr().err


def test_summary_counts_every_dataset_kind(db):
    from data.queries import summary

    rows = summary(db)["rows"]
    for table in ("plan_projects", "plan_project_goals", "debt_cases", "poverty_published",
                  "import_recipes", "partners", "households", "sdg_indicators"):
        assert table in rows, table


def test_cli_adds_a_measure_with_the_data_pages_checks(tmp_path, monkeypatch, capsys):
    """``python -m data measure add``: a measure that is no SDG indicator, then an import that
    uses it; an existing code and an SDG indicator without bounds are refused, nothing added."""
    from data.__main__ import main
    from data.store import open_store

    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("WARROOM_DB", str(path))
    store = open_store()
    for table, frame in _reference().items():
        store.insert_df(table, frame)
    store.close()
    add = ["measure", "add", "pop_registered", "--name-th", "ประชากรตามทะเบียนราษฎร",
           "--name-en", "Registered population", "--unit", "คน", "--direction", "higher",
           "--source", "กรมการปกครอง", "--levels", "province,district"]
    assert main(add) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["indicator"] == "pop_registered" and out["sdg_goal"] is None
    store = open_store(create=False)
    row = store.query("SELECT goal, in_index, unit, levels FROM sdg_indicators "
                      "WHERE indicator_code = 'pop_registered'").iloc[0]
    assert pd.isna(row.goal) and not bool(row.in_index) and row.unit == "คน"
    assert row.levels == "province,district"
    assert store.scalar("SELECT kind FROM import_batches WHERE batch_id = ?",
                        [out["batch_id"]]) == "indicator_catalogue"
    store.close()
    assert main(add) == 2
    assert "pop_registered" in capsys.readouterr().err
    sdg = ["measure", "add", "g1_new", "--name-th", "ใหม่", "--name-en", "New", "--unit", "%",
           "--direction", "lower", "--source", "NSO", "--goal", "1"]
    assert main(sdg) == 2
    assert "bound" in capsys.readouterr().err.lower()
    assert main([*sdg, "--lower-bound", "0", "--upper-bound", "30"]) == 0
    capsys.readouterr()
    data = tmp_path / "pop_2561.csv"
    data.write_bytes(fx.dopa_register_by_office())
    assert main(["import", str(data), "--kind", "indicators", "--set",
                 "indicator=pop_registered", "--from-name", "year=pop_{}.csv"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accepted"] == 4 and report["batch_id"]
    store = open_store(create=False)
    assert store.scalar("SELECT COUNT(*) FROM sdg_indicators WHERE indicator_code IN "
                        "('pop_registered', 'g1_new')") == 2
    store.close()
