"""Where boundaries come from (installed files, else built-in provinces) and how pages load them."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import geopandas as gpd

from data import config

LEVELS = ("province", "district", "subdistrict")
CODE_LENGTH = {"province": 2, "district": 4, "subdistrict": 6}
BUILTIN_PROVINCES = Path(__file__).resolve().parent / "builtin" / "provinces.geojson"

_LOCK = threading.Lock()
# (level) -> (path, mtime_ns, size, frame): reloaded when an import replaces the file.
_CACHE: dict[str, tuple[Path, int, int, gpd.GeoDataFrame]] = {}


def boundaries_dir() -> Path:
    return config.data_dir() / "boundaries"


def installed_path(level: str) -> Path:
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}")
    return boundaries_dir() / f"{level}.geojson"


def meta_path(level: str) -> Path:
    return boundaries_dir() / f"{level}.meta.json"


def source_path(level: str) -> Path | None:
    """The file the level is drawn from: the installed one, else the built-in provinces."""
    path = installed_path(level)
    if path.exists():
        return path
    if level == "province" and BUILTIN_PROVINCES.exists():
        return BUILTIN_PROVINCES
    return None


def is_builtin(level: str) -> bool:
    return source_path(level) == BUILTIN_PROVINCES


def _read(path: Path, level: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    gdf["code"] = gdf["code"].astype(str)
    gdf = gdf[gdf["code"].str.len() == CODE_LENGTH[level]]
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if "status" in gdf.columns:  # abolished units kept by an import are not drawn
        gdf = gdf[gdf["status"].fillna("current") != "abolished"]
    return gdf[["code", "geometry"]].reset_index(drop=True).set_crs(4326, allow_override=True)


def load_boundaries(level: str) -> gpd.GeoDataFrame | None:
    """Boundaries of one level (columns ``code`` and ``geometry``, WGS 84), or None if absent.

    Provinces fall back to the built-in generalised boundaries. Frames are cached per file and
    reloaded when the file changes (a new import), so callers must not modify them.
    """
    path = source_path(level)
    if path is None:
        return None
    stat = path.stat()
    with _LOCK:
        hit = _CACHE.get(level)
        if hit and hit[0] == path and hit[1] == stat.st_mtime_ns and hit[2] == stat.st_size:
            return hit[3]
    gdf = _read(path, level)
    with _LOCK:
        _CACHE[level] = (path, stat.st_mtime_ns, stat.st_size, gdf)
    return gdf


def version(level: str) -> str:
    """A token that changes whenever the level's boundary file changes (for payload caches)."""
    path = source_path(level)
    if path is None:
        return "none"
    stat = path.stat()
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def boundary_info(level: str) -> dict[str, Any] | None:
    """Source, licence and attribution of the boundaries drawn for ``level`` (None if none)."""
    path = source_path(level)
    if path is None:
        return None
    meta_file = (BUILTIN_PROVINCES.with_name("provinces.meta.json") if path == BUILTIN_PROVINCES
                 else meta_path(level))
    meta: dict[str, Any] = {}
    if meta_file.exists():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    licence = meta.get("licence") or meta.get("license") or ""
    source = meta.get("source") or meta.get("source_name") or path.name
    attribution = meta.get("attribution") or (f"{source} ({licence})" if licence else source)
    return {"level": level, "builtin": path == BUILTIN_PROVINCES, "path": str(path),
            "source": source, "licence": licence, "attribution": attribution,
            "attribution_short": meta.get("attribution_short") or attribution}
