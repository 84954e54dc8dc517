"""Tile-grid map of the 77 provinces: every province one equal square, laid out like the country."""

from __future__ import annotations

import json
import math
from pathlib import Path

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


if __name__ == "__main__":
    print(write_layout())
