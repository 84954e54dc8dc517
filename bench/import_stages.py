"""CPU time of each stage of the import check (``bench_import.measure_check``'s file):
medians over runs, each stage timed by wrapping the pipeline's calls.

``python -m bench.import_stages --db STORE [--repeat N] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from typing import Any

STAGES = {"read": "read_table", "suggest": "suggest_mapping", "map": "apply_mapping",
          "parse": "_parse_fields", "areas": "_resolve_areas",
          "duplicates": "_resolve_duplicates", "checks": "run_checks", "preview": "_preview"}


def _timed(fn: Any, name: str, spent: dict[str, float]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - c
    return wrapper


def measure(store: Any, repeat: int) -> dict[str, Any]:
    from bench.bench_import import indicator_csv
    from data.importer import pipeline
    from data.importer.areas import forget_cells
    from data.scope import AccessScope

    steward = AccessScope(user="bench", roles=frozenset({"steward"}), provinces=None)
    data = indicator_csv(store)
    spent: dict[str, float] = {}
    saved = {attr: getattr(pipeline, attr) for attr in STAGES.values()}
    build = pipeline.BUILDERS["indicators"]
    for name, attr in STAGES.items():
        setattr(pipeline, attr, _timed(saved[attr], name, spent))
    pipeline.BUILDERS["indicators"] = _timed(build, "build", spent)
    runs: list[dict[str, float]] = []
    try:
        pipeline.preview_import(store, steward, data, "district_table.csv", "indicators")
        for _ in range(repeat):
            forget_cells()
            spent.clear()
            c = time.process_time()
            pipeline.preview_import(store, steward, data, "district_table.csv", "indicators")
            total = time.process_time() - c
            runs.append({**spent, "total": total})
    finally:
        for attr, fn in saved.items():
            setattr(pipeline, attr, fn)
        pipeline.BUILDERS["indicators"] = build
    keys = runs[0].keys()
    med = {k: round(statistics.median(r[k] for r in runs) * 1000, 1) for k in keys}
    med["not_areas"] = round(med["total"] - med.get("areas", 0.0), 1)
    return {"runs": repeat, "cpu_ms": med, "load_average": list(os.getloadavg())}


def profile(store: Any, sort: str = "cumulative", limit: int = 60) -> None:
    from bench.bench_import import indicator_csv
    from data.importer import preview_import
    from data.importer.areas import forget_cells
    from data.scope import AccessScope

    steward = AccessScope(user="bench", roles=frozenset({"steward"}), provinces=None)
    data = indicator_csv(store)
    preview_import(store, steward, data, "district_table.csv", "indicators")
    prof = cProfile.Profile(time.process_time)
    for _ in range(3):
        forget_cells()
        prof.enable()
        preview_import(store, steward, data, "district_table.csv", "indicators")
        prof.disable()
    pstats.Stats(prof).sort_stats(sort).print_stats(limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", choices=("cumulative", "tottime"))
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args()
    from data.store import Store

    store = Store(f"duckdb:///{args.db}", read_only=True)
    if args.profile:
        profile(store, args.profile, args.limit)
    else:
        print(json.dumps(measure(store, args.repeat)))
    store.close()


if __name__ == "__main__":
    main()
