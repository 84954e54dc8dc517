"""Builds the built-in boundaries (geo/builtin/) from an OCHA COD-AB subdistrict file.

``python -m geo.build_builtin FILE`` where FILE is the COD-AB Thailand ADM3 layer in any form the
importer reads (the HDX zip of every level, a shapefile, or the re-keyed GeoJSON of
``../shared/geo``). Subdistricts are written one file per province; districts and provinces are
dissolved from the same subdistricts, so the three levels nest exactly. The output depends only
on the input file: no timestamps, sorted codes, fixed precision (a rebuild is byte-identical).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import geopandas as gpd
import shapely

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
# Coordinates to 4 decimals (about 11 m). COD-AB's layers are generalised upstream: coverage
# simplification at any tolerance that keeps small Bangkok khwaeng intact removes almost no
# vertex, so the saving comes from the grid alone; the map payloads simplify per zoom level.
PRECISION = 4
LEVEL_FILES = {"province": "provinces", "district": "districts", "subdistrict": "subdistricts"}

SOURCE = ("OCHA Common Operational Dataset - Administrative Boundaries (COD-AB) Thailand, "
          "Royal Thai Survey Department (RTSD)")
LICENCE = "CC BY 3.0 IGO"
LICENCE_URL = "https://creativecommons.org/licenses/by/3.0/igo/"
# The attribution the source's licence asks for, word for word (../shared/geo/README.md).
ATTRIBUTION = ("Administrative boundaries: Royal Thai Survey Department, via UN OCHA / "
               "Humanitarian Data Exchange (COD-AB Thailand), CC BY 3.0 IGO. Generalised and "
               "re-keyed to DOPA codes; names from GeoThai data (CC BY 4.0).")
# On the map itself (Leaflet's attribution line): short enough for one line on a narrow map.
ATTRIBUTION_SHORT = "Boundaries © RTSD, OCHA COD-AB (CC BY 3.0 IGO) · names GeoThai (CC BY 4.0)"


def level_path(level: str, province: str | None = None, folder: Path = BUILTIN_DIR) -> Path:
    """Where a built-in layer lives: one file per level, subdistricts one file per province."""
    if level == "subdistrict":
        if province is None:
            raise ValueError("built-in subdistricts are stored per province")
        return folder / LEVEL_FILES[level] / f"{province}.geojson"
    return folder / f"{LEVEL_FILES[level]}.geojson"


def meta_file(level: str, folder: Path = BUILTIN_DIR) -> Path:
    return folder / f"{LEVEL_FILES[level]}.meta.json"


def read_subdistricts(path: Path) -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """The subdistricts of the file keyed by current DOPA codes, abolished units included.

    Abolished units stay (under their old code, ``status`` "abolished") so that their area is
    part of the district they lay in; they are not written as subdistricts themselves.
    """
    from geo.importer import build_boundaries, sha256_of

    out, report, _cod_ab = build_boundaries(path, "subdistrict", keep_abolished=True)
    if "status" not in out:
        out["status"] = "current"
    facts = {"file": path.name, "sha256": sha256_of(path) if path.is_file() else None,
             "bytes": path.stat().st_size if path.is_file() else None,
             "features_read": report.features_read, "method": report.method,
             "no_polygon": report.no_polygon, "recoded": report.recoded,
             "abolished": [a["code"] for a in report.abolished],
             "unmatched": len(report.unmatched)}
    return out.sort_values("code").reset_index(drop=True), facts


def snap(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coordinates on a 10^-PRECISION grid; neighbours share edges, so they snap alike."""
    geoms = shapely.set_precision(gdf.geometry.to_numpy(), 10 ** -PRECISION)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    return gdf.set_geometry(list(geoms), crs=4326)


def dissolve(gdf: gpd.GeoDataFrame, width: int) -> gpd.GeoDataFrame:
    """Units of a coarser level: the subdistricts grouped by the first ``width`` code digits."""
    codes, geoms = [], []
    for code, part in gdf.groupby(gdf["code"].str[:width], sort=True):
        parts = part.geometry.to_numpy()
        try:
            geom = shapely.coverage_union_all(parts)
        except shapely.errors.GEOSException:
            geom = shapely.union_all(parts)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        codes.append(code)
        geoms.append(geom)
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=4326)


