"""Boundary imports merge per unit, refuse files of the wrong level, keep backups; restore, reset."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo import __main__ as cli
from geo import boundaries, build_builtin, layers, payload
from geo.boundaries import installed_path, meta_path
from geo.importer import BoundaryImportError, import_boundaries, installed_meta
from tests.conftest import shared_geo
from tests.geo_import_util import cod_ab_districts, cod_ab_zip, provinces


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    monkeypatch.setenv("WARROOM_DATA_DIR", str(path))
    payload.clear_cache()
    return path


@pytest.fixture()
def bangkok(tmp_path):
    """The real-world case: a COD-AB file of Bangkok's 50 khet (no .cpg, TH P-codes)."""
    return cod_ab_zip(cod_ab_districts("10", shared_geo()), tmp_path, "Bangkok")


def _origins(level: str, province: str | None = None) -> dict[str, int]:
    gdf = boundaries.load_boundaries(level, province)
    return gdf["origin"].value_counts().to_dict()


def _files(data_dir) -> list[str]:
    folder = data_dir / "boundaries"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_partial_cod_ab_file_replaces_only_its_units(bangkok, data_dir):
    report = import_boundaries(bangkok, "district")
    assert report.cod_ab and report.mojibake_repaired and report.valid_on == "2022-01-22"
    assert report.merge == {"mode": "merge", "added": 0, "replaced": 50, "replaced_builtin": 50,
                            "replaced_installed": 0, "kept": 878, "kept_builtin": 878,
                            "kept_installed": 0, "removed": 0}
    assert report.missing_after == [] and report.inside_builtin > 0.99
    text = report.text()
    assert "merge: added 0, replaced 50 (50 built-in, 0 installed), kept 878" in text
    assert "recognised as OCHA COD-AB (valid on 2022-01-22)" in text
    assert _origins("district") == {"builtin": 878, "installed": 50}
    meta = installed_meta("district")
    assert meta["mode"] == "merge" and meta["licence"] == "CC BY 3.0 IGO"
    assert meta["attribution"] == build_builtin.ATTRIBUTION
    assert meta["report"]["merge"]["replaced"] == 50 and meta["sources"][0]["units"] == 50
    # The replaced state (nothing installed) is kept as a backup.
    (backup,) = layers.list_backups("district")
    assert backup["installed"] is False and backup["reason"] == "before importing Bangkok.zip"
    # The map of Bangkok is the imported one, the rest of the country is still drawn.
    pl = payload.get_payload("district", "10")
    assert len(pl.codes) == 50 and len(payload.get_payload("district").codes) == 928


def test_district_file_as_provinces_is_refused_unless_forced(bangkok, data_dir):
    with pytest.raises(BoundaryImportError) as err:
        import_boundaries(bangkok, "province")
    message = str(err.value)
    assert "looks like district boundaries, not provinces" in message
    assert "ADM2_PCODE holds 4-digit district codes (50 features)" in message
    assert "dissolved into 1 province polygon" in message and "--level district" in message
    assert _files(data_dir) == []  # nothing installed, no backup left behind
    report = import_boundaries(bangkok, "province", force=True)
    assert report.merge["replaced"] == 1 and report.merge["kept"] == 76
    assert any("dissolved into provinces (--force)" in w for w in report.warnings)


def test_codes_of_the_wrong_width(tmp_path, data_dir):
    gdf = cod_ab_districts("50")[["geometry"]].assign(code=cod_ab_districts("50")["ADM2_PCODE"]
                                                      .str[2:])
    src = tmp_path / "amphoe.geojson"
    gdf.to_file(src)
    with pytest.raises(BoundaryImportError, match="column code holds 4-digit district codes .25"):
        import_boundaries(src, "province")
    assert _files(data_dir) == []
    forced = import_boundaries(src, "province", force=True)  # dissolved into Chiang Mai
    assert sorted(boundaries.load_installed("province")["code"]) == ["50"]
    assert forced.inside_builtin > 0.99
    prov = tmp_path / "prov.geojson"
    provinces().to_file(prov)
    with pytest.raises(BoundaryImportError,
                       match="ADM1_PCODE holds 2-digit province codes; use --level province"):
        import_boundaries(prov, "district")
    assert not installed_path("district").exists()


