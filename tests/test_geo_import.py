"""Boundary import on tiny files made here: formats, CRSs, encodings, names, repairs, reports."""

from __future__ import annotations

import hashlib
import json
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geo import __main__ as cli
from geo.boundaries import installed_path
from geo.importer import (
    BoundaryImportError,
    build_boundaries,
    import_boundaries,
    installed_meta,
    meta_path,
    status,
)
from tests.geo_import_util import (
    PROVINCE_BOXES,
    bowtie,
    provinces,
    write_shapefile,
    zip_shapefile,
)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    monkeypatch.setenv("WARROOM_DATA_DIR", str(path))
    return path


def _installed() -> gpd.GeoDataFrame:
    return gpd.read_file(installed_path("province"))


def _assert_boxes_back(gdf: gpd.GeoDataFrame) -> None:
    """The three province boxes, back in lon/lat (within a metre or so)."""
    assert sorted(gdf["code"]) == ["10", "50", "96"]
    assert list(gdf.columns) == ["code", "geometry"]
    for code, geom in zip(gdf["code"], gdf.geometry, strict=True):
        expected = PROVINCE_BOXES[code]
        assert geom.symmetric_difference(expected).area < 1e-6 * expected.area + 1e-9


def test_geojson_installs_with_meta_and_report(tmp_path):
    src = tmp_path / "prov.geojson"
    provinces().to_file(src)
    report = import_boundaries(src, "province", source="test", licence="CC0")
    installed = _installed()
    _assert_boxes_back(installed)
    assert installed.crs.to_epsg() == 4326
    assert report.method == "code:ADM1_PCODE" and report.matched == 3
    assert len(report.no_polygon) == 74 and "11" in report.no_polygon
    meta = installed_meta("province")
    assert meta["source"] == "test" and meta["licence"] == "CC0" and meta["file"] == "prov.geojson"
    assert meta["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert meta["report"]["matched"] == 3 and meta["imported_at"].startswith("20")
    # RFC 7946: exterior rings counter-clockwise
    assert all(g.exterior.is_ccw for g in installed.geometry)


@pytest.mark.parametrize("crs", ["EPSG:32647", "EPSG:24047", "EPSG:3857"])
def test_any_crs_is_reprojected_to_wgs84(tmp_path, crs):
    src = tmp_path / "prov.gpkg"
    provinces(crs).to_file(src, driver="GPKG")
    report = import_boundaries(src, "province")
    assert report.crs == crs
    _assert_boxes_back(_installed())


def test_zipped_shapefile_without_cpg_is_reread_as_utf8(tmp_path):
    shp = write_shapefile(provinces(32647), tmp_path / "shp", "tha_admbnda_adm1", cpg=False)
    # Without a .cpg GDAL reads the DBF as Latin-1: the Thai names come out as mojibake.
    assert "à¸" in gpd.read_file(shp)["ADM1_TH"].iloc[0]
    archive = zip_shapefile(shp, tmp_path / "adm1.zip")
    report = import_boundaries(archive, "province")
    assert report.mojibake_repaired and report.encoding == "utf-8"
    _assert_boxes_back(_installed())


def test_cp874_dbf_without_cpg_matches_by_thai_name(tmp_path):
    gdf = provinces()[["ADM1_TH", "geometry"]].rename(columns={"ADM1_TH": "PROV_NAMT"})
    shp = write_shapefile(gdf, tmp_path / "shp", "prov", encoding="cp874", cpg=False)
    out, report, _ = build_boundaries(shp, "province")
    assert report.encoding == "cp874"
    assert report.method == "name:PROV_NAMT" and sorted(out["code"]) == ["10", "50", "96"]


def test_mojibake_in_a_geojson_is_repaired(tmp_path):
    gdf = provinces()[["ADM1_TH", "geometry"]]
    gdf["ADM1_TH"] = [n.encode("utf-8").decode("latin-1") for n in gdf["ADM1_TH"]]
    src = tmp_path / "garbled.geojson"
    gdf.to_file(src)
    out, report, _ = build_boundaries(src, "province")
    assert report.mojibake_repaired and sorted(out["code"]) == ["10", "50", "96"]


def test_name_only_file_with_prefixes_and_spellings(tmp_path):
    gdf = provinces()[["geometry"]].copy()
    gdf["province"] = ["กทม.", "จ. เชียงใหม่", "จังหวัดนราธิวาส"]
    gdf["label_en"] = ["Krung Thep", "Changwat Chiang Mai", "Narathiwat Province"]
    src = tmp_path / "names.geojson"
    gdf.to_file(src)
    out, report, _ = build_boundaries(src, "province")
    assert report.method == "name:province"
    assert sorted(out["code"]) == ["10", "50", "96"] and report.unmatched == []


def test_districts_by_name_within_province_names(tmp_path):
    # Two districts named "เมือง..." and a name shared by several provinces (จอมทอง).
    gdf = gpd.GeoDataFrame(
        {"PROV_NAMT": ["จ.เชียงใหม่", "จ.เชียงใหม่", "กรุงเทพมหานคร"],
         "AMP_NAMT": ["อ.เมือง", "อำเภอจอมทอง", "เขตจอมทอง"]},
        geometry=[box(98.95, 18.75, 99.0, 18.8), box(98.6, 18.3, 98.7, 18.4),
                  box(100.45, 13.67, 100.48, 13.7)], crs=4326)
    src = tmp_path / "amphoe.geojson"
    gdf.to_file(src)
    out, report, _ = build_boundaries(src, "district")
    assert sorted(out["code"]) == ["1035", "5001", "5002"]
    assert report.matched_by == {"capital": 1, "exact": 2}


def test_invalid_geometry_repaired_and_parts_dissolved(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"code": ["50", "50", "96", "10", None]},
        geometry=[box(98.85, 18.7, 98.95, 18.9), box(98.95, 18.7, 99.05, 18.9),
                  bowtie(101.7, 6.3), PROVINCE_BOXES["10"], box(100, 14, 100.1, 14.1)],
        crs=4326)
    src = tmp_path / "parts.geojson"
    gdf.to_file(src)
    report = import_boundaries(src, "province")
    installed = _installed().set_index("code")
    assert report.repaired_geometries == 1 and report.multipart_codes == 1
    assert installed.geometry.is_valid.all() and len(installed) == 3
    assert installed.geometry["50"].area == pytest.approx(0.2 * 0.2, rel=1e-6)
    assert installed.geometry["96"].area == pytest.approx(0.005, rel=1e-6)  # both triangles
    assert [u["reason"] for u in report.unmatched] == ["empty"]


