"""SDG progress page rendering: goal tiles, indicator map and ranking, trend to 2030, comparison."""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import codebook_view, method_panel, state
from components.area_names import area_names, area_title
from components.charts import NEUTRAL, TARGET, goal_colour, goal_name, style_figure
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.ui import ExportMeta, guarded, render_chart, render_page_header, render_table
from data.queries import load_areas
from data.sdg import (
    LEVELS,
    NATIONAL,
    goal_scores_of_areas,
    indicator_ranking,
    indicator_series,
    load_sdg_catalogue,
    load_sdg_years,
)
from domain import sdg as scoring
from domain.formatting import fmt_num, fmt_year, to_be

KINDS = ("indicator_catalogue", "indicators")  # what the exports' data date follows

GOALS = tuple(range(1, 18))


# -- small helpers shared with the overview ------------------------------------------------------

def unit_label(unit: str) -> str:
    """The unit in the current language (units are stored in English)."""
    slug = re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    key = f"sdg_unit_{slug}"
    text = t(key) if slug else unit
    return unit if text == key else text


def status_label(status: str | None, method: str = "sdsn") -> str:
    return method_panel.status_text(status, method)


def category_label(category: str | None, short: bool = False) -> str:
    """The category's name with its score range (``short``: the name only)."""
    if not isinstance(category, str):
        return t("no_data")
    text = t(f"sdg_cat_{category}")
    return text.split(" (")[0] if short else text


def year_tick(year: int) -> str:
    return str(to_be(year)) if lang() == "th" else str(int(year))


def goal_tiles_css(selected: int | None, prefix: str) -> str:
    """CSS giving each goal button (keys ``{prefix}{g}``) its official colour."""
    rules = []
    for g in GOALS:
        colour = goal_colour(g)
        ring = "box-shadow: 0 0 0 4px #1f2933;" if g == selected else "opacity: 0.82;"
        # !important and every state: Streamlit's own hover/focus/active styles would
        # otherwise paint the selected (focused) tile white.
        button = (f".st-key-{prefix}{g} button, .st-key-{prefix}{g} button:hover, "
                  f".st-key-{prefix}{g} button:focus, .st-key-{prefix}{g} button:active, "
                  f".st-key-{prefix}{g} button:focus-visible")
        rules.append(
            f"{button} {{ background: {colour} !important; color: white !important; "
            f"border: 0 !important; min-height: 3.1rem; width: 100%; min-width: 0; "
            f"padding: 0.2rem 0 !important; {ring} }}"
            # Sized to the button: "17" stays whole in a 40 px column at 1280 px.
            f".st-key-{prefix}{g} {{ container-type: inline-size; }}"
            f".st-key-{prefix}{g} button p {{ font-size: clamp(0.9rem, 42cqi, 1.35rem); "
            f"font-weight: 700; color: white !important; white-space: nowrap; }}"
            f".st-key-{prefix}{g} button:hover {{ opacity: 1; }}")
    return "<style>" + "\n".join(rules) + "</style>"


def _select_goal(goal: int) -> None:
    st.session_state.sdg_goal = goal


# -- page sections -------------------------------------------------------------------------------

@guarded
def render_goal_picker(goal: int) -> None:
    st.markdown(goal_tiles_css(goal, "sdg_goal_"), unsafe_allow_html=True)
    cols = st.columns(len(GOALS), gap="small")
    for col, g in zip(cols, GOALS, strict=True):
        with col:
            st.button(str(g), key=f"sdg_goal_{g}", help=goal_name(g, lang()),
                      on_click=_select_goal, args=(g,), width="stretch")
    st.markdown(
        f'<div style="background:{goal_colour(goal)};color:white;padding:0.45rem 0.9rem;'
        f'border-radius:0.4rem;font-size:1.35rem;font-weight:600;margin:0.2rem 0 0.6rem">'
        f'{html.escape(t("sdg_goal"))} {goal} · {html.escape(goal_name(goal, lang()))}</div>',
        unsafe_allow_html=True)


def _indicator_caption(spec: pd.Series) -> str:
    direction = t("sdg_higher_better") if spec.direction > 0 else t("sdg_lower_better")
    d = int(spec.decimals)
    parts = [
        f"{t('sdg_un_code')}: "
        f"{spec.un_code if isinstance(spec.un_code, str) else t('sdg_national_indicator')}",
        f"{t('sdg_unit')}: {unit_label(spec.unit)}",
        direction,
        t("sdg_bounds", lower=fmt_num(spec.lower_bound, d), upper=fmt_num(spec.upper_bound, d)),
        f"{t('sdg_target_2030')}: {fmt_num(spec.target_2030, d)}",
        f"{t('source')}: {spec.source}",
    ]
    return " · ".join(parts)


