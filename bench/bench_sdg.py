"""SDG benchmarks: scoring every area of a level for a year, and warm reruns of the SDG page.

Usage: ``python -m bench.bench_sdg [--db PATH]`` (default: the configured store). Prints a table;
the page reruns are AppTest runs of the real app (cache warm: every goal visited once first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import Row, format_table, measure


def bench_scoring(db: str) -> list[Row]:
    from data import sdg
    from data.scope import AccessScope
    from data.store import Store

    store = Store(f"duckdb:///{db}", read_only=True)
    scope = AccessScope.everything()
    year = max(sdg.load_sdg_years(store, scope))
    rows = []
    for level in ("province", "district"):
        n = len(sdg.sdg_index_by_area(store, scope, level, year))
        t = measure(lambda level=level: sdg.sdg_index_by_area(store, scope, level, year))
        rows.append(Row("sdg_index_by_area", f"{level} {year}", store.dialect, t.median_ms,
                        p95_ms=t.p95_ms, extra={"areas": n}))
    t = measure(lambda: sdg.indicator_ranking(store, scope, "g3_road_deaths", "district", year))
    rows.append(Row("indicator_ranking", f"district {year}", store.dialect, t.median_ms,
                    p95_ms=t.p95_ms))
    store.close()
    return rows


def bench_page_reruns(db: str, repeat: int = 3) -> list[Row]:
    os.environ["WARROOM_DB"] = db
    os.environ["WARROOM_DEMO"] = "1"
    from streamlit import logger

    from tests.apptest_util import open_page

    logger.set_log_level("error")  # AppTest's bare-mode warnings on every run
    at = open_page("sdg", lang="th")
    goals = list(range(1, 18))
    first = []
    for g in goals:  # first visit of each goal fills the cache
        t = time.perf_counter()
        at.button(key=f"sdg_goal_{g}").click().run()
        first.append((time.perf_counter() - t) * 1000)
    warm = []
    for _ in range(repeat):
        for g in goals:
            t = time.perf_counter()
            at.button(key=f"sdg_goal_{g}").click().run()
            warm.append((time.perf_counter() - t) * 1000)
    years = []
    for y in (2019, 2020, 2021, 2022, 2023, 2024) * repeat:
        t = time.perf_counter()
        at.selectbox(key="year").select(y).run()
        years.append((time.perf_counter() - t) * 1000)
    assert not at.exception
    return [
        Row("sdg page rerun", "goal change, first visit", "apptest", statistics.median(first),
            extra={"runs": len(first)}),
        Row("sdg page rerun", "goal change, warm", "apptest", statistics.median(warm),
            p95_ms=sorted(warm)[int(0.95 * (len(warm) - 1))], extra={"runs": len(warm)}),
        Row("sdg page rerun", "year change (warm after 1st round)", "apptest",
            statistics.median(years[6:]), extra={"runs": len(years) - 6}),
    ]


def main() -> None:
    from data.config import database_url

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, help="DuckDB file (default: the configured store)")
    args = parser.parse_args()
    db = args.db or database_url().removeprefix("duckdb:///")
    print(format_table(bench_scoring(db) + bench_page_reruns(db)))


if __name__ == "__main__":
    main()
