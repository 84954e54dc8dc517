"""Alkire-Foster depth from additive totals: the working behind H, A and M0, contributions by
indicator and dimension, annualised change between two years, and rank robustness.

Everything here reads the additive totals the poverty pages already compute (population, poor,
score_poor, cen_<column>, raw_<column>) through :func:`domain.poverty.measures_arrays`, so the
working shown is the computation that produced the figures. Sources: docs/methods.md.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from domain import poverty as pv

# The cut-offs OPHI reports side by side: vulnerable (20 %), poor (1/3), severely poor (50 %).
DEPTH_KS: tuple[tuple[str, str], ...] = (("vulnerable", "1/5"), ("poor", "1/3"),
                                          ("severe", "1/2"))


def _one(totals: Mapping[str, float], weights: pv.Weights) -> dict[str, float]:
    cols = {c: np.array([float(totals.get(c, 0.0))]) for c in
            ("population", "poor", "score_poor",
             *(f"cen_{c}" for c in weights.columns), *(f"raw_{c}" for c in weights.columns))}
    out = {k: float(v[0]) for k, v in pv.measures_arrays(cols, weights).items()}
    if any(np.isnan(cols[c][0]) for c in ("population", "poor", "score_poor")):
        # A count withheld (small-number protection) withholds what is computed from it: the
        # ratios would otherwise read 0 where the page shows "–".
        out.update(h=float("nan"), a=float("nan"), mpi=float("nan"))
    return out


def explain_measures(totals: Mapping[str, float], weights: pv.Weights,
                     indicator_dimension: Mapping[str, str] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The working of one area's H, A and M0 at the cut-off its totals were identified with.

    Returns (summary, indicators). ``summary``: one row per step (population, poor, summed
    deprivation score of the poor, H = poor / population, A = score / poor, M0 = H x A) with
    its value. ``indicators``: per indicator its dimension, weight, uncensored and censored
    counts and headcount ratios, absolute contribution (weight x censored ratio; they add up
    to M0) and percentage contribution.
    """
    m = _one(totals, weights)
    pop = float(totals.get("population", 0.0))
    poor = float(totals.get("poor", 0.0))
    score = float(totals.get("score_poor", 0.0))
    summary = pd.DataFrame({
        "step": ["population", "poor", "score_poor", "h", "a", "mpi"],
        "formula": ["", "c_i >= k", "sum of c_i over the poor", "poor / population",
                    "score_poor / poor", "H x A"],
        "value": [pop, poor, score, m["h"], m["a"], m["mpi"]],
    })
    rows = []
    for col, w, dim in zip(weights.columns, weights.values, weights.dimensions, strict=True):
        raw = float(totals.get(f"raw_{col}", 0.0))
        cen = float(totals.get(f"cen_{col}", 0.0))
        cen_ratio = cen / pop if pop else 0.0
        absolute = w * cen_ratio
        rows.append({"indicator": col, "dimension": (indicator_dimension or {}).get(col, dim),
                     "weight": w, "uncensored_people": raw,
                     "uncensored_h": raw / pop if pop else 0.0, "censored_people": cen,
                     "censored_h": cen_ratio, "contribution": absolute,
                     "contribution_pct": 100.0 * absolute / m["mpi"] if m["mpi"] > pv.EPS
                     else 0.0})
    return summary, pd.DataFrame(rows)


def by_dimension(indicators: pd.DataFrame) -> pd.DataFrame:
    """Absolute and percentage contribution of each dimension (the sum of its indicators')."""
    g = indicators.groupby("dimension", sort=False)[["weight", "contribution",
                                                    "contribution_pct"]].sum()
    return g.reset_index()


def annualised_change(first: float, last: float, years: float) -> tuple[float, float]:
    """OPHI's annualised absolute change (per year, in the measure's units) and relative change
    (% per year, compound) from ``first`` to ``last`` over ``years``; relative is NaN from 0."""
    if years <= 0:
        raise ValueError("the two years must differ")
    absolute = (last - first) / years
    relative = ((last / first) ** (1.0 / years) - 1.0) * 100.0 if first > 0 else float("nan")
    return absolute, relative


def _aligned(a: pd.Series, b: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The codes, ``a`` and ``b`` of the codes both have a value for, in ``a``'s order (what an
    inner join of the two followed by ``dropna`` keeps)."""
    x = a.to_numpy(dtype=float)
    y = (b if b.index.equals(a.index) else b.reindex(a.index)).to_numpy(dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    return a.index[keep], x[keep], y[keep]


def ranks(values: np.ndarray, method: str = "average", ascending: bool = True) -> np.ndarray:
    """Ranks from 1 of ``values`` (no NaN), as pandas' ``Series.rank`` gives them: tied values
    share the average (``average``) or the lowest (``min``) of their ranks."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v if ascending else -v, kind="mergesort")
    ordered = v[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if len(v) else np.zeros(0, dtype=bool)
    group = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.r_[first[1:], len(v)] - 1
    per_group = (first + last) / 2.0 + 1.0 if method == "average" else first + 1.0
    out = np.empty(len(v))
    out[order] = per_group[group]
    return out


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman rank correlation of two scores over their common, non-missing index (ties take
    the average rank); NaN with fewer than 3 areas or a constant ranking."""
    _, x, y = _aligned(a, b)
    if len(x) < 3:
        return float("nan")
    ra, rb = ranks(x), ranks(y)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def rank_shifts(base: pd.Series, other: pd.Series, top: int = 5) -> pd.DataFrame:
    """Areas whose rank (1 = highest M0, the poorest) moves most from ``base`` to ``other``:
    code, rank_base, rank_other, shift (positive: ranked poorer under ``other``)."""
    codes, x, y = _aligned(base, other)
    rb = ranks(x, "min", ascending=False).astype(np.int64)
    ro = ranks(y, "min", ascending=False).astype(np.int64)
    shift = rb - ro
    moved = np.flatnonzero(shift != 0)
    pick = moved[np.argsort(-np.abs(shift[moved]), kind="stable")][:top]
    return pd.DataFrame({"code": codes[pick], "rank_base": rb[pick], "rank_other": ro[pick],
                         "shift": shift[pick]})


def spread(values: pd.Series, higher_is_better: bool) -> dict[str, object]:
    """Spread of a measure across the units of an area (NITI Aayog's within-state view): n,
    min, max, range, and the worst and best unit (codes). Units without a value are left out
    and counted in ``missing``."""
    known = values.dropna()
    if known.empty:
        return {"n": 0, "missing": int(len(values)), "min": np.nan, "max": np.nan,
                "range": np.nan, "worst": None, "best": None}
    worst = known.idxmin() if higher_is_better else known.idxmax()
    best = known.idxmax() if higher_is_better else known.idxmin()
    return {"n": int(len(known)), "missing": int(len(values) - len(known)),
            "min": float(known.min()), "max": float(known.max()),
            "range": float(known.max() - known.min()), "worst": worst, "best": best}