def feature_text(gdf: gpd.GeoDataFrame) -> str:
    """An RFC 7946 FeatureCollection (rings counter-clockwise) with only the code per feature."""
    geoms = shapely.orient_polygons(gdf.geometry.to_numpy(), exterior_cw=False)
    rows = [f'{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{text}}}'
            for code, text in zip(gdf["code"], shapely.to_geojson(geoms), strict=True)]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(rows) + "\n]}\n"
    # GEOS writes the grid's binary neighbours (100.30000000000001): round them in the text.
    return re.sub(rf"-?\d+\.\d{{{PRECISION + 1},}}",
                  lambda m: f"{float(m.group()):.{PRECISION}f}".rstrip("0").rstrip("."), text)


def _meta(level: str, features: int, source: dict[str, object], **extra: object) -> dict:
    return {"level": level, "features": features, "source": SOURCE,
            "vintage": "tha_admbnda_adm3_rtsd_20220121 (attributes 2019-02-18, valid on "
                       "2022-01-22)",
            "licence": LICENCE, "licence_url": LICENCE_URL, "attribution": ATTRIBUTION,
            "attribution_short": ATTRIBUTION_SHORT, "precision": PRECISION,
            "derived_from": source, "built_by": f"python -m geo.build_builtin {source['file']}",
            **extra}


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def write_layers(subdistricts: gpd.GeoDataFrame, source: dict[str, object],
                 folder: Path = BUILTIN_DIR) -> dict[str, int]:
    """Write the three levels and their meta files; returns bytes written per level."""
    current = subdistricts[subdistricts["status"] != "abolished"]
    written = {}
    for level, width in (("province", 2), ("district", 4)):
        layer = dissolve(subdistricts, width)
        written[level] = _write(level_path(level, folder=folder), feature_text(layer))
        _write(meta_file(level, folder), json.dumps(
            _meta(level, len(layer), source), ensure_ascii=False, indent=1) + "\n")
    files: dict[str, dict[str, int]] = {}
    target = folder / LEVEL_FILES["subdistrict"]
    for stale in target.glob("*.geojson") if target.exists() else ():
        stale.unlink()  # a province that no longer has units must not keep an old file
    for province, part in current.groupby(current["code"].str[:2], sort=True):
        size = _write(level_path("subdistrict", province, folder), feature_text(part))
        files[province] = {"features": len(part), "bytes": size}
    written["subdistrict"] = sum(f["bytes"] for f in files.values())
    left_out = sorted(set(subdistricts["code"]) - set(current["code"]))
    _write(meta_file("subdistrict", folder), json.dumps(
        _meta("subdistrict", len(current), source, left_out_abolished=left_out,
              provinces=files), ensure_ascii=False, indent=1) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build_builtin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="COD-AB Thailand ADM3 (subdistrict) layer, e.g. "
                        "../shared/geo/tha_adm3_subdistricts_full.geojson or the HDX zip")
    parser.add_argument("--out", type=Path, default=BUILTIN_DIR,
                        help="folder to write (default: geo/builtin)")
    args = parser.parse_args(argv)
    from geo.importer import BoundaryImportError

    started = time.perf_counter()
    try:
        units, source = read_subdistricts(args.file)
    except BoundaryImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if source["unmatched"] or len(units) < 7000:
        print(f"error: {args.file.name} gave {len(units)} subdistricts and {source['unmatched']} "
              "unmatched features; expected the national COD-AB ADM3 layer", file=sys.stderr)
        return 1
    written = write_layers(snap(units), source, args.out)
    for level, size in written.items():
        print(f"{level}: {size:,} bytes")
    print(f"no polygon: {' '.join(source['no_polygon']) or 'none'}; abolished left out: "
          f"{' '.join(source['abolished']) or 'none'}")
    print(f"built in {time.perf_counter() - started:.1f} s from {args.file.name} "
          f"(sha256 {str(source['sha256'])[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
