"""Store benchmarks: drill-down, SDG scoring, page reruns, import; DuckDB, PostgreSQL and pandas.

Every query runs on each backend of the run; its pandas baseline does the same work on
frames already in memory (loading them is timed apart and not charged to pandas), so the
ratio flatters pandas if anything.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pandas as pd

from bench.common import app_on, measure
from data.overview import overview_headline
from data.queries import target_poor_by_child
from data.scope import AccessScope
from domain.areas import REGIONS_NESDC

SCOPE = AccessScope.everything("bench")
# Drill path: the country, the Northeast, Nakhon Ratchasima (the largest province), one of its
# districts and subdistricts.
DRILL = (("country", ""), ("region", "R:NE"), ("province", "30"), ("district", "3001"),
         ("subdistrict", "300101"))

SDG_SCORE_SQL = (
    "WITH s AS (SELECT v.area_code, i.goal, 100 * LEAST(1.0, GREATEST(0.0, "
    "CASE WHEN i.direction = 1 THEN v.value - i.lower_bound ELSE i.upper_bound - v.value END "
    "/ (i.upper_bound - i.lower_bound))) AS score "
    "FROM sdg_values v JOIN sdg_indicators i ON i.indicator_code = v.indicator_code "
    "WHERE v.year = ? AND v.disaggregation = 'total'), "
    "g AS (SELECT area_code, goal, AVG(score) AS score FROM s GROUP BY 1, 2) "
    "SELECT area_code, COUNT(*) AS goals, AVG(score) AS sdg_index FROM g GROUP BY 1 ORDER BY 1"
)


def run(ctx: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    duck = ctx.store("duckdb")
    year = int(duck.scalar("SELECT MAX(survey_year) FROM households"))
    rows += _drilldown(ctx, year)
    rows += _sdg_scoring(ctx)
    rows += _import(ctx)
    rows += _pages(ctx)
    return rows


# -- drill-down ----------------------------------------------------------------------------


def _pandas_frames(ctx: Any, year: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    duck = ctx.store("duckdb")
    t = time.perf_counter()
    hh = duck.query(
        "SELECT village_code, province_code, members, target_poor FROM households WHERE survey_year = ?", [year])
    areas = duck.query("SELECT code, name_th, name_en FROM areas")
    return hh, areas, (time.perf_counter() - t) * 1000


def pandas_children(hh: pd.DataFrame, areas: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """The pandas twin of ``target_poor_by_child`` on one year's households in memory."""
    if area_code.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area_code[2:])
        sub = hh[hh.province_code.isin(provinces)]
        level = 2
    elif area_code:
        sub = hh[hh.village_code.str.startswith(area_code)]
        level = min(len(area_code) + 2, 8)
    else:
        sub, level = hh, 2
    out = (sub.assign(code=sub.village_code.str.slice(0, level),
                      poor=np.where(sub.target_poor, sub.members, 0))
           .groupby("code", sort=True)
           .agg(households=("members", "size"), people=("members", "sum"),
                target_poor_people=("poor", "sum"))
           .reset_index())
    return out.merge(areas, on="code", how="inner")[
        ["code", "name_th", "name_en", "households", "people", "target_poor_people"]]


def pandas_children_rollup(rollup: pd.DataFrame, areas: pd.DataFrame,
                           area_code: str) -> pd.DataFrame:
    """The same children aggregates in pandas, but from the village rollup the app reads."""
    if area_code.startswith("R:"):
        provinces = next(r.provinces for r in REGIONS_NESDC if r.code == area_code[2:])
        sub, level = rollup[rollup.province_code.isin(provinces)], 2
    elif area_code:
        sub = rollup[rollup.village_code.str.startswith(area_code)]
        level = min(len(area_code) + 2, 8)
    else:
        sub, level = rollup, 2
    out = (sub.assign(code=sub.village_code.str.slice(0, level))
           .groupby("code", sort=True)[["households", "people", "target_poor_people"]].sum()
           .reset_index())
    return out.merge(areas, on="code", how="inner")


def pandas_headline(hh: pd.DataFrame, area_code: str) -> dict[str, int]:
    """Household counts of the Overview headline (one year; the app also reads last year's)."""
    sub = hh[hh.village_code.str.startswith(area_code)] if area_code else hh
    return {"households": len(sub), "people": int(sub.members.sum()),
            "target_poor_people": int(sub.members[sub.target_poor].sum())}


