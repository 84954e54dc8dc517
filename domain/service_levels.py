"""Service levels of follow-up items: age, days in the current stage, due date, overdue, and the
median and 90th percentile of the time to closure (plain functions, no store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

# Follow-up items: assistance cases (households), informal-debt cases, One Plan projects.
ITEM_KINDS = ("assistance", "debt", "project")
# Stages an item can still be in (open) and the stages that end it (closed), per kind.
OPEN_STAGES = {
    "assistance": ("identified", "in_progress"),
    "debt": ("registered", "mediation"),
    "project": ("not_started", "in_progress", "suspended"),
}
CLOSED_STAGES = {
    "assistance": ("resolved",),
    "debt": ("settled", "referred", "closed"),
    "project": ("completed",),
}
# Items about people: listed only to users entitled to the province's household records.
PERSONAL_KINDS = frozenset({"assistance", "debt"})
# Debt cases belong to the Damrongdhama centres, run by the provincial administration.
DEBT_AGENCY = "dopa"

Levels = Mapping[tuple[str, str, str], int]
# Days allowed per stage for any agency until a steward or executive sets others: two
# weeks to a month to start work, four months to finish assistance, two weeks to mediate
# (the centres' own target) and two months to an outcome; projects to start within a month
# of their planned start and to end by their planned end.
DEFAULT_LEVELS: dict[tuple[str, str, str], int] = {
    ("assistance", "identified", ""): 30, ("assistance", "in_progress", ""): 120,
    ("debt", "registered", ""): 15, ("debt", "mediation", ""): 60,
    ("project", "not_started", ""): 30, ("project", "in_progress", ""): 0,
}


def level_days(levels: Levels, kind: str, stage: str, agency: str) -> int | None:
    """Days allowed in ``stage``: the agency's own level, else the level for any agency
    (agency ``""``), else None (no service level: never overdue)."""
    own = levels.get((kind, stage, agency))
    return own if own is not None else levels.get((kind, stage, ""))


def item_status(items: pd.DataFrame, levels: Levels, as_of: dt.date) -> pd.DataFrame:
    """Age, days in stage, due date and overdue flag of open items, judged on ``as_of``.

    ``items``: ``kind``, ``stage``, ``agency``, ``opened_on``, ``stage_since`` and optionally
    ``deadline`` (an item's own due date, e.g. a project's planned end). The service level
    counts from the deadline where there is one, else from the day the item entered its
    stage: due = (deadline or stage_since) + level days. An item is overdue when ``as_of`` is
    after its due date (on the due date itself it is not yet overdue).
    """
    out = items.copy()
    now = pd.Timestamp(as_of)
    opened = pd.to_datetime(out.opened_on)
    since = pd.to_datetime(out.stage_since).fillna(opened)
    anchor = since
    if "deadline" in out:
        anchor = pd.to_datetime(out.deadline).fillna(since)
    days = [level_days(levels, k, s, a) for k, s, a in
            zip(out.kind, out.stage, out.agency, strict=True)]
    sl = pd.Series([np.nan if d is None else float(d) for d in days], index=out.index)
    out["age_days"] = (now - opened).dt.days
    out["stage_days"] = (now - since).dt.days
    out["sl_days"] = sl
    out["due_on"] = anchor + pd.to_timedelta(sl, unit="D")
    late = (now - out.due_on).dt.days
    out["overdue"] = late.gt(0).fillna(False).astype(bool)
    out["overdue_days"] = late.where(out.overdue, 0).fillna(0).astype(int)
    return out


def weighted_quantile(days: np.ndarray, counts: np.ndarray, q: float) -> float:
    """The ``q`` quantile of a sample given as distinct values and their counts, with the
    linear interpolation numpy's ``percentile`` (and DuckDB's ``quantile_cont``) use: the
    value at position (n - 1) q of the sorted sample. NaN for an empty sample."""
    order = np.argsort(days)
    x = np.asarray(days, dtype=float)[order]
    c = np.asarray(counts, dtype=np.int64)[order]
    keep = c > 0
    x, c = x[keep], c[keep]
    n = int(c.sum())
    if n == 0:
        return float("nan")
    h = (n - 1) * q
    lo, hi = int(np.floor(h)), int(np.ceil(h))
    ends = np.cumsum(c)  # the sorted sample's positions 0..n-1 fall in [ends - c, ends)
    x_lo = x[np.searchsorted(ends, lo, side="right")]
    x_hi = x[np.searchsorted(ends, hi, side="right")]
    return float(x_lo + (h - lo) * (x_hi - x_lo))


def closure_summary(counts: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Median, 90th percentile and mean days to closure per ``by`` value.

    ``counts``: ``by``, ``days`` (whole days from opening to closing) and ``n`` (items that
    took that long), as a GROUP BY in the store gives them. Returns ``by``, ``closed``,
    ``median_days``, ``p90_days``, ``mean_days``, sorted by ``by``.
    """
    rows = []
    for key, g in counts.groupby(by, sort=True):
        d, n = g.days.to_numpy(dtype=float), g.n.to_numpy(dtype=np.int64)
        total = int(n.sum())
        rows.append({by: key, "closed": total,
                     "median_days": weighted_quantile(d, n, 0.5),
                     "p90_days": weighted_quantile(d, n, 0.9),
                     "mean_days": float((d * n).sum() / total) if total else float("nan")})
    return pd.DataFrame(rows, columns=[by, "closed", "median_days", "p90_days", "mean_days"])

