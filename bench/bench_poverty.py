"""Poverty drill-down benchmark: pre-computed store queries against plain pandas, every level.

``python -m bench.bench_poverty [--db PATH]`` prints a table. For each drill-down level
(Thailand, a region, the largest province, and its largest district, subdistrict, village)
it times, warm, the store query behind the page (per-child AF totals and MPI plus the area's
own; the MPI trend over all survey years; the assistance pipeline) and a plain-pandas
implementation of the same computation on the household table, loaded into memory beforehand
(the load is not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import Row, Timing, format_table, measure
from data import poverty as P
from data.scope import AccessScope
from data.store import Store
from domain import catalogue
from domain import poverty as pv
from domain.areas import REGIONS_NESDC

_FLAGS = list(catalogue.DEPRIVATION_COLUMNS)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stores_from(ctx: Any) -> tuple[list[Store], bool]:
    """The stores to measure: each backend of the runner's context, or one DuckDB file."""
    if hasattr(ctx, "backends"):
        return [ctx.store(b) for b in ctx.backends()], False
    return [Store(f"duckdb:///{ctx['db']}", read_only=True)], True


def pick_levels(store: Store, year: int) -> list[tuple[str, str]]:
    """(level, area code): the country, the Northeast, then the largest unit at each level."""
    levels = [("country", ""), ("region", "R:NE")]
    code = ""
    for level, column in (("province", "province_code"), ("district", "district_code"),
                          ("subdistrict", "subdistrict_code"), ("village", "village_code")):
        cond, params = P.area_filter(code) if code else ("TRUE", [])
        code = store.scalar(
            f"SELECT {column} FROM poverty_profiles WHERE survey_year = ? AND {cond} "
            f"GROUP BY {column} ORDER BY SUM(households) DESC, {column} LIMIT 1",
            [year, *params])
        levels.append((level, code))
    return levels


# -- the plain-pandas baseline -----------------------------------------------------------------
def load_households(store: Store, year: int | None) -> pd.DataFrame:
    """Household rows in pandas with compact dtypes (codes as integers: kind to pandas)."""
    cond, params = ("survey_year = ?", [year]) if year is not None else ("TRUE", [])
    df = store.query(
        "SELECT CAST(village_code AS INTEGER) AS village, CAST(survey_year AS SMALLINT) AS year, "
        "CAST(members AS TINYINT) AS members, target_poor, "
        f"{', '.join(_FLAGS)} FROM households WHERE {cond}", params)
    return df


