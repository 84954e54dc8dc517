"""The offline Leaflet choropleth: geometry from the app's own static URL, colours resent per filter."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template

from components.map_legend import attribution, label_in
from data import config
from domain import map_classes
from geo import payload


def _static_prefix() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


class _AreaLayer(MacroElement):
    """The geometry layer: fetched from the app's static URL (cached by the browser) or inline."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var gj = {{ this.inline }};
  if (!gj) {
    // Synchronous on purpose: the layer must exist before streamlit-folium hooks clicks.
    var xhr = new XMLHttpRequest();
    xhr.open("GET", {{ this.url }}, false);
    xhr.send(null);
    gj = JSON.parse(xhr.responseText);
  }
  var W = window.warroom = {map: map, layers: {}, order: [], names: {}, style: null,
                            selected: null};
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  W.layer = L.geoJSON(gj, {
    style: function () { return {color: "#666", weight: 0.6, fillColor: "{{ this.no_data }}", fillOpacity: 0.9}; },
    onEachFeature: function (f, layer) {
      W.layers[f.properties.code] = layer;
      W.order.push(f.properties.code);
      W.names[f.properties.code] = f.properties;
    }
  }).addTo(map);
  // One Tab stop for the whole map (the container: arrow keys pan, +/- zoom) instead of one
  // per polygon; the table beside each map lists the same figures.
  W.layer.eachLayer(function (layer) {
    var el = layer.getElement && layer.getElement();
    if (el) { el.setAttribute("tabindex", "-1"); el.setAttribute("focusable", "false"); }
  });
  // Leaflet focuses its container on every mousedown. In a frame whose map runs below the
  // fold, that focus scrolled the page between mousedown and mouseup, so the click landed on
  // the map instead of the province (and the page jumped): focus without scrolling.
  var box = map.getContainer();
  var focusBox = box.focus;
  box.focus = function (opts) {
    focusBox.call(box, Object.assign({preventScroll: true}, opts || {}));
  };
  box.style.background = "#f4f6f8";
  // The app's own Thai font inside the map frame (tooltips, legend, attribution).
  var css = document.createElement("style");
  css.textContent = "@font-face{font-family:NotoSansThai;src:url(" + {{ this.font }} + ")}" +
    ".leaflet-container{font-family:NotoSansThai,sans-serif}";
  document.head.appendChild(css);
  W.fit = function () {
    map.invalidateSize();
    var sel = W.selected && W.layers[W.selected];
    map.fitBounds(sel ? sel.getBounds() : W.layer.getBounds(),
                  sel ? {padding: [30, 30], maxZoom: 11} : {padding: [4, 4]});
  };
  W.fit();
  // The frame gets its final height after this script ran: fit again once it has.
  setTimeout(W.fit, 150);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution({{ this.attribution }});
  W.apply = function () {
    var s = W.style;
    if (!s) { return; }
    // The frame and the map say what they show (screen readers read "map: <measure>").
    try {
      map.getContainer().setAttribute("aria-label", s.label);
      if (window.frameElement) { window.frameElement.setAttribute("title", s.label); }
    } catch (e) { /* a frame of another origin: its title stays */ }
    Object.keys(W.layers).forEach(function (code) {
      var layer = W.layers[code];
      var fill = s.fill[code];
      var sel = code === s.selected;
      layer.setStyle({
        fillColor: fill || "{{ this.no_data }}",
        fillOpacity: fill ? 0.88 : 0.55,
        color: sel ? "#000" : (fill ? "#555" : "#8a8a8a"),
        weight: sel ? 3 : (fill ? 0.6 : 0.8),
        dashArray: fill || sel ? null : "3 3"
      });
      if (sel) { layer.bringToFront(); }
      var name = W.names[code][s.lang] || code;
      var text = s.text[code];
      layer.unbindTooltip();
      layer.bindTooltip("<b>" + esc(name) + "</b><br>" + esc(s.label) + ": " +
                        esc(text === undefined ? s.nodata : text), {sticky: true});
    });
    if (W.legend) { map.removeControl(W.legend); }
    W.legend = L.control({position: "bottomright"});
    W.legend.onAdd = function () {
      var div = L.DomUtil.create("div", "warroom-legend");
      div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;" +
        "font:12px/1.35 NotoSansThai,sans-serif;box-shadow:0 0 4px rgba(0,0,0,.3)";
      var rows = ["<b>" + esc(s.label) + "</b>"];
      s.legend.forEach(function (item) {
        rows.push('<div><span style="display:inline-block;width:14px;height:10px;margin-right:5px;' +
                  "background:" + esc(item[0]) + ';border:1px solid #777"></span>' + esc(item[1]) + "</div>");
      });
      if (s.nodata_count > 0) {
        rows.push('<div><span style="display:inline-block;width:14px;height:10px;margin-right:5px;' +
                  'background:{{ this.no_data }};border:1px dashed #777"></span>' +
                  esc(s.nodata) + " (" + s.nodata_count + ")</div>");
      }
      div.innerHTML = rows.join("");
      return div;
    };
    W.legend.addTo(map);
    var changed = s.selected !== W.selected;
    W.selected = s.selected;
    if (changed && s.selected && W.layers[s.selected]) { W.fit(); }
  };
})();
{% endmacro %}
""")

    def __init__(self, url: str | None, inline: str | None, attribution: str) -> None:
        super().__init__()
        self._name = "AreaLayer"
        self.url = json.dumps(url)
        self.inline = inline if inline is not None else "null"
        self.attribution = _js_string(attribution)
        self.font = json.dumps(f"{_static_prefix()}app/static/vendor/NotoSansThai.ttf")
        self.no_data = map_classes.NO_DATA_COLOUR


class _AreaStyle(MacroElement):
    """Colours, tooltips texts and legend: the only part resent when a filter changes."""

    _template = Template("""
{% macro script(this, kwargs) %}
if (window.warroom) { window.warroom.style = {{ this.style }}; window.warroom.apply(); }
{% endmacro %}
""")

    def __init__(self, style: dict[str, Any]) -> None:
        super().__init__()
        self._name = "AreaStyle"
        self.style = _js_string(style)


def _js_string(value: Any) -> str:
    """JSON for a script block; ``</`` is escaped so data can never close the script."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def style_for(values: pd.DataFrame, codes: tuple[str, ...], *, value_label: str,
              fmt: Callable[[float], str] | None, selected: str | None, scheme: str,
              higher_is_better: bool, method: str, language: str) -> dict[str, Any]:
    """The per-filter part of a map: fill colour and value text per code, legend, selection."""
    all_codes, all_numbers = map_classes.clean_arrays(values)
    shown = set(codes)
    keep = [i for i, code in enumerate(all_codes) if code in shown]
    numbers = all_numbers[keep]
    kept = [all_codes[i] for i in keep]
    fill, breaks, colours = map_classes.classify_arrays(kept, numbers, method=method,
                                                        scheme=scheme,
                                                        higher_is_better=higher_is_better)
    f = map_classes.series_formatter(fmt, numbers, language)
    text = {code: f(v) for code, v in zip(kept, numbers.tolist(), strict=True)}
    lowest = float(numbers.min()) if len(kept) else None
    return {"fill": fill, "text": text, "label": value_label, "lang": language,
            "legend": map_classes.legend_items(breaks, colours, f, lowest),
            "nodata": label_in("map_no_data", language),
            "nodata_count": len(shown - set(fill)), "selected": selected or None}


