"""Partner measures: per-household rates, need and activity measures, gap ranking, network flows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def per_thousand(numerator: pd.Series | float, denominator: pd.Series | float,
                 per: float = 1000.0) -> pd.Series | float:
    """``numerator`` per ``per`` units of ``denominator``; NaN where the base is missing or 0
    (an area without surveyed households has no rate, not an infinite one)."""
    if not isinstance(numerator, pd.Series) and not isinstance(denominator, pd.Series):
        if denominator is None or not denominator > 0 or numerator is None:
            return float("nan")
        return per * float(numerator) / float(denominator)
    num = pd.to_numeric(numerator, errors="coerce")
    den = pd.to_numeric(denominator, errors="coerce")
    if isinstance(den, pd.Series):
        den = den.astype(float).where(den > 0)
    return (per * num / den).astype(float)


@dataclass(frozen=True)
class NeedMeasure:
    """A way to measure need per area. ``source`` says which loader supplies it: ``households``
    (the basic-needs survey), ``sdg_indicator`` (one indicator's values) or ``sdg_goal`` (a goal
    score, when the SDG scoring module is installed). ``higher_is_worse`` orients the ranking."""

    key: str
    source: str
    higher_is_worse: bool
    unit: str  # "pct", "count", "value" or "score"


NEED_MEASURES: tuple[NeedMeasure, ...] = (
    NeedMeasure("target_poor_share", "households", True, "pct"),
    NeedMeasure("target_poor_people", "households", True, "count"),
    NeedMeasure("sdg_indicator", "sdg_indicator", True, "value"),
    NeedMeasure("sdg_goal", "sdg_goal", False, "score"),
)


@dataclass(frozen=True)
class ActivityMeasure:
    """A way to measure partner activity per area from activity and household aggregates."""

    key: str
    unit: str  # "count", "rate" or "baht"


ACTIVITY_MEASURES: tuple[ActivityMeasure, ...] = (
    ActivityMeasure("activities", "count"),
    ActivityMeasure("activities_per_10k", "rate"),
    ActivityMeasure("beneficiaries_per_1k", "rate"),
    ActivityMeasure("partners", "count"),
    ActivityMeasure("budget_per_poor", "baht"),
)


def need_measure(key: str) -> NeedMeasure:
    return next(m for m in NEED_MEASURES if m.key == key)


def household_need(households: pd.DataFrame, key: str) -> pd.Series:
    """Need per area from household aggregates (``households``, ``target_poor_households``,
    ``target_poor_people``): the target-poor share of households in % or the people count."""
    if key == "target_poor_share":
        return per_thousand(households.target_poor_households, households.households, per=100.0)
    if key == "target_poor_people":
        return households.target_poor_people.astype(float)
    raise ValueError(f"not a household need measure: {key}")


def activity_values(frame: pd.DataFrame, key: str) -> pd.Series:
    """Activity per area from ``activities``, ``beneficiaries``, ``partners``, ``budget``,
    ``households`` and ``target_poor_people`` columns (missing activity counts as none)."""
    col = frame.get
    zero = pd.Series(0.0, index=frame.index)
    acts = col("activities", zero).fillna(0)
    if key == "activities":
        return acts.astype(float)
    if key == "partners":
        return col("partners", zero).fillna(0).astype(float)
    if key == "activities_per_10k":
        return per_thousand(acts, frame.households, per=10_000.0)
    if key == "beneficiaries_per_1k":
        return per_thousand(col("beneficiaries", zero).fillna(0), frame.households)
    if key == "budget_per_poor":
        return per_thousand(col("budget", zero).fillna(0), frame.target_poor_people, per=1.0)
    raise ValueError(f"unknown activity measure: {key}")


GAP_QUADRANTS = ("gap", "served", "concentrated", "quiet")


def rank_gaps(frame: pd.DataFrame, *, need_col: str = "need", activity_col: str = "activity",
              higher_is_worse: bool = True) -> pd.DataFrame:
    """Rank areas by how much their need exceeds the partner activity they receive.

    Both measures become percentile ranks among the areas compared (0-1, average ranks for
    ties): ``need_pct`` is 1 for the neediest area, ``activity_pct`` 1 for the most active.
    ``gap = need_pct - activity_pct`` (from -1 to 1): high when an area is among the neediest
    but among the least served. Areas without a need value are left out; an area without
    activity counts as zero activity. Sorted by gap, then need, with ``rank`` from 1 and a
    ``quadrant`` (gap / served / concentrated / quiet, split at the median percentile).
    """
    data = frame.dropna(subset=[need_col]).copy()
    if data.empty:
        return data.assign(need_pct=[], activity_pct=[], gap=[], rank=[], quadrant=[])
    need = data[need_col].astype(float)
    oriented = need if higher_is_worse else -need
    activity = data[activity_col].astype(float).fillna(0.0)
    data["need_pct"] = oriented.rank(pct=True, method="average")
    data["activity_pct"] = activity.rank(pct=True, method="average")
    data["gap"] = data.need_pct - data.activity_pct
    data["_need_order"] = oriented
    data = data.sort_values(["gap", "_need_order"], ascending=[False, False], kind="mergesort")
    data = data.drop(columns="_need_order").reset_index(drop=True)
    data["rank"] = np.arange(1, len(data) + 1)
    high_need = data.need_pct > 0.5
    high_act = data.activity_pct > 0.5
    data["quadrant"] = np.select(
        [high_need & ~high_act, high_need & high_act, ~high_need & high_act],
        ["gap", "served", "concentrated"], default="quiet")
    return data


def sankey_links(links: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Flows sector -> partner -> goal, keeping the ``top_n`` partners of each sector (by
    activities) and merging the rest into one "others" node per sector.

    ``links`` has ``sector``, ``partner_id``, ``goal``, ``activities``. Returns ``source``,
    ``target``, ``value`` with node ids ``s:<sector>``, ``p:<partner_id>``, ``o:<sector>``
    (others of a sector, count of merged partners in ``merged``) and ``g:<goal>``.
    """
    if links.empty:
        return pd.DataFrame(columns=["source", "target", "value", "merged"])
    totals = links.groupby(["sector", "partner_id"], as_index=False).activities.sum()
    totals = totals.sort_values(["sector", "activities", "partner_id"],
                                ascending=[True, False, True], kind="mergesort")
    totals["order"] = totals.groupby("sector").cumcount()
    keep = set(totals.loc[totals.order < max(0, int(top_n)), "partner_id"])
    merged_n = totals[~totals.partner_id.isin(keep)].groupby("sector").size()
    node = np.where(links.partner_id.isin(keep), "p:" + links.partner_id.astype(str),
                    "o:" + links.sector)
    data = links.assign(node=node)
    left = data.groupby(["sector", "node"], as_index=False).activities.sum()
    left = pd.DataFrame({"source": "s:" + left.sector, "target": left.node,
                         "value": left.activities})
    right = data.groupby(["node", "goal"], as_index=False).activities.sum()
    right = pd.DataFrame({"source": right.node, "target": "g:" + right.goal.astype(str),
                          "value": right.activities})
    out = pd.concat([left, right], ignore_index=True)
    out["merged"] = out.target.map(
        lambda n: int(merged_n.get(n[2:], 0)) if n.startswith("o:") else 0)
    return out
