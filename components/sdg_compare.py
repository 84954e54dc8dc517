"""SDG page: an indicator's trend to 2030 against the nation, and two areas compared on the 17 goals."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_title
from components.charts import NEUTRAL, TARGET, figure_of, goal_colour, style_figure
from components.datasource import fetch
from components.i18n import name_col, t
from components.sdg_figures import goal_scores_of
from components.sdg_labels import (
    GOALS,
    KINDS,
    unit_label,
    year_tick,
)
from components.ui import ExportMeta, guarded, render_chart
from data.queries import load_areas
from data.sdg import NATIONAL, indicator_series
from domain import sdg as scoring
from domain.formatting import fmt_num


def build_trend_figure(series: pd.DataFrame, spec: pd.Series, area: str | None,
                       area_label: str) -> go.Figure:
    """The indicator over the years for ``area`` and the nation, with the 2030 target."""
    colour = goal_colour(int(spec.goal))
    data, layout = [], {}
    for code, label, line in ((NATIONAL, t("country"), {"color": NEUTRAL, "dash": "dash"}),
                              (area, area_label, {"color": colour, "width": 4})):
        part = series[series.area_code == code] if code else series.iloc[0:0]
        if part.empty:
            continue
        data.append({"type": "scatter", "x": part.year, "y": part.value, "name": label,
                     "mode": "lines+markers", "line": line, "marker": {"size": 8},
                     "hovertemplate": f"{html.escape(label)}: %{{y:,.{int(spec.decimals)}f}}"
                                      "<extra></extra>"})
    years = sorted(series.year.unique().tolist()) if not series.empty else []
    if pd.notna(spec.target_2030):
        data.append({"type": "scatter", "x": [scoring.TARGET_YEAR], "y": [spec.target_2030],
                     "name": t("sdg_target_2030"), "mode": "markers+text",
                     "marker": {"symbol": "star", "size": 18, "color": TARGET},
                     "text": [fmt_num(spec.target_2030, int(spec.decimals))],
                     "textposition": "top center"})
        # What fig.add_hline draws: a dotted line across the plot at the target.
        layout["shapes"] = [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                             "y0": float(spec.target_2030), "y1": float(spec.target_2030),
                             "line": {"color": TARGET, "dash": "dot"}, "opacity": 0.6}]
    ticks = [*years, scoring.TARGET_YEAR]
    layout["xaxis"] = {"tickvals": ticks, "ticktext": [year_tick(y) for y in ticks]}
    layout["yaxis"] = {"title": {"text": unit_label(spec.unit)}}
    fig = figure_of(data, layout)
    return style_figure(fig, height=380)


@guarded
def render_trend(spec: pd.Series, area: str, year: int) -> None:
    st.markdown(f"#### {html.escape(t('sdg_trend_title'))}")
    code = area if area and not area.startswith("R:") and len(area) in (2, 4) else None
    series = fetch(indicator_series, str(spec.indicator_code),
                   tuple(c for c in (code, NATIONAL) if c))
    if series.empty:
        st.info(t("no_data"))
        return
    label = area_title(code) if code else t("country")
    if code and series[series.area_code == code].empty:
        st.caption(t("sdg_no_series", area=label))
    fig = build_trend_figure(series, spec, code, label)
    render_chart(fig, key="sdg_trend",
                 meta=ExportMeta(spec[name_col()], label, year, spec.source, KINDS))


def _comparison_options(area: str, level: str) -> dict[str, str]:
    options = {NATIONAL: t("country")}
    provinces = fetch(load_areas, "province")
    col = name_col()
    options.update(dict(zip(provinces.code, provinces[col], strict=True)))
    province = area[:2] if area and not area.startswith("R:") else ""
    if province and level == "district":
        districts = fetch(load_areas, "district", province)
        options.update(dict(zip(districts.code, districts[col], strict=True)))
    return options


def build_comparison_figure(scores: pd.DataFrame, a: str, b: str,
                            labels: dict[str, str]) -> go.Figure:
    """Goal scores of two areas side by side: the first in the goal colours, the second grey."""
    data = []
    for code, solid in ((a, True), (b, False)):
        part = scores[scores.area_code == code].set_index("goal").reindex(GOALS)
        data.append({
            "type": "bar", "x": [str(g) for g in GOALS], "y": part.score,
            "name": labels.get(code, code),
            "marker": {"color": [goal_colour(g) for g in GOALS] if solid else "#B8BEC6",
                       "line": {"color": "#1f2933", "width": 0 if solid else 1}},
            "hovertemplate": "%{x}: %{y:.0f}<extra>" + html.escape(labels.get(code, code))
                             + "</extra>"})
    fig = figure_of(data, {"barmode": "group", "bargap": 0.25,
                           "yaxis": {"range": [0, 100], "title": {"text": t("sdg_goal_score")}},
                           "xaxis": {"title": {"text": t("sdg_goal")}, "type": "category"}})
    return style_figure(fig, height=380)


@guarded
def render_comparison(area: str, level: str, year: int) -> None:
    st.markdown(f"#### {html.escape(t('sdg_compare_title'))}")
    options = _comparison_options(area, level)
    default_a = area if area in options else next(c for c in options if c != NATIONAL)
    a = state.url_param("sdg_cmp_a", default_a, list(options))
    b = state.url_param("sdg_cmp_b", NATIONAL, list(options))
    c1, c2 = st.columns(2)
    c1.selectbox(t("sdg_compare_a"), list(options), key="sdg_cmp_a",
                 format_func=options.__getitem__)
    c2.selectbox(t("sdg_compare_b"), list(options), key="sdg_cmp_b",
                 format_func=options.__getitem__)
    scores = goal_scores_of((a, b), year)
    if scores.empty or scores.score.isna().all():
        st.info(t("no_data"))
        return
    fig = build_comparison_figure(scores, a, b, options)
    render_chart(fig, key="sdg_compare",
                 meta=ExportMeta(t("sdg_compare_title"),
                                 f"{options[a]} / {options[b]}", year, "SDG", KINDS))
    if any(len(c) == 4 for c in (a, b)):
        st.caption(t("sdg_district_goals_note"))