def _base_map(pl: payload.Payload, *, level: str, parent_code: str | None,
              embed: bool) -> folium.Map:
    """The folium map without values: geometry (URL or inline), attribution, basemap."""
    url = None if embed else payload.publish(pl)
    m = folium.Map(location=[(pl.bounds[1] + pl.bounds[3]) / 2, (pl.bounds[0] + pl.bounds[2]) / 2],
                   zoom_start=6, tiles=None, control_scale=True, zoom_snap=0.25,
                   prefer_canvas=False)
    # Only the app's own copy of Leaflet: no jQuery/Bootstrap/CDN requests at all.
    vendor = f"{_static_prefix()}app/static/vendor/leaflet"
    m.default_js = [("leaflet", f"{vendor}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{vendor}/leaflet.css")]
    # Basemap tiles are off unless an operator configures a (local or licensed) tile server.
    tiles = config.get("WARROOM_TILES_URL")
    if tiles:
        folium.TileLayer(tiles, attr=config.get("WARROOM_TILES_ATTRIBUTION") or tiles,
                         name="basemap").add_to(m)
    layer = _AreaLayer(None if url is None else _static_prefix() + url,
                       pl.text if url is None else None, attribution(level, True, parent_code))
    m.add_child(layer)
    return m


def _style_group(values: pd.DataFrame, codes: tuple[str, ...], **kwargs: Any
                 ) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="values", control=False)
    group.add_child(_AreaStyle(style_for(values, codes, **kwargs)))
    return group


def build_area_map(values: pd.DataFrame, *, level: str, value_label: str,
                   fmt: Callable[[float], str] | None = None, parent_code: str | None = None,
                   selected: str | None = None, scheme: str = "sequential",
                   higher_is_better: bool = True, method: str = "quantiles",
                   language: str = "th", embed: bool = False
                   ) -> tuple[folium.Map, folium.FeatureGroup] | None:
    """The folium map (geometry only) and a feature group carrying the colours; None if the
    level has no boundaries. ``embed`` puts the geometry into the script instead of a URL."""
    pl = payload.get_payload(level, parent_code)
    if pl is None:
        return None
    m = _base_map(pl, level=level, parent_code=parent_code, embed=embed)
    group = _style_group(values, pl.codes, value_label=value_label, fmt=fmt, selected=selected,
                         scheme=scheme, higher_is_better=higher_is_better, method=method,
                         language=language)
    return m, group


