"""Boundary import benchmarks: `python -m geo import` work per level on the files in ../shared/geo.

Each case reads, matches, repairs, dissolves and writes one file into a temporary data
directory (the installed file and its report), as the command does. Skipped when ../shared/geo
is absent. There is no pandas baseline: the plain read of the same file is given in the notes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd

from bench.common import measure

SHARED_GEO = Path(__file__).resolve().parent.parent.parent / "shared" / "geo"
CASES = (
    ("raw/codab_adm1_tha_adm1_province_shp.zip", "province"),
    ("tha_adm1_provinces_s01.geojson", "province"),
    ("tha_adm2_districts_s005.geojson", "district"),
    ("tha_adm2_districts_full.geojson", "district"),
    ("tha_adm3_subdistricts_full.geojson", "subdistrict"),
)


def run(ctx: Any) -> list[dict[str, Any]]:
    geo = Path(os.environ.get("WARROOM_SHARED_GEO", SHARED_GEO))
    if not geo.is_dir():
        ctx.notes.append(f"geo import: {geo} absent, skipped")
        return []
    from geo.importer import import_boundaries

    rows: list[dict[str, Any]] = []
    repeat = 1 if ctx.quick else min(ctx.repeat, 3)
    cases = CASES[:2] if ctx.quick else CASES
    old = os.environ.get("WARROOM_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="bench-geo-") as tmp:
        os.environ["WARROOM_DATA_DIR"] = tmp
        try:
            for name, level in cases:
                path = geo / name
                reports: list[Any] = []
                timing = measure(
                    lambda p=path, lv=level, out=reports: out.append(import_boundaries(p, lv)),
                    repeat=repeat, warmup=0)
                read = measure(lambda p=path: gpd.read_file(p), repeat=repeat, warmup=0)
                report = reports[-1]
                rows.append({
                    "benchmark": "geo import", "case": f"{level} {Path(name).name}",
                    "backend": "geopandas", "median_ms": timing.median_ms,
                    "p95_ms": timing.p95_ms,
                    "extra": {"features": report.features_read, "matched": report.matched,
                              "unmatched": len(report.unmatched),
                              "abolished": len(report.abolished),
                              "no_polygon": len(report.no_polygon),
                              "file_bytes": path.stat().st_size,
                              "installed_bytes": report.bytes_written,
                              "read_only_ms": round(read.median_ms, 1)},
                })
        finally:
            if old is None:
                os.environ.pop("WARROOM_DATA_DIR", None)
            else:
                os.environ["WARROOM_DATA_DIR"] = old
    return rows
