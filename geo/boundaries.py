"""Where boundaries come from (installed units over built-in ones) and how pages load them."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from data import config

LEVELS = ("province", "district", "subdistrict")
CODE_LENGTH = {"province": 2, "district": 4, "subdistrict": 6}
# Built-in layers derived from OCHA COD-AB by geo.build_builtin (subdistricts: one file per
# province, so a drill-down reads and sends one province at a time).
BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
BUILTIN_NAMES = {"province": "provinces", "district": "districts", "subdistrict": "subdistricts"}
BUILTIN_PROVINCES = BUILTIN_DIR / "provinces.geojson"

_LOCK = threading.Lock()
# path -> (mtime_ns, size, frame): a file is read again only when it changes (a new import).
_FILES: dict[Path, tuple[int, int, gpd.GeoDataFrame]] = {}
# (level, province) -> (version token, composed frame)
_CACHE: dict[tuple[str, str], tuple[str, gpd.GeoDataFrame]] = {}


def boundaries_dir() -> Path:
    return config.data_dir() / "boundaries"


def installed_path(level: str) -> Path:
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}")
    return boundaries_dir() / f"{level}.geojson"


def meta_path(level: str) -> Path:
    return boundaries_dir() / f"{level}.meta.json"


def builtin_meta_path(level: str) -> Path:
    return BUILTIN_DIR / f"{BUILTIN_NAMES[level]}.meta.json"


def builtin_files(level: str, province: str | None = None) -> list[Path]:
    """The built-in files holding the level (within ``province`` when given); [] if none."""
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}")
    if level != "subdistrict":
        path = BUILTIN_DIR / f"{BUILTIN_NAMES[level]}.geojson"
        return [path] if path.exists() else []
    folder = BUILTIN_DIR / BUILTIN_NAMES[level]
    if province:
        path = folder / f"{province[:2]}.geojson"
        return [path] if path.exists() else []
    return sorted(folder.glob("[0-9][0-9].geojson")) if folder.is_dir() else []


def has_builtin(level: str) -> bool:
    return bool(builtin_files(level))


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def installed_meta(level: str) -> dict[str, Any]:
    """The installed level's meta (source, licence, mode, sources, report); {} if none."""
    return _json(meta_path(level)) if meta_path(level).exists() else {}


def installed_mode(level: str) -> str | None:
    """"merge" (installed units over the built-in ones) or "replace" (the level is exactly the
    installed file); None when nothing is installed."""
    if not installed_path(level).exists():
        return None
    return "replace" if installed_meta(level).get("mode") == "replace" else "merge"


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


def _signature(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:none"
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def _read_cached(path: Path, level: str) -> gpd.GeoDataFrame:
    stat = path.stat()
    with _LOCK:
        hit = _FILES.get(path)
        if hit and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
            return hit[2]
    gdf = _read(path, level)
    with _LOCK:
        _FILES[path] = (stat.st_mtime_ns, stat.st_size, gdf)
    return gdf


def version(level: str, province: str | None = None) -> str:
    """A token that changes whenever a file the level is drawn from changes (payload caches)."""
    files = [installed_path(level), meta_path(level), *builtin_files(level, province)]
    if not installed_path(level).exists() and len(files) == 2:
        return "none"
    return "|".join(_signature(p) for p in files)


def load_installed(level: str) -> gpd.GeoDataFrame | None:
    """Only the units an import installed (columns code, geometry), or None."""
    path = installed_path(level)
    return _read_cached(path, level) if path.exists() else None


def load_builtin(level: str, province: str | None = None) -> gpd.GeoDataFrame | None:
    """Only the built-in units (within ``province`` when given), or None."""
    files = builtin_files(level, province)
    if not files:
        return None
    frames = [_read_cached(p, level) for p in files]
    gdf = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if province and level != "subdistrict":
        gdf = gdf[gdf["code"].str.startswith(province[:2])]
    return gdf


def _compose(level: str, province: str | None) -> gpd.GeoDataFrame | None:
    installed = load_installed(level)
    if installed is not None and province:
        installed = installed[installed["code"].str.startswith(province[:2])]
    builtin = None if installed_mode(level) == "replace" else load_builtin(level, province)
    parts = []
    if installed is not None:
        parts.append(installed.assign(origin="installed"))
    if builtin is not None:
        taken = set(installed["code"]) if installed is not None else set()
        parts.append(builtin[~builtin["code"].isin(taken)].assign(origin="builtin"))
    if not parts:
        return None
    gdf = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    gdf = gdf.sort_values("code").reset_index(drop=True)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326)


