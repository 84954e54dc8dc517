"""Partners page: shared labels, names, export details and the areas' activity frame."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.area_names import area_names, area_title
from components.charts import figure_of
from components.datasource import fetch
from components.i18n import lang, t
from components.ui import (
    ExportMeta,
)
from data.partners import (
    ActivityFilter,
    activity_need_and_wide,
    load_household_years,
)
from domain import catalogue
from domain.formatting import fmt_date

SOURCE = "One Data: partner activities"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("partners", "activities")


def partners_meta(title_key: str, f: ActivityFilter, year: int | None = None) -> ExportMeta:
    """What an export of this page says about itself, with the period the filters chose."""
    period = ""
    if f.start or f.end:
        period = f"{fmt_date(f.start, lang())} – {fmt_date(f.end, lang())}"
    return ExportMeta(t(title_key), area_title(f.area), year, SOURCE, KINDS, period)
VIEWS = ("overview", "network", "gaps", "activities")
MAP_METRICS = ("activities", "beneficiaries_per_1k")
PAGE_SIZES = (25, 50, 100)
LEVEL_BY_LENGTH = {2: "province", 4: "district", 6: "subdistrict"}
SECTOR_COLOURS = {"government": "#1F4E79", "private": "#C55A11", "civil_society": "#548235",
                  "religion": "#BF8F00", "academia": "#7030A0", "media": "#2E75B6",
                  "people": "#C00000"}
QUADRANT_COLOURS = {"gap": "#B2182B", "served": "#2166AC", "concentrated": "#92C5DE",
                    "quiet": "#BDBDBD"}


def esc(text: Any, limit: int | None = None) -> str:
    """Partner-written text made safe for plotly labels and hovers (which read HTML tags);
    shortened before escaping so an entity is never cut in half."""
    value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    if limit and len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value)


def build_partner_figure(data: list[dict[str, Any]], layout: dict[str, Any], height: int = 380) -> go.Figure:
    """A figure built from plain dicts in one step, without plotly's validation
    (``charts.figure_of``); ``layout``'s keys replace the compact look's whole."""
    base = {"height": height, "margin": {"l": 8, "r": 8, "t": 30, "b": 8},
            "font": {"family": "Noto Sans Thai, sans-serif", "size": 14},
            "legend": {"orientation": "h", "y": -0.18}}
    return figure_of(data, {**base, **layout})


def sector_names() -> dict[str, str]:
    th = lang() == "th"
    return {code: (name_th if th else name_en) for code, name_th, name_en in catalogue.SECTORS}


def goal_names() -> dict[int, str]:
    th = lang() == "th"
    return {g: (name_th if th else name_en) for g, name_th, name_en, _ in catalogue.SDG_GOALS}


def partner_name(df: pd.DataFrame, th_col: str = "name", en_col: str = "name_en") -> pd.Series:
    if lang() == "th":
        return df[th_col]
    return df[en_col].where(df[en_col].notna() & (df[en_col] != ""), df[th_col])


def area_labels(codes: pd.Series) -> pd.Series:
    names = area_names(codes)
    return codes.map(lambda c: names.get(c, c))


def need_year(year: int | None) -> int | None:
    years = fetch(load_household_years)
    if not years:
        return None
    usable = [y for y in years if year is None or y <= year]
    return max(usable) if usable else min(years)


def area_frame(f: ActivityFilter, year: int | None) -> pd.DataFrame:
    """Per child unit: activity aggregates joined to surveyed households and target poor
    (``activity_need_by_child``, from the call that also counts the area-wide activities)."""
    return fetch(activity_need_and_wide, f, need_year(year))[0]


def wide_activities(f: ActivityFilter, year: int | None) -> int:
    """Activities recorded above the child level (the map's note), from the same cached call
    as :func:`area_frame`."""
    return fetch(activity_need_and_wide, f, need_year(year))[1]
