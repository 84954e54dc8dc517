"""Poverty drill-down benchmark: pre-computed store queries against plain pandas, every level.

``python -m bench.bench_poverty [--db PATH]`` prints a table. For each drill-down level
(Thailand, a region, the largest province, and its largest district, subdistrict, village)
it times, warm, the store query behind the page (per-child AF totals and MPI plus the area's
own; the MPI trend over all survey years; the assistance pipeline) against two baselines that
compute the same figures from the raw household rows, written as a competent analyst would:

- **pandas**: the year's households loaded once, sorted by village, with everything that does
  not depend on the question computed once (the area index: integer codes of every level and
  the region of each row; the 17 deprivation flags packed into one integer); each step then
  slices its area's rows (a binary search on the sorted village codes, or the region column),
  groups them by child, flag profile and target-poor, and ends with the app's own final step.
- **DuckDB SQL** on the raw ``households`` table of the same file: one GROUP BY per step (child
  code, target-poor, the 17 flags) with the same final step, no pre-computed aggregates.

Both are warmed up and timed as the store side is (``bench.common.measure``: GC off while
timing), and both are checked to give the store's figures exactly. The table's ratio is against
pandas; ``sql_ms`` / ``sql_x`` give the DuckDB-SQL baseline and the ratio against it.
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


# -- the baselines ------------------------------------------------------------------------------
def load_households(store: Store, year: int | None) -> pd.DataFrame:
    """Household rows in pandas with compact dtypes (codes as integers: kind to pandas)."""
    cond, params = ("survey_year = ?", [year]) if year is not None else ("TRUE", [])
    df = store.query(
        "SELECT CAST(village_code AS INTEGER) AS village, CAST(survey_year AS SMALLINT) AS year, "
        "CAST(members AS TINYINT) AS members, target_poor, "
        f"{', '.join(_FLAGS)} FROM households WHERE {cond}", params)
    return df


_REGION_OF = {int(p): i for i, r in enumerate(REGIONS_NESDC) for p in r.provinces}
_REGION_CODES = [f"R:{r.code}" for r in REGIONS_NESDC]


class HouseholdIndex:
    """The year's households prepared once, as an analyst keeps a frame for many questions:
    sorted by village, integer codes of every level, the region of each row, the flags packed
    into one integer. Building it is timed apart (``build_s``)."""

    def __init__(self, hh: pd.DataFrame) -> None:
        t = time.perf_counter()
        hh = hh.sort_values("village", kind="stable", ignore_index=True)
        village = hh.village.to_numpy(dtype=np.int64)
        bits = np.zeros(len(hh), dtype=np.int32)
        for j, col in enumerate(_FLAGS):
            bits |= hh[col].to_numpy(dtype=np.int32) << j
        province = village // 1_000_000
        region = np.full(len(hh), -1, dtype=np.int8)
        for code, idx in _REGION_OF.items():
            region[province == code] = idx
        self.village = village
        self.frame = pd.DataFrame({
            "province": province, "district": village // 10_000,
            "subdistrict": village // 100, "village": village, "region": region,
            "bits": bits, "target_poor": hh.target_poor.to_numpy(),
            "members": hh.members.to_numpy(dtype=np.int64)})
        self.build_s = time.perf_counter() - t

    def rows(self, area: str) -> pd.DataFrame:
        """The area's rows: a binary search on the sorted villages, or the region column."""
        if not area:
            return self.frame
        if area.startswith("R:"):
            return self.frame[self.frame.region.to_numpy() == _REGION_CODES.index(area)]
        shift = 10 ** (8 - len(area))
        lo, hi = np.searchsorted(self.village, [int(area) * shift, (int(area) + 1) * shift])
        return self.frame.iloc[lo:hi]


_CHILD_BY_LEN = {2: "district", 4: "subdistrict", 6: "village", 8: "village"}


