"""Choropleth maps of areas keyed by DOPA code: interactive Leaflet (offline), tile grid, static plotly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import assets, map_a11y, tile_map
from components.charts import pin_zero_bars
from components.datasource import current_scope
from components.i18n import lang, t
from components.leaflet_map import component_args, render_leaflet
from components.map_static import build_static_map
from components.ui import ExportMeta, render_chart
from domain import map_classes
from geo import boundaries, payload

VIEWS = ("map", "tiles", "image")


def _names(codes: list[str]) -> list[str]:
    names = payload.area_names()
    i = 0 if lang() == "th" else 1
    return [names.get(c, (c, c))[i] for c in codes]


def render_ranked(values: pd.DataFrame, *, key: str, value_label: str,
                  fmt: Callable[[float], str] | None, higher_is_better: bool,
                  meta: ExportMeta | None, limit: int = 40) -> None:
    """Ranked bars of the units when no map can be drawn."""
    frame = map_classes.clean_values(values).sort_values("value", ascending=not higher_is_better)
    if frame.empty:
        st.info(t("no_data"))
        return
    shown = frame.head(limit).iloc[::-1]
    f = map_classes.series_formatter(fmt, frame["value"], lang())
    fig = go.Figure(go.Bar(x=shown["value"], y=_names(shown["code"].tolist()), orientation="h",
                           marker_color="#3182bd", text=[f(v) for v in shown["value"]],
                           textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(height=min(900, 24 * len(shown) + 80), xaxis_title=value_label,
                      margin={"l": 10, "r": 10, "t": 30, "b": 40})
    pin_zero_bars(fig, shown["value"])
    if len(frame) > limit:
        st.caption(t("map_ranked_top", n=limit, total=len(frame)))
    render_chart(fig, key=f"{key}_ranked", meta=meta)


def _clicked(result: dict | None, key: str, token: str) -> str | None:
    """The code clicked since the last run (streamlit-folium repeats its last value)."""
    if not result:
        return None
    feature = result.get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    # Where the click landed tells one click from the next on the same unit.
    point = result.get("last_object_clicked") or {}
    if not code:
        return None
    seen_key = f"_map_seen_{key}"
    marker = f"{token}:{point.get('lat')},{point.get('lng')}:{code}"
    if st.session_state.get(seen_key) == marker:
        return None
    st.session_state[seen_key] = marker
    return str(code)


def render_area_map(values: pd.DataFrame, *, level: str, key: str, value_label: str,
                    fmt: Any = None, parent_code: str | None = None, selected: str | None = None,
                    scheme: str = "sequential", higher_is_better: bool = True,
                    meta: ExportMeta | None = None, height: int = 520,
                    controls: bool = True) -> str | None:
    """Draw ``values`` (columns ``code``, ``value``) on the ``level`` boundaries.

    Returns the code of the unit the user clicked, or None. Without installed boundaries for
    the level, the map area says how to install them and shows ranked bars instead.
    ``controls=False`` (the meeting-room screen) hides the view and class pickers and exports.
    """
    if level not in boundaries.LEVELS:
        raise ValueError(f"unknown map level {level!r}")
    pl = payload.get_payload(level, parent_code)
    if pl is None:
        # Only an administrator can install boundaries: nobody else is shown a command line.
        note = "geo_no_boundaries_admin" if current_scope().may_administer else "geo_no_boundaries"
        st.info(t(note, level=t(f"map_level_{level}"), cmd_level=level))
        render_ranked(values, key=key, value_label=value_label, fmt=fmt,
                      higher_is_better=higher_is_better, meta=meta)
        return None
    views = [v for v in VIEWS if v != "tiles" or (level == "province" and not parent_code)]
    view, method, scheme = _render_pickers(key, views, scheme, controls)
    if not controls:
        meta = None
    common = {"level": level, "value_label": value_label, "fmt": fmt, "parent_code": parent_code,
              "selected": selected, "scheme": scheme, "higher_is_better": higher_is_better,
              "method": method, "language": lang()}
    if view == "tiles":
        return _render_tiles(values, key, meta, common)
    if view == "image" or not assets.leaflet_ready():
        if view != "image":
            st.caption(t("map_assets_missing"))
        fig = build_static_map(values, title=meta.title if meta else None, **common)
        render_chart(fig, key=f"{key}_image", meta=meta)
        return None
    return _render_leaflet(values, key, meta, common, height=height, digest=pl.digest)


def _render_pickers(key: str, views: list[str], scheme: str,
                    controls: bool) -> tuple[str, str, str]:
    """The view (map, tile grid, image), the classes and the colours: picked, or as last
    picked when the controls are hidden."""
    if st.session_state.get(f"{key}_view") not in (*views, None):
        st.session_state[f"{key}_view"] = "map"  # e.g. tiles chosen, then drilled to districts
    if f"{key}_scheme" not in st.session_state:
        st.session_state[f"{key}_scheme"] = scheme
    if not controls:
        return (st.session_state.get(f"{key}_view") or "map",
                st.session_state.get(f"{key}_classes") or map_classes.METHODS[0],
                st.session_state.get(f"{key}_scheme") or scheme)
    # Labels are computed now: a format_func calling t() later would see another language.
    view_labels = {v: t(f"map_view_{v}") for v in views}
    class_labels = {m: t(f"map_class_{m}") for m in map_classes.METHODS}
    schemes = ("sequential", "diverging")
    scheme_labels = {s: t(f"map_scheme_{s}") for s in schemes}
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    with c1:
        view = st.segmented_control(t("map_view"), views, key=f"{key}_view",
                                    format_func=view_labels.__getitem__, default="map",
                                    label_visibility="collapsed") or "map"
    # Classes and colours are an analyst's choice: kept in one popover, with their full
    # labels, so the map keeps its width for the map.
    with c2, st.popover(t("map_options"), icon=":material/tune:", width="stretch"):
        method = st.selectbox(t("map_classes"), map_classes.METHODS, key=f"{key}_classes",
                              format_func=class_labels.__getitem__)
        # Diverging: the middle class (the median under quantiles) is neutral, the ends
        # run to bad and good; both palettes are colour-blind safe.
        scheme = st.selectbox(t("map_scheme"), schemes, key=f"{key}_scheme",
                              format_func=scheme_labels.__getitem__,
                              help=t("map_scheme_help"))
    return view, method, scheme


def _render_tiles(values: pd.DataFrame, key: str, meta: ExportMeta | None,
                  common: dict[str, Any]) -> str | None:
    """The tile grid; the code of a clicked tile, or None."""
    fig = tile_map.build_tile_map(values, **{k: v for k, v in common.items()
                                             if k not in ("level", "parent_code")})
    # A fresh chart key after each click: a plotly selection would otherwise persist and
    # a later click on the same tile would look like the old one.
    n_key = f"_map_tiles_n_{key}"
    n = st.session_state.get(n_key, 0)
    event = render_chart(fig, key=f"{key}_tiles{n}", meta=meta, on_select="rerun",
                         selection_mode="points")
    points = (getattr(event, "selection", None) or {}).get("points") or []
    codes = [p.get("customdata") for p in points if p.get("customdata")]
    if not codes:
        return None
    st.session_state[n_key] = n + 1
    code = codes[0]
    return str(code[0] if isinstance(code, list) else code)


def _render_leaflet(values: pd.DataFrame, key: str, meta: ExportMeta | None,
                    common: dict[str, Any], *, height: int, digest: str) -> str | None:
    """The Leaflet map with its skip link, text summary and exports; the clicked code."""
    # The component receives what st_folium(build_area_map(...)) would give it, its value-free
    # part (folium's build and rendering, 5-10 ms a map) cached per level and parent.
    args = component_args(values, key=key, height=height,
                          returned_objects=["last_object_clicked", "last_active_drawing"],
                          **common)
    if args is None:  # boundaries vanished between the two calls
        return None
    map_a11y.render_skip_link(key)
    # The component sends its value once drawn unless it equals the default st_folium gave
    # it; for these two keys both are null, so a view costs one script run, not two (its
    # click counter starts at 0 in the browser but None on the server, hence not returned).
    result = render_leaflet(args, key)
    map_a11y.render_map_end(key, values, value_label=common["value_label"], fmt=common["fmt"],
                            higher_is_better=common["higher_is_better"])
    if meta is not None and current_scope().may_export:
        from components.export import render_chart_exports

        # The Leaflet map leaves as its plotly twin (PNG/SVG with the Thai font, offline HTML),
        # built only when a button is pressed.
        render_chart_exports(
            lambda: build_static_map(values, title=meta.title, **common), meta, f"{key}_map")
    return _clicked(result, key, digest)
