"""Tile-grid map of the 77 provinces: every province one equal square, laid out like the country."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from domain import map_classes

LAYOUT_FILE = Path(__file__).resolve().parent / "builtin" / "tilegrid.json"


def derive_layout(centroids: dict[str, tuple[float, float]], cols: int = 11,
                  rows: int = 18) -> dict[str, tuple[int, int]]:
    """Assign each province a (col, row) cell near its scaled centroid, no two in one cell.

    Greedy in order of crowding: provinces whose best cell is contested most are placed first,
    each to the free cell nearest its centroid. Row 0 is the north.
    """
    xs = [c[0] for c in centroids.values()]
    ys = [c[1] for c in centroids.values()]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)

    def target(code: str) -> tuple[float, float]:
        x, y = centroids[code]
        return ((x - minx) / (maxx - minx) * (cols - 1), (maxy - y) / (maxy - miny) * (rows - 1))

    free = {(c, r) for c in range(cols) for r in range(rows)}
    placed: dict[str, tuple[int, int]] = {}
    pending = set(centroids)
    while pending:
        # The province with the least slack between its two nearest free cells goes first.
        best_code, best_cell, best_key = None, None, None
        for code in sorted(pending):
            tx, ty = target(code)
            dists = sorted((math.hypot(c - tx, r - ty), (c, r)) for c, r in free)
            slack = dists[1][0] - dists[0][0] if len(dists) > 1 else 0.0
            key = (-slack, dists[0][0])
            if best_key is None or key < best_key:
                best_code, best_cell, best_key = code, dists[0][1], key
        placed[best_code] = best_cell
        free.discard(best_cell)
        pending.discard(best_code)
    # Drop empty columns and rows so the grid is compact.
    used_c = sorted({c for c, _ in placed.values()})
    used_r = sorted({r for _, r in placed.values()})
    return {k: (used_c.index(c), used_r.index(r)) for k, (c, r) in placed.items()}


def _dark(colour: str) -> bool:
    """Whether white text reads better than black on ``colour`` (relative luminance)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def load_layout() -> dict[str, tuple[int, int]]:
    data = json.loads(LAYOUT_FILE.read_text(encoding="utf-8"))
    return {code: (int(c), int(r)) for code, (c, r) in data["cells"].items()}


def write_layout() -> dict[str, tuple[int, int]]:
    """Derive the layout from the built-in province boundaries and save it (run once)."""
    import geopandas as gpd

    gdf = gpd.read_file(Path(__file__).resolve().parent / "builtin" / "provinces.geojson")
    pts = gdf.set_index("code").geometry.representative_point()
    # Bangkok and its neighbours are small and crowded: centroids alone would scatter them.
    layout = derive_layout({c: (p.x, p.y) for c, p in pts.items()})
    LAYOUT_FILE.write_text(json.dumps(
        {"note": "derived by geo.tilegrid.write_layout from builtin/provinces.geojson",
         "cells": {k: list(v) for k, v in sorted(layout.items())}}, indent=1) + "\n",
        encoding="utf-8")
    return layout


def build_tile_map(values: pd.DataFrame, *, value_label: str,
                   fmt: Callable[[float], str] | None = None, selected: str | None = None,
                   scheme: str = "sequential", higher_is_better: bool = True,
                   method: str = "quantiles", language: str = "th",
                   no_data_label: str = "–", **_: Any) -> go.Figure:
    """Plotly tile grid of provinces coloured like the choropleth; customdata is the code."""
    layout = load_layout()
    frame = map_classes.clean_values(values)
    frame = frame[frame["code"].isin(layout)]
    fill, breaks, colours = map_classes.classify_areas(frame, method=method, scheme=scheme,
                                                       higher_is_better=higher_is_better)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    no_data = no_data_label
    text = {c: f(float(v)) for c, v in zip(frame["code"], frame["value"], strict=True)}
    from geo.payload import area_names

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


if __name__ == "__main__":
    print(write_layout())