def _drilldown(ctx: Any, year: int) -> list[dict[str, Any]]:
    hh, areas, load_ms = _pandas_frames(ctx, year)
    rollup = ctx.store("duckdb").query(
        "SELECT village_code, province_code, households, people, target_poor_people "
        "FROM household_rollup WHERE survey_year = ?", [year])
    rows = []
    for level, code in DRILL:
        base = measure(lambda c=code: pandas_children(hh, areas, c), repeat=ctx.repeat)
        base_rollup = measure(lambda c=code: pandas_children_rollup(rollup, areas, c),
                              repeat=ctx.repeat)
        expected = pandas_children(hh, areas, code)
        for backend in ctx.backends():
            store = ctx.store(backend)
            def fn(s=store, c=code):
                return target_poor_by_child(s, SCOPE, c, year)

            got = fn()
            same = (got.code.tolist() == expected.code.tolist()
                    and got.households.astype(int).tolist() == expected.households.tolist()
                    and got.target_poor_people.astype(int).tolist()
                    == expected.target_poor_people.astype(int).tolist())
            timing = measure(fn, repeat=ctx.repeat)
            rows.append({"benchmark": "drilldown", "case": f"{level} {code or 'TH'}",
                         "backend": backend, "median_ms": timing.median_ms,
                         "p95_ms": timing.p95_ms, "baseline_ms": base.median_ms,
                         "extra": {"children": len(got), "same_as_pandas": same,
                                   "pandas_on_rollup_ms": round(base_rollup.median_ms, 1),
                                   "cpu_ms": _cpu(timing), "pandas_cpu_ms": _cpu(base)}})
    # The Overview headline (households, target poor this and last year, cases, activities).
    for level, code in (("country", ""), ("province", "30")):
        base = measure(lambda c=code: pandas_headline(hh, c), repeat=ctx.repeat)
        want = pandas_headline(hh, code)
        for backend in ctx.backends():
            store = ctx.store(backend)
            got = overview_headline(store, SCOPE, year, code)
            same = all(int(got[k]) == v for k, v in want.items())
            timing = measure(lambda s=store, c=code: overview_headline(s, SCOPE, year, c),
                             repeat=ctx.repeat)
            rows.append({"benchmark": "headline", "case": f"{level} {code or 'TH'}",
                         "backend": backend, "median_ms": timing.median_ms,
                         "p95_ms": timing.p95_ms, "baseline_ms": base.median_ms,
                         "extra": {"same_as_pandas": same, "cpu_ms": _cpu(timing),
                                   "pandas_cpu_ms": _cpu(base)}})
    rows.append({"benchmark": "pandas_load", "case": f"households {year} into pandas",
                 "backend": "duckdb", "median_ms": load_ms,
                 "extra": {"rows": len(hh), "frame_mb": round(
                     hh.memory_usage(deep=True).sum() / 1e6)}})
    return rows


def _cpu(t: Any) -> float | None:
    """Process CPU ms of a run (client side: DuckDB's threads count, PostgreSQL's server not)."""
    return None if t.cpu_median_ms is None else round(t.cpu_median_ms, 1)


# -- SDG scoring ---------------------------------------------------------------------------