def _table_parent(area: str, level: str) -> str | None:
    """Which areas the map and ranking cover: a region's provinces, a province's districts."""
    if area.startswith("R:"):
        return area
    if level == "district" and area:
        return area[:2]
    return None


@guarded
def render_indicator_map(spec: pd.Series, ranking: pd.DataFrame, level: str, area: str,
                         year: int) -> None:
    d = int(spec.decimals)
    values = ranking[["area_code", "value"]].rename(columns={"area_code": "code"})
    parent = _table_parent(area, level)
    selected = area if len(area) in (2, 4) and not area.startswith("R:") else None
    clicked = render_area_map(
        values, level=level, key=f"sdg_map_{level}",
        value_label=f"{spec[name_col()]} ({unit_label(spec.unit)})",
        fmt=lambda v: fmt_num(v, d), parent_code=parent if parent and parent[:2] != "R:" else None,
        selected=selected, higher_is_better=bool(spec.direction > 0),
        meta=ExportMeta(spec[name_col()], area_title(parent or ""), year, spec.source, KINDS),
        height=560)
    if clicked and clicked != area:
        state.set_area(clicked)


@guarded
def render_ranking(spec: pd.Series, ranking: pd.DataFrame, level: str, area: str,
                   year: int, method: str = "sdsn") -> None:
    d = int(spec.decimals)
    names = area_names(ranking.area_code)
    view = pd.DataFrame({
        "rank": ranking["rank"],
        "area": ranking.area_code.map(lambda c: names.get(c, c)),
        # Numbers stay numbers (the export computes with them); the columns format them.
        "value": ranking.value.astype(float),
        "score": ranking.score.round(1),
        # Rounded as shown; + 0.0 turns a rounded -0.0 into 0.0 (it read "-0.0").
        "change": ranking.change.astype(float).round(d) + 0.0,
        "status": ranking.status.map(lambda s: status_label(s, method)),
        "band": ranking.band.map(method_panel.band_text),
        "ties": [method_panel.ranking.band_label(r, lo, hi) for r, lo, hi in zip(
            ranking["rank"], ranking.rank_low, ranking.rank_high, strict=True)],
    })
    st.markdown(f"#### {html.escape(t('sdg_ranking_title', level=t(level).lower()))}")
    render_table(
        view, height=min(560, 35 * (len(view) + 1) + 3), key=f"sdg_rank_{level}",
        meta=ExportMeta(f"{spec[name_col()]}: {t('sdg_ranking_title', level=t(level).lower())}",
                        area_title(_table_parent(area, level) or ""), year, spec.source, KINDS),
        column_config={
            "rank": st.column_config.NumberColumn(t("sdg_rank"), format="%d", width="small"),
            "area": st.column_config.TextColumn(t(level), width="medium"),
            "value": st.column_config.NumberColumn(t("sdg_value"), width="small",
                                                   format=f"%.{d}f", help=unit_label(spec.unit)),
            "score": st.column_config.ProgressColumn(t("sdg_score"), min_value=0,
                                                     max_value=100, format="%.0f",
                                                     width="small", help=t("sdg_score_help")),
            "change": st.column_config.NumberColumn(t("sdg_change"), width="small",
                                                    format=f"%+.{d}f",
                                                    help=t("sdg_change_help")),
            "status": st.column_config.TextColumn(t("sdg_status"), width="medium",
                                                  help=t(f"stats_method_{method}_rule")),
            "band": st.column_config.TextColumn(t("stats_band"), width="small",
                                                help=t("stats_band_help")),
            "ties": st.column_config.TextColumn(t("stats_rank"), width="small",
                                                help=t("stats_rank_band_help", points=fmt_num(
                                                    method_panel.config.rank_tie_points(), 1))),
        })


