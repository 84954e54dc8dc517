"""Poverty drill-down benchmark: pre-computed store queries against plain pandas, every level.

``python -m bench.bench_poverty [--db PATH]`` prints a table. For each drill-down level
(Thailand, a region, the largest province, and its largest district, subdistrict, village)
it times, warm, the store query behind the page (per-child AF totals and MPI; the MPI trend
over all survey years; the assistance pipeline) and a plain-pandas implementation of the same
computation on the household table, loaded into memory beforehand (the load is not timed).
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

from bench.common import Row, format_table, measure
from data import catalogue
from data import poverty as P
from data.areas import REGIONS_NESDC
from data.scope import AccessScope
from data.store import Store
from domain import poverty as pv

DEFAULT_DB = Path("/work/national/poverty.duckdb")
_FLAGS = list(catalogue.DEPRIVATION_COLUMNS)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _store_from(ctx: Any) -> tuple[Store, bool]:
    """``ctx`` may carry a Store (``ctx.store``), a path (``ctx.db``/``ctx.path``) or be a path."""
    for name in ("store",):
        value = getattr(ctx, name, None) if not isinstance(ctx, dict) else ctx.get(name)
        if isinstance(value, Store):
            return value, False
    path = ctx
    for name in ("db", "path", "db_path"):
        value = getattr(ctx, name, None) if not isinstance(ctx, dict) else ctx.get(name)
        if value:
            path = value
            break
    if path is None or not isinstance(path, (str, Path)):
        path = DEFAULT_DB
    return Store(f"duckdb:///{path}", read_only=True), True


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
        "SELECT CAST(village_code AS BIGINT) AS village, CAST(survey_year AS SMALLINT) AS year, "
        "CAST(members AS SMALLINT) AS members, target_poor, "
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
    """The same additive AF totals as ``data.poverty``, grouped by child code or year."""
    sel = hh[_pandas_mask(hh, area)]
    members = sel.members.astype("int64")
    score = pd.Series(0.0, index=sel.index)
    for col, w in zip(weights.columns, weights.values, strict=True):
        score += w * sel[col]
    poor = (score > pv.EPS) & (score >= k - pv.EPS)
    if key == "year":
        group = sel.year
    else:
        child_len = 2 if not area or area.startswith("R:") else min(len(area) + 2, 8)
        group = sel.village // 10 ** (8 - child_len)
    cols: dict[str, Any] = {
        "households": np.ones(len(sel), dtype="int64"), "population": members,
        "target_poor_households": sel.target_poor.astype("int64"),
        "target_poor_people": members * sel.target_poor,
        "poor_households": poor.astype("int64"), "poor": members * poor,
        "score_poor": members * score * poor,
    }
    for col in weights.columns:
        cols[f"cen_{col}"] = members * (poor & sel[col])
        cols[f"raw_{col}"] = members * sel[col]
    for dim in catalogue.DIMENSION_CODES:
        any_dim = sel[[c for c in weights.columns if c.startswith(f"d_{dim}_")]].any(axis=1)
        cols[f"people_{dim}"] = members * any_dim
        cols[f"cdim_{dim}"] = members * (poor & any_dim)
    frame = pd.DataFrame(cols, index=sel.index).assign(code=group.to_numpy())
    totals = frame.groupby("code", sort=True).sum().reset_index()
    if not area and key != "year":
        region_of = {int(p): f"R:{r.code}" for r in REGIONS_NESDC for p in r.provinces}
        totals = totals.assign(code=totals.code.map(region_of)).groupby("code").sum()
        totals = totals.reset_index()
    return pv.measures_frame(totals, weights)


def pandas_pipeline(cases: pd.DataFrame, area: str, year: int) -> pd.DataFrame:
    sel = cases[(cases.survey_year == year) & _pandas_mask(cases, area)]
    return sel.groupby(["dimension", "agency", "status"]).size().rename("cases").reset_index()


# -- the run -----------------------------------------------------------------------------------
def run(ctx: Any = None, *, repeat: int = 7, baseline_repeat: int = 3,
        trend_baseline: bool = True, log=print) -> list[dict[str, Any]]:
    """Benchmark rows (dicts) for every level; ``ctx`` gives the store (see ``_store_from``)."""
    store, own = _store_from(ctx)
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
        timings: dict[tuple[str, str], Any] = {}
        for level, area in levels:
            timings[(level, "drilldown")] = measure(
                lambda a=area: P.poverty_area_totals(
                    P.poverty_by_child(store, scope, a, year, k)), repeat=repeat)
            timings[(level, "trend")] = measure(
                lambda a=area: P.poverty_trend(store, scope, a, k), repeat=repeat)
            timings[(level, "pipeline")] = measure(
                lambda a=area: P.assistance_pipeline(store, scope, a, year), repeat=repeat)
            log(f"store {level}: " + ", ".join(
                f"{case} {timings[(level, case)].median_ms:.1f} ms"
                for case in ("drilldown", "trend", "pipeline")))
        rss_store = _rss_mb()

        t = time.perf_counter()
        hh = load_households(store, year)
        cases = store.query("SELECT CAST(village_code AS BIGINT) AS village, survey_year, "
                            "dimension, agency, status FROM assistance_cases")
        load_s = time.perf_counter() - t
        log(f"pandas: loaded {len(hh):,} households and {len(cases):,} cases in {load_s:.1f} s")
        baseline: dict[tuple[str, str], float] = {}
        for level, area in levels:
            got = P.poverty_by_child(store, scope, area, year, k).set_index("code")
            want = pandas_totals(hh, area, "child", k, weights)
            want = want.assign(code=want.code.map(
                lambda c: c if isinstance(c, str) else str(int(c))))
            want = want.set_index("code")
            assert np.allclose(got.loc[want.index, "mpi"], want.mpi), f"MPI differs at {level}"
            assert (got.loc[want.index, "poor"] == want.poor).all(), f"poor differs at {level}"
            # The baseline's data is already in memory (warm): no separate warm-up run.
            baseline[(level, "drilldown")] = measure(
                lambda a=area, h=hh: pandas_totals(h, a, "child", k, weights),
                repeat=baseline_repeat, warmup=0).median_ms
            baseline[(level, "pipeline")] = measure(
                lambda a=area: pandas_pipeline(cases, a, year), repeat=baseline_repeat,
                warmup=0).median_ms
            log(f"pandas {level}: drilldown {baseline[(level, 'drilldown')]:.1f} ms")
        del hh
        if trend_baseline:
            t = time.perf_counter()
            all_years = load_households(store, None)
            log(f"pandas: loaded {len(all_years):,} household-years in "
                f"{time.perf_counter() - t:.1f} s")
            for level, area in levels:
                baseline[(level, "trend")] = measure(
                    lambda a=area, h=all_years: pandas_totals(h, a, "year", k, weights),
                    repeat=1, warmup=0).median_ms
                log(f"pandas {level}: trend {baseline[(level, 'trend')]:.1f} ms")
            del all_years
        rss_all = _rss_mb()
        for (level, case), timing in timings.items():
            area = dict(levels)[level]
            rows.append(Row("poverty", f"{level} {case}", store.dialect, timing.median_ms,
                            baseline.get((level, case)), timing.p95_ms,
                            {"area": area or "TH", "runs": timing.runs}))
        out = [r.as_dict() for r in rows]
        out.append({"benchmark": "poverty", "case": "memory", "backend": store.dialect,
                    "median_ms": None, "baseline_ms": None, "ratio": None, "p95_ms": None,
                    "extra": {"peak_rss_mb_store_only": round(rss_store),
                              "peak_rss_mb_with_pandas": round(rss_all),
                              "households_year": households, "profile_rows": profiles,
                              "pandas_load_s": round(load_s, 1),
                              "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
                              "cpus": os.cpu_count()}})
        return out
    finally:
        if own:
            store.close()


def _table(rows: list[dict[str, Any]]) -> str:
    timed = [Row(r["benchmark"], r["case"], r["backend"], r["median_ms"], r["baseline_ms"],
                 r["p95_ms"], r["extra"]) for r in rows if r["median_ms"] is not None]
    notes = [f"{r['case']}: {r['extra']}" for r in rows if r["median_ms"] is None]
    return format_table(timed) + ("\n" + "\n".join(notes) if notes else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB), help="DuckDB store to benchmark")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--no-trend-baseline", action="store_true",
                        help="skip loading every survey year into pandas")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        print(f"no store at {args.db} (build one with `python -m data demo`)", file=sys.stderr)
        return 2
    rows = run({"db": args.db}, repeat=args.repeat, baseline_repeat=args.baseline_repeat,
               trend_baseline=not args.no_trend_baseline,
               log=lambda m: print(m, file=sys.stderr, flush=True))
    print(_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
