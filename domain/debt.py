"""Informal-debt case measures: the stage funnel, days per stage, unresolved cases."""

from __future__ import annotations

from collections.abc import Mapping

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
    return pd.DataFrame([
        {"from_stage": a, "to_stage": b, "cases": int(len(d)),
         "median_days": float(d.median()) if len(d) else float("nan"),
         "p90_days": float(d.quantile(0.9)) if len(d) else float("nan"), "open": n_open}
        for a, b, d, n_open in rows
    ])


def suppress_small(value: int | None, minimum: int = 5) -> int | None:
    """A count small enough to point at a person is withheld (None) from aggregate views."""
    if value is None:
        return None
    return None if 0 < value < minimum else int(value)
