"""Which provinces are neighbours, computed from province boundaries (derives domain/neighbours)."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd

from domain import neighbours
from geo.boundaries import load_builtin

# Shapes a little apart still count as touching: the built-in boundaries are generalised, so
# neighbours' edges need not meet exactly (degrees; about 500 m: wider, Bangkok gained Nakhon
# Nayok, which it does not border). Phuket, an island, touches Phang Nga across the Pak Phra
# strait at this tolerance (the Sarasin bridge joins them).
TOLERANCE_DEG = 0.005


def _neighbours_of(gdf: gpd.GeoDataFrame | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if gdf is None or gdf.empty:
        return ()
    with warnings.catch_warnings():
        # A buffer in degrees on purpose: a tolerance, not a distance to measure.
        warnings.simplefilter("ignore", UserWarning)
        grown = gdf.geometry.buffer(TOLERANCE_DEG)
    index = gdf.sindex
    codes = gdf.code.tolist()
    out: dict[str, set[str]] = {c: set() for c in codes}
    for i, shape in enumerate(grown):
        for j in index.query(shape, predicate="intersects"):
            if j != i:
                out[codes[i]].add(codes[int(j)])
                out[codes[int(j)]].add(codes[i])
    return tuple((c, tuple(sorted(n))) for c, n in sorted(out.items()))


def builtin_adjacency() -> dict[str, tuple[str, ...]]:
    """Neighbours computed from the built-in province layer (what domain/neighbours ships)."""
    gdf = load_builtin("province")
    return dict(_neighbours_of(gdf)) if gdf is not None else {}


def write_neighbours() -> int:
    """Rewrite the shipped neighbour table from the built-in layer; returns the province count."""
    table = builtin_adjacency()
    rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(list(v))}" for k, v in sorted(table.items()))
    neighbours.TABLE_FILE.write_text(
        '{"note": "derived by geo.adjacency.write_neighbours from geo/builtin provinces",\n'
        f' "neighbours": {{\n{rows}\n }}}}\n', encoding="utf-8")
    return len(table)


if __name__ == "__main__":
    print(write_neighbours(), "provinces")