def _final_step(code, bits, target_poor, households, people, area: str, weights: pv.Weights,
                k: float) -> pd.DataFrame:
    """The app's own last step on (child, flag profile, target-poor) groups, so that every side
    computes exactly the same figures."""
    flags = (np.asarray(bits, dtype=np.int64)[:, None] >> np.arange(len(_FLAGS))) & 1
    rows = pd.DataFrame(flags.astype(bool), columns=_FLAGS)
    rows["code"] = np.asarray(code)
    rows["target_poor"] = np.asarray(target_poor)
    rows["households"] = np.asarray(households)
    rows["people"] = np.asarray(people)
    return pv.measures_frame(P.totals_from_profiles(rows, weights, k), weights)


def pandas_drilldown(ix: HouseholdIndex, area: str, k: float,
                     weights: pv.Weights) -> tuple[pd.DataFrame, pd.Series]:
    """What the store side computes for a drill-down step (the children and the area), from
    the prepared household frame."""
    sel = ix.rows(area)
    child = ("region" if not area else "province" if area.startswith("R:")
             else _CHILD_BY_LEN[len(area)])
    g = (sel.groupby([child, "bits", "target_poor"], sort=False, observed=True)
         .members.agg(["size", "sum"]).reset_index())
    code = g[child].to_numpy()
    if not area:
        code = np.array(_REGION_CODES, dtype=object)[code]
    children = _final_step(code, g.bits, g.target_poor, g["size"], g["sum"], area, weights, k)
    return children, P.poverty_area_totals(children, weights.key())


