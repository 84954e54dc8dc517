"""Choropleth classification (quantiles, equal intervals, natural breaks) and colour-blind-safe palettes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from domain.formatting import fmt_num

METHODS = ("quantiles", "equal", "natural")
SCHEMES = ("sequential", "diverging")
NO_DATA_COLOUR = "#d9d9d9"
CLASS_COUNT = 5

# ColorBrewer-style ramps that stay distinguishable under the common colour-vision deficiencies
# (single-hue or two-hue sequential; blue-orange diverging without a red-green axis).
_SEQ_GOOD = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c", "#08306b", "#041f47")
_SEQ_BAD = ("#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603", "#6b2202")
_DIVERGING = ("#b35806", "#e08214", "#fdb863", "#f7f7f7", "#b2abd2", "#8073ac", "#542788")


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return np.sort(arr[np.isfinite(arr)])


def jenks_breaks(values: Sequence[float] | np.ndarray, k: int) -> list[float]:
    """Fisher-Jenks natural breaks: upper bounds of ``k`` classes minimising within-class variance.

    Exact dynamic programme, O(k n^2); values beyond 2,000 are first reduced to 2,000 quantiles.
    """
    data = _clean(values)
    if data.size == 0:
        return []
    if data.size > 2000:
        data = np.quantile(data, np.linspace(0, 1, 2000))
    n = data.size
    k = max(1, min(k, len(np.unique(data))))
    # Prefix sums give the within-class sum of squares of data[i:j] in O(1).
    s1 = np.concatenate([[0.0], np.cumsum(data)])
    s2 = np.concatenate([[0.0], np.cumsum(data * data)])

    def ssd(i: np.ndarray | int, j: int) -> np.ndarray | float:
        cnt = j - i
        tot = s1[j] - s1[i]
        return (s2[j] - s2[i]) - tot * tot / cnt

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            i = np.arange(c - 1, j)
            cand = cost[c - 1, i] + ssd(i, j)
            best = int(np.argmin(cand))
            cost[c, j] = cand[best]
            back[c, j] = i[best]
    bounds = []
    j = n
    for c in range(k, 0, -1):
        bounds.append(float(data[j - 1]))
        j = back[c, j]
    return sorted(bounds)


def class_breaks(values: Sequence[float] | np.ndarray, k: int = 5,
                 method: str = "quantiles") -> list[float]:
    """Upper bounds of up to ``k`` classes (the last one is the maximum); [] without data."""
    if method not in METHODS:
        raise ValueError(f"unknown classification {method!r}")
    data = _clean(values)
    if data.size == 0:
        return []
    unique = np.unique(data)
    if unique.size <= k:
        return [float(v) for v in unique]
    if method == "natural":
        return jenks_breaks(data, k)
    if method == "equal":
        edges = np.linspace(data[0], data[-1], k + 1)[1:]
    else:
        edges = np.quantile(data, np.linspace(0, 1, k + 1)[1:])
    out: list[float] = []
    for e in edges:
        if not out or e > out[-1]:
            out.append(float(e))
    out[-1] = float(data[-1])
    return out


def assign_classes(values: Sequence[float] | np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class index (0-based) of each value; -1 for missing values."""
    arr = np.asarray(values, dtype=float)
    out = np.full(arr.shape, -1, dtype=int)
    ok = np.isfinite(arr)
    if breaks:
        idx = np.searchsorted(np.asarray(breaks, dtype=float), arr[ok], side="left")
        out[ok] = np.minimum(idx, len(breaks) - 1)
    return out


