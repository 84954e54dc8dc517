"""Early-warning rules after an import: 100 rules of the six kinds evaluated over the store and
their alerts recorded, against evaluating each rule on its own (inputs read per rule).

The alerts go to a small store of their own (the benchmark's stores are read-only); the rules
read the measured store. ``python -m bench.run --only alerts [--db FILE]``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import measure
from data.alerts import Inputs, Rule, evaluate_rule, evaluate_rules
from data.scope import AccessScope
from data.store import Store, open_store
from data.tracking import load_as_of
from domain.alert_rules import validate_params

N_RULES = 100
TARGET_S = 10.0


def build_rules(store: Store, n: int = N_RULES) -> list[Rule]:
    """``n`` rules cycling through the six kinds, over different indicators, datasets and
    agencies, half of them for every province and half for one province."""
    indicators = [r[0] for r in store.rows("SELECT indicator_code FROM sdg_indicators "
                                           "ORDER BY indicator_code")]
    provinces = [r[0] for r in store.rows("SELECT code FROM areas WHERE level = 'province' "
                                          "ORDER BY code")]
    agencies = ["", "moph", "dla", "cdd", "moe", "nha", "dsdw", "doae", "doe"]
    datasets = ["sdg_values", "households", "plan_projects", "debt_cases", "partner_activities"]
    items = ["assistance", "debt", "project"]
    rules = []
    for i in range(n):
        kind = ("threshold", "decline", "category_drop", "overdue_agency", "not_reported",
                "neighbour_deviation")[i % 6]
        ind = indicators[i % len(indicators)]
        params: dict[str, Any] = {
            "threshold": {"indicator": ind, "op": "below" if i % 2 else "above",
                          "value": 50.0},
            "decline": {"indicator": ind, "years": 1 + i % 3},
            "category_drop": {"steps": 1},
            "overdue_agency": {"item": items[i % 3], "agency": agencies[i % len(agencies)],
                               "limit": 10 * (i % 7), "per_province": bool(i % 2)},
            "not_reported": {"dataset": datasets[i % len(datasets)], "days": 30 + i},
            "neighbour_deviation": {"indicator": ind, "gap": 15.0, "relative": True},
        }[kind]
        area = "" if i % 2 == 0 else provinces[i % len(provinces)]
        rules.append(Rule(i + 1, f"rule {i + 1}", kind, validate_params(kind, params), area))
    return rules


def _one_by_one(store: Store, rules: list[Rule], adjacency) -> int:
    """The plain way: each rule reads its own inputs (a new Inputs per rule)."""
    found = 0
    as_of = load_as_of(store)
    for rule in rules:
        found += len(evaluate_rule(rule, Inputs(store, as_of, adjacency)))
    return found


def run(ctx: Any) -> list[dict[str, Any]]:
    from domain.neighbours import province_neighbours

    adjacency = province_neighbours()  # the shipped table, as in the app
    rows: list[dict[str, Any]] = []
    for backend in ctx.backends():
        rows += _backend(ctx, backend, adjacency)
    return rows


def _backend(ctx: Any, backend: str, adjacency: Any) -> list[dict[str, Any]]:
    store = ctx.store(backend)
    rules = build_rules(store)

    def evaluate(writer: Store) -> Any:
        return evaluate_rules(store, "bench", rules=rules, adjacency=lambda: adjacency,
                              writer=writer)

    with tempfile.TemporaryDirectory(prefix="warroom-alerts-") as tmp:
        writer = open_store(f"duckdb:///{Path(tmp) / 'alerts.duckdb'}")
        try:
            t = time.perf_counter()
            first = evaluate(writer)
            first_s = time.perf_counter() - t
            timing = measure(lambda: evaluate(writer), repeat=ctx.repeat, warmup=0,
                             min_time=0)
            base = measure(lambda: _one_by_one(store, rules, lambda: adjacency),
                           repeat=1 if not ctx.quick else ctx.repeat, warmup=0, min_time=0)
            open_alerts = writer.scalar("SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL")
        finally:
            writer.close()
    many = build_rules(store, 10 * N_RULES)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="warroom-alerts-") as tmp:
        writer = open_store(f"duckdb:///{Path(tmp) / 'alerts.duckdb'}")
        try:
            evaluate_rules(store, "bench", rules=many, adjacency=lambda: adjacency,
                           writer=writer)
        finally:
            writer.close()
    many_ms = 1000 * (time.perf_counter() - t)
    rows = [{
        "benchmark": "alerts", "case": f"{len(many)} rules after an import (one run)",
        "backend": backend, "median_ms": many_ms}, {
        "benchmark": "alerts", "case": f"{len(rules)} rules after an import",
        "backend": backend, "median_ms": timing.median_ms, "p95_ms": timing.p95_ms,
        "baseline_ms": base.median_ms,
        "extra": {"cpu_median_ms": round(timing.cpu_median_ms or 0),
                  "first_run_ms": round(1000 * first_s), "raised_first": first.raised,
                  "open_alerts": open_alerts, "failed": len(first.failed),
                  "target_s": TARGET_S, "within_target": timing.median_ms / 1000 < TARGET_S,
                  "baseline": "each rule reads its own inputs"}}]
    for name, fn in _inputs(store, AccessScope.everything()):
        t = measure(fn, repeat=ctx.repeat, warmup=0, min_time=0)
        rows.append({"benchmark": "alerts", "case": f"input: {name}", "backend": backend,
                     "median_ms": t.median_ms, "p95_ms": t.p95_ms})
    return rows


def _inputs(store: Store, scope: AccessScope):
    from data.freshness import load_freshness
    from data.tracking import overdue_by_agency

    as_of = load_as_of(store)
    yield "overdue assistance cases by agency", lambda: overdue_by_agency(
        store, scope, "assistance", "", as_of)
    yield "freshness of 5 datasets x 77 provinces", lambda: load_freshness(store, scope, as_of)
    yield "SDG categories of two years", lambda: Inputs(store, as_of, dict).categories()
