"""MPI depth benchmark: H, A, M0 at three cut-offs for an area and its child units, the working
of one area's measures, and the robustness view, at every drill-down level (issue 22.4).

``python -m bench.bench_mpi_depth [--db PATH]`` prints a table; ``python -m bench.run`` runs it
with the others. Warm timings of what the poverty page calls; the baseline is the same three
cut-offs computed in plain pandas from household rows held in memory (bench_poverty's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bench.bench_poverty import (
    HouseholdIndex,
    _stores_from,
    load_households,
    pandas_drilldown,
    pick_levels,
)
from bench.common import Row, format_table, measure
from data import poverty as P
from data import poverty_depth as D
from data.scope import AccessScope
from domain import mpi_depth as md
from domain import poverty as pv


def run(ctx: Any = None, *, repeat: int = 7, log=print) -> list[dict[str, Any]]:
    """Benchmark rows for every level on every store of ``ctx``."""
    stores, own = _stores_from(ctx)
    if hasattr(ctx, "repeat"):
        repeat = ctx.repeat
    scope = AccessScope.everything()
    weights = pv.nested_weights()
    rows: list[Row] = []
    try:
        store = stores[0]
        year = max(P.load_poverty_years(store, scope))
        levels = pick_levels(store, year)
        hh = HouseholdIndex(load_households(store, year))
        ks = [pv.parse_k(k) for _, k in md.DEPTH_KS]
        baseline = {}
        for level, area in levels:
            baseline[level] = measure(
                lambda a=area, h=hh: [pandas_drilldown(h, a, k, weights) for k in ks],
                repeat=3, warmup=0)
        del hh
        for st_ in stores:
            for level, area in levels:
                # The page's own drill-down step, measured alongside as the yardstick (the
                # three cut-offs are three such steps).
                step = measure(lambda a=area, s=st_: P.poverty_drilldown(s, scope, a, year,
                                                                         ks[1]), repeat=repeat)
                depth = measure(lambda a=area, s=st_: D.mpi_depth(s, scope, a, year),
                                repeat=repeat)
                total = P.poverty_drilldown(st_, scope, area, year, ks[1]).area.to_dict()
                working = measure(lambda t=total: md.explain_measures(t, weights),
                                  repeat=repeat)
                robust = measure(lambda a=area, s=st_: D.mpi_robustness(s, scope, a, year),
                                 repeat=max(3, repeat // 2), warmup=1)
                units = len(D.mpi_depth(st_, scope, area, year).children)
                for case, timing, base in (("one drill-down step (reference)", step, None),
                                           ("three cut-offs", depth, baseline[level]),
                                           ("how computed", working, None),
                                           ("robustness (7 alternatives)", robust, None)):
                    # CPU time beside the wall time: on a shared, loaded machine the wall
                    # time includes waiting for a core.
                    rows.append(Row("mpi_depth", f"{level}: {case}", st_.dialect,
                                    timing.median_ms,
                                    base.median_ms if base is not None else None,
                                    timing.p95_ms, {"area": area, "units": units,
                                                    "cpu_ms": round(timing.cpu_median_ms or 0,
                                                                    2)}))
                log(f"{st_.dialect} {level}: step {step.median_ms:.1f} ms "
                    f"(cpu {step.cpu_median_ms:.1f}), depth {depth.median_ms:.1f} ms "
                    f"(cpu {depth.cpu_median_ms:.1f}), working {working.median_ms:.2f} ms, "
                    f"robustness {robust.median_ms:.1f} ms (cpu {robust.cpu_median_ms:.1f}) "
                    f"({units} units)")
    finally:
        if own:
            for s in stores:
                s.close()
    return [r.as_dict() for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a DuckDB store")
    args = parser.parse_args(argv)
    rows = run({"db": args.db})
    print(format_table([Row(**{k: v for k, v in r.items() if k != "ratio"}) for r in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
