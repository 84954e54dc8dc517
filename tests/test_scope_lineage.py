"""Lineage is scoped like the data it describes: no file names or times of other provinces."""

from __future__ import annotations

import pytest

from data.importer import commit_import, preview_import
from data.importer.lineage import load_catalogue
from data.scope import AccessScope

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward"}), provinces=None)
KHON_KAEN = AccessScope(user="kk", roles=frozenset({"provincial"}), provinces=frozenset({"40"}),
                        household_provinces=frozenset({"40"}))


@pytest.fixture()
def db(any_empty_store):
    from data.demo.sdg import catalogue_frame
    from data.reference import write_reference
    from domain.areas import registry_frame

    write_reference(any_empty_store, registry_frame())
    any_empty_store.insert_df("sdg_indicators", catalogue_frame())
    return any_empty_store


def _import(db, name: str, rows: str) -> None:
    text = "รหัสตัวชี้วัด,รหัสพื้นที่,ปี,ค่า (ร้อยละ)\n" + rows
    preview = preview_import(db, STEWARD, text.encode("utf-8"), name, "indicators")
    assert len(preview.accepted) == rows.count("\n")
    commit_import(db, STEWARD, preview)


def test_a_provincial_catalogue_names_only_its_own_files(db):
    _import(db, "pattani-only.csv", "g1_income_poverty,94,2019,20\n")
    _import(db, "khonkaen-only.csv", "g1_income_poverty,40,2019,10\n")
    _import(db, "two-provinces.csv", "g1_income_poverty,40,2020,9\ng1_income_poverty,94,2020,19\n")
    national = load_catalogue(db, STEWARD).set_index("dataset").loc["sdg_values"]
    assert national["batches"] == 3 and national["shared_batches"] == 0
    # (The indicator catalogue's own sources come first: they are public.)
    assert national["source"].endswith("two-provinces.csv, khonkaen-only.csv, pattani-only.csv")
    mine = load_catalogue(db, KHON_KAEN).set_index("dataset").loc["sdg_values"]
    assert (mine["rows"], mine["batches"], mine["shared_batches"]) == (2, 2, 1)
    assert mine["source"].endswith("; khonkaen-only.csv")
    assert "pattani" not in mine["source"] and "two-provinces" not in mine["source"]
    own_time = db.scalar("SELECT imported_at FROM import_batches WHERE file_name = ?",
                         ["khonkaen-only.csv"])
    assert mine["last_import"] == own_time
    nothing = AccessScope(user="x", roles=frozenset({"provincial"}), provinces=frozenset({"50"}))
    row = load_catalogue(db, nothing).set_index("dataset").loc["sdg_values"]
    assert (row["batches"], row["last_import"]) == (0, None)
    assert ".csv" not in row["source"]
