"""Partners page gap view: need against activity, ranked, with partners who could help."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.datasource import fetch
from components.i18n import lang, t
from components.partners_common import (
    KINDS,
    LEVEL_BY_LENGTH,
    QUADRANT_COLOURS,
    SOURCE,
    area_frame,
    area_labels,
    build_partner_figure,
    esc,
    goal_names,
    need_year,
    partner_name,
    partners_meta,
    sector_names,
)
from components.ui import (
    ExportMeta,
    guarded,
    render_chart,
    render_table,
)
from data.partners import (
    ActivityFilter,
    load_need_indicators,
    partners_for_area,
    sdg_indicator_by_child,
)
from data.plans import child_code_length
from data.protect import threshold as small_count_threshold
from domain.formatting import fmt_num, fmt_year
from domain.partners import (
    ACTIVITY_MEASURES,
    GAP_QUADRANTS,
    NEED_MEASURES,
    NeedMeasure,
    activity_values,
    household_need,
    need_measure,
    rank_gaps,
)

try:  # SDG goal scores come from the SDG module when it is installed.
    from data import sdg as sdg_data
except ImportError:  # pragma: no cover - depends on which features are merged
    sdg_data = None



# ---------------------------------------------------------------- gaps

def need_options() -> list[str]:
    keys = [m.key for m in NEED_MEASURES]
    if sdg_data is None or not hasattr(sdg_data, "goal_scores_by_area"):
        keys.remove("sdg_goal")
    return keys


def _need_values(key: str, f: ActivityFilter, year: int | None,
                 frame: pd.DataFrame) -> tuple[pd.Series, str]:
    """Need per child code of the page's area, and a note on where it comes from."""
    measure = need_measure(key)
    survey_year = need_year(year)
    language = lang()
    if measure.source == "households":
        values = household_need(frame, key)
        return pd.Series(values.to_numpy(), index=frame.code), t(
            "partners_need_source_households", year=fmt_year(survey_year, language))
    length = child_code_length(f.area)
    if measure.source == "sdg_indicator":
        code = st.session_state.get("pa_ind")
        df = fetch(sdg_indicator_by_child, f.area, year or survey_year or 0, code)
        if df.empty:
            return pd.Series(dtype=float), t("partners_need_no_values")
        return pd.Series(df.value.to_numpy(), index=df.code), t(
            "partners_need_source_indicator", year=fmt_year(int(df.year.max()), language))
    goal = int(st.session_state.get("pa_need_goal", 1))
    parent = f.area or None
    if LEVEL_BY_LENGTH[length] not in getattr(sdg_data, "LEVELS", ()):
        return pd.Series(dtype=float), t("partners_need_no_values")
    scores = fetch(sdg_data.goal_scores_by_area, LEVEL_BY_LENGTH[length], year or survey_year, parent)
    scores = scores[scores.goal == goal]
    if f.area and not f.area.startswith("R:"):
        scores = scores[scores.area_code.astype(str).str.startswith(f.area)]
    return pd.Series(scores.score.to_numpy(), index=scores.area_code.astype(str)), t(
        "partners_need_source_goal", goal=goal)


@guarded
def render_gaps(f: ActivityFilter, year: int | None) -> None:
    st.markdown(f"#### {t('partners_gap_title')}")
    st.caption(t("partners_gap_intro"))
    need_key, act_key, measure, higher_is_worse = _render_gap_pickers()
    frame = area_frame(f, year)
    need, note = _need_values(need_key, f, year, frame)
    data = frame.assign(need=frame.code.map(need), activity=activity_values(frame, act_key))
    if measure.source != "households":
        # SDG values may exist for areas without surveyed households: keep them too.
        extra = pd.DataFrame({"code": [c for c in need.index if c not in set(frame.code)]})
        if not extra.empty:
            extra = extra.assign(need=extra.code.map(need), activity=0.0)
            data = pd.concat([data, extra], ignore_index=True)
    ranked = rank_gaps(data, higher_is_worse=higher_is_worse)
    if ranked.empty:
        st.info(note if need.empty else t("no_data"))
        return
    ranked = ranked.assign(area=area_labels(ranked.code))
    render_gap_chart(f, ranked, need_key, act_key)
    st.caption(note)
    if measure.source == "households" and "withheld" in frame and frame.withheld.any():
        st.caption(t("privacy_small_counts_left_out", count=int(frame.withheld.sum()),
                     n=small_count_threshold()))
    _render_gap_table(f, year, ranked, need_key, act_key)
    render_candidates(f, ranked)


