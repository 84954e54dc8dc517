"""Import throughput: a household CSV checked, previewed and committed as one batch; the
check of a 100,000-row indicator file with 5 % unknown areas against the store, with a plain
``pandas.read_csv`` of the same file as the baseline; and rows/s of committing that file
into a scratch copy of what it reads (the measured store is never written).

The household CSV is TIS-620 with Thai headers, BE years and Thai digits in some cells.
``python -m bench.bench_import`` runs it alone (``--rows``, default 1,000,000);
``python -m bench.run`` includes it.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def household_csv(villages: list[str], rows: int, seed: int = 7) -> bytes:
    from data.importer.specs import SPECS
    from domain.catalogue import POVERTY_INDICATORS

    rng = np.random.default_rng(seed)
    spec = SPECS["households"]
    heads = [f.th for f in spec.fields]
    village = np.array(villages)[rng.integers(0, len(villages), rows)]
    cols: dict[str, Any] = {
        heads[0]: [f"H{i:08d}" for i in range(rows)],
        heads[1]: "2567",
        heads[2]: village,
        heads[3]: rng.integers(1, 8, rows).astype(str),
        heads[4]: (rng.lognormal(10.5, 0.5, rows)).round(0).astype(int).astype(str),
        heads[5]: np.where(rng.random(rows) < 0.3, "ใช่", "ไม่ใช่"),
        heads[6]: np.where(rng.random(rows) < 0.05, "1", "0"),
    }
    for i, _ in enumerate(POVERTY_INDICATORS):
        cols[heads[7 + i]] = np.where(rng.random(rows) < 0.04, "1", "0")
    frame = pd.DataFrame(cols)
    # Some members in Thai digits, as typed on Thai keyboards.
    frame.loc[frame.index % 10 == 0, heads[3]] = "๓"
    text = "รายงานข้อมูล จปฐ. ปี 2567\n" + frame.to_csv(index=False)
    return text.encode("cp874")


def _scratch_store(path: Path, villages: pd.DataFrame) -> Any:
    from data.store import open_store
    from domain.areas import regions_frame, registry_frame

    store = open_store(f"duckdb:///{path}")
    store.insert_df("regions", regions_frame())
    store.insert_df("areas", pd.concat([registry_frame(), villages], ignore_index=True))
    return store


def measure(villages: pd.DataFrame, rows: int) -> dict[str, Any]:
    from data.importer import commit_import, preview_import
    from data.scope import AccessScope

    steward = AccessScope(user="bench", roles=frozenset({"steward"}), provinces=None)
    data = household_csv(villages.code.tolist(), rows)
    with tempfile.TemporaryDirectory(prefix="warroom-importx-") as tmp:
        store = _scratch_store(Path(tmp) / "s.duckdb", villages)
        t0 = time.perf_counter()
        preview = preview_import(store, steward, data, "households.csv", "households")
        t_preview = time.perf_counter() - t0
        t1 = time.perf_counter()
        result = commit_import(store, steward, preview)
        t_commit = time.perf_counter() - t1
        store.close()
    return {"rows": rows, "file_mb": round(len(data) / 1048576, 1),
            "accepted": result.inserted, "rejected": result.rejected,
            "preview_s": round(t_preview, 2), "commit_s": round(t_commit, 2),
            "rows_per_s": round(rows / (t_preview + t_commit)), "load_average": _load()}


def indicator_csv(store: Any, rows: int = 100_000, unknown: float = 0.05,
                  seed: int = 11) -> bytes:
    """An agency-style district table: Thai headers, BE years, thousands separators, and
    ``unknown`` of the rows on areas that are no DOPA unit (registration-office codes,
    municipalities, names that match nothing)."""
    rng = np.random.default_rng(seed)
    cat = store.query("SELECT indicator_code FROM sdg_indicators WHERE levels LIKE '%district%' "
                      "AND unit = '%' "
                      "ORDER BY 1")
    areas = store.query("SELECT code, level FROM areas WHERE level IN ('province', 'district')")
    combos = pd.MultiIndex.from_product(
        [cat.indicator_code, areas.code, [str(y) for y in range(2556, 2568)],
         ["total", "ชาย", "หญิง"]], names=["ind", "area", "year", "dis"]).to_frame(index=False)
    n_bad = int(rows * unknown)
    good = combos.sample(n=rows - n_bad, random_state=seed, replace=len(combos) < rows - n_bad)
    provinces = areas.code[areas.level == "province"].to_numpy()
    kinds = rng.random(n_bad)
    bad_area = np.where(
        kinds < 0.6,
        [f"{p}{o}" for p, o in zip(rng.choice(provinces, n_bad), rng.integers(51, 100, n_bad),
                                   strict=True)],
        np.where(kinds < 0.8, [f"เทศบาลตำบลบ้าน{i}" for i in rng.integers(0, 5000, n_bad)],
                 [f"บ้านไม่มี{i}" for i in rng.integers(0, 5000, n_bad)]))
    bad = pd.DataFrame({"ind": rng.choice(cat.indicator_code, n_bad), "area": bad_area,
                        "year": rng.choice([str(y) for y in range(2561, 2568)], n_bad),
                        "dis": "total"})
    frame = pd.concat([good, bad], ignore_index=True).sample(frac=1, random_state=seed)
    values = rng.uniform(1, 99, len(frame)).round(2)
    out = pd.DataFrame({"รหัสตัวชี้วัด": frame.ind.to_numpy(), "รหัสพื้นที่": frame.area.to_numpy(),
                        "ปี พ.ศ.": frame.year.to_numpy(), "การจำแนก": frame.dis.to_numpy(),
                        "ค่า (ร้อยละ)": values})
    return ("ตารางตัวชี้วัดรายอำเภอ\n" + out.to_csv(index=False)).encode("utf-8")


def measure_check(store: Any, repeat: int = 3) -> dict[str, Any]:
    """Median time of the check (read, map, parse, areas, duplicates against the store) and of
    ``pandas.read_csv`` of the same bytes; the cost per unknown area value on its own."""
    import io
    import statistics

    from data.importer import preview_import
    from data.importer.areas import AreaMatcher, forget_cells
    from data.scope import AccessScope

    steward = AccessScope(user="bench", roles=frozenset({"steward"}), provinces=None)
    data = indicator_csv(store)
    t0 = time.perf_counter()
    first = preview_import(store, steward, data, "district_table.csv", "indicators")
    cold = time.perf_counter() - t0
    checks, reads, check_cpu, read_cpu = [], [], [], []
    for _ in range(repeat):
        # The registry's indexes stay built (once per store); the cells' normalised texts
        # are forgotten, as for a file never seen before.
        forget_cells()
        t, c = time.perf_counter(), time.process_time()
        preview_import(store, steward, data, "district_table.csv", "indicators")
        checks.append(time.perf_counter() - t)
        check_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        pd.read_csv(io.BytesIO(data))
        reads.append(time.perf_counter() - t)
        read_cpu.append(time.process_time() - c)
    unknown = first.rejected[first.rejected.reason.isin(["area_unknown", "non_dopa"])]
    cells = unknown["รหัสพื้นที่"].astype(str).drop_duplicates().tolist()
    matcher = AreaMatcher.from_store(store)
    forget_cells()
    t = time.perf_counter()
    for cell in cells:
        matcher._resolve_tuple({"area": cell}, ("province", "district"))
    per_unknown = (time.perf_counter() - t) / max(1, len(cells))
    check, read = statistics.median(checks), statistics.median(reads)
    return {"rows": first.rows_read, "file_mb": round(len(data) / 1048576, 1),
            "accepted": len(first.accepted), "unknown_rows": len(unknown),
            "unknown_distinct": len(cells), "check_cold_s": round(cold, 3),
            "check_s": round(check, 3), "read_csv_s": round(read, 3),
            "ratio": round(check / read, 2),
            # CPU time: on a shared machine the wall time includes waiting for a core.
            "check_cpu_s": round(statistics.median(check_cpu), 3),
            "read_csv_cpu_s": round(statistics.median(read_cpu), 3),
            "cpu_ratio": round(statistics.median(check_cpu) / statistics.median(read_cpu), 2),
            "ms_per_unknown_value": round(per_unknown * 1000, 4),
            # Other work on the machine stretches the wall times (and the ratio): say how much.
            "load_average": _load()}


def _indicator_scratch(path: Path, src: Any) -> Any:
    """A scratch store holding what an indicator import reads, copied from ``src`` (never
    written): the area registry and regions, the indicator catalogue, and the stored values
    of the benchmark file's indicators (so that its rows meet the same stored keys)."""
    from data.store import open_store

    store = open_store(f"duckdb:///{path}")
    catalogue = src.query("SELECT * FROM sdg_indicators")
    for table, frame in (("regions", src.query("SELECT * FROM regions")),
                         ("areas", src.query("SELECT * FROM areas")),
                         ("sdg_indicators", catalogue)):
        store.insert_df(table, frame)
    codes = catalogue.indicator_code[catalogue.levels.str.contains("district", na=False)
                                     & (catalogue.unit == "%")].tolist()
    store.insert_df("sdg_values", src.query(
        "SELECT indicator_code, area_code, year, disaggregation, value FROM sdg_values "
        "WHERE indicator_code = ANY(?)", [codes]))
    return store