def palette(n: int, scheme: str = "sequential", higher_is_better: bool = True) -> list[str]:
    """``n`` colours from light/low to dark/high; diverging runs from bad (orange) to good (purple)."""
    if n <= 0:
        return []
    if scheme == "diverging":
        ramp = _DIVERGING if higher_is_better else tuple(reversed(_DIVERGING))
    elif scheme == "sequential":
        ramp = _SEQ_GOOD if higher_is_better else _SEQ_BAD
    else:
        raise ValueError(f"unknown colour scheme {scheme!r}")
    if n == 1:
        return [ramp[len(ramp) // 2 + 1]]
    pos = np.linspace(0, len(ramp) - 1, n)
    return [ramp[int(round(p))] for p in pos]


# -- per area: used by the Leaflet maps, the static maps and the tile grid ----------------------
def series_formatter(fmt: Callable[[float], str] | None, values: Any = None,
                     language: str = "th") -> Callable[[float], str]:
    """The caller's formatter, else one number format for the whole series (same decimals)."""
    if fmt is not None:
        return fmt
    arr = np.asarray([] if values is None else values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0 or np.all(arr == np.round(arr)):
        digits = 0
    else:
        span = float(np.max(np.abs(arr)))
        digits = 0 if span >= 1000 else 1 if span >= 10 else 2
    return lambda v: fmt_num(v, digits, language)


def classify_areas(values: pd.DataFrame, *, method: str = "quantiles",
                   scheme: str = "sequential", higher_is_better: bool = True
                   ) -> tuple[dict[str, str], list[float], list[str]]:
    """Colour of every code with a value, class upper bounds and class colours."""
    codes, numbers = clean_arrays(values)
    return classify_arrays(codes, numbers, method=method, scheme=scheme,
                           higher_is_better=higher_is_better)


def classify_arrays(codes: list[str], numbers: np.ndarray, *, method: str = "quantiles",
                    scheme: str = "sequential", higher_is_better: bool = True
                    ) -> tuple[dict[str, str], list[float], list[str]]:
    """:func:`classify_areas` of values already cleaned by :func:`clean_arrays`."""
    breaks = class_breaks(numbers, CLASS_COUNT, method)
    colours = palette(len(breaks), scheme, higher_is_better)
    idx = assign_classes(numbers, breaks)
    fill = {code: colours[i] for code, i in zip(codes, idx.tolist(), strict=True) if i >= 0}
    return fill, breaks, colours


def clean_arrays(values: pd.DataFrame | None) -> tuple[list[str], np.ndarray]:
    """The codes and float values of :func:`clean_values`, without building a frame: a map's
    77-928 rows cost pandas more in per-call overhead than in work."""
    if values is None or len(values) == 0:
        return [], np.empty(0, dtype=float)
    code_col, value_col = values["code"], values["value"]
    if code_col.dtype == object:
        codes = [str(c) for c in code_col.tolist()]
    else:
        codes = code_col.astype(str).tolist()
    if isinstance(value_col.dtype, np.dtype) and value_col.dtype.kind in "fiub":
        numbers = value_col.to_numpy(dtype=float)
    else:
        numbers = pd.to_numeric(value_col, errors="coerce").astype(float).to_numpy()
    ok = np.isfinite(numbers)
    if not ok.all():
        keep = np.flatnonzero(ok)
        codes, numbers = [codes[i] for i in keep.tolist()], numbers[keep]
    last = {code: i for i, code in enumerate(codes)}  # one row per code: the last
    if len(last) < len(codes):
        keep = sorted(last.values())
        codes, numbers = [codes[i] for i in keep], numbers[keep]
    return codes, numbers


def clean_values(values: pd.DataFrame) -> pd.DataFrame:
    """(code, value) with numeric, finite values only, one row per code (the last)."""
    if values is None or len(values) == 0:
        return pd.DataFrame({"code": pd.Series(dtype=str), "value": pd.Series(dtype=float)})
    frame = pd.DataFrame({"code": values["code"].astype(str),
                          "value": pd.to_numeric(values["value"], errors="coerce")})
    frame = frame[np.isfinite(frame["value"].astype(float))]
    return frame.drop_duplicates("code", keep="last").reset_index(drop=True)


def legend_items(breaks: list[float], colours: list[str], fmt: Callable[[float], str],
                 lowest: float | None) -> list[tuple[str, str]]:
    """(colour, label) per class, from the lowest value to the highest."""
    items = []
    lower = lowest
    for upper, colour in zip(breaks, colours, strict=True):
        if lower is None or lower == upper:
            label = fmt(upper)
        else:
            label = f"{fmt(lower)} – {fmt(upper)}"
        items.append((colour, label))
        lower = upper
    return items