def build_trend_figure(series: pd.DataFrame, spec: pd.Series, area: str | None,
                       area_label: str) -> go.Figure:
    """The indicator over the years for ``area`` and the nation, with the 2030 target."""
    fig = go.Figure()
    colour = goal_colour(int(spec.goal))
    for code, label, line in ((NATIONAL, t("country"), {"color": NEUTRAL, "dash": "dash"}),
                              (area, area_label, {"color": colour, "width": 4})):
        part = series[series.area_code == code] if code else series.iloc[0:0]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(x=part.year, y=part.value, name=label, mode="lines+markers",
                                 line=line, marker={"size": 8},
                                 hovertemplate=f"{html.escape(label)}: %{{y:,.{int(spec.decimals)}f}}"
                                               "<extra></extra>"))
    years = sorted(series.year.unique().tolist()) if not series.empty else []
    if pd.notna(spec.target_2030):
        fig.add_trace(go.Scatter(
            x=[scoring.TARGET_YEAR], y=[spec.target_2030], name=t("sdg_target_2030"),
            mode="markers+text", marker={"symbol": "star", "size": 18, "color": TARGET},
            text=[fmt_num(spec.target_2030, int(spec.decimals))], textposition="top center"))
        fig.add_hline(y=float(spec.target_2030), line_dash="dot", line_color=TARGET,
                      opacity=0.6)
    ticks = [*years, scoring.TARGET_YEAR]
    fig.update_xaxes(tickvals=ticks, ticktext=[year_tick(y) for y in ticks])
    fig.update_yaxes(title=unit_label(spec.unit))
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
    fig = go.Figure()
    for code, solid in ((a, True), (b, False)):
        part = scores[scores.area_code == code].set_index("goal").reindex(GOALS)
        fig.add_trace(go.Bar(
            x=[str(g) for g in GOALS], y=part.score, name=labels.get(code, code),
            marker={"color": [goal_colour(g) for g in GOALS] if solid else "#B8BEC6",
                    "line": {"color": "#1f2933", "width": 0 if solid else 1}},
            hovertemplate="%{x}: %{y:.0f}<extra>" + html.escape(labels.get(code, code))
                          + "</extra>"))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[0, 100], title=t("sdg_goal_score"))
    fig.update_xaxes(title=t("sdg_goal"), type="category")
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
    scores = fetch(goal_scores_of_areas, (a, b), year)
    if scores.empty or scores.score.isna().all():
        st.info(t("no_data"))
        return
    fig = build_comparison_figure(scores, a, b, options)
    render_chart(fig, key="sdg_compare",
                 meta=ExportMeta(t("sdg_compare_title"),
                                 f"{options[a]} / {options[b]}", year, "SDG", KINDS))
    if any(len(c) == 4 for c in (a, b)):
        st.caption(t("sdg_district_goals_note"))


def render_rules_note(method: str = "sdsn") -> None:
    legend = method_panel.legend(method)
    st.caption(f"{t('sdg_status')}: {legend}. {t(f'stats_method_{method}_rule')}.")
    st.caption(t("sdg_rules_note", ind=round(100 * scoring.MIN_INDICATOR_SHARE),
                 goals=round(100 * scoring.MIN_GOAL_SHARE)))


def render_sdg_page() -> None:
    area, year = state.area(), state.year()
    render_page_header(t("page_sdg"), f"{area_title(area)} · {fmt_year(year, lang())}")
    catalogue = fetch(load_sdg_catalogue)
    if year is None or catalogue.empty:
        st.info(t("no_data"))
        return
    goal = state.url_param("sdg_goal", 1, GOALS, int)
    render_goal_picker(goal)
    in_goal = catalogue[catalogue.goal == goal]
    codes = list(in_goal.indicator_code)
    default_level = "district" if len(area) in (4, 6, 8) else "province"
    level = state.url_param("sdg_level", default_level, LEVELS)
    c1, c2 = st.columns([3, 1])
    with c2:
        st.segmented_control(t("sdg_level"), LEVELS, key="sdg_level", format_func=t,
                             width="stretch")
    level = st.session_state.get("sdg_level") or level
    with c2:
        method = method_panel.method_choice()
    # An indicator measured only by province is shown by province even at district level.
    labels = {c: n + ("" if level == "province" or "district" in lv else
                      f" ({t('sdg_province_only')})")
              for c, n, lv in zip(in_goal.indicator_code, in_goal[name_col()], in_goal.levels,
                                  strict=True)}
    code = state.url_param("sdg_ind", codes[0], codes)
    with c1:
        st.selectbox(t("sdg_indicator"), codes, key="sdg_ind", format_func=labels.__getitem__)
    spec = in_goal[in_goal.indicator_code == code].iloc[0]
    st.caption(_indicator_caption(spec))
    if year not in fetch(load_sdg_years):
        st.info(t("sdg_no_year", year=fmt_year(year, lang())))
        return
    shown_level = level if "district" in str(spec.levels).split(",") else "province"
    if shown_level != level:
        st.caption(t("sdg_shown_by_province"))
    ranking = fetch(indicator_ranking, code, shown_level, year, _table_parent(area, shown_level),
                    method)
    if ranking.empty:
        st.info(t("no_data"))
        return
    left, right = st.columns([5, 6])
    with left:
        render_indicator_map(spec, ranking, shown_level, area, year)
    with right:
        render_ranking(spec, ranking, shown_level, area, year, method)
    left, right = st.columns(2)
    with left:
        render_trend(spec, area, year)
    with right:
        render_comparison(area, level, year)
    render_rules_note(method)
    method_panel.render_area_figures(area, shown_level, year, goal, spec, ranking, method)
    codebook_view.render_codebook(spec)