def test_abolished_and_recoded_subdistricts(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"ADM3_PCODE": ["TH100101", "TH530306", "TH104701", "TH999999"]},
        geometry=[box(100.489, 13.75, 100.494, 13.755), box(100.55, 17.9, 100.65, 18.0),
                  box(100.6, 13.66, 100.62, 13.68), box(100, 14, 100.1, 14.1)], crs=4326)
    src = tmp_path / "adm3.geojson"
    gdf.to_file(src)
    report = import_boundaries(src, "subdistrict")
    assert sorted(_installed_codes("subdistrict")) == ["100101", "530407"]
    assert report.recoded == [{"from": "530306", "to": "530407"}]
    assert [(a["code"], a["successors"]) for a in report.abolished] == [
        ("104701", ["104702", "104703"])]
    assert report.unmatched == [{"value": "TH999999", "reason": "not_found", "candidates": []}]
    assert "104702" in report.no_polygon and "530407" not in report.no_polygon
    text = report.text()
    assert "104701 บางนา -> successors 104702 104703" in text
    assert "530306 -> 530407" in text
    kept = import_boundaries(src, "subdistrict", keep_abolished=True)
    assert "104701" in _installed_codes("subdistrict") and kept.abolished[0]["kept"]
    status = dict(gpd.read_file(installed_path("subdistrict"))[["code", "status"]].values)
    assert status == {"100101": "current", "530407": "current", "104701": "abolished"}
    from geo.boundaries import load_installed

    assert sorted(load_installed("subdistrict")["code"]) == ["100101", "530407"]


def _installed_codes(level: str) -> list[str]:
    return gpd.read_file(installed_path(level))["code"].tolist()


def test_shapefile_without_prj_needs_crs(tmp_path):
    shp = write_shapefile(provinces(32647), tmp_path / "shp", "noprj")
    shp.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryImportError, match="--crs"):
        build_boundaries(shp, "province")
    out, _report, _ = build_boundaries(shp, "province", crs="EPSG:32647")
    _assert_boxes_back(out)


