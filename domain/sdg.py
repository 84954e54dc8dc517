"""SDG Index scoring (Sustainable Development Report method) and progress status.

Indicator, goal and index scores, performance categories, progress towards the 2030
target, and the missing-data rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain import progress

# Missing-data rules (shown on the pages): a goal is scored only when at least this share of
# its indicators that apply at the area's level has a value; the index only when at least this
# share of the goals that apply at the level is scored. Below that the area shows "no data"
# (NaN), never 0.
MIN_INDICATOR_SHARE = 0.5
MIN_GOAL_SHARE = 0.8

# Categories of India's SDG India Index on the 0-100 score (rounded to a whole number first).
CATEGORIES: tuple[tuple[str, int], ...] = (
    ("achiever", 100), ("front_runner", 65), ("performer", 50), ("aspirant", 0))
CATEGORY_COLOURS = {"achiever": "#00A084", "front_runner": "#00A6C8",
                    "performer": "#FFC20E", "aspirant": "#E5243B"}

# Progress statuses, best first; None means no trend (a single year of data).
STATUSES = ("on_track", "moderate", "stagnating", "decreasing")
STATUS_ARROWS = {"on_track": "↑", "moderate": "↗", "stagnating": "→", "decreasing": "↓"}
STATUS_COLOURS = {"on_track": "#1B7837", "moderate": "#7FBC41", "stagnating": "#F1A340",
                  "decreasing": "#B2182B"}
TARGET_YEAR = progress.TARGET_YEAR
MODERATE_SHARE = progress.MODERATE_SHARE


def _isnan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def normalise(value, lower, upper, direction):
    """Rescale ``value`` to 0-100 between ``lower`` (worst if higher is better) and ``upper``.

    Values beyond the bounds are censored to 0 or 100. ``direction`` +1: higher is better;
    -1: lower is better (the scale is reversed). Works on scalars and arrays; NaN stays NaN.
    """
    v = np.asarray(value, dtype=float)
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    span = np.where(hi > lo, hi - lo, np.nan)
    score = (np.clip(v, lo, hi) - lo) / span * 100.0
    score = np.where(np.asarray(direction) < 0, 100.0 - score, score)
    return float(score) if score.ndim == 0 else score


def category(score: float | None) -> str | None:
    """Aspirant 0-49, Performer 50-64, Front Runner 65-99, Achiever 100; None without a score."""
    if _isnan(score):
        return None
    # Judged on the score as shown (one decimal, halves up), so "64.6" never reads as
    # Front Runner and "99.96" shown as "100.0" is an Achiever.
    s = math.floor(float(score) * 10 + 0.5) / 10
    return next(name for name, floor in CATEGORIES if s >= floor)


def indicator_scores(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """``values`` (area_code, indicator_code, value) with ``goal`` and ``score`` added.

    ``catalogue`` holds indicator_code, goal, direction, lower_bound, upper_bound. Values of
    indicators missing from the catalogue are left out.
    """
    at = pd.Index(np.asarray(catalogue.indicator_code, dtype=object)).get_indexer(
        np.asarray(values.indicator_code, dtype=object))
    known = at >= 0
    df = values if known.all() else values[known]
    at = at[known]

    def spec(column: str) -> np.ndarray:
        return catalogue[column].to_numpy()[at]

    return df.assign(goal=spec("goal"), score=normalise(
        df.value.to_numpy(dtype=float), spec("lower_bound"), spec("upper_bound"),
        spec("direction")))


def applicable(catalogue: pd.DataFrame, level: str) -> pd.DataFrame:
    """Indicators that count at ``level`` (their ``levels`` list names it; all if absent)."""
    cat = catalogue
    if "in_index" in cat.columns:
        cat = cat[cat.in_index.fillna(True).astype(bool)]
    if "levels" not in cat.columns or level in ("country", "region"):
        return cat
    keep = [level in str(ls if isinstance(ls, str) else "province").split(",")
            for ls in cat.levels.tolist()]
    return cat[np.asarray(keep, dtype=bool)]


def _codes(values: pd.Series | np.ndarray, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct values (first-seen order, or sorted), as numpy.

    Plain object arrays: factorising pandas' Arrow-backed strings costs several times more.
    """
    arr = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(arr, sort=sort)
    return codes, np.asarray(uniques, dtype=object)


