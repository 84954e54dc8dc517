"""AppTest of the Data page: a steward previews, commits and undoes; others see the catalogue."""

from __future__ import annotations

import shutil

import pytest

from data.importer import KINDS
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward", "analyst"}), provinces=None)
EXECUTIVE = AccessScope(user="exec1", roles=frozenset({"executive"}), provinces=None)
CSV = ("ตัวชี้วัด,จังหวัด,พ.ศ. 2561,พ.ศ. 2562\n"
       "g1_income_poverty,ขอนแก่น,12.5,11\n"
       "g1_income_poverty,รวม,1,1\n").encode("cp874")


@pytest.fixture()
def writable_env(app_env, tmp_path, monkeypatch):
    """The demo store copied, so that commits here never change the shared test store."""
    path = tmp_path / "page.duckdb"
    shutil.copyfile(app_env, path)
    monkeypatch.setenv("WARROOM_DB", str(path))
    return path


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [m.value for m in at.info] + [m.value for m in at.success]
    return "\n".join(str(p) for p in parts)


def test_non_steward_sees_catalogue_only(writable_env):
    at = open_page("data", lang="en", session={"scope": EXECUTIVE})
    assert_clean(at)
    assert "Only data stewards may import or undo data." in _texts(at)
    assert not [b for b in at.button if b.key == "importx_check_btn"]
    labels = [str(b.proto.label) for b in at.get("download_button")]
    # Templates for every kind, in Thai and English, CSV and XLSX; no chart/table exports.
    assert sum(1 for lb in labels if lb.startswith(("CSV", "XLSX"))) == len(KINDS) * 4
    assert "CSV" not in labels


def test_steward_previews_commits_and_undoes(writable_env):
    from components.datasource import get_store
    from data.importer import preview_import
    from data.store import Store

    store = Store(f"duckdb:///{writable_env}")
    preview = preview_import(store, STEWARD, CSV, "poverty.csv", "indicators", "replace")
    store.close()
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_preview": preview})
    assert_clean(at)
    # Two file rows, one column per year: 4 records; the "รวม" row is a total.
    assert [m.value for m in at.metric][:4] == ["4", "2", "2", "2"]
    assert "Covers 1 areas, years 2018–2019" in _texts(at)
    commit = next(b for b in at.button if b.key == "importx_commit_btn")
    commit.click().run()
    assert_clean(at)
    assert any("Imported as batch 1" in str(s.value) for s in at.success)
    store = get_store()  # the app's own connection (DuckDB: one configuration per file)
    assert store.scalar("SELECT COUNT(*) FROM sdg_values WHERE batch_id = 1") == 2
    assert store.scalar("SELECT action FROM audit_log ORDER BY event_id DESC LIMIT 1") == "import"
    undo = next(b for b in at.button if b.key == "importx_undo_btn")
    undo.click().run()
    assert_clean(at)
    assert store.scalar("SELECT status FROM import_batches WHERE batch_id = 1") == "undone"


def test_data_page_in_thai(writable_env):
    at = open_page("data", lang="th", session={"scope": STEWARD})
    assert_clean(at)
    assert any("ตรวจสอบไฟล์" == b.label for b in at.button)


def test_preview_tables_show_empty_cells_as_a_dash(writable_env):
    """Every table of the preview (mapping, rejected rows, accepted rows) shows an empty cell
    as "–", as the other pages do, never as "None"."""
    from data.importer import preview_import
    from data.store import Store

    csv = ("ชื่อภาคี,ชื่อภาษาอังกฤษ,ภาค,จังหวัดที่ตั้ง\n"
           "มูลนิธิทดสอบหนึ่ง,,civil_society,ขอนแก่น\n"
           "มูลนิธิทดสอบสอง,Test Two,no_such_sector,เลย\n").encode()
    store = Store(f"duckdb:///{writable_env}")
    preview = preview_import(store, STEWARD, csv, "partners.csv", "partners", "replace")
    store.close()
    assert preview.accepted["name_en"].isna().any()  # an empty cell to show
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_preview": preview})
    assert_clean(at)
    tables = list(at.dataframe)
    assert len(tables) >= 2
    assert all(table.proto.placeholder == "–" for table in tables)