def test_polygons_elsewhere_than_their_codes_are_refused(tmp_path, data_dir):
    # Bangkok's khet carrying Chiang Mai's codes (a shifted code column).
    gdf = cod_ab_districts("10").iloc[:25].copy()
    gdf["ADM2_PCODE"] = [f"TH50{i:02d}" for i in range(1, 26)]
    src = tmp_path / "shifted.geojson"
    gdf.to_file(src)
    with pytest.raises(BoundaryImportError, match=r"median unit has 0% of its area inside"):
        import_boundaries(src, "district")
    # One polygon of the whole country as "Bangkok": the wrong level entirely.
    country = gpd.GeoDataFrame({"ADM1_PCODE": ["TH10"]}, crs=4326, geometry=[
        shapely.union_all(boundaries.load_builtin("province").geometry.to_numpy())])
    outline = tmp_path / "outline.geojson"
    country.to_file(outline)
    with pytest.raises(BoundaryImportError, match="do not lie where the provinces"):
        import_boundaries(outline, "province")
    assert _files(data_dir) == []
    assert import_boundaries(src, "district", force=True).merge["replaced"] == 25


def test_replace_needs_the_whole_level_or_force(bangkok, data_dir):
    with pytest.raises(BoundaryImportError, match="has 50 of the 928 current districts"):
        import_boundaries(bangkok, "district", replace=True)
    assert _files(data_dir) == []
    report = import_boundaries(bangkok, "district", replace=True, force=True)
    assert report.merge["mode"] == "replace" and report.merge["removed"] == 878
    assert "removed 878 (no longer drawn)" in report.text()
    assert _origins("district") == {"installed": 50}
    assert boundaries.origin("district") == "installed"
    assert payload.get_payload("district", "50") is None  # the operator asked for this
    # Merging again brings the built-in units back under the installed ones.
    assert import_boundaries(bangkok, "district").merge["kept_builtin"] == 0
    assert installed_meta("district")["mode"] == "merge"
    assert _origins("district") == {"builtin": 878, "installed": 50}


def test_two_partial_imports_keep_each_source_and_licence(tmp_path, bangkok):
    import_boundaries(bangkok, "district")
    chiang_mai = tmp_path / "cm.geojson"
    cod_ab_districts("50")[["ADM2_PCODE", "geometry"]].to_file(chiang_mai)
    report = import_boundaries(chiang_mai, "district", source="Chiang Mai PAO survey",
                               licence="Government open data", attribution="© Chiang Mai PAO")
    assert report.merge["replaced_builtin"] == 25 and report.merge["kept_installed"] == 50
    assert len(boundaries.load_installed("district")) == 75
    sources = installed_meta("district")["sources"]
    assert [(s["file"], s["units"]) for s in sources] == [("cm.geojson", 25),
                                                         ("Bangkok.zip", 50)]
    assert boundaries.boundary_info("district", "50")["attribution"] == "© Chiang Mai PAO"
    assert boundaries.boundary_info("district", "10")["licence"] == "CC BY 3.0 IGO"
    khon_kaen = boundaries.boundary_info("district", "40")
    assert khon_kaen["builtin"] and khon_kaen["attribution"] == build_builtin.ATTRIBUTION
    national = boundaries.boundary_info("district")
    assert national["origin"] == "mixed"
    assert national["licence"] == "Government open data · CC BY 3.0 IGO"
    # Importing Bangkok again replaces installed units and keeps Chiang Mai's.
    again = import_boundaries(bangkok, "district")
    assert again.merge["replaced_installed"] == 50 and again.merge["kept_installed"] == 25


