"""render_area_map in a Streamlit run (AppTest): the map, the views, and the no-boundaries case."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest


def _script(level: str, parent: str | None) -> None:
    import geothai
    import pandas as pd
    import streamlit as st

    from components.maps import render_area_map

    level = st.session_state.get("t_level", "province")
    parent = st.session_state.get("t_parent")
    if level == "province":
        codes = [p.code for p in geothai.provinces()]
    else:
        codes = [d.code for d in geothai.districts(parent or "30")]
    values = pd.DataFrame({"code": codes, "value": range(len(codes))})
    clicked = render_area_map(values, level=level, key="t_map", value_label="<i>v</i>",
                              parent_code=parent)
    st.session_state["t_clicked"] = clicked


def _run(level: str, parent: str | None = None, **state) -> AppTest:
    at = AppTest.from_function(_script, args=(level, parent), default_timeout=60)
    at.session_state["t_level"] = level
    at.session_state["t_parent"] = parent
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def empty_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    from geo import payload

    payload.clear_cache()
    return tmp_path


def test_province_map_is_a_folium_component_without_geometry_in_it(empty_data_dir):
    from components import assets

    if not assets.leaflet_ready():
        pytest.skip("run `make assets` first")
    at = _run("province")
    comps = at.get("component_instance")
    assert len(comps) == 1
    args = json.loads(comps[0].proto.json_args)
    assert "app/static/cache/geo/province-all-" in args["script"]
    # Geometry is fetched by URL, never sent inside the element; values ride in the style.
    assert '"coordinates"' not in args["script"] + args["feature_group"]
    # The label travels as JSON ("</" broken up) and is escaped by esc() in the browser.
    assert '"label":"<i>v<\\/i>"' in args["feature_group"]
    assert not any("http" in link for link in args["js_links"] + args["css_links"])
    assert at.session_state["t_clicked"] is None


def test_palette_choice_recolours_the_map(empty_data_dir):
    """Sequential by default; the diverging palette puts the middle class in neutral grey."""
    from components import assets
    from domain import map_classes

    if not assets.leaflet_ready():
        pytest.skip("run `make assets` first")

    def fills(at) -> set[str]:
        style = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
        return set(re.findall(r"#[0-9a-f]{6}", style))

    seq = fills(_run("province"))
    div = fills(_run("province", t_map_scheme="diverging"))
    assert seq & set(map_classes.palette(5, "sequential"))
    assert set(map_classes.palette(5, "diverging")) <= div
    assert "#f7f7f7" in div and "#f7f7f7" not in seq


def test_tile_and_image_views_are_plotly(empty_data_dir):
    at = _run("province", t_map_view="tiles")
    assert len(at.get("plotly_chart")) == 1
    at = _run("province", t_map_view="image")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert all(tr["type"] == "scatter" for tr in spec["data"])


def test_districts_are_drawn_from_the_builtin_layer(empty_data_dir):
    from components import assets

    if not assets.leaflet_ready():
        pytest.skip("run `make assets` first")
    at = _run("district", "30")
    assert not at.info and not at.get("plotly_chart")
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert "app/static/cache/geo/district-30-" in args["script"]
    assert "OCHA COD-AB (CC BY 3.0 IGO)" in args["script"]  # the licence under the map


@pytest.mark.parametrize("admin", [False, True])
def test_missing_level_shows_a_command_to_admins_only(empty_data_dir, monkeypatch, admin):
    """Without built-in or installed districts: ranked bars, and a command line only for an
    administrator; everyone else gets a plain-language note."""
    from data.scope import AccessScope
    from geo import boundaries

    monkeypatch.setattr(boundaries, "BUILTIN_DIR", empty_data_dir / "no-builtin")
    roles = frozenset({"admin"} if admin else {"executive", "analyst", "steward"})
    at = _run("district", "30", scope=AccessScope("u", roles, None), lang="en")
    text = " ".join(i.value for i in at.info)
    assert ("python -m geo" in text) is admin
    assert "geo reset district" in text if admin else "administrator" in text
    assert len(at.get("plotly_chart")) == 1
    assert not at.get("component_instance")


def test_tiles_view_kept_in_state_falls_back_to_the_map_below_provinces(empty_data_dir):
    at = _run("province", "R:NE", t_map_view="tiles")
    assert at.session_state["t_map_view"] == "map"
