"""Map classification, styling and the offline folium map (no network, escaped labels)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from domain import map_classes


def test_quantile_breaks_split_counts_evenly():
    breaks = map_classes.class_breaks(np.arange(1, 101), 5, "quantiles")
    assert len(breaks) == 5 and breaks[-1] == 100
    idx = map_classes.assign_classes(np.arange(1, 101), breaks)
    assert np.bincount(idx).tolist() == [20, 20, 20, 20, 20]


def test_equal_interval_breaks():
    assert map_classes.class_breaks([0, 10, 20, 90, 100], 4, "equal") == [25.0, 50.0, 75.0, 100.0]


def test_natural_breaks_find_obvious_groups():
    values = [1, 2, 3, 50, 51, 52, 100, 101]
    assert map_classes.class_breaks(values, 3, "natural") == [3.0, 52.0, 101.0]


def test_missing_values_get_no_class_and_few_unique_values_few_classes():
    idx = map_classes.assign_classes([1.0, float("nan"), 3.0], [1.0, 3.0])
    assert idx.tolist() == [0, -1, 1]
    assert map_classes.class_breaks([5, 5, 5], 5) == [5.0]
    assert map_classes.class_breaks([], 5) == []


def test_palettes_are_distinct_and_no_data_is_not_a_class_colour():
    for scheme in map_classes.SCHEMES:
        for good in (True, False):
            cols = map_classes.palette(5, scheme, good)
            assert len(set(cols)) == 5
            assert map_classes.NO_DATA_COLOUR not in cols
    assert map_classes.palette(5, "diverging", True) == \
        map_classes.palette(5, "diverging", False)[::-1]
    with pytest.raises(ValueError):
        map_classes.class_breaks([1, 2], 2, "bogus")


def _values():
    import geothai

    codes = [p.code for p in geothai.provinces()]
    vals = [float(i) for i in range(len(codes))]
    vals[0] = float("nan")  # Bangkok without data
    return pd.DataFrame({"code": codes, "value": vals})


def test_folium_map_uses_only_local_assets_and_keeps_geometry_out_of_the_style(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    from components import leaflet_map

    m, group = leaflet_map.build_area_map(_values(), level="province", value_label="<b>x</b>",
                                   language="en")
    page = m.get_root().render()
    # No http(s) URL at all in the page: Leaflet comes from /app/static, no tiles.
    assert not re.search(r"https?://", page)
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    style = leaflet_map.style_for(_values(), tuple(_values().code), value_label="<b>x</b>", fmt=None,
                           selected="50", scheme="sequential", higher_is_better=True,
                           method="quantiles", language="en")
    assert "10" not in style["fill"] and style["nodata_count"] == 1
    assert style["selected"] == "50" and len(style["legend"]) == 5
    group_js = leaflet_map._AreaStyle(style).style
    assert "coordinates" not in group_js and "</" not in group_js


def test_tiles_url_env_adds_a_basemap(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARROOM_TILES_URL", "http://127.0.0.1:8080/{z}/{x}/{y}.png")
    from components import leaflet_map

    m, _ = leaflet_map.build_area_map(_values(), level="province", value_label="v")
    assert "127.0.0.1:8080" in m.get_root().render()


def test_no_boundaries_means_no_map(tmp_path, monkeypatch):
    """An installation without the built-in layers and without imports draws no map."""
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    from components import leaflet_map, map_static
    from geo import boundaries

    monkeypatch.setattr(boundaries, "BUILTIN_DIR", tmp_path / "no-builtin")
    assert leaflet_map.build_area_map(_values(), level="district", value_label="v") is None
    assert map_static.build_static_map(_values(), level="district", value_label="v") is None


def test_static_map_has_classes_and_no_data_in_its_legend(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    from components import map_static

    fig = map_static.build_static_map(_values(), level="province", value_label="v", language="en")
    names = [tr.name for tr in fig.data if tr.showlegend is not False]
    assert len(names) == 6 and names[-1] == "No data"
    assert all(tr.type == "scatter" for tr in fig.data)  # no geo trace: nothing to download


def test_tile_grid_places_every_province_once():
    from components import tile_map
    from geo import tilegrid

    layout = tilegrid.load_layout()
    assert len(layout) == 77 and len(set(layout.values())) == 77
    fig = tile_map.build_tile_map(_values(), value_label="v", language="en")
    codes = [c for tr in fig.data for c in tr.customdata]
    assert sorted(codes) == sorted(layout)

