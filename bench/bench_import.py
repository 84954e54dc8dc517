"""Import throughput: a household CSV checked, previewed and committed as one batch.

The CSV is TIS-620 with Thai headers, BE years and Thai digits in some cells.
``python -m bench.bench_import`` runs it alone (``--rows``, default 1,000,000);
``python -m bench.run`` includes it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def household_csv(villages: list[str], rows: int, seed: int = 7) -> bytes:
    from data.catalogue import POVERTY_INDICATORS
    from data.importer.specs import SPECS

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
    from data.areas import regions_frame, registry_frame
    from data.store import open_store

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
            "rows_per_s": round(rows / (t_preview + t_commit))}


def run(ctx: Any) -> list[dict[str, Any]]:
    duck = ctx.store("duckdb")
    villages = duck.query("SELECT * FROM areas WHERE level = 'village' LIMIT 20000")
    rows = 50_000 if ctx.quick else 1_000_000
    m = measure(villages, rows)
    return [{"benchmark": "import", "case": f"{rows:,} household rows, TIS-620 CSV, preview+commit",
             "backend": "duckdb", "median_ms": (m["preview_s"] + m["commit_s"]) * 1000,
             "extra": m}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", required=True, help="a demo DuckDB store (villages are read)")
    args = parser.parse_args()
    from data.store import Store

    src = Store(f"duckdb:///{args.db}", read_only=True)
    villages = src.query("SELECT * FROM areas WHERE level = 'village' LIMIT 20000")
    src.close()
    print(json.dumps(measure(villages, args.rows), indent=2))


if __name__ == "__main__":
    main()
