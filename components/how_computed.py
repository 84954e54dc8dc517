"""'How was this computed?' for the Overview's SDG index (headline, goal strip, change, a value
on the map) and the poverty page's trend and map values: the inputs and steps of the very
computation behind each figure, exportable as CSV, under the viewer's scope."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import streamlit as st

from components.area_names import area_names, area_title
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.method_panel import KINDS, how_panel, render_index_working
from components.mpi_depth import SOURCE as POVERTY_SOURCE
from components.mpi_depth import explain_tables
from components.ui import ExportMeta, guarded, render_table
from data.protect import threshold as small_count_threshold
from data.sdg import NATIONAL, explain_sdg_index, load_sdg_catalogue
from domain.formatting import fmt_num, fmt_year
from domain.safe_text import md_text


def k_text(k: float) -> str:
    """A cut-off as the fraction the page offers (1/3, not 0.333...)."""
    return str(Fraction(float(k)).limit_denominator(100))


def index_change_table(now: float | None, prev: float | None, year: int) -> pd.DataFrame:
    """The index this year and the year before, and the change the Overview shows."""
    def number(v: float | None) -> str:
        return "–" if v is None or pd.isna(v) else fmt_num(float(v), 4)

    change = None if now is None or prev is None or pd.isna(now) or pd.isna(prev) \
        else float(now) - float(prev)
    return pd.DataFrame({
        "item": [t("stats_how_index_year", year=fmt_year(year, lang())),
                 t("stats_how_index_year", year=fmt_year(year - 1, lang())),
                 t("stats_how_index_change")],
        "value": [number(now), number(prev), number(change)]})


def _index_working(code: str, year: int, key: str) -> None:
    """One area's index working (the SDG page's), from explain_sdg_index."""
    working = fetch(explain_sdg_index, code, year)
    if working is None:
        st.info(t("no_data"))
        return
    title = area_title(code) if code != NATIONAL else t("country")
    meta = ExportMeta(t("stats_how_title_index", area=title), title, year, "SDG", KINDS)
    render_index_working(working, fetch(load_sdg_catalogue), meta, working.index, key=key)


@guarded
def render_index_how(focus: str, year: int) -> None:
    """Under the Overview's headline index and goal strip: the index's working this year, and
    the index of the year before with the change."""
    with (box := how_panel(t("stats_how_overview_index"), "ov_how_index_open")):
        if not box.open:
            return
        now = fetch(explain_sdg_index, focus, year)
        before = fetch(explain_sdg_index, focus, year - 1)
        title = area_title(focus) if focus != NATIONAL else t("country")
        render_table(index_change_table(
            None if now is None else now.index.get("index"),
            None if before is None else before.index.get("index"), year),
            key="ov_how_change", meta=ExportMeta(t("stats_how_index_change"), title, year,
                                                 "SDG", KINDS),
            column_config={"item": t("stats_step"), "value": t("stats_value")})
        st.caption(t("stats_how_goal_strip"))
        _index_working(focus, year, "ov_how")


@guarded
def render_map_index_how(codes: pd.Series, level: str, year: int) -> None:
    """Under the Overview's map: the index working of an area picked among the map's."""
    with how_panel(t("stats_how_map_value")):
        names = area_names(codes.astype(str))
        options = [str(c) for c in codes]
        code = st.selectbox(t(level), options, index=None, key=f"ov_how_map_{level}",
                            format_func=lambda c: names.get(c, c),
                            placeholder=t("stats_how_pick_area"))
        if code:
            _index_working(code, year, f"ov_how_map_{level}")


@guarded
def render_trend_how(area: str, trend: pd.DataFrame, k: float,
                     weights: tuple[tuple[str, float], ...] | None) -> None:
    """Under the poverty trend: each year's inputs and H, A, M0, and the change from the
    survey year before (the trend's own rows)."""
    with (box := how_panel(t("poverty_trend_title"), "pov_how_trend_open")):
        if not box.open:
            return
        st.caption(t("stats_how_trend_steps", k=k_text(k))
                   + ("" if weights is None else " · " + t("poverty_weights_custom")))
        render_table(trend_table(trend), key="pov_how_trend",
                     meta=ExportMeta(t("poverty_trend_title"), area_title(area), None,
                                     POVERTY_SOURCE, ("households",)))
        if "withheld" in trend and trend.withheld.any():
            st.caption(t("privacy_small_counts", n=small_count_threshold()))


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    """One row per survey year: the totals and the measures the trend plots."""
    mpi = trend.mpi.astype(float)
    return pd.DataFrame({
        t("year_be"): [fmt_year(int(y), lang()) for y in trend.year],
        t("stats_af_population"): trend.population.astype(float).round(0),
        t("stats_af_poor"): trend.poor.astype(float).round(0),
        t("stats_af_score_poor"): trend.score_poor.astype(float).round(6),
        "H = " + t("stats_how_h_formula"): trend.h.astype(float).round(6),
        "A = " + t("stats_how_a_formula"): trend.a.astype(float).round(6),
        "M0 = H × A": mpi.round(6),
        t("stats_how_change_prev"): mpi.diff().round(6),
    })


@guarded
def render_map_poverty_how(area: str, year: int, units: pd.DataFrame, k: float,
                           weights: tuple[tuple[str, float], ...] | None) -> None:
    """Under the poverty map (or the village bars): the H, A and M0 working of a unit picked
    among those shown, from the very rows the map was drawn from."""
    if units.empty:
        return
    with how_panel(t("stats_how_map_value")):
        labels = dict(zip(units.code.astype(str), units[name_col()].fillna(units.code),
                          strict=True))
        code = st.selectbox(t("area"), list(labels), index=None,
                            key=f"pov_how_map_{area or 'TH'}", format_func=labels.__getitem__,
                            placeholder=t("stats_how_pick_area"))
        if not code:
            return
        row = units[units.code.astype(str) == code].iloc[0]
        if bool(row.get("withheld", False)):
            st.caption(t("privacy_small_counts", n=small_count_threshold()))
        steps, indicators, _ = explain_tables(row, weights)
        cut = k_text(k)
        st.markdown(f"**{md_text(labels[code])}**")
        st.caption(t("stats_af_steps", k=cut))
        render_table(steps, key="pov_how_map_steps",
                     meta=ExportMeta(t("stats_how_title_mpi", k=cut), str(labels[code]), year,
                                     POVERTY_SOURCE, ("households",)))
        render_table(indicators, key="pov_how_map_indicators",
                     meta=ExportMeta(t("stats_by_indicator"), str(labels[code]), year,
                                     POVERTY_SOURCE, ("households",)))
