"""Ranks with their uncertainty band: areas whose scores lie within a set distance are ties.

SDSN warns that rank differences of a few places mean little; a rank is therefore shown with
the range of ranks its area shares with every area scoring within ``distance`` points of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rank_bands(scores: pd.Series, distance: float) -> pd.DataFrame:
    """Rank (1 = best, equal scores share the best rank), and the band of ranks ``rank_low`` -
    ``rank_high`` taken by the areas scoring within ``distance`` of this one (itself included).

    ``tied`` is True when the band holds more than one rank. An area without a score (NaN)
    has no rank. Same index as ``scores``.
    """
    s = scores.astype(float).to_numpy()
    known = ~np.isnan(s)
    ordered = np.sort(s[known])  # ascending
    n = len(ordered)
    rank = np.full(len(s), np.nan)
    low = np.full(len(s), np.nan)
    high = np.full(len(s), np.nan)
    v = s[known]
    # Areas scoring strictly better than x: n - (number of scores <= x).
    better = n - np.searchsorted(ordered, v, side="right")
    rank[known] = better + 1
    # Best rank in the band: one after every area scoring more than x + distance; worst: the
    # number of areas scoring at least x - distance.
    eps = 1e-9
    low[known] = n - np.searchsorted(ordered, v + distance + eps, side="right") + 1
    high[known] = n - np.searchsorted(ordered, v - distance - eps, side="left")
    out = pd.DataFrame({"rank": rank, "rank_low": low, "rank_high": high}, index=scores.index)
    out = out.astype("Int64")
    out["tied"] = (out.rank_high > out.rank_low).fillna(False).astype(bool)
    return out


def band_label(rank: object, low: object, high: object) -> str:
    """``"3"`` or ``"3 (2-5)"`` when the area is within the distance of others; "" unranked."""
    if pd.isna(rank):
        return ""
    if pd.isna(low) or pd.isna(high) or int(low) == int(high):
        return str(int(rank))
    return f"{int(rank)} ({int(low)}-{int(high)})"
