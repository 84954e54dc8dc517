"""Import of the real boundary files in ../shared/geo (skipped when the folder is absent)."""

from __future__ import annotations

import csv

import geopandas as gpd
import pytest

from geo import build_builtin
from geo.boundaries import installed_path
from geo.importer import BoundaryImportError, build_boundaries, import_boundaries, installed_meta
from tests.conftest import shared_geo

GEO = shared_geo()
pytestmark = pytest.mark.skipif(GEO is None, reason="../shared/geo is not present")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))


def _issues() -> list[dict[str, str]]:
    with (GEO / "tha_adm3_code_issues.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_raw_cod_ab_province_shapefile():
    report = import_boundaries(GEO / "raw" / "codab_adm1_tha_adm1_province_shp.zip", "province")
    assert report.mojibake_repaired and report.method == "code:ADM1_PCODE"
    assert report.matched == 77 and report.unmatched == [] and report.no_polygon == []
    meta = installed_meta("province")
    assert meta["licence"] == "CC BY 3.0 IGO" and "Royal Thai Survey" in meta["attribution"]
    gdf = gpd.read_file(installed_path("province"))
    assert len(gdf) == 77 and gdf.geometry.is_valid.all()
    # Every built-in province is replaced by the official file's; none is left over.
    assert report.merge["replaced_builtin"] == 77 and report.merge["kept"] == 0
    assert report.cod_ab and report.valid_on == "2022-01-22"
    assert meta["attribution"] == build_builtin.ATTRIBUTION
    assert meta["source"].endswith("valid on 2022-01-22")
    assert report.inside_builtin > 0.99  # the built-in layer is the same geometry


def test_raw_cod_ab_province_file_refused_as_districts():
    with pytest.raises(BoundaryImportError, match="2-digit province codes; use --level province"):
        import_boundaries(GEO / "raw" / "codab_adm1_tha_adm1_province_shp.zip", "district")
    assert not installed_path("district").exists()


def test_subdistrict_layer_as_districts_needs_force():
    with pytest.raises(BoundaryImportError, match="looks like subdistrict boundaries"):
        import_boundaries(GEO / "tha_adm3_subdistricts_full.geojson", "district")
    assert not installed_path("district").exists()


def test_raw_shapefile_names_alone_match_all_77(tmp_path):
    # The same file with its codes removed: Thai names cut at 16 characters still match.
    raw = gpd.read_file(GEO / "raw" / "codab_adm1_tha_adm1_province_shp.zip", encoding="utf-8")
    raw[["ADM1_TH", "geometry"]].to_file(tmp_path / "names.gpkg", driver="GPKG")
    out, report, _ = build_boundaries(tmp_path / "names.gpkg", "province")
    assert report.matched == 77 and report.unmatched == []


@pytest.mark.parametrize("name, level, expected", [
    ("tha_adm1_provinces_s01.geojson", "province", 77),
    ("tha_adm2_districts_s005.geojson", "district", 928),
])
def test_cleaned_provinces_and_districts(name, level, expected):
    report = import_boundaries(GEO / name, level)
    assert report.matched == expected and report.no_polygon == [] and report.unmatched == []


def test_cleaned_subdistricts_report_known_gaps():
    report = import_boundaries(GEO / "tha_adm3_subdistricts_full.geojson", "subdistrict")
    issues = _issues()
    no_polygon = sorted(r["code"] for r in issues if "no polygon" in r["issue"])
    abolished = sorted(r["code"] for r in issues if r["issue"].startswith("abolished"))
    assert report.no_polygon == no_polygon and len(no_polygon) == 13
    assert sorted(a["code"] for a in report.abolished) == abolished == ["104701", "105001"]
    assert report.matched == 7423 and report.unmatched == []
    gdf = gpd.read_file(installed_path("subdistrict"))
    assert len(gdf) == 7423 and "530407" in set(gdf["code"])
