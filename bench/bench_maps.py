"""Map benchmarks: GeoJSON bytes sent per level, payload build time cold and warm, bytes per restyle.

``python -m bench.bench_maps`` prints the table; the bench runner calls ``run(ctx)``.
The built-in layers (geo/builtin, nothing installed) are measured at every level, and the files
of ``../shared/geo`` installed as links (not copied) when that folder exists.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import Row, format_table, measure

SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "geo"
if not SHARED_GEO.exists():
    SHARED_GEO = Path(__file__).resolve().parents[3] / "shared" / "geo"
SHARED_FILES = {"province": "tha_adm1_provinces_full.geojson",
                "district": "tha_adm2_districts_full.geojson",
                "subdistrict": "tha_adm3_subdistricts_full.geojson"}
# National maps and the local ones a drill-down shows (Nakhon Ratchasima is the largest).
CASES = (("province", None), ("district", None), ("district", "30"), ("subdistrict", "30"),
         ("subdistrict", "3001"), ("subdistrict", None))


@contextmanager
def _data_dir(source: str):
    """WARROOM_DATA_DIR for one source: "builtin" (empty dir) or "shared" (links to shared)."""
    old = os.environ.get("WARROOM_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="bench-maps-") as tmp:
        if source == "shared":
            folder = Path(tmp) / "boundaries"
            folder.mkdir()
            for level, name in SHARED_FILES.items():
                (folder / f"{level}.geojson").symlink_to(SHARED_GEO / name)
        os.environ["WARROOM_DATA_DIR"] = tmp
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("WARROOM_DATA_DIR", None)
            else:
                os.environ["WARROOM_DATA_DIR"] = old


def _values(codes: tuple[str, ...], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"code": list(codes), "value": rng.gamma(2.0, 10.0, len(codes))})


def _case(source: str, level: str, parent: str | None, repeat: int) -> Row | None:
    from components import leaflet_map
    from geo import boundaries, payload

    boundaries._CACHE.clear()
    boundaries._FILES.clear()
    payload.clear_cache()
    t = time.perf_counter()
    if boundaries.load_boundaries(level, parent[:2] if parent else None) is None:
        return None
    read_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    pl = payload.get_payload(level, parent)
    cold_ms = (time.perf_counter() - t) * 1000
    if pl is None:
        return None
    warm = measure(lambda: payload.get_payload(level, parent), repeat=repeat)

    # One filter change: new values, same geometry. What the map element carries then.
    def restyle(seed: int = 1) -> tuple[int, int]:
        m, group = leaflet_map.build_area_map(_values(pl.codes, seed), level=level, value_label="v",
                                       parent_code=parent, language="en")
        base = m.get_root().render()
        return len(base.encode()), len(leaflet_map._AreaStyle(
            leaflet_map.style_for(_values(pl.codes, seed), pl.codes, value_label="v", fmt=None,
                           selected=None, scheme="sequential", higher_is_better=True,
                           method="quantiles", language="en")).style.encode())

    # The median is a warm rerun: cached geometry, new values -> map script and style table.
    restyle_t = measure(restyle, repeat=repeat)
    base_bytes, style_bytes = restyle()
    return Row("maps", f"{level}/{parent or 'all'}", source, restyle_t.median_ms,
               p95_ms=restyle_t.p95_ms,
               extra={"units": len(pl.codes), "geojson_bytes": pl.nbytes,
                      "gzip_bytes": len(gzip.compress(pl.text.encode())),
                      "read_ms": round(read_ms), "cold_build_ms": round(cold_ms),
                      "cached_payload_ms": round(warm.median_ms, 2),
                      "script_bytes": base_bytes, "style_bytes": style_bytes})


def collect(repeat: int = 5) -> list[Row]:
    rows: list[Row] = []
    with _data_dir("builtin"):
        for level, parent in CASES:
            if level == "subdistrict" and parent is None:
                continue  # built-in subdistricts are only ever sent per province
            row = _case("builtin", level, parent, repeat)
            if row:
                rows.append(row)
    if all((SHARED_GEO / f).exists() for f in SHARED_FILES.values()):
        with _data_dir("shared"):
            for level, parent in CASES:
                row = _case("shared-geo", level, parent, repeat)
                if row:
                    rows.append(row)
    return rows


def run(ctx: Any = None) -> list[dict[str, Any]] | None:
    """With a bench context: rows for the runner. Without: print the table."""
    rows = collect(repeat=3 if getattr(ctx, "quick", False) else 5)
    if ctx is None:
        print(format_table(rows))
        return None
    return [r.as_dict() for r in rows]


if __name__ == "__main__":
    run()
