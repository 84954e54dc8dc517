"""Import official boundary files (GeoJSON, Shapefile, GeoPackage) keyed to current DOPA codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from domain.area_match import (
    AreaMatch,
    abolished_codes,
    clean_area_code,
    current_codes,
    match_area_codes,
    match_area_names,
)
from geo import build_builtin, layers
from geo.boundaries import CODE_LENGTH, LEVELS, installed_path, meta_path

VECTOR_SUFFIXES = (".shp", ".geojson", ".json", ".gpkg")
# Roughly Thailand with a margin: a result outside it means a wrong or missing CRS.
THAILAND_BOUNDS = (96.0, 4.5, 106.5, 21.5)
ADM_NUMBER = {"province": 1, "district": 2, "subdistrict": 3}
LEVEL_WORDS = {
    "province": ("adm1", "admin1", "province", "changwat", "prov"),
    "district": ("adm2", "admin2", "district", "amphoe", "amp"),
    "subdistrict": ("adm3", "admin3", "subdistrict", "tambon", "tam"),
}
# Column names that usually hold the code of a level, best first (compared case-insensitively).
CODE_FIELDS = {
    "province": ("adm1_pcode", "pro_code", "prov_code", "province_code", "p_code", "pv_code",
                 "changwat_code", "cwt_code"),
    "district": ("adm2_pcode", "amp_code", "ap_code", "district_code", "a_code", "amphoe_code",
                 "dist_code"),
    "subdistrict": ("adm3_pcode", "tam_code", "tb_code", "subdistrict_code", "t_code",
                    "tambon_code", "subdist_code"),
}
# COD-AB ships boundary lines (admbndl) and label points (admbndp) beside the areas (admbnda).
NOT_AREA_LAYERS = re.compile(r"admbndl|admbndp|line|point|label|centroid", re.I)
# Not "id" or "fid": running numbers 10..96 would pass for province codes.
GENERIC_CODE_FIELDS = ("code", "pcode", "dopa_code", "areacode", "area_code", "geocode")
# Column names that usually hold the Thai or English name of a level, best first.
NAME_FIELDS = {
    "province": ("adm1_th", "adm1_en", "adm1_name1", "adm1_name", "pro_th", "pro_en",
                 "prov_namt", "prov_name", "prov_nam_t", "prov_nam_e", "province_th",
                 "province_en", "province", "changwat", "p_name_t", "p_name_e", "nl_name_1",
                 "name_1"),
    "district": ("adm2_th", "adm2_en", "adm2_name1", "adm2_name", "amp_th", "amp_en",
                 "amp_namt", "amp_name", "amp_nam_t", "amp_nam_e", "district_th", "district_en",
                 "district", "amphoe", "a_name_t", "a_name_e", "nl_name_2", "name_2"),
    "subdistrict": ("adm3_th", "adm3_en", "adm3_name1", "adm3_name", "tam_th", "tam_en",
                    "tam_namt", "tam_name", "tam_nam_t", "tam_nam_e", "subdistrict_th",
                    "subdistrict_en", "subdistrict", "tambon", "t_name_t", "t_name_e",
                    "nl_name_3", "name_3"),
}
GENERIC_NAME_FIELDS = ("name_th", "name_en", "name", "namt", "name_t", "name_e", "th_name",
                       "en_name")
# What an OCHA COD-AB file is installed with: the licence and the attribution it asks for, word
# for word as the built-in layers carry them (geo.build_builtin).
COD_AB = {
    "source": "OCHA COD-AB Thailand (Royal Thai Survey Department, via HDX)",
    "licence": build_builtin.LICENCE,
    "licence_url": build_builtin.LICENCE_URL,
    "attribution": build_builtin.ATTRIBUTION,
    "attribution_short": build_builtin.ATTRIBUTION_SHORT,
}
# COD-AB layer and file names: tha_admbnda_adm2_rtsd_20220121, tha_adm1_province, codab_...
COD_AB_NAME = re.compile(r"(?:^|[^a-z])(?:tha_admbnda_adm\d|tha_adm\d_|cod[-_]?ab)", re.I)


class BoundaryImportError(Exception):
    """A file that cannot be imported, with a message for the user (never a traceback)."""


@dataclass
class ImportReport:
    """What an import read, matched and left out; stored beside the installed file."""

    level: str
    file: str
    layer: str | None = None
    features_read: int = 0
    crs: str | None = None
    encoding: str | None = None
    mojibake_repaired: bool = False
    method: str = ""  # "code:<field>" or "name:<fields>"
    matched: int = 0
    matched_by: dict[str, int] = field(default_factory=dict)
    unmatched: list[dict[str, object]] = field(default_factory=list)
    abolished: list[dict[str, object]] = field(default_factory=list)
    recoded: list[dict[str, str]] = field(default_factory=list)
    no_polygon: list[str] = field(default_factory=list)  # current units the file lacks
    # Current units drawn by no polygon after the import (a merge keeps the others).
    missing_after: list[str] | None = None
    empty_geometries: int = 0
    repaired_geometries: int = 0
    multipart_codes: int = 0
    features_written: int = 0
    bytes_written: int = 0
    seconds: float = 0.0
    # Which level the file itself looks like, and why (codes or names of that level).
    file_level: str | None = None
    file_level_evidence: str = ""
    # Median share of each unit's area inside the built-in unit of its code (None: no check).
    inside_builtin: float | None = None
    cod_ab: bool = False
    valid_on: str | None = None  # a COD-AB file's validOn date (its vintage)
    merge: dict[str, object] = field(default_factory=dict)
    backup: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def summary(self) -> dict[str, int]:
        return {"matched": self.matched, "unmatched": len(self.unmatched),
                "abolished": len(self.abolished), "recoded": len(self.recoded),
                "no_polygon": len(self.no_polygon)}

    def _merge_lines(self) -> list[str]:
        m = self.merge
        if not m:
            return []
        lines = [f"  {m['mode']}: added {m['added']}, replaced {m['replaced']} "
                 f"({m['replaced_builtin']} built-in, {m['replaced_installed']} installed), "
                 + (f"kept {m['kept']} ({m['kept_builtin']} built-in, {m['kept_installed']} "
                    f"installed)" if m["mode"] == "merge"
                    else f"removed {m['removed']} (no longer drawn)")]
        if self.backup:
            lines.append(f"  previous {self.level} layer kept as backup {self.backup} "
                         f"(python -m geo restore {self.level})")
        return lines

    def text(self, limit: int = 25) -> str:
        """The report for a terminal: counts first, then the lists (cut at ``limit``)."""
        lines = [
            f"{self.level}: {self.file}" + (f" (layer {self.layer})" if self.layer else ""),
            f"  read {self.features_read} features, CRS {self.crs}, encoding {self.encoding}"
            + (" (Thai read as Latin-1 detected and repaired)" if self.mojibake_repaired else ""),
            f"  matched {self.matched} units by {self.method} (features: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.matched_by.items())) + ")",
            f"  unmatched features: {len(self.unmatched)}",
            f"  abolished codes: {len(self.abolished)}"
            + (" (kept under the old code)" if any(a.get("kept") for a in self.abolished)
               else " (left out)"),
            f"  recoded (abolished code with one successor): {len(self.recoded)}",
            (f"  current units with no polygon: {len(self.no_polygon)}"
             if self.missing_after is None or self.merge.get("mode") != "merge" else
             f"  current units not in the file: {len(self.no_polygon)} (kept as drawn "
             f"before); with no polygon after the import: {len(self.missing_after)}"),
            f"  geometries repaired: {self.repaired_geometries}, empty dropped: "
            f"{self.empty_geometries}, codes dissolved from several parts: {self.multipart_codes}",
            f"  wrote {self.features_written} units, {self.bytes_written:,} bytes in "
            f"{self.seconds:.1f} s",
        ]
        if self.inside_builtin is not None:
            lines.insert(2, f"  agrees with the built-in {self.level}s: median unit "
                            f"{self.inside_builtin:.1%} inside the built-in unit of its code")
        if self.cod_ab:
            lines.insert(2, "  recognised as OCHA COD-AB"
                            + (f" (valid on {self.valid_on})" if self.valid_on else "")
                            + ": installed with its licence (CC BY 3.0 IGO) and attribution")
        lines.extend(self._merge_lines())

        def listing(title: str, items: list[str]) -> None:
            if not items:
                return
            lines.append(f"  {title}:")
            lines.extend(f"    {item}" for item in items[:limit])
            if len(items) > limit:
                lines.append(f"    ... and {len(items) - limit} more (see the .meta.json)")

        listing("unmatched", [f"{u.get('value')!s}: {u.get('reason')}" for u in self.unmatched])
        listing("abolished", [f"{a['code']} {a.get('name_th', '')} -> successors "
                              f"{' '.join(a.get('successors') or []) or 'none'}"
                              for a in self.abolished])
        listing("recoded", [f"{r['from']} -> {r['to']}" for r in self.recoded])
        gaps = self.no_polygon if self.missing_after is None else self.missing_after
        listing("no polygon", [f"{c} {_area_name(c)}" for c in gaps])
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def installed_meta(level: str) -> dict[str, object] | None:
    """Source, licence, attribution and import report of an installed level, or None."""
    path = meta_path(level)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- reading


def _vector_files(folder: Path) -> list[Path]:
    """Vector files in a folder; a File Geodatabase (a ``.gdb`` folder) counts as one file."""
    found = []
    for p in sorted(folder.rglob("*")):
        if p.name.startswith(".") or any(part.lower().endswith(".gdb") for part in
                                         p.relative_to(folder).parts[:-1]):
            continue
        if (p.is_dir() and p.suffix.lower() == ".gdb") or (
                p.is_file() and p.suffix.lower() in VECTOR_SUFFIXES):
            found.append(p)
    return found


def _pick_by_level(names: list[str], level: str) -> str | None:
    """The one name that mentions the level (adm2, district, ...), if exactly one does."""
    areas = [n for n in names if not NOT_AREA_LAYERS.search(n)]
    names = areas or names
    for word in LEVEL_WORDS[level]:
        hits = [n for n in names if re.search(rf"(?<![a-z0-9]){word}(?![a-z])", n.lower())]
        if len(hits) == 1:
            return hits[0]
    return None


def resolve_source(path: Path, level: str, workdir: Path,
                   layer: str | None = None) -> tuple[Path, str | None]:
    """The vector file (unzipped into ``workdir`` if needed) and layer to read for a level."""
    if not path.exists():
        raise BoundaryImportError(f"file not found: {path}")
    if path.is_dir() and path.suffix.lower() == ".gdb":
        candidates = [path]
    elif path.is_dir():
        candidates = _vector_files(path)
    elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                zf.extractall(workdir)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BoundaryImportError(f"cannot unzip {path.name}: {exc}") from exc
        candidates = _vector_files(workdir)
    else:
        candidates = [path]
    if not candidates:
        raise BoundaryImportError(f"no Shapefile, GeoJSON or GeoPackage found in {path.name}")
    if len(candidates) > 1:
        pick = _pick_by_level([c.name for c in candidates], level)
        if pick is None:
            names = ", ".join(c.name for c in candidates[:8])
            raise BoundaryImportError(
                f"{path.name} holds several files ({names}); unzip it and pass "
                f"the one for the {level} level")
        candidates = [c for c in candidates if c.name == pick]
    src = candidates[0]
    try:
        layers = [row[0] for row in pyogrio.list_layers(src)]
    except Exception as exc:  # pyogrio raises several DataSourceError kinds
        raise BoundaryImportError(f"cannot open {src.name}: {exc}") from exc
    if layer is not None:
        if layer not in layers:
            raise BoundaryImportError(
                f"{src.name} has no layer {layer!r}; layers: {', '.join(layers)}")
        return src, layer
    if len(layers) > 1:
        pick = _pick_by_level(layers, level)
        if pick is None:
            raise BoundaryImportError(
                f"{src.name} has several layers ({', '.join(layers)}); "
                f"choose one with --layer")
        return src, pick
    return src, None


_THAI = re.compile("[\u0e01-\u0e5b]")


def _latin1_round_trip(value: str, codec: str) -> str | None:
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    # A DBF field cut at 50 bytes can end inside a UTF-8 character: drop the partial bytes.
    for cut in range(4):
        try:
            return (raw[:-cut] if cut else raw).decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _text_columns(df: pd.DataFrame) -> list[str]:
    geometry = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    return [c for c in df.columns if c != geometry
            and (pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c]))]


def detect_misdecoded(df: pd.DataFrame) -> str | None:
    """"utf-8" or "cp874" when the text columns hold Thai read as Latin-1, else None."""
    samples = []
    for col in _text_columns(df):
        for value in df[col].dropna().head(200):
            if isinstance(value, str) and not value.isascii():
                samples.append(value)
    if not samples or any(_THAI.search(v) for v in samples[:50]):
        return None
    for codec in ("utf-8", "cp874"):
        fixed = [_latin1_round_trip(v, codec) for v in samples]
        good = sum(1 for f in fixed if f is not None and _THAI.search(f))
        if good >= 0.8 * len(samples):
            return codec
    return None


def read_vector(src: Path, layer: str | None, report: ImportReport,
                crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file, re-reading a DBF whose Thai text was decoded as Latin-1."""
    try:
        info = pyogrio.read_info(src, layer=layer)
        gdf = gpd.read_file(src, layer=layer)
    except Exception as exc:  # GDAL errors come in several classes
        raise BoundaryImportError(f"cannot read {src.name}: {exc}") from exc
    report.encoding = info.get("encoding")
    if src.suffix.lower() == ".shp":
        has_cpg = src.with_suffix(".cpg").exists() or src.with_suffix(".CPG").exists()
        codec = None if has_cpg else detect_misdecoded(gdf)
        if codec:
            gdf = gpd.read_file(src, layer=layer, encoding=codec)
            report.encoding = codec
            report.mojibake_repaired = codec == "utf-8"
            if codec == "cp874":
                report.warnings.append("DBF had no .cpg; Thai text read as cp874 (TIS-620)")
    else:
        codec = detect_misdecoded(gdf)
        if codec:  # e.g. a GeoJSON written from a mis-decoded shapefile
            for col in _text_columns(gdf):
                gdf[col] = gdf[col].map(
                    lambda v, c=codec: (_latin1_round_trip(v, c) or v)
                    if isinstance(v, str) else v)
            report.mojibake_repaired = True
            report.encoding = f"{report.encoding or 'utf-8'} (text repaired from Latin-1)"
    if gdf.crs is None:
        if crs:
            gdf = gdf.set_crs(crs)
        elif _looks_like_lonlat(gdf):
            gdf = gdf.set_crs(4326)
            report.warnings.append("file has no CRS; coordinates look like WGS 84 lon/lat")
        else:
            raise BoundaryImportError(
                f"{src.name} has no coordinate reference system (missing .prj) "
                f"and is not in lon/lat; pass --crs, e.g. --crs EPSG:32647")
    elif crs:
        report.warnings.append(f"file declares {gdf.crs.to_string()}; --crs {crs} ignored")
    report.crs = gdf.crs.to_string()
    report.features_read = len(gdf)
    return gdf


