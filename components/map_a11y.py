"""Maps and charts for keyboard and screen-reader users: a "skip the map" link, text summaries."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components.i18n import lang, t
from domain import map_classes
from domain.formatting import fmt_num
from domain.safe_text import html_text
from geo.payload import area_names


def _anchor(key: str) -> str:
    return "wr-after-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def render_skip_link(key: str) -> None:
    """A link before the map to the point after it: one Tab and Enter instead of the map's
    zoom buttons, attribution links and frame."""
    st.markdown(f'<a class="wr-skip-map" href="#{_anchor(key)}">'
                f'{html_text(t("map_skip"))}</a>', unsafe_allow_html=True)


def summary_text(values: pd.DataFrame, *, value_label: str,
                 fmt: Callable[[float], str] | None, higher_is_better: bool,
                 language: str) -> str:
    """One sentence naming the highest and the lowest area, the median of the areas and how
    many areas the map shows."""
    codes, numbers = map_classes.clean_arrays(values)
    if not codes:
        return t("map_summary_empty", label=value_label)
    f = map_classes.series_formatter(fmt, numbers, language)
    names = area_names()
    idx = 0 if language == "th" else 1
    top, low = int(numbers.argmax()), int(numbers.argmin())

    def name(code: str) -> str:
        return names.get(code, (code, code))[idx]

    parts = [t("map_summary_high", name=name(codes[top]), value=f(float(numbers[top]))),
             t("map_summary_low", name=name(codes[low]), value=f(float(numbers[low]))),
             t("map_summary_median", value=f(float(np.median(numbers))))]
    better = t("map_summary_better_high" if higher_is_better else "map_summary_better_low")
    return t("map_summary_intro", label=value_label, n=len(codes)) + " " + \
        " · ".join(parts) + f" ({better})"


def render_map_end(key: str, values: pd.DataFrame, *, value_label: str,
                   fmt: Callable[[float], str] | None, higher_is_better: bool) -> None:
    """The skip link's target and the map's text summary, under the map."""
    text = summary_text(values, value_label=value_label, fmt=fmt,
                        higher_is_better=higher_is_better, language=lang())
    st.markdown(f'<p id="{_anchor(key)}" tabindex="-1" class="wr-map-summary" '
                f'style="font-size:0.9rem;margin:0">{html_text(text)}</p>',
                unsafe_allow_html=True)


def _numbers(values: Any) -> list[float] | None:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    return out if out and all(v == v for v in out) else None


def figure_summary(fig: Any, language: str, max_traces: int = 3) -> str:
    """A sentence per series of a plotly figure: its highest and lowest point by category
    ("highest Bangkok 78.4, lowest Satun 55.8"); "" when there is nothing to say."""
    parts: list[str] = []
    for trace in list(getattr(fig, "data", ()))[:max_traces]:
        kind = getattr(trace, "type", "")
        if kind not in ("bar", "scatter"):
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        cats = trace.y if horizontal else trace.x
        vals = _numbers(trace.x if horizontal else trace.y)
        if vals is None or cats is None or len(cats) != len(vals):
            continue
        cats = [str(c) for c in cats]
        hi = max(range(len(vals)), key=vals.__getitem__)
        lo = min(range(len(vals)), key=vals.__getitem__)
        name = str(getattr(trace, "name", "") or "")
        digits = 0 if all(v == round(v) for v in vals) else 1 if max(map(abs, vals)) >= 10 else 2
        text = (t("map_summary_high", name=cats[hi], value=fmt_num(vals[hi], digits, language))
                + ", " + t("map_summary_low", name=cats[lo],
                           value=fmt_num(vals[lo], digits, language)))
        parts.append(f"{name}: {text}" if name else text)
    if not parts:
        return ""
    title = getattr(getattr(fig.layout, "title", None), "text", None) or ""
    lead = t("chart_summary_intro", title=re.sub(r"<[^>]+>", " ", str(title)).strip())
    return lead + " " + "; ".join(parts)


def render_chart_summary(fig: Any) -> None:
    """The figure's summary for screen readers (off screen; the chart shows the same)."""
    try:
        text = figure_summary(fig, lang())
    except Exception:  # noqa: BLE001 - a summary must never cost the chart
        return
    if text:
        st.markdown(f'<p class="wr-chart-summary" style="position:absolute;left:-10000px;'
                    f'width:1px;height:1px;overflow:hidden">{html_text(text)}</p>',
                    unsafe_allow_html=True)