def pandas_totals(hh: pd.DataFrame, area: str, key: str, k: float,
                  weights: pv.Weights) -> pd.DataFrame:
    """Totals by survey year for the trend (every year's households; ``--trend-baseline``)."""
    if area.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area[2:])
        sel = hh[(hh.village // 1_000_000).isin([int(p) for p in provinces])]
    elif area:
        sel = hh[hh.village // 10 ** (8 - len(area)) == int(area)]
    else:
        sel = hh
    bits = np.zeros(len(sel), dtype=np.int32)
    for j, col in enumerate(_FLAGS):
        bits |= sel[col].to_numpy(dtype=np.int32) << j
    frame = pd.DataFrame({"code": sel.year.to_numpy(), "bits": bits,
                          "target_poor": sel.target_poor.to_numpy(),
                          "members": sel.members.to_numpy(dtype=np.int64)})
    g = (frame.groupby(["code", "bits", "target_poor"], sort=False)
         .members.agg(["size", "sum"]).reset_index())
    return _final_step(g.code, g.bits, g.target_poor, g["size"], g["sum"], area, weights, k)


def sql_drilldown(store: Store, area: str, year: int, k: float,
                  weights: pv.Weights) -> tuple[pd.DataFrame, pd.Series]:
    """The same step as one DuckDB query on the raw household rows (no pre-computed tables)."""
    flags = ", ".join(_FLAGS)
    if not area:
        cases = " ".join(f"WHEN '{p}' THEN '{_REGION_CODES[i]}'"
                         for p, i in sorted((f"{p:02d}", i) for p, i in _REGION_OF.items()))
        child, cond, params = f"CASE left(village_code, 2) {cases} END", "TRUE", []
    elif area.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area[2:])
        child = "left(village_code, 2)"
        cond = f"left(village_code, 2) IN ({', '.join('?' for _ in provinces)})"
        params = list(provinces)
    else:
        width = min(len(area) + 2, 8)
        child, cond, params = f"left(village_code, {width})", "starts_with(village_code, ?)", [area]
    rows = store.arrays(
        f"SELECT {child} AS code, target_poor, {flags}, COUNT(*) AS households, "
        f"SUM(members) AS people FROM households WHERE survey_year = ? AND {cond} "
        f"GROUP BY ALL", [year, *params])
    bits = np.zeros(len(rows["code"]), dtype=np.int64)
    for j, col in enumerate(_FLAGS):
        bits |= np.asarray(rows[col], dtype=np.int64) << j
    children = _final_step(rows["code"], bits, rows["target_poor"], rows["households"],
                           rows["people"], area, weights, k)
    return children, P.poverty_area_totals(children, weights.key())


def pandas_pipeline(cases: pd.DataFrame, area: str, year: int) -> pd.DataFrame:
    sel = cases[cases.survey_year == year]
    if area.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area[2:])
        sel = sel[(sel.village // 1_000_000).isin([int(p) for p in provinces])]
    elif area:
        sel = sel[sel.village // 10 ** (8 - len(area)) == int(area)]
    return sel.groupby(["dimension", "agency", "status"]).size().rename("cases").reset_index()


def check_same(got, want, level: str, who: str) -> None:
    """The store's figures equal the baseline's wherever the store shows one (a NaN is a
    figure withheld by the small-number rule, which the baselines do not apply)."""
    got_children, got_area = got
    want_children, want_area = want
    if not np.isnan(float(got_area.mpi)):
        assert np.isclose(got_area.mpi, want_area.mpi), f"{who}: area MPI differs at {level}"
    want_children = want_children.assign(code=want_children.code.map(
        lambda c: c if isinstance(c, str) else f"{int(c)}")).set_index("code")
    got_children = got_children.set_index("code")
    assert set(want_children.index) == set(got_children.index), f"{who}: children at {level}"
    mine = got_children.loc[want_children.index]
    shown = mine.mpi.notna().to_numpy()
    assert np.allclose(mine.mpi[shown], want_children.mpi[shown]), \
        f"{who}: MPI differs at {level}"
    shown = mine.poor.notna().to_numpy()
    assert (mine.poor[shown] == want_children.poor[shown]).all(), \
        f"{who}: poor differs at {level}"


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
        ix = HouseholdIndex(hh)
        log(f"pandas: loaded {len(hh):,} households and {len(cases):,} cases in {load_s:.1f} s, "
            f"area index and packed flags built in {ix.build_s:.2f} s")
        raw = store if store.dialect == "duckdb" else None  # its raw households table
        baseline: dict[tuple[str, str], Timing] = {}
        sql: dict[tuple[str, str], Timing] = {}
        for level, area in levels:
            step = P.poverty_drilldown(store, scope, area, year, k)
            got = (step.children, step.area)
            check_same(got, pandas_drilldown(ix, area, k, weights), level, "pandas")
            baseline[(level, "drilldown")] = measure(
                lambda a=area, i=ix: pandas_drilldown(i, a, k, weights),
                repeat=baseline_repeat)
            baseline[(level, "pipeline")] = measure(
                lambda a=area: pandas_pipeline(cases, a, year), repeat=baseline_repeat)
            if raw is not None:
                check_same(got, sql_drilldown(raw, area, year, k, weights), level, "duckdb sql")
                sql[(level, "drilldown")] = measure(
                    lambda a=area: sql_drilldown(raw, a, year, k, weights),
                    repeat=baseline_repeat)
            log(f"baselines {level}: pandas {baseline[(level, 'drilldown')].median_ms:.1f} ms"
                + (f", duckdb sql {sql[(level, 'drilldown')].median_ms:.1f} ms" if sql else ""))
        ix_build_s = ix.build_s
        del ix
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
            other = sql.get((level, case))
            if other is not None:
                extra["sql_ms"] = round(other.median_ms, 1)
                extra["sql_x"] = round(other.median_ms / timing.median_ms, 1)
            if base is not None:
                extra["pandas_cpu_ms"] = round(base.cpu_median_ms, 1)
                extra["cpu_x"] = round(base.cpu_median_ms / timing.cpu_median_ms, 1) if timing.cpu_median_ms else None
            rows.append(Row("poverty", f"{level} {case}", backend, timing.median_ms,
                            None if base is None else base.median_ms, timing.p95_ms, extra))
        out = [r.as_dict() for r in rows]
        memory = {"peak_rss_mb_store_only": round(rss_store),
                  "peak_rss_mb_with_pandas": round(rss_all),
                  "households_year": households, "profile_rows": profiles,
                  "pandas_load_s": round(load_s, 1), "pandas_index_s": round(ix_build_s, 2),
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
