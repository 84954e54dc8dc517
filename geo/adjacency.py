"""Which provinces are neighbours, from the installed (or built-in) province boundaries."""

from __future__ import annotations

import functools
import warnings

from geo.boundaries import load_boundaries, version

# Shapes a little apart still count as touching: the built-in boundaries are generalised, so
# neighbours' edges need not meet exactly (degrees; about 500 m: wider, Bangkok gained Nakhon
# Nayok, which it does not border). Phuket, an island, has no neighbour.
TOLERANCE_DEG = 0.005


def province_adjacency() -> dict[str, tuple[str, ...]]:
    """Each province's neighbours (codes, sorted); computed once per boundary file."""
    return dict(_adjacency(version("province")))


@functools.lru_cache(maxsize=2)
def _adjacency(boundary_version: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    del boundary_version  # the cache key: a new boundary import recomputes
    gdf = load_boundaries("province")
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
