"""Simplified GeoJSON payloads per level (and parent area) for the browser, built once and cached."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import geothai
import numpy as np
import shapely

from geo import boundaries

# Tolerance (degrees) and decimals per level: coarse for the whole country, finer when the map
# shows the units of one parent area (a province's districts, a district's subdistricts). The
# national district map's tolerance keeps its 928 units well inside the 1.5 MB browser budget
# (tests/test_geo_builtin.py measures it); at that scale a district is a few dozen pixels wide.
_NATIONAL = {"province": (0.01, 4), "district": (0.006, 3), "subdistrict": (0.003, 3)}
_LOCAL = {"province": (0.001, 5), "district": (0.0008, 5), "subdistrict": (0.0004, 5)}

# Payload files are written here and served by Streamlit's static serving, so the browser
# fetches (and caches) geometry once instead of receiving it with every rerun.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "cache" / "geo"
STATIC_URL = "app/static/cache/geo"

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str, str], Payload] = {}


@dataclass(frozen=True)
class Payload:
    level: str
    parent_code: str
    text: str                    # FeatureCollection, properties: code, th, en
    codes: tuple[str, ...]
    bounds: tuple[float, float, float, float]   # minx, miny, maxx, maxy
    feature_bounds: dict[str, tuple[float, float, float, float]]
    digest: str

    @property
    def nbytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def filename(self) -> str:
        # No underscores: streamlit-folium rewrites "_xxx" tokens in map scripts.
        parent = self.parent_code.replace("R:", "region") or "all"
        return f"{self.level}-{parent}-{self.digest}.json"


def _names() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for p in geothai.provinces():
        out[p.code] = (p.name_th, p.name_en)
        for d in geothai.districts(p.code):
            out[d.code] = (d.name_th, d.name_en)
            for s in geothai.subdistricts(d.code):
                out[s.code] = (s.name_th, s.name_en)
    return out


_NAMES: dict[str, tuple[str, str]] | None = None


def area_names() -> dict[str, tuple[str, str]]:
    """Thai and English names of every DOPA code (from geothai, never from boundary files)."""
    global _NAMES
    if _NAMES is None:
        _NAMES = _names()
    return _NAMES


def _round_text(text: str, decimals: int) -> str:
    return re.sub(rf"-?\d+\.\d{{{decimals + 1},}}",
                  lambda m: f"{float(m.group()):.{decimals}f}".rstrip("0"), text)


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    try:
        # Keeps edges shared by neighbours identical, so no slivers or gaps appear.
        return shapely.coverage_simplify(geoms, tolerance)
    except shapely.errors.GEOSException:
        return shapely.simplify(geoms, tolerance, preserve_topology=True)


def build_payload(level: str, parent_code: str | None = None) -> Payload | None:
    """The level's units (within ``parent_code`` when given), simplified; None without boundaries."""
    parent = parent_code or ""
    # A province or finer parent needs one province's units (built-in subdistricts: one file).
    gdf = boundaries.load_boundaries(level, None if parent.startswith("R:") else parent[:2])
    if gdf is None:
        return None
    if parent.startswith("R:"):
        # A region is a set of provinces (NESDC or four-region scheme), not a code prefix.
        from domain.areas import REGIONS_FOUR, REGIONS_NESDC

        # The app's regions are NESDC's; Bangkok ("BKK") exists only in the four-region list.
        region = next((r for r in (*REGIONS_NESDC, *REGIONS_FOUR) if r.code == parent[2:]), None)
        provinces = set(region.provinces) if region else set()
        gdf = gdf[gdf["code"].str[:2].isin(provinces)]
    elif parent:
        gdf = gdf[gdf["code"].str.startswith(parent)]
    if gdf.empty:
        return None
    tolerance, decimals = (_LOCAL if parent else _NATIONAL)[level]
    geoms = gdf.geometry.to_numpy().copy()
    # Installed and built-in units are two coverages: simplified apart, each keeps its shared
    # edges identical (one simplification across both would bend their common borders).
    for source in set(gdf["origin"]):
        rows = (gdf["origin"] == source).to_numpy()
        geoms[rows] = _simplify(geoms[rows], tolerance)
    geoms = shapely.make_valid(shapely.set_precision(geoms, 10 ** -decimals))
    names = area_names()
    features = []
    feature_bounds = {}
    for code, geom in zip(gdf["code"], geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        polys = shapely.get_parts(geom)
        polys = [p for p in polys if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0]
        if not polys:
            continue
        geom = shapely.orient_polygons(shapely.multipolygons(polys) if len(polys) > 1
                                       else polys[0])
        name_th, name_en = names.get(code, (code, code))
        features.append({"type": "Feature", "properties": {"code": code, "th": name_th,
                                                            "en": name_en},
                         "geometry": shapely.geometry.mapping(geom)})
        feature_bounds[code] = tuple(round(v, 5) for v in geom.bounds)
    fc = {"type": "FeatureCollection", "features": features}
    text = _round_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), decimals)
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Payload(level, parent, text, tuple(feature_bounds), (minx, miny, maxx, maxy),
                   feature_bounds, digest)


def _disk_path(key: tuple[str, str, str]) -> Path:
    # The simplification settings are part of the key: changing them invalidates old files.
    token = hashlib.sha256("|".join((*key, repr((_NATIONAL, _LOCAL)))).encode()).hexdigest()[:20]
    return boundaries.boundaries_dir() / ".payload-cache" / f"{key[0]}-{token}.json"


def _from_disk(key: tuple[str, str, str]) -> Payload | None:
    path = _disk_path(key)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return Payload(d["level"], d["parent_code"], d["text"], tuple(d["codes"]),
                       tuple(d["bounds"]), {k: tuple(v) for k, v in d["feature_bounds"].items()},
                       d["digest"])
    except (OSError, ValueError, KeyError):
        return None


def _to_disk(key: tuple[str, str, str], pl: Payload) -> None:
    path = _disk_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({
            "level": pl.level, "parent_code": pl.parent_code, "text": pl.text,
            "codes": list(pl.codes), "bounds": list(pl.bounds),
            "feature_bounds": pl.feature_bounds, "digest": pl.digest}, ensure_ascii=False),
            encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only data dir only costs a rebuild in the next process


def get_payload(level: str, parent_code: str | None = None) -> Payload | None:
    """Cached :func:`build_payload`: in memory, then on disk (a restarted server does not
    simplify again); rebuilt only when the boundary file changes."""
    parent = parent_code or ""
    key = (level, parent, boundaries.version(level, None if parent.startswith("R:")
                                                 else parent[:2] or None))
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    payload = None if key[2] == "none" else _from_disk(key)
    if payload is None:
        payload = build_payload(level, parent_code)
        if payload is not None:
            _to_disk(key, payload)
    if payload is not None:
        with _LOCK:
            _CACHE[key] = payload
            if len(_CACHE) > 64:  # a few dozen parent areas at most stay in memory
                _CACHE.pop(next(iter(_CACHE)))
    return payload


def publish(payload: Payload) -> str | None:
    """Write the payload under static/ once (content-addressed); its URL path, or None if the
    folder is not writable (the caller then embeds the geometry in the page instead)."""
    path = STATIC_DIR / payload.filename
    try:
        if not path.exists():
            STATIC_DIR.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
            tmp.write_text(payload.text, encoding="utf-8")
            tmp.replace(path)
    except OSError:
        return None
    return f"{STATIC_URL}/{payload.filename}"


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