def goal_scores(scored: pd.DataFrame, catalogue: pd.DataFrame, level: str = "province",
                min_share: float = MIN_INDICATOR_SHARE) -> pd.DataFrame:
    """Goal score of every area: the mean of its indicator scores, if enough indicators have data.

    Returns one row per area and applicable goal: area_code, goal, score (NaN = no data),
    indicators (with data), expected (applicable at the level), share. Areas come in the order
    they first appear in ``scored``, goals in ascending order.
    """
    cat = applicable(catalogue, level)
    expected_by_goal = cat.groupby("goal").indicator_code.nunique()
    goals = expected_by_goal.index.to_numpy()
    expected = expected_by_goal.to_numpy(dtype=np.int64)
    area_idx, areas = _codes(scored.area_code)
    n_areas, n_goals = len(areas), len(goals)
    score = scored.score.to_numpy(dtype=float)
    known = set(cat.indicator_code.tolist())
    use = np.fromiter((c in known for c in scored.indicator_code.tolist()), dtype=bool,
                      count=len(scored)) & ~np.isnan(score)
    cell = area_idx[use] * n_goals + np.searchsorted(goals, scored.goal.to_numpy()[use])
    size = n_areas * n_goals
    sums = np.bincount(cell, weights=score[use], minlength=size)
    counts = np.bincount(cell, minlength=size).astype(np.int64)
    mean = np.full(size, np.nan)
    np.divide(sums, counts, out=mean, where=counts > 0)
    expected_all = np.tile(expected, n_areas)
    share = counts / expected_all
    return pd.DataFrame({
        "area_code": pd.array(np.repeat(areas, n_goals), dtype=scored.area_code.dtype),
        "goal": np.tile(goals, n_areas),
        "score": np.where(share >= min_share - 1e-9, mean, np.nan),
        "indicators": counts, "expected": expected_all, "share": share,
    })