# -- the component's arguments, as streamlit-folium 0.27 computes them in st_folium ---------------
def _links(element: Any, css: list[str], js: list[str]) -> None:
    if isinstance(element, folium.elements.JSCSSMixin):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    for child in getattr(element, "_children", {}).values():
        _links(child, css, js)


@st.cache_data(ttl=6 * 3600, max_entries=256, show_spinner=False)
def _frame_args(level: str, parent_code: str | None, digest: str, embed: bool,
                settings: tuple[str, ...]) -> dict[str, Any]:
    """The value-free part of a map's component arguments (script, header, HTML, links).

    Keyed on small values only: the payload's digest (geometry), and ``settings`` (static
    prefix, tile server, attribution), so nothing a user filters or may not see enters it.
    Building and rendering the folium map cost 5-10 ms of every map view.
    """
    import streamlit_folium as sf

    pl = payload.get_payload(level, parent_code)
    if pl is None or pl.digest != digest:
        raise LookupError(f"boundaries of {level} {parent_code!r} changed while drawing")
    m = _base_map(pl, level=level, parent_code=parent_code, embed=embed)
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    # streamlit-folium adds the values' feature group before collecting links: the same here.
    m.add_child(folium.FeatureGroup(name="values", control=False))
    css: list[str] = []
    js: list[str] = []
    _links(m, css, js)
    (s, w), (n, e) = m.get_bounds()
    return {"script": script, "header": header, "html": html, "id": sf.get_full_id(m),
            "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
            "map_zoom": m.options.get("zoom"), "css_links": list(dict.fromkeys(css)),
            "js_links": list(dict.fromkeys(js))}


# Stands for the style's JSON in the cached feature-group script (no "_": streamlit-folium
# renames "_xxx" tokens in scripts).
_STYLE_SLOT = "WARROOMSTYLESLOT"


@st.cache_data(ttl=6 * 3600, max_entries=4, show_spinner=False)
def _group_template() -> str:
    """The values' feature group as streamlit-folium sends it, with a slot for the style.

    streamlit-folium renders it inside a throw-away folium map (whose variable it renames to
    map_div); building that map compiled four Jinja templates, about 4 ms of every map view.
    """
    import streamlit_folium as sf

    group = folium.FeatureGroup(name="values", control=False)
    slot = _AreaStyle({})
    slot.style = _STYLE_SLOT
    group.add_child(slot)
    return sf._get_feature_group_string(group, map=folium.Map(tiles=None), idx=0)


def _group_script(style: dict[str, Any]) -> str:
    """The feature group carrying ``style``, as streamlit-folium would have rendered it."""
    import streamlit_folium as sf

    # streamlit-folium resolves {{'name'}} element references in the whole script: in the
    # style's text too (its variable renaming cannot match: the style has no element ids).
    return _group_template().replace(_STYLE_SLOT, sf._resolve_element_refs(_js_string(style)))


def component_args(values: pd.DataFrame, *, key: str, height: int,
                   returned_objects: list[str], level: str, value_label: str,
                   fmt: Callable[[float], str] | None = None, parent_code: str | None = None,
                   selected: str | None = None, scheme: str = "sequential",
                   higher_is_better: bool = True, method: str = "quantiles",
                   language: str = "th", embed: bool = False) -> dict[str, Any] | None:
    """What ``st_folium(build_area_map(...), use_container_width=True)`` hands its component,
    with the value-free part cached; None if the level has no boundaries."""
    import streamlit_folium as sf

    pl = payload.get_payload(level, parent_code)
    if pl is None:
        return None
    settings = (_static_prefix(), config.get("WARROOM_TILES_URL") or "",
                config.get("WARROOM_TILES_ATTRIBUTION") or "",
                attribution(level, True, parent_code))
    try:
        frame = _frame_args(level, parent_code, pl.digest, embed, settings)
    except LookupError:  # an import replaced the boundaries meanwhile: drawn on the next run
        return None
    defaults = {"last_object_clicked": None, "last_active_drawing": None,
                "bounds": frame["bounds"], "zoom": frame["map_zoom"]}
    style = style_for(values, pl.codes, value_label=value_label, fmt=fmt, selected=selected,
                      scheme=scheme, higher_is_better=higher_is_better, method=method,
                      language=language)
    # The order of st_folium's call: the component's arguments are sent in this order.
    return {"script": frame["script"], "header": frame["header"], "html": frame["html"],
            "id": frame["id"], "key": sf.generate_js_hash(frame["script"], key, False),
            "height": height, "width": None, "returned_objects": returned_objects,
            "default": {k: v for k, v in defaults.items() if k in returned_objects},
            "zoom": None, "center": None, "feature_group": _group_script(style),
            "return_on_hover": False, "layer_control": None, "pixelated": False,
            "css_links": frame["css_links"], "js_links": frame["js_links"]}


def render_leaflet(args: dict[str, Any], key: str) -> Any:
    """Hand :func:`component_args` to streamlit-folium's component, as ``st_folium`` does."""
    import streamlit_folium as sf

    hash_key = args["key"]

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(**args, on_change=on_change, wrap_longitude=False)