def pandas_sdg_scores(values: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    v = values[(values.year == year) & (values.disaggregation == "total")].merge(
        indicators, on="indicator_code")
    span = v.upper_bound - v.lower_bound
    raw = np.where(v.direction == 1, v.value - v.lower_bound, v.upper_bound - v.value) / span
    v = v.assign(score=100 * np.clip(raw, 0.0, 1.0))
    g = v.groupby(["area_code", "goal"], sort=False).score.mean().reset_index()
    return (g.groupby("area_code").agg(goals=("goal", "size"), sdg_index=("score", "mean"))
            .reset_index().sort_values("area_code", ignore_index=True))


def _sdg_scoring(ctx: Any) -> list[dict[str, Any]]:
    duck = ctx.store("duckdb")
    year = int(duck.scalar("SELECT MAX(year) FROM sdg_values"))
    values = duck.query("SELECT indicator_code, area_code, year, disaggregation, value "
                        "FROM sdg_values")
    indicators = duck.query("SELECT indicator_code, goal, direction, lower_bound, upper_bound "
                            "FROM sdg_indicators")
    base = measure(lambda: pandas_sdg_scores(values, indicators, year), repeat=ctx.repeat)
    expected = pandas_sdg_scores(values, indicators, year)
    rows = []
    for backend in ctx.backends():
        store = ctx.store(backend)
        got = store.query(SDG_SCORE_SQL, [year])
        same = (got.area_code.tolist() == expected.area_code.tolist()
                and np.allclose(got.sdg_index.to_numpy(float), expected.sdg_index.to_numpy(float)))
        timing = measure(lambda s=store: s.query(SDG_SCORE_SQL, [year]), repeat=ctx.repeat)
        rows.append({"benchmark": "sdg_scoring", "case": f"all areas {year} (SQL)",
                     "backend": backend, "median_ms": timing.median_ms, "p95_ms": timing.p95_ms,
                     "baseline_ms": base.median_ms,
                     "extra": {"areas": len(got), "values": len(values), "same_as_pandas": same}})
    # The app's own scoring (one query, then vectorised pandas in domain.sdg) per level.
    from data.sdg import sdg_index_by_area

    for level in ("province", "district"):
        for backend in ctx.backends():
            store = ctx.store(backend)
            n = len(sdg_index_by_area(store, SCOPE, level, year))
            timing = measure(lambda s=store, lv=level: sdg_index_by_area(s, SCOPE, lv, year),
                             repeat=ctx.repeat)
            rows.append({"benchmark": "sdg_index_app", "case": f"every {level} {year}",
                         "backend": backend, "median_ms": timing.median_ms,
                         "p95_ms": timing.p95_ms, "extra": {"areas": n}})
    return rows


# -- import throughput ---------------------------------------------------------------------


def _import(ctx: Any) -> list[dict[str, Any]]:
    """Bulk insert of household rows (the import path's write) against row-by-row inserts."""
    from data.store import open_store

    n = 20_000 if ctx.quick else 500_000
    n_naive = 2_000 if ctx.quick else 20_000
    duck = ctx.store("duckdb")
    sample = duck.query(f"SELECT * FROM households LIMIT {int(n)}")
    sample = sample.drop(columns=["batch_id"])
    naive = sample.head(n_naive)
    cols = list(sample.columns)
    insert_sql = (f"INSERT INTO households ({', '.join(cols)}) "
                  f"VALUES ({', '.join('?' * len(cols))})")
    naive_rows = [tuple(_py(v) for v in r) for r in naive.itertuples(index=False, name=None)]
    rows = []
    import tempfile

    for backend in ctx.backends():
        with tempfile.TemporaryDirectory(prefix="warroom-import-") as tmp:
            url, cleanup = _scratch_url(ctx, backend, tmp)
            try:
                store = open_store(url)
                t = time.perf_counter()
                store.insert_df("households", sample)
                bulk_ms = (time.perf_counter() - t) * 1000
                store.execute("DELETE FROM households")
                t = time.perf_counter()
                with store.transaction():
                    store.executemany(insert_sql, naive_rows)
                naive_ms = (time.perf_counter() - t) * 1000 * (n / n_naive)
                store.close()
            finally:
                cleanup()
        rows.append({"benchmark": "import", "case": f"{n:,} household rows",
                     "backend": backend, "median_ms": bulk_ms, "baseline_ms": naive_ms,
                     "extra": {"rows_per_s": round(n / bulk_ms * 1000),
                               "baseline": f"executemany, {n_naive:,} rows scaled"}})
    return rows


def _py(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v


def _scratch_url(ctx: Any, backend: str, tmp: str) -> tuple[str, Any]:
    if backend == "duckdb":
        return f"duckdb:///{tmp}/import.duckdb", lambda: None
    import psycopg

    from data.store import Store

    schema = f"bench_import_{os.getpid()}"
    admin = Store(ctx.pg_url)
    admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.execute(f"CREATE SCHEMA {schema}")
    admin.close()
    base = ctx.pg_url.split("?")[0]
    url = f"{base}?options=-csearch_path%3D{schema}"

    def cleanup() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return url, cleanup


# -- page reruns (AppTest) -------------------------------------------------------------------


def _pages(ctx: Any) -> list[dict[str, Any]]:
    """Server time of a rerun of each page, warm (its queries cached) and cold (cache cleared)."""
    import streamlit as st

    from components.nav import PAGES
    from tests.apptest_util import open_page

    rows = []
    for backend in ctx.backends():
        with app_on(ctx, backend):
            for page in PAGES:
                st.cache_data.clear()
                t = time.perf_counter()
                at = open_page(page, lang="en", timeout=600)
                cold_ms = (time.perf_counter() - t) * 1000
                errors = len(at.exception) + len(at.error)
                warm = measure(at.run, repeat=ctx.repeat, warmup=0)
                rows.append({"benchmark": "page_rerun", "case": page.key, "backend": backend,
                             "median_ms": warm.median_ms, "p95_ms": warm.p95_ms,
                             "extra": {"first_run_ms": round(cold_ms), "errors": errors,
                                       "cpu_ms": _cpu(warm)}})
    return rows