def _pandas_mask(hh: pd.DataFrame, area: str) -> pd.Series:
    if not area:
        return pd.Series(True, index=hh.index)
    if area.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area[2:])
        return (hh.village // 1_000_000).isin([int(p) for p in provinces])
    return hh.village // 10 ** (8 - len(area)) == int(area)


def pandas_totals(hh: pd.DataFrame, area: str, key: str, k: float,
                  weights: pv.Weights) -> pd.DataFrame:
    """The same additive AF totals as ``data.poverty``, grouped by child code or year.

    Plain pandas on the household rows: select the area, pack each household's deprivations
    into a bit mask, group by (unit, mask, target-poor) counting households and people, then
    identify the poor at ``k`` on the groups (with the app's own final step, so both sides
    compute exactly the same figures).
    """
    sel = hh[_pandas_mask(hh, area)]
    bits = np.zeros(len(sel), dtype=np.int32)
    for j, col in enumerate(_FLAGS):
        bits |= sel[col].to_numpy(dtype=np.int32) << j
    if key == "year":
        group = sel.year.to_numpy()
    else:
        child_len = 2 if not area or area.startswith("R:") else min(len(area) + 2, 8)
        group = (sel.village // 10 ** (8 - child_len)).to_numpy()
    frame = pd.DataFrame({"code": group, "bits": bits, "target_poor": sel.target_poor.to_numpy(),
                          "members": sel.members.to_numpy(dtype=np.int64)})
    groups = (frame.groupby(["code", "bits", "target_poor"], sort=False)
              .agg(households=("members", "size"), people=("members", "sum")).reset_index())
    flags = (groups.bits.to_numpy()[:, None] >> np.arange(len(_FLAGS))) & 1
    rows = pd.DataFrame(flags.astype(bool), columns=_FLAGS)
    rows["code"] = groups.code.to_numpy()
    rows["target_poor"] = groups.target_poor.to_numpy()
    rows["households"] = groups.households.to_numpy()
    rows["people"] = groups.people.to_numpy()
    totals = P.totals_from_profiles(rows, weights, k)
    if not area and key != "year":
        region_of = {int(p): f"R:{r.code}" for r in REGIONS_NESDC for p in r.provinces}
        totals = totals.assign(code=totals.code.map(region_of)).groupby("code").sum()
        totals = totals.reset_index()
    return pv.measures_frame(totals, weights)


def pandas_drilldown(hh: pd.DataFrame, area: str, k: float,
                     weights: pv.Weights) -> tuple[pd.DataFrame, pd.Series]:
    """What the store side computes for a drill-down step: the children and the area."""
    children = pandas_totals(hh, area, "child", k, weights)
    return children, P.poverty_area_totals(children, weights.key())


def pandas_pipeline(cases: pd.DataFrame, area: str, year: int) -> pd.DataFrame:
    sel = cases[(cases.survey_year == year) & _pandas_mask(cases, area)]
    return sel.groupby(["dimension", "agency", "status"]).size().rename("cases").reset_index()


# -- the run -----------------------------------------------------------------------------------
def run(ctx: Any = None, *, repeat: int = 7, baseline_repeat: int = 3,
        trend_baseline: bool = False, log=print) -> list[dict[str, Any]]:
    """Benchmark rows (dicts) for every level on every store of ``ctx`` (see ``_stores_from``)."""
    stores, own = _stores_from(ctx)
    if hasattr(ctx, "repeat"):
        repeat = ctx.repeat
    store = stores[0]  # the pandas baseline reads its households from the first (DuckDB)
    scope = AccessScope.everything()
    weights = pv.nested_weights()
    k = float(pv.DEFAULT_K)
    try:
        year = max(P.load_poverty_years(store, scope))
        households = int(store.scalar("SELECT COUNT(*) FROM households WHERE survey_year = ?",
                                      [year]))
        profiles = int(store.scalar("SELECT COUNT(*) FROM poverty_profiles"))
        levels = pick_levels(store, year)
        log(f"{households:,} households in {year}; {profiles:,} profile rows; "
            f"levels: {levels}")
        rows: list[Row] = []
        timings: dict[tuple[str, str, str], Timing] = {}
        for st_ in stores:
            for level, area in levels:
                # What the page calls: the children (with their names) and the area.
                timings[(st_.dialect, level, "drilldown")] = measure(
                    lambda a=area, s=st_: P.poverty_drilldown(s, scope, a, year, k),
                    repeat=repeat)
                timings[(st_.dialect, level, "trend")] = measure(
                    lambda a=area, s=st_: P.poverty_trend(s, scope, a, k), repeat=repeat)
                timings[(st_.dialect, level, "pipeline")] = measure(
                    lambda a=area, s=st_: P.assistance_pipeline(s, scope, a, year),
                    repeat=repeat)
                log(f"{st_.dialect} {level}: " + ", ".join(
                    f"{case} {timings[(st_.dialect, level, case)].median_ms:.1f} ms"
                    for case in ("drilldown", "trend", "pipeline")))
        rss_store = _rss_mb()

        t = time.perf_counter()
        hh = load_households(store, year)
        cases = store.query("SELECT CAST(village_code AS BIGINT) AS village, survey_year, "
                            "dimension, agency, status FROM assistance_cases")
        load_s = time.perf_counter() - t
        log(f"pandas: loaded {len(hh):,} households and {len(cases):,} cases in {load_s:.1f} s")
        baseline: dict[tuple[str, str], Timing] = {}
        for level, area in levels:
            step = P.poverty_drilldown(store, scope, area, year, k)
            got, got_area = step.children.set_index("code"), step.area
            want, want_area = pandas_drilldown(hh, area, k, weights)
            assert np.isclose(got_area.mpi, want_area.mpi), f"area MPI differs at {level}"
            want = want.assign(code=want.code.map(
                lambda c: c if isinstance(c, str) else str(int(c))))
            want = want.set_index("code")
            assert np.allclose(got.loc[want.index, "mpi"], want.mpi), f"MPI differs at {level}"
            assert (got.loc[want.index, "poor"] == want.poor).all(), f"poor differs at {level}"
            # The baseline's data is already in memory (warm): no separate warm-up run.
            baseline[(level, "drilldown")] = measure(
                lambda a=area, h=hh: pandas_drilldown(h, a, k, weights),
                repeat=baseline_repeat, warmup=0)
            baseline[(level, "pipeline")] = measure(
                lambda a=area: pandas_pipeline(cases, a, year), repeat=baseline_repeat,
                warmup=0)
            log(f"pandas {level}: drilldown {baseline[(level, 'drilldown')].median_ms:.1f} ms")
        del hh
        if trend_baseline:
            t = time.perf_counter()
            all_years = load_households(store, None)
            log(f"pandas: loaded {len(all_years):,} household-years in "
                f"{time.perf_counter() - t:.1f} s")
            for level, area in levels:
                baseline[(level, "trend")] = measure(
                    lambda a=area, h=all_years: pandas_totals(h, a, "year", k, weights),
                    repeat=1, warmup=0)
                log(f"pandas {level}: trend {baseline[(level, 'trend')].median_ms:.1f} ms")
            del all_years
        rss_all = _rss_mb()
        for (backend, level, case), timing in timings.items():
            area = dict(levels)[level]
            base = baseline.get((level, case))
            extra: dict[str, Any] = {"area": area or "TH", "runs": timing.runs,
                                     "cpu_ms": round(timing.cpu_median_ms, 1)}
            if base is not None:
                extra["pandas_cpu_ms"] = round(base.cpu_median_ms, 1)
                extra["cpu_x"] = round(base.cpu_median_ms / timing.cpu_median_ms, 1) if timing.cpu_median_ms else None
            rows.append(Row("poverty", f"{level} {case}", backend, timing.median_ms,
                            None if base is None else base.median_ms, timing.p95_ms, extra))
        out = [r.as_dict() for r in rows]
        memory = {"peak_rss_mb_store_only": round(rss_store),
                  "peak_rss_mb_with_pandas": round(rss_all),
                  "households_year": households, "profile_rows": profiles,
                  "pandas_load_s": round(load_s, 1),
                  "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
                  "cpus": os.cpu_count()}
        if hasattr(ctx, "notes"):  # the runner's table has timed rows only
            ctx.notes.append(f"poverty memory: {memory}")
        else:
            out.append({"benchmark": "poverty", "case": "memory", "backend": store.dialect,
                        "median_ms": None, "baseline_ms": None, "ratio": None,
                        "p95_ms": None, "extra": memory})
        return out
    finally:
        if own:
            for st_ in stores:
                st_.close()


def _table(rows: list[dict[str, Any]]) -> str:
    timed = [Row(r["benchmark"], r["case"], r["backend"], r["median_ms"], r["baseline_ms"],
                 r["p95_ms"], r["extra"]) for r in rows if r["median_ms"] is not None]
    notes = [f"{r['case']}: {r['extra']}" for r in rows if r["median_ms"] is None]
    return format_table(timed) + ("\n" + "\n".join(notes) if notes else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="DuckDB store to benchmark")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--trend-baseline", action="store_true",
                        help="also load every survey year into pandas (about 2.5 GB at scale 1)")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        print(f"no store at {args.db} (build one with `python -m data demo`)", file=sys.stderr)
        return 2
    rows = run({"db": args.db}, repeat=args.repeat, baseline_repeat=args.baseline_repeat,
               trend_baseline=args.trend_baseline,
               log=lambda m: print(m, file=sys.stderr, flush=True))
    print(_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