def _render_gap_pickers() -> tuple[str, str, NeedMeasure, bool]:
    """The need and activity measures (with the indicator or goal a need may take), kept in
    the URL; returns the need key, the activity key, the need measure and its direction."""
    need_keys = need_options()
    state.url_param("pa_need", "target_poor_share", need_keys)
    act_keys = [m.key for m in ACTIVITY_MEASURES]
    state.url_param("pa_act", "activities_per_10k", act_keys)
    c1, c2, c3 = st.columns([2, 3, 2])
    need_key = c1.selectbox(t("partners_need_measure"), need_keys, key="pa_need",
                            format_func={k: t(f"partners_need_{k}") for k in need_keys}.__getitem__)
    measure = need_measure(need_key)
    higher_is_worse = measure.higher_is_worse
    if measure.source == "sdg_indicator":
        inds = fetch(load_need_indicators)
        codes = list(inds.indicator_code)
        state.url_param("pa_ind", codes[0] if codes else "", codes)
        names = dict(zip(inds.indicator_code, inds.name_th if lang() == "th" else inds.name_en,
                         strict=True))
        c2.selectbox(t("partners_need_indicator"), codes, key="pa_ind",
                     format_func=lambda c: f"{c.split('_')[0].upper()} · {names.get(c, c)}")
        direction = inds.set_index("indicator_code").direction.get(st.session_state.pa_ind, -1)
        higher_is_worse = int(direction) < 0
    elif measure.source == "sdg_goal":
        goals = goal_names()
        state.url_param("pa_need_goal", 1, list(goals), cast=int)
        c2.selectbox(t("partners_need_goal"), list(goals), key="pa_need_goal",
                     format_func=lambda g: f"{g}. {goals[g]}")
    act_key = c3.selectbox(t("partners_activity_measure"), act_keys, key="pa_act",
                           format_func={k: t(f"partners_act_{k}") for k in act_keys}.__getitem__)
    with st.expander(t("partners_gap_how"), expanded=False):
        st.markdown(t(f"partners_need_{need_key}_help"))
        st.markdown(t(f"partners_act_{act_key}_help"))
        st.markdown(t("partners_gap_method"))
    return need_key, act_key, measure, higher_is_worse


