"""Map classes, number formats, legends and the boundaries' attribution, shared by every map view."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from components.i18n import load_strings
from domain import map_classes
from domain.formatting import fmt_num
from geo import boundaries

CLASS_COUNT = 5
NO_DATA = map_classes.NO_DATA_COLOUR


def label_in(key: str, language: str) -> str:
    """A label in an explicit language (figures built outside the current session's language)."""
    entry = load_strings().get(key, {})
    return entry.get(language) or entry.get("th") or key


def number_format(fmt: Callable[[float], str] | None, values: Any = None,
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


def classify(values: pd.DataFrame, *, method: str = "quantiles", scheme: str = "sequential",
             higher_is_better: bool = True) -> tuple[dict[str, str], list[float], list[str]]:
    """Colour of every code with a value, class upper bounds and class colours."""
    frame = clean_values(values)
    breaks = map_classes.class_breaks(frame["value"].to_numpy(), CLASS_COUNT, method)
    colours = map_classes.palette(len(breaks), scheme, higher_is_better)
    idx = map_classes.assign_classes(frame["value"].to_numpy(), breaks)
    fill = {code: colours[i] for code, i in zip(frame["code"], idx, strict=True) if i >= 0}
    return fill, breaks, colours


def clean_values(values: pd.DataFrame) -> pd.DataFrame:
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


def attribution(level: str, short: bool = True, parent_code: str | None = None) -> str:
    """The licence attribution of the boundaries drawn (the full text wrapped for images)."""
    info = boundaries.boundary_info(level, parent_code) or {}
    text = str(info.get("attribution_short" if short else "attribution", ""))
    return html.escape(text) if short else "<br>".join(
        html.escape(line) for line in textwrap.wrap(text, 110))