def _looks_like_lonlat(gdf: gpd.GeoDataFrame) -> bool:
    if gdf.empty:
        return False
    minx, miny, maxx, maxy = gdf.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


# ---------------------------------------------------------------- matching


def columns_by_key(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """The file's attribute columns by their lower-case name (headers vary in case)."""
    return {c.lower(): c for c in gdf.columns if c != gdf.geometry.name}


def _code_score(series: pd.Series, level: str, valid: set[str]) -> float:
    values = series.dropna()
    if values.empty:
        return 0.0
    cleaned = values.map(lambda v: clean_area_code(v, level))
    return float(cleaned.isin(valid).mean())


def find_code_field(gdf: gpd.GeoDataFrame, level: str) -> str | None:
    """The column holding DOPA codes of the level (``ADM2_PCODE``, ``code``, ...), if any."""
    valid = set(current_codes(level)) | set(abolished_codes(level))
    cols = columns_by_key(gdf)
    named = [cols[n] for n in (*CODE_FIELDS[level], *GENERIC_CODE_FIELDS) if n in cols]
    for col in named:
        if _code_score(gdf[col], level, valid) >= 0.5:
            return col
    # Any other text column that is nearly all codes of the level (numbers are left out: they
    # are more often running ids than codes).
    scores = {col: _code_score(gdf[col], level, valid) for col in _text_columns(gdf)
              if col not in named}
    best = max(scores, key=lambda c: scores[c], default=None)
    return best if best is not None and scores[best] >= 0.9 else None


def _name_candidates(gdf: gpd.GeoDataFrame, level: str) -> list[str]:
    cols = columns_by_key(gdf)
    named = [cols[n] for n in NAME_FIELDS[level] if n in cols]
    generic = [cols[n] for n in GENERIC_NAME_FIELDS if n in cols]
    text = set(_text_columns(gdf))
    others = [c for c in cols.values() if c not in named and c not in generic and c in text]
    return named + generic + others


def _match_rate(matches: list[AreaMatch]) -> float:
    return sum(m.matched for m in matches) / len(matches) if matches else 0.0


def match_by_names(gdf: gpd.GeoDataFrame, level: str,
                   parents: list[str | None] | None) -> tuple[list[AreaMatch], list[str]]:
    """Match each row by the name columns that fit the level best (Thai first, then English)."""
    used: list[str] = []
    best: list[AreaMatch] | None = None
    for col in _name_candidates(gdf, level):
        values = gdf[col].tolist()
        if not any(isinstance(v, str) and v.strip() for v in values):
            continue
        got = match_area_names(values, level, parents)
        if _match_rate(got) < 0.3:
            continue
        used.append(col)
        if best is None:
            best = got
        else:  # fill rows the earlier column left unmatched
            best = [b if b.matched or b.reason == "abolished" else g
                    for b, g in zip(best, got, strict=True)]
        if all(m.matched or m.reason == "abolished" for m in best) or len(used) == 2:
            break
    if best is None:
        hint = ""
        deepest = [lv for lv in LEVELS if find_code_field(gdf, lv) is not None]
        if deepest and LEVELS.index(deepest[-1]) < LEVELS.index(level):
            col = find_code_field(gdf, deepest[-1])
            hint = (f" (the file looks like {deepest[-1]} boundaries: column {col} holds "
                    f"{CODE_LENGTH[deepest[-1]]}-digit "
                    f"{deepest[-1]} codes; use --level {deepest[-1]})")
        raise BoundaryImportError(f"found no column with DOPA codes or names of {level}s; expected "
                                  f"e.g. ADM{ADM_NUMBER[level]}_PCODE, code, or Thai/English "
                                  f"names{hint}")
    return best, used


def match_rows(gdf: gpd.GeoDataFrame, level: str) -> tuple[list[AreaMatch], str, list[str]]:
    """Codes for every row: by a code column if one exists, else by names within parents.

    Returns the matches, the method ("code:<col>" or "name:<cols>") and, per row, the value
    the match was made from (for the report).
    """
    code_col = find_code_field(gdf, level)
    if code_col is not None:
        values = gdf[code_col].tolist()
        return match_area_codes(values, level), f"code:{code_col}", [str(v) for v in values]
    parents: list[str | None] | None = None
    for upper in LEVELS[:LEVELS.index(level)]:
        found = _parent_codes(gdf, upper, parents)
        if found is not None:
            parents = found
    method = "name:"
    placed, parent_level = _parents_from_installed(gdf, level)
    if placed is not None:
        before = parents or [None] * len(gdf)
        combined = [_narrower(file_parent, spatial)
                    for file_parent, spatial in zip(before, placed, strict=True)]
        if combined != before:
            matches, used = match_by_names(gdf, level, combined)
            if parents is not None or any(not m.matched for m in matches):
                # A unit drawn slightly differently can put its point in a neighbour: keep
                # what the file's own parent columns (or no parent) found for those rows.
                plain, _ = match_by_names(gdf, level, parents)
                matches = [m if m.matched or not p.matched else p
                           for m, p in zip(matches, plain, strict=True)]
            method = f"name (within {parent_level} boundaries):"
            columns = [gdf[c].tolist() for c in used]
            labels = [" / ".join(str(v) for v in row) for row in zip(*columns, strict=True)]
            return matches, method + ",".join(used), labels
    matches, used = match_by_names(gdf, level, parents)
    columns = [gdf[c].tolist() for c in used]
    labels = [" / ".join(str(v) for v in row) for row in zip(*columns, strict=True)]
    return matches, method + ",".join(used), labels


def _narrower(file_parent: str | None, spatial: str | None) -> str | None:
    """The file's parent code, or the spatial one where the file has none or a coarser one."""
    if not file_parent:
        return spatial
    if spatial and len(spatial) > len(file_parent) and spatial.startswith(file_parent):
        return spatial
    return file_parent


def _parents_from_installed(gdf: gpd.GeoDataFrame,
                            level: str) -> tuple[list[str | None] | None, str | None]:
    """Parent codes from where each unit lies in the boundaries of a higher level.

    Names such as ตำบลในเมือง repeat across the country: without a parent column, the district
    (or province) a polygon lies in tells them apart. Uses the deepest level drawn (installed
    units, else the built-in ones, which are COD-AB geometry); returns it as "installed
    district" or "built-in district".
    """
    from geo.boundaries import load_boundaries, origin

    for upper in reversed(LEVELS[:LEVELS.index(level)]):
        try:
            parents = load_boundaries(upper)
        except Exception:  # an unreadable installed file just means no help from it
            parents = None
        if parents is None or parents.empty:
            continue
        points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point().values,
                                  crs=4326)
        joined = gpd.sjoin(points, parents[["code", "geometry"]], how="left",
                           predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        codes = [c if isinstance(c, str) and c else None for c in joined["code"].tolist()]
        return codes, f"{'built-in' if origin(upper) == 'builtin' else 'installed'} {upper}"
    return None, None


def _parent_codes(gdf: gpd.GeoDataFrame, level: str,
                  parents: list[str | None] | None) -> list[str | None] | None:
    code_col = find_code_field(gdf, level)
    if code_col is not None:
        got = match_area_codes(gdf[code_col].tolist(), level)
    else:
        cols = columns_by_key(gdf)
        named = [cols[n] for n in NAME_FIELDS[level] if n in cols]
        if not named:
            return None
        got = None
        for col in named:
            g = match_area_names(gdf[col].tolist(), level, parents)
            if _match_rate(g) >= 0.5:
                got = g if got is None else [a if a.matched else b
                                             for a, b in zip(got, g, strict=True)]
        if got is None:
            return None
    previous = parents or [None] * len(gdf)
    return [m.code or p for m, p in zip(got, previous, strict=True)]


# ---------------------------------------------------------------- geometry


def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Only the polygon parts of a geometry (make_valid can add lines and points)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        return shapely.union_all(parts) if parts else None
    return None


def clean_geometries(gdf: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """WGS 84, 2D, valid polygons; empty or non-polygon features dropped."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geoms = shapely.force_2d(gdf.geometry.values)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    report.repaired_geometries = int(invalid.sum())
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    geoms = [_polygonal(g) for g in geoms]
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=4326))
    keep = out.geometry.notna()
    report.empty_geometries = int((~keep).sum())
    return out[keep]


def dissolve_by_code(codes: pd.Series, geoms: gpd.GeoSeries) -> gpd.GeoDataFrame:
    """One (Multi)Polygon per code, valid, exterior rings counter-clockwise (RFC 7946)."""
    frame = pd.DataFrame({"code": codes.to_numpy(), "geometry": geoms.to_numpy()})
    several = frame["code"].duplicated(keep=False).to_numpy()
    merged = {code: shapely.union_all(part["geometry"].tolist())
              for code, part in frame[several].groupby("code", sort=False)}
    single = dict(zip(frame.loc[~several, "code"], frame.loc[~several, "geometry"],
                      strict=True))
    rows = []
    for code in sorted({**single, **merged}):
        geom = merged.get(code, single.get(code))
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom))
        if geom is None:
            continue
        rows.append((code, geom))
    geometry = shapely.orient_polygons(
        [r[1] for r in rows], exterior_cw=False) if rows else []
    return gpd.GeoDataFrame({"code": [r[0] for r in rows]}, geometry=list(geometry), crs=4326)


# ---------------------------------------------------------------- import


@lru_cache(maxsize=1)
def _thai_names() -> dict[str, str]:
    from domain.areas import registry_frame

    reg = registry_frame()
    return dict(zip(reg["code"], reg["name_th"], strict=True))


def _area_name(code: str) -> str:
    """Thai name of a current code from the DOPA list (never from the imported file)."""
    return _thai_names().get(code, "")


def _abolished_thai_names() -> dict[str, str]:
    try:
        from geothai.abolished import abolished_areas
    except ImportError:
        return {}
    return {a.code: a.name_th for a in abolished_areas()}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _looks_like_cod_ab(gdf: gpd.GeoDataFrame, names: tuple[str, ...] = ()) -> bool:
    """OCHA COD-AB: ADMn_PCODE columns with a validOn date, or a COD-AB file/layer name."""
    cols = columns_by_key(gdf)
    if not any(re.fullmatch(r"adm\d_pcode", c) for c in cols):
        return False
    return (any(re.fullmatch(r"valid_?on", c) for c in cols)
            or any(COD_AB_NAME.search(n) for n in names if n))


def _cod_ab_valid_on(gdf: gpd.GeoDataFrame) -> str | None:
    """The ``validOn`` date of a COD-AB file (its vintage), e.g. "2022-01-22"."""
    col = next((c for n, c in columns_by_key(gdf).items() if re.fullmatch(r"valid_?on", n)), None)
    if col is None:
        return None
    values = pd.to_datetime(gdf[col].astype(str), errors="coerce", utc=True).dropna()
    return values.max().date().isoformat() if not values.empty else None


def build_boundaries(
    path: str | Path,
    level: str,
    *,
    layer: str | None = None,
    crs: str | None = None,
    keep_abolished: bool = False,
    force: bool = False,
) -> tuple[gpd.GeoDataFrame, ImportReport, bool]:
    """Read, match, repair and dissolve a boundary file without installing it.

    Returns the boundaries (columns code, geometry; WGS 84), the report, and whether the file
    looks like an OCHA COD-AB file (for the default source and licence). A file whose features
    are a finer level (district codes for ``level="province"``, say) is refused unless
    ``force``: dissolving 50 Bangkok khet into one "province" is almost always a mistake.
    """
    from geo import checks

    if level not in LEVELS:
        raise BoundaryImportError(f"unknown level {level!r}; use province, district or subdistrict")
    path = Path(path)
    report = ImportReport(level=level, file=path.name)
    with tempfile.TemporaryDirectory(prefix="geoimport-") as tmp:
        src, layer = resolve_source(path, level, Path(tmp), layer)
        report.layer = layer
        gdf = read_vector(src, layer, report, crs)
    if gdf.empty:
        raise BoundaryImportError(f"{path.name} has no features")
    cod_ab = _looks_like_cod_ab(gdf, (path.name, src.name, layer or ""))
    report.cod_ab = cod_ab
    report.file_level, report.file_level_evidence = checks.detect_file_level(gdf)
    gdf = clean_geometries(gdf, report)
    if gdf.empty:
        raise BoundaryImportError(f"{path.name} has no polygon features")
    gdf = _codes_from_finer(gdf, level, report, path.name, force)
    matches, report.method, labels = match_rows(gdf, level)

    codes, abolished = _codes_of_matches(matches, labels, report, keep_abolished)

    keep = pd.Series([c is not None for c in codes], index=gdf.index)
    code_series = pd.Series(codes, index=gdf.index)[keep]
    counts = code_series.value_counts()
    report.multipart_codes = int((counts > 1).sum())
    out = dissolve_by_code(code_series, gdf.geometry[keep])

    if keep_abolished and abolished:
        out["status"] = ["abolished" if c in abolished else "current" for c in out["code"]]
    _check_result(out, report, level, path.name, force)
    report.valid_on = _cod_ab_valid_on(gdf) if cod_ab else None
    return out, report, cod_ab


def _codes_of_matches(matches: list, labels: list, report: ImportReport,
                      keep_abolished: bool) -> tuple[list[str | None], dict[str, dict]]:
    """Each feature's code (None: left out) from its match, the abolished units met, and the
    report's matched, recoded and unmatched entries."""
    codes: list[str | None] = []
    abolished: dict[str, dict[str, object]] = {}
    old_names = _abolished_thai_names()
    for match, label in zip(matches, labels, strict=True):
        if match.matched:
            report.matched_by[match.reason] = report.matched_by.get(match.reason, 0) + 1
            if match.abolished_code:
                report.recoded.append({"from": match.abolished_code, "to": str(match.code)})
            codes.append(match.code)
        elif match.reason == "abolished" and match.abolished_code:
            abolished[match.abolished_code] = {
                "code": match.abolished_code, "name_th": old_names.get(match.abolished_code, ""),
                "successors": list(match.candidates), "kept": keep_abolished}
            codes.append(match.abolished_code if keep_abolished else None)
        else:
            report.unmatched.append({"value": label, "reason": match.reason,
                                     "candidates": list(match.candidates)})
            codes.append(None)
    report.abolished = list(abolished.values())
    report.recoded = [dict(t) for t in {tuple(r.items()) for r in report.recoded}]
    report.recoded.sort(key=lambda r: r["from"])
    return codes, abolished


def _check_result(out: gpd.GeoDataFrame, report: ImportReport, level: str, name: str,
                  force: bool) -> None:
    """Coverage and extent of the dissolved units in the report; a file of a finer level is
    refused unless ``force`` (then a warning)."""
    from geo import checks

    current = current_codes(level)
    have = set(out["code"])
    report.matched = len(have & current)
    report.no_polygon = sorted(current - have)
    _check_extent(out, report)
    finer = (report.file_level is not None
             and LEVELS.index(report.file_level) > LEVELS.index(level))
    if finer and not force:
        raise BoundaryImportError(checks.finer_level_message(
            name, level, str(report.file_level), report.file_level_evidence,
            report.features_read, len(out)))
    if finer:
        report.warnings.append(f"{report.file_level} features dissolved into {level}s "
                               f"(--force): {report.file_level_evidence}")


def _codes_from_finer(gdf: gpd.GeoDataFrame, level: str, report: ImportReport, name: str,
                      force: bool) -> gpd.GeoDataFrame:
    """A file with only finer codes than the level (4-digit codes for provinces): refused, or
    with ``force`` given the level's codes as their first digits (to dissolve them)."""
    from geo import checks

    finer = report.file_level
    if (finer is None or LEVELS.index(finer) <= LEVELS.index(level)
            or not report.file_level_evidence.endswith("codes")
            or find_code_field(gdf, level) is not None):
        return gdf
    if not force:
        units = gdf[find_code_field(gdf, finer)].map(lambda v: clean_area_code(v, finer))
        raise BoundaryImportError(checks.finer_level_message(
            name, level, finer, report.file_level_evidence, report.features_read,
            units.dropna().str[:CODE_LENGTH[level]].nunique()))
    codes = gdf[find_code_field(gdf, finer)].map(lambda v: clean_area_code(v, finer))
    return gdf.assign(dopa_code=codes.str[:CODE_LENGTH[level]])


def _check_extent(gdf: gpd.GeoDataFrame, report: ImportReport) -> None:
    if gdf.empty:
        return
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = THAILAND_BOUNDS
    if maxx < bx0 or maxy < by0 or minx > bx1 or miny > by1:
        raise BoundaryImportError(
            f"the polygons lie outside Thailand ({minx:.2f}, {miny:.2f}, {maxx:.2f}, "
            f"{maxy:.2f} in WGS 84): the file's coordinate system is wrong or missing; pass "
            f"the right one with --crs (e.g. EPSG:32647 for UTM zone 47N)")
    if minx < bx0 or miny < by0 or maxx > bx1 or maxy > by1:
        report.warnings.append(
            f"boundaries reach outside Thailand ({minx:.2f}, {miny:.2f}, {maxx:.2f}, "
            f"{maxy:.2f}): check the file's CRS")


COORDINATE_DECIMALS = 6  # about 0.1 m: far below what any boundary file is accurate to


def geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """A compact RFC 7946 FeatureCollection (rings already counter-clockwise, WGS 84).

    Written directly rather than through GDAL's RFC 7946 writer, which took most of the
    import time on 7,400 subdistricts. Shared edges round to the same coordinates, so a
    coverage stays a coverage.
    """
    exact = gdf.geometry.to_numpy()
    geoms = shapely.transform(exact, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    bad = ~shapely.is_valid(geoms)
    if bad.any():  # a part thinner than the rounding collapsed: repair, or keep it unrounded
        geoms[bad] = [_polygonal(shapely.make_valid(g)) or e
                      for g, e in zip(geoms[bad], exact[bad], strict=True)]
        geoms[bad] = shapely.orient_polygons(geoms[bad], exterior_cw=False)
    texts = shapely.to_geojson(geoms)
    props = [{"code": str(c)} for c in gdf["code"]]
    if "status" in gdf:
        for prop, status in zip(props, gdf["status"], strict=True):
            prop["status"] = str(status)
    features = (
        '{"type":"Feature","properties":' + json.dumps(prop, ensure_ascii=False)
        + ',"geometry":' + text + "}"
        for prop, text in zip(props, texts, strict=True)
    )
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


def import_boundaries(
    path: str | Path,
    level: str,
    *,
    source: str | None = None,
    licence: str | None = None,
    attribution: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    keep_abolished: bool = False,
    replace: bool = False,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import a boundary file into the installed boundaries of a level, with its report.

    The file's units replace the same units of the level and every other unit is kept, unless
    ``replace`` (then the level is exactly the file). A file that looks like another level, lies
    elsewhere than the units of its codes, or (with ``replace``) covers far fewer units than
    the level has, is refused unless ``force``. The previous state is kept as a backup
    (``python -m geo restore``). ``<level>.geojson`` and ``<level>.meta.json`` are written to
    temporary files and renamed, so a failed import leaves the installed files as they were.
    """

    started = time.perf_counter()
    path = Path(path)
    out, report, cod_ab = build_boundaries(path, level, layer=layer, crs=crs,
                                           keep_abolished=keep_abolished, force=force)
    if out.empty:
        raise BoundaryImportError(
            f"no feature of {path.name} matched a {level} code; nothing installed")
    _refuse_misplaced(out, report, path.name, level, replace, force)
    merged, counts = layers.merge_units(level, out, replace)
    report.merge = counts.as_dict()
    report.missing_after = sorted(current_codes(level) - set(merged["code"])
                                  - set(counts.kept_builtin_codes))
    report.features_written = len(merged)
    data = geojson_text(merged).encode("utf-8")
    report.bytes_written = len(data)
    meta = _import_meta(path, level, report, cod_ab, replace, source, licence, attribution,
                        set(out["code"]))
    backup = layers.backup_level(level, f"before importing {path.name}")
    report.backup = backup["id"]
    report.seconds = round(time.perf_counter() - started, 2)
    meta["report"] = report.to_dict()
    try:
        layers.install_files(level, data, meta)
    except BaseException:
        layers.drop_backup(backup)  # nothing changed, so nothing to restore
        raise
    lineage = record_lineage(meta)
    if lineage:
        report.warnings.append(lineage)
    if log:
        log(report.text())
    return report


def _refuse_misplaced(out: gpd.GeoDataFrame, report: ImportReport, name: str, level: str,
                      replace: bool, force: bool) -> None:
    """Refuse, unless ``force``, units lying elsewhere than the built-in units of their codes,
    and (with ``replace``) a file covering far fewer units than the level has."""
    from geo import checks

    report.inside_builtin, compared = checks.inside_builtin(out, level)
    if (report.inside_builtin is not None and report.inside_builtin < checks.MIN_INSIDE
            and not force):
        raise BoundaryImportError(checks.inside_message(name, level, report.inside_builtin,
                                                        compared))
    if replace and not force:
        refusal = checks.replace_coverage_message(name, level, set(out["code"]))
        if refusal:
            raise BoundaryImportError(refusal)


def _import_meta(path: Path, level: str, report: ImportReport, cod_ab: bool, replace: bool,
                 source: str | None, licence: str | None, attribution: str | None,
                 codes: set[str]) -> dict[str, object]:
    """The installed level's meta: the new file's source, licence and attribution, the sources
    of the units kept from earlier imports, and the import report."""
    defaults = dict(COD_AB) if cod_ab else {"source": path.name, "licence": "unknown",
                                            "attribution": "", "attribution_short": ""}
    if cod_ab and report.valid_on:
        defaults["source"] = f"{defaults['source']}, valid on {report.valid_on}"
    entry = {
        "file": path.name,
        "source": source or defaults["source"],
        "licence": licence or defaults["licence"],
        "licence_url": defaults.get("licence_url"),
        "attribution": attribution if attribution is not None else defaults["attribution"],
        "attribution_short": (defaults["attribution_short"] if attribution is None
                              or attribution == defaults["attribution"] else attribution),
        "sha256": sha256_of(path) if path.is_file() else None,
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cod_ab": cod_ab,
        "units": len(codes),
        "codes": sorted(codes),
    }
    sources = layers.merged_sources(level, entry, replace)

    def joined(key: str) -> str:
        return " · ".join(dict.fromkeys(str(s[key]) for s in sources if s.get(key)))

    return {
        "level": level,
        "mode": "replace" if replace else "merge",
        **{k: entry[k] for k in ("file", "sha256", "imported_at", "licence_url")},
        "source": joined("source") or entry["source"],
        "licence": joined("licence") or entry["licence"],
        "attribution": joined("attribution"),
        "attribution_short": joined("attribution_short"),
        "features": report.features_written,
        "bytes": report.bytes_written,
        "sources": sources,
    }


def record_lineage(meta: dict[str, object]) -> str | None:
    """Add the import to ``boundary_imports`` in the store, if there is one.

    The installed files are the record that matters; the store row is lineage for the data
    page. With no store yet, or one another process holds open for writing, this is skipped
    and the reason returned (None when recorded).
    """
    from data import config
    from data.audit import cli_actor, record_event
    from data.store import open_store

    url = config.database_url()
    if url.startswith("duckdb:///") and not Path(url.removeprefix("duckdb:///")).exists():
        return None  # no store yet: nothing to record into, and no reason to create one
    try:
        store = open_store(url, create=False)
    except Exception as exc:  # StoreError, or a driver's own error class
        return f"lineage not recorded in the store: {exc}"
    report = meta["report"]
    assert isinstance(report, dict)
    who = cli_actor()
    try:
        with store.transaction():
            next_id = int(store.scalar(
                "SELECT COALESCE(MAX(import_id), 0) + 1 FROM boundary_imports") or 1)
            store.execute(
                "INSERT INTO boundary_imports (import_id, level, file_name, sha256, source, "
                "licence, imported_at, imported_by, features_read, units_matched, "
                "features_unmatched, abolished, no_polygon, bytes_written, report) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [next_id, meta["level"], meta["file"], meta["sha256"], meta["source"],
                 meta["licence"],
                 dt.datetime.fromisoformat(str(meta["imported_at"])).replace(tzinfo=None),
                 who, report["features_read"], report["matched"],
                 len(report["unmatched"]), len(report["abolished"]),
                 len(report["no_polygon"]), report["bytes_written"],
                 json.dumps(report, ensure_ascii=False)])
            record_event(store, who, "boundary_import", None,
                         f"{meta['level']}: {meta['file']} sha256={str(meta['sha256'])[:16]}")
    except Exception as exc:  # a failed lineage row never undoes an installed import
        return f"lineage not recorded in the store: {exc}"
    finally:
        store.close()
    return None


def status() -> dict[str, object]:
    """Every level: where its units come from, how many, source, licence, backups, payload.

    ``payload_bytes`` is what a browser is sent for the whole country at that level (the
    simplified GeoJSON of ``geo.payload``; subdistricts are only ever sent one province at a
    time), ``bytes`` the installed file on disk.
    """
    from geo import payload
    from geo.boundaries import boundary_info, has_builtin, installed_mode, load_boundaries, origin

    levels: dict[str, object] = {}
    for level in LEVELS:
        path = installed_path(level)
        drawn = load_boundaries(level)
        pl = payload.get_payload(level) if drawn is not None and level != "subdistrict" else None
        info = boundary_info(level) or {}
        entry: dict[str, object] = {
            "origin": origin(level), "installed": path.exists(), "mode": installed_mode(level),
            "builtin": has_builtin(level),
            "features": len(drawn) if drawn is not None else 0,
            "payload_bytes": pl.nbytes if pl else None,
            "payload_units": len(pl.codes) if pl else 0,
            "source": info.get("source"), "licence": info.get("licence"),
            "backups": len(layers.list_backups(level)),
        }
        if path.exists():
            meta = installed_meta(level) or {}
            try:
                installed = int(pyogrio.read_info(path)["features"])
            except Exception:  # a damaged file is reported, not raised
                installed = None
            entry.update(installed_features=installed, bytes=path.stat().st_size,
                         file=meta.get("file"), imported_at=meta.get("imported_at"),
                         no_polygon=len((meta.get("report") or {}).get("no_polygon", [])))
        levels[level] = entry
    return {"boundaries_dir": str(installed_path("province").parent),
            "installed": [lv for lv in LEVELS if installed_path(lv).exists()],
            "levels": levels}
