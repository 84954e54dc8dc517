"""SDG benchmarks: scoring every area of a level for a year, and warm reruns of the SDG page.

Run by ``python -m bench.run`` (``run(ctx)``, both backends). The page reruns are AppTest runs of
the real app after a click on another goal or a change of year: "first visit" fills the cache
for that goal, "warm" returns to goals already seen. (The pandas baseline of the scoring is
in ``bench_store``: ``sdg_scoring``.)
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.common import app_on, measure


def _scoring(ctx: Any, backend: str) -> list[dict[str, Any]]:
    from data import sdg
    from data.scope import AccessScope

    store = ctx.store(backend)
    scope = AccessScope.everything()
    year = max(sdg.load_sdg_years(store, scope))
    rows = []
    for level in ("province", "district"):
        n = len(sdg.sdg_index_by_area(store, scope, level, year))
        t = measure(lambda level=level: sdg.sdg_index_by_area(store, scope, level, year),
                    repeat=ctx.repeat)
        rows.append({"benchmark": "sdg_index_by_area", "case": f"{level} {year}",
                     "backend": backend, "median_ms": t.median_ms, "p95_ms": t.p95_ms,
                     "extra": {"areas": n}})
    t = measure(lambda: sdg.indicator_ranking(store, scope, "g3_road_deaths", "district", year),
                repeat=ctx.repeat)
    rows.append({"benchmark": "indicator_ranking", "case": f"district {year}",
                 "backend": backend, "median_ms": t.median_ms, "p95_ms": t.p95_ms})
    return rows


def _page_reruns(ctx: Any, backend: str) -> list[dict[str, Any]]:
    from tests.apptest_util import open_page

    repeat = max(1, ctx.repeat // 2)
    with app_on(ctx, backend):
        at = open_page("sdg", lang="th", timeout=600)
        goals = list(range(1, 18))
        first, warm, years = [], [], []
        for g in goals:
            t = time.perf_counter()
            at.button(key=f"sdg_goal_{g}").click().run()
            first.append((time.perf_counter() - t) * 1000)
        for _ in range(repeat):
            for g in goals:
                t = time.perf_counter()
                at.button(key=f"sdg_goal_{g}").click().run()
                warm.append((time.perf_counter() - t) * 1000)
        available = range(len(at.selectbox(key="year").options))
        for _ in range(repeat + 1):
            for i in available:
                t = time.perf_counter()
                at.selectbox(key="year").select_index(i).run()
                years.append((time.perf_counter() - t) * 1000)
        errors = len(at.exception) + len(at.error)

    def row(case: str, times: list[float]) -> dict[str, Any]:
        times = sorted(times)
        return {"benchmark": "sdg page rerun", "case": case, "backend": backend,
                "median_ms": statistics.median(times),
                "p95_ms": times[int(round(0.95 * (len(times) - 1)))],
                "extra": {"runs": len(times), "errors": errors}}

    # The first round of years fills the cache; later rounds are warm.
    return [row("goal change, first visit", first), row("goal change, warm", warm),
            row("year change, warm", years[len(available):])]


def run(ctx: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for backend in ctx.backends():
        rows += _scoring(ctx, backend)
    for backend in ctx.backends():
        rows += _page_reruns(ctx, backend)
    return rows
