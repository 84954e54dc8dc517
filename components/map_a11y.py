"""Maps for keyboard and screen-reader users: a "skip the map" link and a text summary of each map."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.i18n import lang, t
from domain import map_classes
from domain.safe_text import html_text
from geo.payload import area_names

# Off screen until it has the keyboard focus, then a visible button over the map's top left.
SKIP_CSS = """
<style>
.wr-skip-map { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px;
  overflow: hidden; }
.wr-skip-map:focus { position: static; width: auto; height: auto; display: inline-block;
  padding: 0.3rem 0.8rem; background: #19486A; color: #fff !important; border-radius: 4px;
  outline: 3px solid #FDB813; }
</style>
"""


def _anchor(key: str) -> str:
    return "wr-after-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def render_skip_link(key: str) -> None:
    """A link before the map to the point after it: one Tab and Enter instead of the map's
    zoom buttons, attribution links and frame."""
    st.markdown(f'{SKIP_CSS}<a class="wr-skip-map" href="#{_anchor(key)}">'
                f'{html_text(t("map_skip"))}</a>', unsafe_allow_html=True)


def summary_text(values: pd.DataFrame, *, value_label: str,
                 fmt: Callable[[float], str] | None, higher_is_better: bool,
                 language: str, national: float | None = None) -> str:
    """One sentence naming the highest and the lowest area, the national figure (else the
    median of the areas) and how many areas the map shows."""
    frame = map_classes.clean_values(values)
    if frame.empty:
        return t("map_summary_empty", label=value_label)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    names = area_names()
    idx = 0 if language == "th" else 1
    top = frame.loc[frame["value"].idxmax()]
    low = frame.loc[frame["value"].idxmin()]

    def name(code: Any) -> str:
        return names.get(str(code), (str(code), str(code)))[idx]

    parts = [t("map_summary_high", name=name(top["code"]), value=f(float(top["value"]))),
             t("map_summary_low", name=name(low["code"]), value=f(float(low["value"])))]
    if national is not None:
        parts.append(t("map_summary_national", value=f(float(national))))
    else:
        parts.append(t("map_summary_median", value=f(float(frame["value"].median()))))
    better = t("map_summary_better_high" if higher_is_better else "map_summary_better_low")
    return t("map_summary_intro", label=value_label, n=len(frame)) + " " + \
        " · ".join(parts) + f" ({better})"


def render_map_end(key: str, values: pd.DataFrame, *, value_label: str,
                   fmt: Callable[[float], str] | None, higher_is_better: bool,
                   national: float | None = None) -> None:
    """The skip link's target and the map's text summary, under the map."""
    text = summary_text(values, value_label=value_label, fmt=fmt,
                        higher_is_better=higher_is_better, language=lang(), national=national)
    st.markdown(f'<p id="{_anchor(key)}" tabindex="-1" class="wr-map-summary" '
                f'style="font-size:0.9rem;margin:0">{html_text(text)}</p>',
                unsafe_allow_html=True)
