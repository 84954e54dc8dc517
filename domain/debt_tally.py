"""Informal-debt tallies as the Damrongdhama centres publish them: per day and cumulative."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# Daily figures: registrants and their debt (by registration day), online and on-site
# registrations, creditors named, cases mediated (by mediation day), debt of settled cases
# before and after mediation (by settlement day), prosecutions of lenders.
TALLY_COLUMNS = ("registrants", "debt_total", "online", "onsite", "creditors", "mediated",
                 "settled", "debt_before", "debt_after", "prosecutions")


def daily_tally(days: pd.DataFrame, start: dt.date | None = None,
                end: dt.date | None = None) -> pd.DataFrame:
    """Every day from ``start`` to ``end`` (default: the first and last day with any figure),
    with the day's figures (0 on a day without any) and their running totals (``cum_*``).

    ``days``: ``day`` and any of ``TALLY_COLUMNS``; several rows of one day are added up.
    """
    cols = [c for c in TALLY_COLUMNS]
    frame = days.copy()
    for c in cols:
        if c not in frame:
            frame[c] = 0
    if frame.empty and (start is None or end is None):
        return pd.DataFrame(columns=["day", *cols, *(f"cum_{c}" for c in cols)])
    frame["day"] = pd.to_datetime(frame.day)
    by_day = frame.groupby("day")[cols].sum()
    first = pd.Timestamp(start) if start else by_day.index.min()
    last = pd.Timestamp(end) if end else by_day.index.max()
    index = pd.date_range(first, last, freq="D", name="day")
    # Figures from before the window still count in the running totals.
    before = by_day[by_day.index < first].sum()
    daily = by_day.reindex(index, fill_value=0).astype(float)
    cum = daily.cumsum() + before.reindex(cols).fillna(0).to_numpy()
    cum.columns = [f"cum_{c}" for c in cols]
    out = pd.concat([daily, cum], axis=1).reset_index()
    out["day"] = out.day.dt.date
    return out


def top_provinces(by_province: pd.DataFrame, column: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` provinces with the most ``column`` (ties broken by province code)."""
    ranked = by_province.sort_values([column, "province_code"], ascending=[False, True])
    return ranked.head(n).reset_index(drop=True)