def test_failed_import_keeps_previous_boundaries(tmp_path):
    good = tmp_path / "good.geojson"
    provinces().to_file(good)
    import_boundaries(good, "province")
    before = installed_path("province").read_bytes()
    meta_before = meta_path("province").read_bytes()
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    nothing = tmp_path / "nothing.geojson"
    gpd.GeoDataFrame({"code": ["77777"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(nothing)
    for path in (bad, nothing, tmp_path / "missing.shp"):
        with pytest.raises(BoundaryImportError):
            import_boundaries(path, "province")
    assert installed_path("province").read_bytes() == before
    assert meta_path("province").read_bytes() == meta_before
    folder = installed_path("province").parent
    assert sorted(p.name for p in folder.iterdir() if p.name != "backups") == [
        "province.geojson", "province.meta.json"]
    # Only the successful import took a backup (of the built-in state before it).
    backups = list((folder / "backups" / "province").iterdir())
    assert len(backups) == 1 and not backups[0].name.startswith(".")


def test_cli_import_status_and_errors(tmp_path, capsys):
    src = tmp_path / "prov.geojson"
    provinces().to_file(src)
    assert cli.main(["import", str(src), "--level", "province", "--licence", "CC0"]) == 0
    out = capsys.readouterr().out
    assert "matched 3 units by code:ADM1_PCODE" in out and "no polygon" in out
    assert cli.main(["status"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["installed"] == ["province"]
    prov = got["levels"]["province"]
    # Merged over the built-in provinces: 3 installed units, 77 drawn, both licences named.
    assert prov["installed_features"] == 3 and prov["features"] == 77
    assert prov["origin"] == "mixed" and prov["mode"] == "merge" and prov["backups"] == 1
    assert prov["licence"] == "CC0 · CC BY 3.0 IGO"
    assert prov["bytes"] == installed_path("province").stat().st_size
    # What a browser is sent for the whole country at the level (simplified GeoJSON).
    assert prov["payload_bytes"] > 0 and prov["payload_units"] == 77
    district = got["levels"]["district"]
    assert district["installed"] is False and district["origin"] == "builtin"
    assert district["features"] == 928 and 0 < district["payload_bytes"] <= 1_500_000
    assert got["levels"]["subdistrict"]["payload_bytes"] is None  # only sent per province
    assert status()["installed"] == ["province"]
    assert cli.main(["import", str(tmp_path / "nope.zip"), "--level", "district"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: file not found") and "Traceback" not in err


def test_unknown_columns_are_explained(tmp_path):
    gdf = gpd.GeoDataFrame({"foo": ["a", "b", "c"]}, geometry=list(PROVINCE_BOXES.values()),
                           crs=4326)
    src = tmp_path / "foo.geojson"
    gdf.to_file(src)
    with pytest.raises(BoundaryImportError, match="ADM1_PCODE"):
        build_boundaries(src, "province")


def test_zip_with_every_level_and_line_layers_picks_the_level(tmp_path):
    folder = tmp_path / "all"
    for name in ("tha_admbnda_adm0_rtsd_20220121", "tha_admbnda_adm1_rtsd_20220121",
                 "tha_admbndl_adm1_rtsd_20220121", "tha_admbndp_admALL_rtsd_20220121"):
        gdf = provinces()
        if "adm0" in name:
            gdf = gdf.iloc[:1].assign(ADM1_PCODE="TH")
        write_shapefile(gdf, folder, name)
    archive = tmp_path / "tha_adm_rtsd_20220121_SHP.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, arcname=f"shp/{part.name}")
    report = import_boundaries(archive, "province")
    assert report.matched == 3
    with pytest.raises(BoundaryImportError, match="several files"):
        import_boundaries(archive, "district")


def test_geopackage_layer_per_level(tmp_path):
    src = tmp_path / "tha.gpkg"
    provinces().to_file(src, layer="tha_admbnda_adm1", driver="GPKG")
    gpd.GeoDataFrame({"ADM2_PCODE": ["TH5001"]}, geometry=[box(98.95, 18.75, 99.0, 18.8)],
                     crs=4326).to_file(src, layer="tha_admbnda_adm2", driver="GPKG")
    assert import_boundaries(src, "district").layer == "tha_admbnda_adm2"
    assert import_boundaries(src, "province", layer="tha_admbnda_adm1").matched == 3
    with pytest.raises(BoundaryImportError, match="no layer"):
        import_boundaries(src, "province", layer="nope")


def test_zipped_file_geodatabase(tmp_path):
    gdb = tmp_path / "tha_adm.gdb"
    provinces().to_file(gdb, layer="tha_admbnda_adm1", driver="OpenFileGDB")
    provinces().iloc[:1].to_file(gdb, layer="tha_admbndl_adm1", driver="OpenFileGDB")
    archive = tmp_path / "tha_adm_gdb.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in gdb.iterdir():
            zf.write(part, arcname=f"tha_adm.gdb/{part.name}")
    assert import_boundaries(archive, "province").layer == "tha_admbnda_adm1"
    assert import_boundaries(gdb, "province").matched == 3


def test_names_placed_in_installed_parent_boundaries(tmp_path):
    prov = tmp_path / "prov.geojson"
    provinces().to_file(prov)
    import_boundaries(prov, "province")
    # จอมทอง is a district of Chiang Mai and a khet of Bangkok: the polygon tells which.
    gdf = gpd.GeoDataFrame({"AMP_NAMT": ["จอมทอง", "จอมทอง", "เมือง"]},
                           geometry=[box(98.9, 18.75, 98.95, 18.8),
                                     box(100.5, 13.7, 100.55, 13.75),
                                     box(101.75, 6.35, 101.8, 6.4)], crs=4326)
    src = tmp_path / "amphoe.geojson"
    gdf.to_file(src)
    out, report, _ = build_boundaries(src, "district")
    assert sorted(out["code"]) == ["1035", "5002", "9601"]
    assert report.method.startswith("name (within installed province boundaries)")


def test_lineage_recorded_in_an_existing_store(tmp_path, monkeypatch):
    from data.store import open_store

    src = tmp_path / "prov.geojson"
    provinces().to_file(src)
    db = tmp_path / "data" / "warroom.duckdb"
    import_boundaries(src, "province")
    assert not db.exists()  # no store: the import does not create one
    open_store(f"duckdb:///{db}").close()
    monkeypatch.setenv("WARROOM_DB", str(db))
    report = import_boundaries(src, "province", licence="CC0")
    assert report.warnings == []
    store = open_store(f"duckdb:///{db}", read_only=True)
    try:
        rows = store.rows("SELECT level, file_name, licence, units_matched, no_polygon, "
                          "features_read FROM boundary_imports")
    finally:
        store.close()
    assert rows == [("province", "prov.geojson", "CC0", 3, 74, 3)]


def test_running_numbers_are_not_taken_for_codes(tmp_path):
    gdf = provinces()[["ADM1_EN", "geometry"]].assign(OBJECTID=[50, 96, 10], id=[50, 96, 10])
    src = tmp_path / "ids.gpkg"
    gdf.to_file(src, driver="GPKG")
    out, report, _ = build_boundaries(src, "province")
    assert report.method == "name:ADM1_EN"
    centre_x = [round(g.centroid.x, 2) for g in out.geometry]
    assert dict(zip(out["code"], centre_x, strict=True)) == {
        "10": 100.55, "50": 98.95, "96": 101.8}


def test_polygons_outside_thailand_are_refused(tmp_path):
    # What a wrong CRS looks like after reprojection: the units land somewhere else entirely.
    moved = provinces()
    moved = moved.set_geometry(moved.geometry.translate(-90, 30))
    src = tmp_path / "elsewhere.geojson"
    moved.to_file(src)
    with pytest.raises(BoundaryImportError, match="outside Thailand"):
        build_boundaries(src, "province")


def test_rounding_keeps_geometries_valid(tmp_path):
    # A sliver 1e-8 degrees wide collapses when coordinates are rounded to 6 decimals.
    sliver = Polygon([(98.9, 18.8), (99.0, 18.8), (99.0, 18.80000001), (98.9, 18.8)])
    bent = Polygon([(100.5, 13.7), (100.6, 13.7), (100.6, 13.8), (100.55, 13.7000001),
                    (100.5, 13.8), (100.5, 13.7)])
    gdf = gpd.GeoDataFrame({"code": ["50", "10"]}, geometry=[sliver, bent], crs=4326)
    src = tmp_path / "sliver.geojson"
    gdf.to_file(src)
    import_boundaries(src, "province")
    installed = _installed()
    assert installed.geometry.is_valid.all() and sorted(installed["code"]) == ["10", "50"]
