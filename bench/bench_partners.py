"""Warm rerun time of the Partners page when a filter changes (AppTest, median of several reruns).

Run by ``python -m bench.run`` (``run(ctx)``, both backends): reruns after a filter change to a
value not seen before (the filtered queries run; the shared cache holds everything else) and to
a value seen before (cache hits), on the overview and the gap view.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.common import app_on

_SECTORS = ("government", "private", "civil_society", "religion", "academia", "media", "people")


def _rerun(at, key: str, value) -> float:
    t = time.perf_counter()
    at.multiselect(key=key).set_value(value).run()
    elapsed = (time.perf_counter() - t) * 1000
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def _reruns(view: str, repeat: int) -> tuple[list[float], list[float]]:
    from tests.apptest_util import open_page

    at = open_page("partners", lang="th", query={"pa_view": view}, timeout=600)
    at.run()  # warm: the shell, the sidebar and the unfiltered page are cached
    new, seen = [], []
    goals = list(range(1, 18))
    for i in range(repeat):
        new.append(_rerun(at, "pa_goal_w", [goals[i % 17]]))
        new.append(_rerun(at, "pa_sector_w", [_SECTORS[i % 7]]))
    _rerun(at, "pa_sector_w", [])
    for g in (1, 2):  # visit both states once, then toggle between them
        _rerun(at, "pa_goal_w", [g])
    for i in range(repeat):
        seen.append(_rerun(at, "pa_goal_w", [1 + i % 2]))
    return new, seen


def run(ctx: Any) -> list[dict[str, Any]]:
    rows = []
    for backend in ctx.backends():
        with app_on(ctx, backend):
            for view in ("overview", "gaps"):
                new, seen = _reruns(view, ctx.repeat)
                for case, times in (("new filter value", new), ("seen filter value", seen)):
                    times = sorted(times)
                    rows.append({"benchmark": "partners page rerun", "case": f"{view}, {case}",
                                 "backend": backend, "median_ms": statistics.median(times),
                                 "p95_ms": times[int(round(0.95 * (len(times) - 1)))],
                                 "extra": {"runs": len(times)}})
    return rows