def test_restore_steps_back_and_can_itself_be_undone(tmp_path, bangkok, capsys):
    import_boundaries(bangkok, "district")
    first = installed_path("district").read_bytes()
    cm = tmp_path / "cm.geojson"
    cod_ab_districts("50")[["ADM2_PCODE", "geometry"]].to_file(cm)
    import_boundaries(cm, "district")
    second = installed_path("district").read_bytes()
    assert cli.main(["restore", "district"]) == 0
    assert "restored backup" in capsys.readouterr().out
    assert installed_path("district").read_bytes() == first
    assert installed_meta("district")["file"] == "Bangkok.zip"
    assert cli.main(["restore", "district"]) == 0  # undo the restore
    assert installed_path("district").read_bytes() == second
    # Back to the state before any import: nothing installed, the built-in layer drawn.
    oldest = layers.list_backups("district")[-1]
    assert oldest["installed"] is False
    assert cli.main(["restore", "district", "--backup", oldest["id"]]) == 0
    assert not installed_path("district").exists() and boundaries.is_builtin("district")
    capsys.readouterr()
    assert cli.main(["restore", "district", "--list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [b["installed"] for b in listed][:1] == [True]


def test_restore_refuses_safely(bangkok, capsys):
    assert cli.main(["restore", "province"]) == 2
    assert "no backup of province boundaries" in capsys.readouterr().err
    import_boundaries(bangkok, "district")
    before = installed_path("district").read_bytes()
    newest = layers.list_backups("district")[0]
    (layers.backups_dir("district") / newest["id"] / layers.BACKUP_INFO).write_text("{oops")
    assert cli.main(["restore", "district"]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and "nothing changed" in err and "Traceback" not in err
    assert installed_path("district").read_bytes() == before
    assert cli.main(["restore", "district", "--backup", "nope"]) == 2
    assert len(layers.list_backups("district")) == 1  # the refusals took no backup


def test_reset_returns_to_builtin_and_keeps_a_backup(bangkok, capsys):
    import_boundaries(bangkok, "district")
    installed = installed_path("district").read_bytes()
    assert cli.main(["reset", "district"]) == 0
    out = capsys.readouterr().out
    assert "removed the installed boundaries (Bangkok.zip: 50 installed units" in out
    assert not installed_path("district").exists() and not meta_path("district").exists()
    assert boundaries.is_builtin("district")
    assert cli.main(["reset", "district"]) == 1
    assert "nothing changed" in capsys.readouterr().out
    assert cli.main(["restore", "district"]) == 0
    assert installed_path("district").read_bytes() == installed


def test_reset_without_a_builtin_layer_needs_force(bangkok, tmp_path, monkeypatch, capsys):
    import_boundaries(bangkok, "district")
    monkeypatch.setattr(boundaries, "BUILTIN_DIR", tmp_path / "removed")
    assert cli.main(["reset", "district"]) == 2
    assert "no built-in district layer" in capsys.readouterr().err
    assert installed_path("district").exists()
    assert cli.main(["reset", "district", "--force"]) == 0
    assert not installed_path("district").exists()


def test_backups_are_kept_up_to_the_retention(bangkok):
    for _ in range(layers.BACKUPS_KEEP + 2):
        import_boundaries(bangkok, "district")
    backups = layers.list_backups("district")
    assert len(backups) == layers.BACKUPS_KEEP
    assert all(b["installed"] for b in backups)  # the oldest (built-in) one was dropped


def test_failed_install_leaves_files_and_backups_as_they_were(bangkok, monkeypatch):
    import_boundaries(bangkok, "district")
    before = (installed_path("district").read_bytes(), meta_path("district").read_bytes())

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(layers, "_write_private_tmp", broken)
    with pytest.raises(OSError, match="disk full"):
        import_boundaries(bangkok, "district")
    assert (installed_path("district").read_bytes(), meta_path("district").read_bytes()) == before
    assert len(layers.list_backups("district")) == 1
    assert not [p for p in installed_path("district").parent.iterdir()
                if p.name.startswith(".")]


def test_cli_refusal_is_one_clear_line(bangkok, capsys):
    assert cli.main(["import", str(bangkok), "--level", "province"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Bangkok.zip looks like district boundaries")
    assert "--force" in err and "Traceback" not in err
