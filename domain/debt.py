"""Informal-debt case measures: the stage funnel, days per stage, unresolved cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

OPEN_STAGES = ("registered", "mediation")
OUTCOMES = ("settled", "referred", "closed")
FUNNEL_STEPS = ("registered", "mediation", "settled")


def stage_funnel(stage_counts: Mapping[str, int]) -> pd.DataFrame:
    """Cases that reached each step: every case was registered; every case past registration
    went through mediation; settled cases are the successful end.

    Returns ``step``, ``cases``, ``share`` (of registered) and ``step_rate`` (of the step
    before). Referred and closed cases reached mediation but leave the funnel there.
    """
    counts = {k: int(v) for k, v in stage_counts.items()}
    registered = sum(counts.values())
    mediation = registered - counts.get("registered", 0)
    settled = counts.get("settled", 0)
    steps = pd.DataFrame({"step": list(FUNNEL_STEPS), "cases": [registered, mediation, settled]})
    steps["share"] = steps.cases / registered if registered else float("nan")
    prev = steps.cases.shift(1)
    steps["step_rate"] = steps.cases / prev.where(prev > 0)
    steps.loc[0, "step_rate"] = 1.0 if registered else float("nan")
    return steps


STAGE_STEPS = (("registered", "mediation"), *(("mediation", o) for o in OUTCOMES))


def days_per_stage(cases: pd.DataFrame) -> pd.DataFrame:
    """Median (and 90th percentile) days spent in each stage by the cases that left it.

    ``cases``: ``stage``, ``registered_on``, ``mediation_on``, ``outcome_on``. Cases still in a
    stage are not counted in its duration (their time is not over yet); ``open`` says how many
    are still in it, so a short median over few cases is read with care.
    """
    reg = pd.to_datetime(cases.registered_on)
    med = pd.to_datetime(cases.mediation_on)
    out = pd.to_datetime(cases.outcome_on)
    rows = []
    waiting = (med - reg).dt.days.dropna()
    rows.append(("registered", "mediation", waiting,
                 int(cases.stage.eq("registered").sum())))
    for outcome in OUTCOMES:
        mask = cases.stage.eq(outcome)
        rows.append(("mediation", outcome, (out[mask] - med[mask]).dt.days.dropna(),
                     int(cases.stage.eq("mediation").sum()) if outcome == "settled" else 0))
    return _days_table(rows)


def days_per_stage_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`days_per_stage` from the days counted by step instead of every case's dates.

    ``counts``: ``from_stage``, ``to_stage``, ``days`` (a stay's length, NULL for none),
    ``n`` (stays of that length) and ``still`` (cases still in the step's first stage). The
    stays are laid out again one per case, so the median and the 90th percentile are the very
    same computation on the very same numbers (exactly equal, not to a tolerance).
    """
    start = counts.from_stage.to_numpy(dtype=object)
    end = counts.to_stage.to_numpy(dtype=object)
    days = counts.days.to_numpy(dtype=float)
    n = counts.n.to_numpy(dtype=np.int64)
    still = counts.still.to_numpy(dtype=np.int64)
    rows = []
    for a, b in STAGE_STEPS:
        step = (start == a) & (end == b)
        taken = step & (n > 0)
        rows.append((a, b, np.repeat(days[taken], n[taken]), int(still[step].sum())))
    return _days_table(rows)


def median_p90(days: np.ndarray) -> tuple[float, float]:
    """``pd.Series(days).median()`` and ``.quantile(0.9)``, to the last bit, without their
    2 ms a call: pandas hands them to these numpy calls (``tests/test_plans_debt.py``)."""
    if not len(days):
        return float("nan"), float("nan")
    values = np.asarray(days, dtype=float)
    return (float(np.median(values)),
            float(np.percentile(values, np.array([0.9]) * 100.0, method="linear")[0]))


def _days_table(rows: list[tuple[str, str, Any, int]]) -> pd.DataFrame:
    out = []
    for a, b, d, n_open in rows:
        median, p90 = median_p90(np.asarray(d, dtype=float))
        out.append({"from_stage": a, "to_stage": b, "cases": int(len(d)), "median_days": median,
                    "p90_days": p90, "open": n_open})
    return pd.DataFrame(out)


def suppress_small(value: int | None, minimum: int = 5) -> int | None:
    """A count small enough to point at a person is withheld (None) from aggregate views."""
    if value is None:
        return None
    return None if 0 < value < minimum else int(value)
