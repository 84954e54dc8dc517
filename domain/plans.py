"""One Plan measures: expected progress, late/stalled flags, budget per unit of need."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

# A project this many percentage points behind its expected progress is "behind".
BEHIND_POINTS = 20.0
# A project whose last progress report is older than this is "stalled".
STALE_DAYS = 90
FLAGS = ("late", "stalled", "behind", "on_track", "not_started", "completed", "suspended")
# Flags an executive has to act on.
ATTENTION_FLAGS = ("late", "stalled", "behind", "suspended")


def expected_progress(start: pd.Series, end: pd.Series, as_of: dt.date) -> pd.Series:
    """Share of the planned duration elapsed on ``as_of``, in % (0-100): linear progress."""
    start = pd.to_datetime(start)
    end = pd.to_datetime(end)
    now = pd.Timestamp(as_of)
    total = (end - start).dt.days.clip(lower=1)
    elapsed = (now - start).dt.days
    return (100.0 * elapsed / total).clip(0.0, 100.0)


def flag_projects(projects: pd.DataFrame, as_of: dt.date, *, behind_points: float = BEHIND_POINTS,
                  stale_days: int = STALE_DAYS) -> pd.Series:
    """One flag per project (see ``FLAGS``), judged on ``as_of``.

    Needs columns ``status``, ``start_date``, ``end_date``, ``progress_pct``, ``last_update``.
    Order of precedence for an open project: past its end date (late), no progress report for
    ``stale_days`` (stalled), ``behind_points`` behind the linear schedule (behind), on track.
    """
    if projects.empty:
        return pd.Series([], dtype=object, index=projects.index)
    now = pd.Timestamp(as_of)
    start = pd.to_datetime(projects.start_date)
    end = pd.to_datetime(projects.end_date)
    silent = (now - pd.to_datetime(projects.last_update)).dt.days
    gap = expected_progress(start, end, as_of) - projects.progress_pct.astype(float)
    status = projects.status
    open_ = status.isin(["in_progress", "not_started"])
    conditions = [
        status.eq("completed"),
        status.eq("suspended"),
        open_ & (end < now),
        status.eq("not_started") & (start <= now),
        status.eq("not_started"),
        open_ & (silent > stale_days),
        open_ & (gap > behind_points),
    ]
    choices = ["completed", "suspended", "late", "late", "not_started", "stalled", "behind"]
    flags = np.select(conditions, choices, default="on_track")
    return pd.Series(flags, index=projects.index, dtype=object)


def budget_per_need(budget: pd.DataFrame, need: pd.DataFrame) -> pd.DataFrame:
    """Budget per unit of need per area, and its ratio to the all-area figure.

    ``budget``: columns ``code``, ``budget``; ``need``: columns ``code``, ``need`` (e.g. target
    poor households). An area with no need gets no ratio (NaN), never infinity; an area with
    need but no budget gets 0. ``index`` is 1.0 where an area gets the average amount per unit
    of need, below 1 where it is under-funded relative to its need.
    """
    merged = need[["code", "need"]].merge(budget[["code", "budget"]], on="code", how="outer")
    merged["budget"] = merged.budget.fillna(0.0).astype(float)
    merged["need"] = merged.need.astype(float)
    has_need = merged.need > 0
    merged["per_need"] = np.where(has_need, merged.budget / merged.need.where(has_need), np.nan)
    total_need = merged.need[has_need].sum()
    overall = merged.budget[has_need].sum() / total_need if total_need > 0 else np.nan
    merged["index"] = merged.per_need / overall if overall and overall > 0 else np.nan
    return merged.sort_values("code").reset_index(drop=True)
