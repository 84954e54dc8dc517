"""Built-in boundaries (COD-AB derived): complete, nested, small enough, licensed, reproducible."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import geothai
import pytest
import shapely

from domain.area_match import current_codes
from geo import boundaries, build_builtin, payload
from tests.conftest import shared_geo
from tests.geo_import_util import provinces

# Current DOPA subdistricts without a polygon in COD-AB 2022 (../shared/geo code issues).
NO_POLYGON = {"100910", "101406", "102602", "103402", "103403", "104402", "104403", "104702",
              "104703", "105002", "105003", "105004", "105005"}
BUDGET = 1_500_000  # bytes of the national district map sent to a browser (once)


@pytest.fixture()
def empty_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    payload.clear_cache()
    return tmp_path


def _layer(level: str, province: str | None = None) -> gpd.GeoDataFrame:
    return boundaries.load_builtin(level, province)


def test_provinces_and_districts_are_complete_and_valid():
    prov, dist = _layer("province"), _layer("district")
    assert sorted(prov["code"]) == sorted(p.code for p in geothai.provinces())
    assert sorted(dist["code"]) == sorted(current_codes("district"))
    assert len(dist) == 928 and dist["code"].is_unique and prov["code"].is_unique
    for gdf in (prov, dist):
        assert shapely.is_valid(gdf.geometry.to_numpy()).all()
        assert (shapely.get_coordinate_dimension(gdf.geometry.to_numpy()) == 2).all()
    # Bangkok lies where Bangkok is; Mueang Chiang Mai in the north.
    bkk = prov.set_index("code").geometry["10"].representative_point()
    assert 100.3 < bkk.x < 100.95 and 13.5 < bkk.y < 14.0
    assert dist.set_index("code").geometry["5001"].representative_point().y > 18.5


def test_subdistricts_one_file_per_province_with_every_unit_that_has_a_polygon():
    files = boundaries.builtin_files("subdistrict")
    assert sorted(p.stem for p in files) == sorted(p.code for p in geothai.provinces())
    seen: set[str] = set()
    for path in files:
        gdf = boundaries._read(path, "subdistrict")
        assert (gdf["code"].str[:2] == path.stem).all() and gdf["code"].is_unique
        seen |= set(gdf["code"])
    assert seen == current_codes("subdistrict") - NO_POLYGON
    assert len(seen) == 7423
    # A province drill-down reads one file: Khon Kaen's subdistricts only.
    kk = boundaries.load_builtin("subdistrict", "40")
    assert len(kk) == sum(len(geothai.subdistricts(d.code)) for d in geothai.districts("40"))


def test_levels_nest_exactly():
    """Districts and provinces are dissolved from the same subdistricts: no slivers between
    a province and its districts, and Bang Na (an abolished khwaeng) stays inside its khet."""
    prov = _layer("province").set_index("code").geometry
    dist = _layer("district")
    for code in ("10", "30", "50", "94"):
        part = dist[dist["code"].str[:2] == code]
        assert shapely.union_all(part.geometry.to_numpy()).symmetric_difference(
            prov[code]).area < 1e-9
    subs = _layer("subdistrict", "10")
    bang_na = dist.set_index("code").geometry["1047"]
    drawn = shapely.union_all(subs[subs["code"].str[:4] == "1047"].geometry.to_numpy())
    assert drawn.area < 0.5 * bang_na.area  # its new khwaeng have no polygon: a gap, not a loss


def test_meta_carries_the_licence_and_the_exact_attribution():
    for level in boundaries.LEVELS:
        meta = json.loads(boundaries.builtin_meta_path(level).read_text(encoding="utf-8"))
        assert meta["licence"] == "CC BY 3.0 IGO" and meta["licence_url"].endswith("/igo/")
        assert meta["attribution"] == build_builtin.ATTRIBUTION
        assert meta["derived_from"]["file"] == "tha_adm3_subdistricts_full.geojson"
    sub = json.loads(boundaries.builtin_meta_path("subdistrict").read_text(encoding="utf-8"))
    assert sub["left_out_abolished"] == ["104701", "105001"]
    assert set(sub["derived_from"]["no_polygon"]) == NO_POLYGON
    geo = shared_geo()
    if geo is not None:  # the words the source's README asks for, verbatim
        readme = (geo / "README.md").read_text(encoding="utf-8")
        quoted = " ".join(re.findall(r"^> (.*)$", readme, re.M))
        assert quoted == build_builtin.ATTRIBUTION


def test_every_level_drawn_with_nothing_installed(empty_data_dir):
    for level in boundaries.LEVELS:
        assert boundaries.is_builtin(level) and boundaries.origin(level) == "builtin"
        info = boundaries.boundary_info(level, "40" if level == "subdistrict" else None)
        assert info["builtin"] and info["licence"] == "CC BY 3.0 IGO"
        assert "Royal Thai Survey Department" in info["attribution"]
    assert len(boundaries.load_boundaries("district")) == 928


def test_district_payload_within_budget_and_complete(empty_data_dir):
    dist = payload.get_payload("district")
    assert set(dist.codes) == current_codes("district")
    assert dist.nbytes <= BUDGET
    prov = payload.get_payload("province")
    assert len(prov.codes) == 77 and prov.nbytes <= 300_000
    # A province's districts are a small part of it, with names in both languages.
    bkk = payload.get_payload("district", "10")
    names = {f["properties"]["code"]: f["properties"] for f in json.loads(bkk.text)["features"]}
    assert len(names) == 50 and names["1001"]["th"] == "เขตพระนคร"
    assert bkk.nbytes < dist.nbytes / 10
    print(f"\nnational districts {dist.nbytes:,} B, provinces {prov.nbytes:,} B, "
          f"Bangkok's khet {bkk.nbytes:,} B")


def test_subdistricts_are_served_one_province_at_a_time(empty_data_dir):
    biggest = payload.get_payload("subdistrict", "30")  # Nakhon Ratchasima: the most units
    assert len(biggest.codes) == 289 and all(c[:2] == "30" for c in biggest.codes)
    one = payload.get_payload("subdistrict", "3001")
    assert set(one.codes) == {s.code for s in geothai.subdistricts("3001")}
    assert biggest.nbytes < 300_000 and one.nbytes < biggest.nbytes


def test_rebuild_from_the_shared_file_is_byte_identical(tmp_path):
    geo = shared_geo()
    if geo is None:
        pytest.skip("../shared/geo is not present")
    assert build_builtin.main([str(geo / "tha_adm3_subdistricts_full.geojson"),
                               "--out", str(tmp_path)]) == 0
    for path in sorted(build_builtin.BUILTIN_DIR.rglob("*")):
        if path.is_file() and path.name != "tilegrid.json":
            rebuilt = tmp_path / path.relative_to(build_builtin.BUILTIN_DIR)
            assert rebuilt.read_bytes() == path.read_bytes(), path.name


def test_builder_refuses_a_file_that_is_not_the_national_layer(tmp_path, capsys):
    src = tmp_path / "three.geojson"
    provinces().to_file(src)
    assert build_builtin.main([str(src), "--out", str(tmp_path / "out")]) != 0
    assert not (tmp_path / "out").exists()
    assert "error:" in capsys.readouterr().err


def test_shipped_neighbour_table_matches_the_builtin_province_layer():
    """The alert rules read domain/neighbours without geometry; the table must still be what
    the built-in boundaries say (python -m geo.adjacency rewrites it)."""
    from domain.neighbours import province_neighbours
    from geo.adjacency import builtin_adjacency

    shipped = province_neighbours()
    assert len(shipped) == 77
    assert shipped == builtin_adjacency()
    assert all(a in shipped[b] for a, near in shipped.items() for b in near)  # symmetric
    assert shipped["10"] == ("11", "12", "13", "24", "73", "74")  # Bangkok's six neighbours
