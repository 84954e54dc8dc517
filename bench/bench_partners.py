"""Warm rerun time of the Partners page when a filter changes (AppTest, median of several reruns).

Usage: ``WARROOM_DB=path .venv/bin/python -m bench.bench_partners [--repeat N]``. Prints JSON:
the median and p95 of reruns after a filter change to a value not seen before (the filtered
queries run; the shared cache holds everything else) and to a value seen before (cache hits).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from tests.apptest_util import open_page

_SECTORS = ("government", "private", "civil_society", "religion", "academia", "media", "people")


def _rerun(at, key: str, value) -> float:
    t = time.perf_counter()
    at.multiselect(key=key).set_value(value).run()
    elapsed = (time.perf_counter() - t) * 1000
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--view", default="overview")
    args = parser.parse_args()
    os.environ.setdefault("WARROOM_DEMO", "1")
    at = open_page("partners", lang="th", query={"pa_view": args.view})
    at.run()  # warm: the shell, the sidebar and the unfiltered page are cached
    new, seen = [], []
    goals = list(range(1, 18))
    for i in range(args.repeat):
        new.append(_rerun(at, "pa_goal_w", [goals[i % 17]]))
        new.append(_rerun(at, "pa_sector_w", [_SECTORS[i % 7]]))
    _rerun(at, "pa_sector_w", [])
    for g in (1, 2):  # visit both states once, then toggle between them
        _rerun(at, "pa_goal_w", [g])
    for i in range(args.repeat):
        seen.append(_rerun(at, "pa_goal_w", [1 + i % 2]))

    def summary(times: list[float]) -> dict[str, float]:
        times = sorted(times)
        return {"median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[int(round(0.95 * (len(times) - 1)))], 1),
                "runs": len(times)}

    print(json.dumps({"view": args.view, "database": os.environ.get("WARROOM_DB", ""),
                      "new_filter_value": summary(new), "seen_filter_value": summary(seen)},
                     indent=2))


if __name__ == "__main__":
    main()