def measure_commit(src: Any, repeat: int = 3, rows: int = 100_000) -> dict[str, Any]:
    """The 100,000-row indicator file of ``measure_check`` previewed and committed into a
    scratch copy of what it reads from ``src`` (a fresh copy for each run; the copying and a
    first preview that builds the registry's indexes are not timed): median wall and CPU time
    of the preview and of the commit, and rows/s."""
    import statistics

    from data.importer import commit_import, preview_import
    from data.importer.areas import forget_cells
    from data.scope import AccessScope

    steward = AccessScope(user="bench", roles=frozenset({"steward"}), provinces=None)
    data = indicator_csv(src, rows=rows)
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="warroom-importc-") as tmp:
            store = _indicator_scratch(Path(tmp) / "s.duckdb", src)
            # The registry's indexes are built once per store (as in measure_check); the
            # cells' texts are forgotten: a file never seen before.
            preview_import(store, steward, data, "district_table.csv", "indicators")
            forget_cells()
            t, c = time.perf_counter(), time.process_time()
            preview = preview_import(store, steward, data, "district_table.csv", "indicators")
            t1, c1 = time.perf_counter(), time.process_time()
            result = commit_import(store, steward, preview)
            t2, c2 = time.perf_counter(), time.process_time()
            store.close()
        runs.append({"preview_s": t1 - t, "commit_s": t2 - t1, "preview_cpu_s": c1 - c,
                     "commit_cpu_s": c2 - c1, "written": result.inserted,
                     "rejected": result.rejected})
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rows = preview.rows_read
    total = med["preview_s"] + med["commit_s"]
    return {"rows": rows, "file_mb": round(len(data) / 1048576, 1), "runs": repeat,
            "written": int(med["written"]), "rejected": int(med["rejected"]),
            **{k: round(v, 3) for k, v in med.items() if k.endswith("_s")},
            "rows_per_s": round(rows / total),
            "rows_per_cpu_s": round(rows / (med["preview_cpu_s"] + med["commit_cpu_s"])),
            "written_per_s_of_commit": round(med["written"] / med["commit_s"]),
            "load_average": _load()}


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def run(ctx: Any) -> list[dict[str, Any]]:
    duck = ctx.store("duckdb")
    villages = duck.query("SELECT * FROM areas WHERE level = 'village' LIMIT 20000")
    rows = 50_000 if ctx.quick else 1_000_000
    m = measure(villages, rows)
    c = measure_check(duck, repeat=3 if ctx.quick else 7)
    w = measure_commit(duck, repeat=1 if ctx.quick else 3)
    return [{"benchmark": "import", "case": f"{rows:,} household rows, TIS-620 CSV, preview+commit",
             "backend": "duckdb", "median_ms": (m["preview_s"] + m["commit_s"]) * 1000,
             "extra": m},
            {"benchmark": "import", "case": f"{w['rows']:,} indicator rows, 5 % unknown areas, "
                                            "preview+commit (scratch copy)",
             "backend": "duckdb", "median_ms": (w["preview_s"] + w["commit_s"]) * 1000,
             "extra": w},
            {"benchmark": "import", "case": f"check {c['rows']:,} indicator rows, 5 % unknown "
                                            "areas (baseline: pandas read_csv)",
             "backend": "duckdb", "median_ms": c["check_s"] * 1000,
             "baseline_ms": c["read_csv_s"] * 1000, "extra": c}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", required=True, help="a demo DuckDB store (villages are read)")
    parser.add_argument("--check-only", action="store_true",
                        help="only the 100,000-row check against the store")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of the check")
    args = parser.parse_args()
    from data.store import Store

    src = Store(f"duckdb:///{args.db}", read_only=True)
    villages = src.query("SELECT * FROM areas WHERE level = 'village' LIMIT 20000")
    print(json.dumps(measure_check(src, repeat=args.repeat), indent=2))
    if not args.check_only:
        print(json.dumps(measure_commit(src), indent=2))
    src.close()
    if not args.check_only:
        print(json.dumps(measure(villages, args.rows), indent=2))


if __name__ == "__main__":
    main()
