"""Since the last meeting: the figures a meeting snapshot keeps and how two snapshots compare."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# Metric -> +1 when a rise is good news, -1 when a fall is, 0 when neither (a count of work).
METRICS: dict[str, int] = {
    "sdg_index": 1,
    "sdg_category": 1,  # rank 0 aspirant ... 3 achiever
    "indicators_decreasing": -1,
    "indicators_on_track": 1,
    "target_poor_people": -1,
    "cases_open": -1,
    "cases_closed": 1,
    "cases_overdue": -1,
    "debt_open": -1,
    "debt_settled": 1,
    "debt_registered": 0,
    "plan_budget_planned": 0,
    "plan_budget_spent": 1,
    "plan_projects_attention": -1,
    "alerts_open": -1,
}
GOAL_METRIC_PREFIX = "goal_"  # goal_1 ... goal_17 scores, higher is better


def polarity(metric: str) -> int:
    if metric.startswith(GOAL_METRIC_PREFIX):
        return 1
    return METRICS.get(metric, 0)


def compare_figures(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """What moved between two snapshots. ``before``/``after``: area_code, metric, value.

    Returns area_code, metric, before, after, change and ``direction``: ``better`` /
    ``worse`` (by the metric's polarity), ``changed`` (a count of work that has no good
    side), ``same``, ``new`` (no figure before) or ``gone`` (no figure now).
    """
    b = before[["area_code", "metric", "value"]].rename(columns={"value": "before"})
    a = after[["area_code", "metric", "value"]].rename(columns={"value": "after"})
    m = b.merge(a, on=["area_code", "metric"], how="outer").sort_values(
        ["area_code", "metric"]).reset_index(drop=True)
    m["change"] = m["after"] - m["before"]
    m["direction"] = [_direction(metric, x, y) for metric, x, y in
                      zip(m.metric, m.before, m.after, strict=True)]
    return m


def _direction(metric: str, before: float, after: float) -> str:
    nb, na = _missing(before), _missing(after)
    if nb and na:
        return "same"
    if nb:
        return "new"
    if na:
        return "gone"
    if math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-9):
        return "same"
    sign = polarity(metric)
    if sign == 0:
        return "changed"
    return "better" if (after - before) * sign > 0 else "worse"


def _missing(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def biggest_moves(diff: pd.DataFrame, metric: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` areas whose ``metric`` moved most, worst news first (then best)."""
    d = diff[(diff.metric == metric) & diff.change.notna() & (diff.change != 0)].copy()
    sign = polarity(metric) or 1
    d["goodness"] = d.change * sign
    worst = d.nsmallest(n, "goodness")
    best = d[~d.index.isin(worst.index)].nlargest(n, "goodness")
    return pd.concat([worst, best]).drop(columns="goodness")


def category_moves(diff: pd.DataFrame) -> pd.DataFrame:
    """Areas whose SDG category changed: area_code, before, after (ranks), direction."""
    d = diff[(diff.metric == "sdg_category") & diff.direction.isin(["better", "worse"])]
    return d[["area_code", "before", "after", "direction"]].reset_index(drop=True)


def summary_counts(diff: pd.DataFrame) -> dict[str, int]:
    """How many area figures got better, worse, or changed without a good side."""
    counts = diff.direction.value_counts()
    return {k: int(counts.get(k, 0)) for k in ("better", "worse", "changed", "same", "new",
                                                "gone")}


def as_float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
