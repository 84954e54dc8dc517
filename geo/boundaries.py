"""Where boundaries come from (installed files in the data directory) and how pages load them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from data import config

LEVELS = ("province", "district", "subdistrict")


def boundaries_dir() -> Path:
    return config.data_dir() / "boundaries"


def installed_path(level: str) -> Path:
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}")
    return boundaries_dir() / f"{level}.geojson"


def load_boundaries(level: str) -> gpd.GeoDataFrame | None:
    """Boundaries of one level (columns ``code`` and ``geometry``, WGS 84), or None if absent."""
    path = installed_path(level)
    if not path.exists():
        return None
    gdf = gpd.read_file(path)
    return gdf[["code", "geometry"]]