def sdg_index(goals: pd.DataFrame, min_share: float = MIN_GOAL_SHARE,
              max_missing: float | None = None,
              not_measured: pd.Series | None = None) -> pd.DataFrame:
    """The SDG index of every area: the mean of its goal scores, if enough goals are scored
    and (``max_missing``, a share) no more than that share of its indicators lacks a value.

    ``not_measured`` (area_code -> count) names the applicable indicators an area has never
    had a value for in any year (goal 14 inland): they are not "missing this year" and leave
    the count the share is taken of, as SDSN leaves SDG 14 out for landlocked countries.

    ``goals`` is the output of :func:`goal_scores`. Returns area_code (sorted), index (NaN = no
    data), goals (scored), expected (applicable goals), category, indicators (with a value),
    indicators_expected, missing_share and reason ("" when scored, ``few_goals`` or
    ``missing_indicators`` when withheld, ``no_data`` when nothing is scored).
    """
    columns = ["area_code", "index", "goals", "expected", "category", "indicators",
               "indicators_expected", "missing_share", "reason", "not_measured"]
    if goals.empty:
        return pd.DataFrame(columns=columns)
    area_idx, areas = _codes(goals.area_code, sort=True)
    n = len(areas)
    score = goals.score.to_numpy(dtype=float)
    scored = ~np.isnan(score)
    sums = np.bincount(area_idx[scored], weights=score[scored], minlength=n)
    counts = np.bincount(area_idx[scored], minlength=n).astype(np.int64)
    goal_idx, goal_values = _codes(goals.goal)
    # Distinct (area, goal) pairs, counted per area: the goals that apply to each area.
    pairs = np.unique(area_idx * len(goal_values) + goal_idx)
    expected = np.bincount(pairs // len(goal_values), minlength=n).astype(np.int64)
    with_value = np.bincount(area_idx, weights=goals.indicators.to_numpy(dtype=float),
                             minlength=n)
    applicable_n = np.bincount(area_idx, weights=goals.expected.to_numpy(dtype=float),
                               minlength=n)
    never = np.zeros(n) if not_measured is None else \
        pd.Series(not_measured).reindex(areas).fillna(0).to_numpy(dtype=float)
    applicable_n = np.maximum(applicable_n - never, with_value)
    missing = np.where(applicable_n > 0, 1.0 - with_value / np.maximum(applicable_n, 1), 1.0)
    mean = np.full(n, np.nan)
    np.divide(sums, counts, out=mean, where=counts > 0)
    enough_goals = counts / expected >= min_share - 1e-9
    enough_values = np.ones(n, dtype=bool) if max_missing is None else \
        missing <= max_missing + 1e-9
    index = np.where(enough_goals & enough_values, mean, np.nan)
    reason = np.where(counts == 0, "no_data", np.where(
        ~enough_goals, "few_goals", np.where(~enough_values, "missing_indicators", "")))
    return pd.DataFrame({
        "area_code": pd.array(areas, dtype=goals.area_code.dtype), "index": index,
        "goals": counts, "expected": expected,
        "category": [category(v) for v in index],
        "indicators": with_value.astype(np.int64),
        "indicators_expected": applicable_n.astype(np.int64), "missing_share": missing,
        "reason": reason.astype(object), "not_measured": never.astype(np.int64),
    })


@dataclass(frozen=True)
class IndexWorking:
    """How one area's goal scores and SDG index were computed, step by step.

    ``indicators``: one row per indicator with a value or applicable at the level (goal,
    indicator_code, value, lower_bound, upper_bound, direction, score, counted, reason);
    ``goals``: the output of :func:`goal_scores` for the area, with ``counted`` and
    ``weight`` in the index; ``index``: the row of :func:`sdg_index` for the area.
    """

    area_code: str
    level: str
    indicators: pd.DataFrame
    goals: pd.DataFrame
    index: pd.Series
    min_indicator_share: float
    min_goal_share: float
    max_missing: float | None


def explain_index(values: pd.DataFrame, catalogue: pd.DataFrame, area_code: str, level: str,
                  max_missing: float | None = None,
                  min_indicator_share: float = MIN_INDICATOR_SHARE,
                  min_goal_share: float = MIN_GOAL_SHARE,
                  never_measured: frozenset[str] | set[str] = frozenset()) -> IndexWorking:
    """The working behind ``area_code``'s goal scores and index: the same functions that score
    every area (:func:`indicator_scores`, :func:`goal_scores`, :func:`sdg_index`) run on the
    area's own values, their intermediate results kept.

    ``values`` (area_code, indicator_code, value) may hold other areas: they are left out.
    An area's scores depend on its own values only, so this reproduces the figure computed
    with all areas at once. ``never_measured``: the indicators the area has never had a value
    for (see :func:`sdg_index`).
    """
    mine = values[values.area_code.astype(str) == str(area_code)]
    scored = indicator_scores(mine, catalogue)
    applicable_codes = set(applicable(catalogue, level).indicator_code.tolist())
    never = set(never_measured) & applicable_codes
    goals, row = _goal_working(scored, catalogue, str(area_code), level, max_missing,
                               min_indicator_share, min_goal_share, len(never))
    indicators = _indicator_working(mine, scored, catalogue, applicable_codes, never)
    return IndexWorking(str(area_code), level, indicators, goals.reset_index(drop=True), row,
                        min_indicator_share, min_goal_share, max_missing)


def _goal_working(scored: pd.DataFrame, catalogue: pd.DataFrame, area_code: str, level: str,
                  max_missing: float | None, min_indicator_share: float,
                  min_goal_share: float, n_never: int) -> tuple[pd.DataFrame, pd.Series]:
    """One area's goal scores with ``counted``, ``weight`` and ``reason``, and its index row."""
    goals = goal_scores(scored, catalogue, level, min_indicator_share)
    if goals.empty:  # no value at all: every applicable goal unscored
        cat = applicable(catalogue, level)
        expected = cat.groupby("goal").indicator_code.nunique()
        goals = pd.DataFrame({"area_code": area_code, "goal": expected.index.to_numpy(),
                              "score": np.nan, "indicators": 0,
                              "expected": expected.to_numpy(), "share": 0.0})
    index = sdg_index(goals, min_goal_share, max_missing, pd.Series({area_code: n_never}))
    row = index.iloc[0] if len(index) else pd.Series(
        {"area_code": area_code, "index": np.nan, "reason": "no_data"})
    counted_goal = goals.score.notna().to_numpy()
    n_counted = int(counted_goal.sum())
    goals = goals.assign(
        counted=counted_goal & pd.notna(row["index"]),
        weight=np.where(counted_goal & pd.notna(row["index"]), 1.0 / max(n_counted, 1), 0.0),
        reason=np.where(counted_goal, "", "few_indicators"))
    return goals, row


def _indicator_reason(code: str, value: float, score: float, has: bool, in_index: bool,
                      applicable_codes: set[str], never: set[str]) -> str:
    """Why an indicator does not count in the index ("" when it does)."""
    if not in_index:
        return "not_in_index"
    if code not in applicable_codes:
        return "not_at_level"
    if not has or np.isnan(value):
        return "never_measured" if code in never else "no_value"
    if np.isnan(score):
        return "no_bounds"
    return ""


_INDICATOR_COLUMNS = ["goal", "indicator_code", "value", "lower_bound", "upper_bound",
                      "direction", "score", "counted", "reason"]


def _indicator_working(mine: pd.DataFrame, scored: pd.DataFrame, catalogue: pd.DataFrame,
                       applicable_codes: set[str], never: set[str]) -> pd.DataFrame:
    """Every indicator: the area's values and the applicable ones it lacks, with a reason."""
    spec_cols = ["indicator_code", "goal", "direction", "lower_bound", "upper_bound"]
    known = catalogue[spec_cols].drop_duplicates("indicator_code")
    in_index = dict(zip(catalogue.indicator_code,
                        catalogue.in_index.fillna(True).astype(bool)
                        if "in_index" in catalogue.columns else [True] * len(catalogue),
                        strict=True))
    have = scored.set_index("indicator_code")
    rows = []
    for spec in known.itertuples(index=False):
        code = spec.indicator_code
        has = code in have.index
        value = float(have.loc[code, "value"]) if has else np.nan
        score = float(have.loc[code, "score"]) if has else np.nan
        reason = _indicator_reason(code, value, score, has, in_index.get(code, True),
                                   applicable_codes, never)
        if not has and reason in ("not_in_index", "not_at_level"):
            continue  # neither measured here nor expected: nothing to explain
        rows.append({"goal": spec.goal, "indicator_code": code, "value": value,
                     "lower_bound": spec.lower_bound, "upper_bound": spec.upper_bound,
                     "direction": spec.direction, "score": score, "counted": reason == "",
                     "reason": reason})
    unknown = sorted(set(mine.indicator_code) - set(known.indicator_code))
    rows += [{"goal": np.nan, "indicator_code": c, "value": np.nan, "lower_bound": np.nan,
              "upper_bound": np.nan, "direction": np.nan, "score": np.nan, "counted": False,
              "reason": "not_in_catalogue"} for c in unknown]
    return pd.DataFrame(rows, columns=_INDICATOR_COLUMNS).reset_index(drop=True)


def progress_status(base_value: float | None, base_year: int | None, value: float | None,
                    year: int | None, target: float | None, direction: int) -> str | None:
    """Progress of one indicator towards its 2030 target by the SDSN trend rule
    (:func:`domain.progress.sdsn`, which also returns the working)."""
    return progress.sdsn(base_value, base_year, value, year, target, direction).status


def progress_statuses(df: pd.DataFrame, direction: int, target: float | None) -> pd.Series:
    """:func:`progress_status` for each row of ``df`` (base_value, base_year, value, year)."""
    return pd.Series([
        progress_status(r.base_value, None if _isnan(r.base_year) else int(r.base_year),
                        r.value, None if _isnan(r.year) else int(r.year), target, direction)
        for r in df[["base_value", "base_year", "value", "year"]].itertuples(index=False)
    ], index=df.index, dtype=object)


def rank_desc(scores: pd.Series) -> pd.Series:
    """Rank 1 = best score; ties share the best rank; no data has no rank."""
    return scores.rank(ascending=False, method="min").astype("Int64")


def threshold_band(value: float | None, green: float | None, red: float | None,
                   direction: int) -> str | None:
    """SDSN dashboard colour of a value against the codebook's thresholds: ``green`` when it is
    at or beyond the green threshold on the good side, ``red`` at or beyond the red one on the
    bad side, ``yellow`` between; None without a value or thresholds."""
    if _isnan(value) or _isnan(green) or _isnan(red):
        return None
    d = 1 if direction >= 0 else -1
    if d * (float(value) - float(green)) >= 0:
        return "green"
    if d * (float(value) - float(red)) <= 0:
        return "red"
    return "yellow"