def load_boundaries(level: str, province: str | None = None) -> gpd.GeoDataFrame | None:
    """Boundaries of one level (columns ``code``, ``geometry``, ``origin``; WGS 84), or None.

    Installed units (imports) take precedence over built-in ones unit by unit; an import made
    with ``--replace`` hides the built-in layer. ``province`` limits the frame to one province
    (built-in subdistricts are then read from that province's file only). Frames are cached and
    rebuilt when a file changes, so callers must not modify them.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}")
    key = (level, (province or "")[:2])
    token = version(level, province)
    if token == "none":
        return None
    with _LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] == token:
            return hit[1]
    gdf = _compose(level, province)
    if gdf is None:
        return None
    with _LOCK:
        _CACHE[key] = (token, gdf)
    return gdf


def origin(level: str) -> str | None:
    """"builtin", "installed" or "mixed": where the units of the whole level come from."""
    if installed_path(level).exists():
        if installed_mode(level) == "replace" or not has_builtin(level):
            return "installed"
        return "mixed"
    return "builtin" if has_builtin(level) else None


def is_builtin(level: str) -> bool:
    return origin(level) == "builtin"


def _installed_sources(level: str, codes: set[str] | None) -> list[dict[str, Any]]:
    meta = installed_meta(level)
    sources = meta.get("sources") or [meta]
    if codes is None:
        return sources
    return [s for s in sources if not s.get("codes") or codes.intersection(s["codes"])]


_INFO: dict[tuple[str, str | None], tuple[str, dict[str, Any] | None]] = {}


def boundary_info(level: str, parent_code: str | None = None) -> dict[str, Any] | None:
    """Source, licence and attribution of the boundaries drawn for ``level`` (within
    ``parent_code``), None if the level has none. Several sources are joined.

    Kept per level and parent until a file the level is drawn from changes (``version``):
    every map draws its attribution, and filtering the level's frame for it cost 5-7 ms a map.
    Callers must not modify the returned dict.
    """
    province = parent_code if parent_code and not parent_code.startswith("R:") else None
    key = (level, parent_code)
    token = version(level, province)
    with _LOCK:
        hit = _INFO.get(key)
    if hit is not None and hit[0] == token:
        return hit[1]
    info = _boundary_info(level, province)
    with _LOCK:
        if len(_INFO) > 4096:
            _INFO.clear()
        _INFO[key] = (token, info)
    return info


def _codes_within(level: str, parent: str) -> tuple[set[str], set[str]] | None:
    """The installed and the built-in codes :func:`load_boundaries` draws within ``parent``
    (a province or district code), from the files' code columns: composing the province's
    frame only to read them cost about 4 ms for each province not drawn before."""
    installed = load_installed(level)
    files = [] if installed_mode(level) == "replace" else builtin_files(level, parent)
    if installed is None and not files:
        return None
    ours = set() if installed is None else \
        {c for c in installed["code"].tolist() if c.startswith(parent)}
    theirs: set[str] = set()
    for path in files:
        theirs.update(c for c in _read_cached(path, level)["code"].tolist()
                      if c.startswith(parent) and c not in ours)
    return ours, theirs


def _boundary_info(level: str, province: str | None) -> dict[str, Any] | None:
    codes = None
    if province:
        within = _codes_within(level, province)
        if within is None:
            return None
        origins = {o for o, found in zip(("installed", "builtin"), within, strict=True) if found}
        codes = within[0] | within[1]
    else:
        gdf = load_boundaries(level, province)
        if gdf is None:
            return None
        origins = set(gdf["origin"])
    return info_of(level, origins, codes)


def info_of(level: str, origins: set[str], codes: set[str] | None) -> dict[str, Any]:
    """The boundary information of ``level`` drawn from ``origins`` ("installed", "builtin"),
    the installed sources narrowed to ``codes`` (None: all of them)."""
    sources = _installed_sources(level, codes) if "installed" in origins else []
    if "builtin" in origins:
        sources = [*sources, _json(builtin_meta_path(level))]

    def joined(key: str, fallback: str = "") -> str:
        values = [str(s.get(key) or fallback) for s in sources]
        return " · ".join(dict.fromkeys(v for v in values if v))

    licence = joined("licence")
    source = joined("source") or "unknown"
    attribution = joined("attribution") or (f"{source} ({licence})" if licence else source)
    return {"level": level, "builtin": origins == {"builtin"},
            "origin": "mixed" if len(origins) > 1 else next(iter(origins), None),
            "path": str(installed_path(level) if "installed" in origins else BUILTIN_DIR),
            "source": source, "licence": licence, "attribution": attribution,
            "attribution_short": joined("attribution_short") or attribution}
