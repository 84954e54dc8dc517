"""The choropleth as a plotly figure (lon/lat axes, no web requests): exports and the image view."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.map_legend import (
    attribution,
    label_in,
)
from domain import map_classes
from geo import payload


def _rings(geom: Any) -> list[np.ndarray]:
    polys = getattr(geom, "geoms", [geom])
    return [np.asarray(p.exterior.coords) for p in polys]


def _area_traces(gj: dict[str, Any], fill: dict[str, str], colours: list[str],
                 labels: dict[str, str], no_data: str) -> list[go.Scatter]:
    """One filled trace per class colour (all its units' rings), legend order as classed."""
    import shapely

    by_colour: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for feat in gj["features"]:
        code = feat["properties"]["code"]
        colour = fill.get(code, map_classes.NO_DATA_COLOUR)
        xs, ys = by_colour.setdefault(colour, ([], []))
        for ring in _rings(shapely.geometry.shape(feat["geometry"])):
            xs.extend(ring[:, 0].tolist() + [None])
            ys.extend(ring[:, 1].tolist() + [None])
    traces = []
    for colour in [*colours, map_classes.NO_DATA_COLOUR]:
        if colour not in by_colour:
            continue
        # Float arrays (NaN between rings): plotly validates a list element by element, an
        # array at once; this halved the Overview's rerun time (bench: page_rerun).
        xs, ys = (np.array(v, dtype=float) for v in by_colour[colour])
        traces.append(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=colour, mode="lines",
                                 line={"color": "#666", "width": 0.4}, hoverinfo="skip",
                                 name=labels.get(colour, no_data)))
    return traces


def build_static_map(values: pd.DataFrame, *, level: str, value_label: str,
                     fmt: Callable[[float], str] | None = None, parent_code: str | None = None,
                     selected: str | None = None, scheme: str = "sequential",
                     higher_is_better: bool = True, method: str = "quantiles",
                     language: str = "th", title: str | None = None) -> go.Figure | None:
    """A plotly figure of the choropleth for export (cartesian lon/lat, no web requests)."""
    pl = payload.get_payload(level, parent_code)
    if pl is None:
        return None
    import shapely

    gj = json.loads(pl.text)
    frame = map_classes.clean_values(values)
    fill, breaks, colours = map_classes.classify_areas(frame[frame["code"].isin(pl.codes)], method=method,
                                     scheme=scheme, higher_is_better=higher_is_better)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    lowest = float(frame["value"].min()) if len(frame) else None
    labels = dict(map_classes.legend_items(breaks, colours, f, lowest))
    no_data = label_in("map_no_data", language)
    fig = go.Figure(_area_traces(gj, fill, colours, labels, no_data))
    if selected and selected in pl.feature_bounds:
        for ring in _rings(shapely.geometry.shape(next(
                ft["geometry"] for ft in gj["features"] if ft["properties"]["code"] == selected))):
            fig.add_trace(go.Scatter(x=ring[:, 0], y=ring[:, 1], mode="lines", showlegend=False,
                                     line={"color": "#000", "width": 2.5}, hoverinfo="skip"))
    # Points at unit centres carry the hover text (names and values).
    names = {ft["properties"]["code"]: ft["properties"][language] for ft in gj["features"]}
    cx = [(b[0] + b[2]) / 2 for b in pl.feature_bounds.values()]
    cy = [(b[1] + b[3]) / 2 for b in pl.feature_bounds.values()]
    text = {code: f(float(v)) for code, v in zip(frame["code"], frame["value"], strict=True)}
    fig.add_trace(go.Scatter(
        x=cx, y=cy, mode="markers", marker={"size": 4, "opacity": 0}, showlegend=False,
        customdata=list(pl.feature_bounds),
        hovertext=[f"{html.escape(names.get(c, c))}<br>{html.escape(value_label)}: "
                   f"{html.escape(text.get(c, no_data))}"
                   for c in pl.feature_bounds], hoverinfo="text"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x",
                     scaleratio=1 / math.cos(math.radians((pl.bounds[1] + pl.bounds[3]) / 2)))
    fig.update_layout(height=620, margin={"l": 0, "r": 0, "t": 40 if title else 10, "b": 0},
                      plot_bgcolor="white", paper_bgcolor="white",
                      title=title, legend={"title": {"text": value_label}, "x": 1, "y": 0,
                                           "xanchor": "right", "yanchor": "bottom"},
                      annotations=[{"text": attribution(level, False, parent_code),
                                    "showarrow": False,
                                    "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                                    "xanchor": "left", "yanchor": "bottom", "align": "left",
                                    "font": {"size": 9, "color": "#555"}}])
    return fig
