"""Map payloads: sizes per level, every unit present, parents, caching in memory and on disk."""

from __future__ import annotations

import json
from pathlib import Path

import geothai
import pytest

from geo import boundaries, payload

SHARED_GEO = next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "geo",
                               Path(__file__).resolve().parents[3] / "shared" / "geo")
                   if p.exists()), None)
SHARED_FILES = {"province": "tha_adm1_provinces_full.geojson",
                "district": "tha_adm2_districts_full.geojson",
                "subdistrict": "tha_adm3_subdistricts_full.geojson"}


@pytest.fixture()
def empty_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    payload.clear_cache()
    return tmp_path


@pytest.fixture()
def shared_data_dir(tmp_path, monkeypatch):
    """Installed boundaries that are links to ../shared/geo (nothing copied)."""
    if SHARED_GEO is None:
        pytest.skip("../shared/geo is absent")
    folder = tmp_path / "boundaries"
    folder.mkdir()
    for level, name in SHARED_FILES.items():
        (folder / f"{level}.geojson").symlink_to(SHARED_GEO / name)
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    payload.clear_cache()
    return tmp_path


def test_builtin_province_payload_has_names_and_is_small(empty_data_dir):
    pl = payload.get_payload("province")
    assert len(pl.codes) == 77 and pl.nbytes < 300_000
    props = {f["properties"]["code"]: f["properties"] for f in json.loads(pl.text)["features"]}
    assert props["10"]["th"] == "กรุงเทพมหานคร" and props["10"]["en"] == "Bangkok"
    assert payload.get_payload("province") is pl  # cached


def test_region_parent_gives_its_provinces(empty_data_dir):
    from domain.areas import REGIONS_NESDC

    ne = next(r for r in REGIONS_NESDC if r.code == "NE")
    assert sorted(payload.get_payload("province", "R:NE").codes) == sorted(ne.provinces)
    assert payload.get_payload("province", "R:BKK").codes == ("10",)
    assert payload.get_payload("province", "R:XX") is None


def test_publish_writes_a_content_addressed_file(empty_data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(payload, "STATIC_DIR", tmp_path / "static")
    pl = payload.get_payload("province")
    url = payload.publish(pl)
    assert url.endswith(pl.filename) and "_" not in pl.filename
    assert (tmp_path / "static" / pl.filename).read_text(encoding="utf-8") == pl.text


def test_shared_levels_meet_the_size_goals_and_keep_every_unit(shared_data_dir):
    prov = payload.get_payload("province")
    dist = payload.get_payload("district")
    assert len(prov.codes) == 77 and prov.nbytes <= 300_000
    assert len(dist.codes) == 928 and dist.nbytes <= 1_500_000
    assert set(dist.codes) == {d.code for p in geothai.provinces()
                               for d in geothai.districts(p.code)}
    sub = payload.get_payload("subdistrict", "30")
    expected = {s.code for d in geothai.districts("30") for s in geothai.subdistricts(d.code)}
    # Every current subdistrict of the province that the source has a polygon for.
    source = boundaries.load_boundaries("subdistrict")
    have = set(source[source.code.str.startswith("30")].code)
    assert set(sub.codes) == have and len(have) >= len(expected) - 2
    assert sub.nbytes < dist.nbytes / 4


def test_disk_cache_serves_a_new_process(shared_data_dir):
    first = payload.get_payload("district", "30")
    payload.clear_cache()
    cached = list((shared_data_dir / "boundaries" / ".payload-cache").glob("district-*.json"))
    assert len(cached) == 1
    again = payload.get_payload("district", "30")
    assert again is not first and again.text == first.text and again.codes == first.codes