def _render_gap_table(f: ActivityFilter, year: int | None, ranked: pd.DataFrame,
                      need_key: str, act_key: str) -> None:
    quadrants = {q: t(f"partners_quadrant_{q}") for q in GAP_QUADRANTS}
    table = pd.DataFrame({
        "rank": ranked["rank"], "area": ranked.area, "need": ranked.need,
        "activity": ranked.activity, "need_pct": (100 * ranked.need_pct).round(0),
        "activity_pct": (100 * ranked.activity_pct).round(0), "gap": ranked.gap.round(2),
        "quadrant": ranked.quadrant.map(quadrants), "activities": ranked.activities,
    })
    render_table(table, key="pa_gap_table", height=420,
                 meta=partners_meta("partners_gap_title", f, year),
                 column_config={
                     "rank": st.column_config.NumberColumn(t("partners_col_rank")),
                     "area": t("partners_col_area"),
                     "need": st.column_config.NumberColumn(t(f"partners_need_{need_key}"),
                                                           format="localized"),
                     "activity": st.column_config.NumberColumn(t(f"partners_act_{act_key}"),
                                                               format="localized"),
                     "need_pct": st.column_config.ProgressColumn(
                         t("partners_col_need_pct"), min_value=0, max_value=100, format="%.0f"),
                     "activity_pct": st.column_config.ProgressColumn(
                         t("partners_col_activity_pct"), min_value=0, max_value=100,
                         format="%.0f"),
                     "gap": st.column_config.NumberColumn(t("partners_col_gap"), format="%.2f"),
                     "quadrant": t("partners_col_quadrant"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                 })


def render_candidates(f: ActivityFilter, ranked: pd.DataFrame) -> None:
    """Who could be sent to one of the top gap areas: partners active nearby on the same goals."""
    st.markdown(f"##### {t('partners_send_title')}")
    top = ranked[ranked.gap > 0].head(10)
    if top.empty:
        st.info(t("partners_send_none"))
        return
    names = dict(zip(top.code, top.area, strict=True))
    state.url_param("pa_gap_area", top.code.iloc[0], list(top.code))
    code = st.selectbox(t("partners_send_area"), list(top.code), key="pa_gap_area",
                        format_func=names.__getitem__)
    df = fetch(partners_for_area, f, code, 10)
    if df.empty:
        st.info(t("no_data"))
        return
    sectors = sector_names()
    table = pd.DataFrame({
        "partner": partner_name(df), "sector": df.sector.map(sectors).fillna(df.sector),
        "home": area_labels(df.home_province), "activities": df.activities,
        "in_area": df.in_area, "areas": df.areas,
    })
    render_table(table, key="pa_send_table",
                 meta=ExportMeta(t("partners_send_title"), names[code], None, SOURCE, KINDS),
                 column_config={
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "home": t("partners_col_home"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                     "in_area": st.column_config.NumberColumn(t("partners_col_in_area")),
                     "areas": st.column_config.NumberColumn(t("partners_col_areas")),
                 })
    st.caption(t("partners_send_caption"))


def render_gap_chart(f: ActivityFilter, ranked: pd.DataFrame, need_key: str,
                     act_key: str) -> None:
    data = []
    for q in GAP_QUADRANTS:
        part = ranked[ranked.quadrant == q]
        if part.empty:
            continue
        data.append({
            "type": "scatter", "x": (part.need_pct * 100).tolist(),
            "y": (part.activity_pct * 100).tolist(), "mode": "markers",
            "name": t(f"partners_quadrant_{q}"),
            "marker": {"color": QUADRANT_COLOURS[q], "size": 10},
            "text": [esc(a) for a in part.area],
            "customdata": list(zip(part.need.map(fmt_num), part.activity.map(fmt_num),
                                   part["rank"].astype(int).tolist(), strict=True)),
            "hovertemplate": (f"%{{text}} (#%{{customdata[2]}})<br>"
                              f"{t(f'partners_need_{need_key}')}: %{{customdata[0]}}<br>"
                              f"{t(f'partners_act_{act_key}')}: %{{customdata[1]}}"
                              "<extra></extra>")})
    notes = [{"x": row.need_pct * 100, "y": row.activity_pct * 100, "text": esc(row.area, 24),
              "showarrow": False, "yshift": 12, "font": {"size": 12}}
             for row in ranked.head(8).itertuples(index=False)]
    line = {"type": "line", "line": {"dash": "dot", "color": "#777"}}
    fig = build_partner_figure(data, {
        "annotations": notes,
        "shapes": [{**line, "x0": 50, "x1": 50, "y0": 0, "y1": 1, "yref": "paper"},
                   {**line, "y0": 50, "y1": 50, "x0": 0, "x1": 1, "xref": "paper"}],
        "xaxis": {"title": {"text": t("partners_col_need_pct")}, "range": [-2, 104]},
        "yaxis": {"title": {"text": t("partners_col_activity_pct")}, "range": [-2, 104]}},
        460)
    render_chart(fig, key="pa_gap_chart",
                 meta=partners_meta("partners_gap_title", f))
