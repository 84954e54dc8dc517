"""boundary_info within a parent area from the files' codes equals the one read from the
composed frame: built-in, installed over built-in (merge) and installed alone (replace)."""

from __future__ import annotations

import json

import geopandas as gpd
import geothai
import pytest
from shapely.geometry import box

from geo import boundaries


def _old_info(level, province):
    """The implementation before: the province's composed frame, filtered to the parent."""
    gdf = boundaries.load_boundaries(level, province)
    if gdf is None:
        return None
    codes = None
    if province:
        gdf = gdf[gdf["code"].str.startswith(province)]
        codes = set(gdf["code"])
    # What changed is how the codes and origins are found; the information built from them
    # is the same code (geo.boundaries.info_of).
    return boundaries.info_of(level, set(gdf["origin"]), codes)


def _parents():
    provinces = [p.code for p in geothai.provinces()]
    districts = [d.code for p in provinces[::9] for d in geothai.districts(p)][::4]
    return provinces + districts + ["99", "9999"]


def _check_all():
    for level in ("district", "subdistrict"):
        for parent in _parents():
            if level == "district" and len(parent) > 2:
                continue
            assert boundaries._boundary_info(level, parent) == _old_info(level, parent), \
                (level, parent)


def _install(tmp_path, monkeypatch, mode):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    folder = tmp_path / "boundaries"
    folder.mkdir(parents=True, exist_ok=True)
    # Two of Bangkok's districts replaced, one Chiang Mai district, one code no built-in has.
    codes = ["1001", "1002", "5001", "5099"]
    gpd.GeoDataFrame({"code": codes}, geometry=[box(100 + i / 10, 13, 100.05 + i / 10, 13.05)
                                                for i in range(4)], crs=4326) \
        .to_file(folder / "district.geojson", driver="GeoJSON")
    meta = {"mode": mode, "source": "Survey", "licence": "CC BY 4.0",
            "sources": [{"source": "BKK survey", "licence": "CC BY 4.0", "codes": codes[:2],
                         "attribution_short": "BKK"},
                        {"source": "CM survey", "licence": "ODbL", "codes": codes[2:]}]}
    (folder / "district.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_builtin_info_within_each_parent_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    _check_all()


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_installed_info_within_each_parent_is_unchanged(tmp_path, monkeypatch, mode):
    _install(tmp_path, monkeypatch, mode)
    for parent in ("10", "50", "96", "1001", "50"):
        assert boundaries._boundary_info("district", parent) == _old_info("district", parent)
    info = boundaries._boundary_info("district", "50")
    assert info["origin"] == ("mixed" if mode == "merge" else "installed")
    assert "CM survey" in info["source"] and "BKK" not in info["attribution_short"]
    assert boundaries._boundary_info("district", "96")["origin"] == \
        ("builtin" if mode == "merge" else None)
