"""Smoke test of the benchmark runner and the store benchmarks on the tiny test store."""

from __future__ import annotations

import json
import sys
import types

from bench import run as bench_run
from bench.bench_store import pandas_children, pandas_children_rollup, pandas_sdg_scores
from data.queries import target_poor_by_child


def test_runner_collects_rows_and_survives_a_broken_module(demo_db, monkeypatch, capsys):
    good = types.ModuleType("bench.bench_zz_good")
    good.run = lambda ctx: [{"benchmark": "b", "case": "c", "backend": "duckdb",
                             "median_ms": 2.0, "baseline_ms": 10.0, "rows": 5}]
    bad = types.ModuleType("bench.bench_zz_bad")

    def boom(ctx):
        raise RuntimeError("broken")

    bad.run = boom
    monkeypatch.setitem(sys.modules, "bench.bench_zz_good", good)
    monkeypatch.setitem(sys.modules, "bench.bench_zz_bad", bad)
    ctx = bench_run.BenchContext(duckdb_path=demo_db, pg_url=None, quick=True, repeat=1,
                                 scale="quick")
    rows, modules = bench_run.run_modules(ctx, ["bench_zz_good", "bench_zz_bad"])
    assert len(rows) == 1 and rows[0].ratio == 5.0 and rows[0].extra == {"rows": 5}
    assert modules["bench_zz_good"]["status"] == "ok"
    assert modules["bench_zz_bad"]["status"].startswith("error: RuntimeError")
    table = bench_run.format_table(rows)
    assert "x faster" in table and "5.0" in table
    assert "bench_store" in bench_run.discover()
    assert bench_run.discover(["no-such-module"]) == []
    json.dumps([r.as_dict() for r in rows])


def test_pandas_baselines_answer_like_the_store(store, everything, exact_counts):
    """The baselines do the same work as the queries they are compared with."""
    year = 2024
    hh = store.query("SELECT village_code, province_code, members, target_poor FROM households "
                     "WHERE survey_year = ?", [year])
    areas = store.query("SELECT code, name_th, name_en FROM areas")
    rollup = store.query("SELECT * FROM household_rollup WHERE survey_year = ?", [year])
    for code in ("", "R:NE", "30", "3001"):
        got = target_poor_by_child(store, everything, code, year)
        for expected in (pandas_children(hh, areas, code),
                         pandas_children_rollup(rollup, areas, code)):
            assert got.code.tolist() == expected.code.tolist(), code
            assert got.target_poor_people.astype(int).tolist() == \
                expected.target_poor_people.astype(int).tolist()
    values = store.query("SELECT * FROM sdg_values")
    indicators = store.query("SELECT * FROM sdg_indicators")
    scores = pandas_sdg_scores(values, indicators, 2023)
    assert scores.sdg_index.between(0, 100).all() and len(scores) > 77


def test_measure_runs_quick_calls_until_its_time_budget_and_slow_ones_repeat_times():
    import gc
    import time

    from bench.common import measure

    calls = []
    quick = measure(lambda: calls.append(1), repeat=5, warmup=2, min_time=0.05, max_runs=40)
    assert quick.runs == 40 and len(calls) == 42  # the budget was not reached: capped
    slow = measure(lambda: time.sleep(0.03), repeat=3, warmup=0, min_time=0.05)
    assert slow.runs == 3 and 25 <= slow.median_ms < 200
    assert gc.isenabled()
