"""SDG progress page rendering: goal tiles, indicator map and ranking, trend to 2030, comparison."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import codebook_view, method_panel, state
from components.area_names import area_names, area_title
from components.charts import goal_colour, goal_name
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.sdg_compare import render_comparison, render_trend
from components.sdg_labels import (
    GOALS,
    KINDS,
    goal_tiles_css,
    status_label,
    unit_label,
)
from components.ui import ExportMeta, guarded, render_page_header, render_table
from data.sdg import (
    LEVELS,
    indicator_ranking,
    load_sdg_catalogue,
    load_sdg_years,
)
from domain import sdg as scoring
from domain.formatting import fmt_num, fmt_year


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


def _named(values: pd.Series, name) -> pd.Series:
    """``values.map(name)``, calling ``name`` once per distinct text (anything else, such as
    NaN, each time)."""
    names: dict[str, str] = {}

    def one(value: object) -> str:
        if not isinstance(value, str):
            return name(value)
        if value not in names:
            names[value] = name(value)
        return names[value]

    return values.map(one)


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
        # Each distinct status and band named once (a translation lookup per row cost 3 ms).
        "status": _named(ranking.status, lambda s: status_label(s, method)),
        "band": _named(ranking.band, method_panel.band_text),
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

