"""The tile-grid map: every province one equal square, for a country view a projector can read."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.map_legend import label_in
from domain import map_classes
from geo import tilegrid
from geo.payload import area_names


def _dark(colour: str) -> bool:
    """Whether white text reads better than black on ``colour`` (relative luminance)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5



def build_tile_map(values: pd.DataFrame, *, value_label: str,
                   fmt: Callable[[float], str] | None = None, selected: str | None = None,
                   scheme: str = "sequential", higher_is_better: bool = True,
                   method: str = "quantiles", language: str = "th", **_: Any) -> go.Figure:
    """Plotly tile grid of provinces coloured like the choropleth; customdata is the code."""
    layout = tilegrid.load_layout()
    frame = map_classes.clean_values(values)
    frame = frame[frame["code"].isin(layout)]
    fill, breaks, colours = map_classes.classify_areas(frame, method=method, scheme=scheme,
                                          higher_is_better=higher_is_better)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    no_data = label_in("map_no_data", language)
    text = {c: f(float(v)) for c, v in zip(frame["code"], frame["value"], strict=True)}
    names = area_names()
    idx = 0 if language == "th" else 1
    fig = go.Figure()
    lowest = float(frame["value"].min()) if len(frame) else None
    legend = map_classes.legend_items(breaks, colours, f, lowest)
    groups = [(colour, label) for colour, label in legend] + [(map_classes.NO_DATA_COLOUR, None)]
    for colour, label in groups:
        codes = [c for c in layout if fill.get(c, map_classes.NO_DATA_COLOUR) == colour]
        if not codes:
            continue
        fig.add_trace(go.Scatter(
            x=[layout[c][0] for c in codes], y=[-layout[c][1] for c in codes], mode="markers+text",
            marker={"symbol": "square", "size": 34, "color": colour,
                    "line": {"color": ["#000" if c == selected else "#777" for c in codes],
                             "width": [3 if c == selected else 0.8 for c in codes]}},
            text=[names.get(c, (c, c))[idx][:6] for c in codes],
            textfont={"size": 9, "color": "#fff" if _dark(colour) else "#222"},
            customdata=codes,
            hovertext=[f"{html.escape(names.get(c, (c, c))[idx])}<br>{html.escape(value_label)}: "
                       f"{html.escape(text.get(c, no_data))}" for c in codes],
            hoverinfo="text", name=label or no_data))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(height=720, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      plot_bgcolor="white", legend={"title": {"text": value_label}},
                      clickmode="event+select", dragmode=False)
    return fig
