"""Partners page overview: KPIs, activity over time, coverage by sector and goal, map, top partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st
from plotly.colors import make_colorscale, sequential

from components import state
from components.datasource import fetch
from components.i18n import lang, t
from components.maps import render_area_map
from components.partners_common import (
    LEVEL_BY_LENGTH,
    MAP_METRICS,
    SECTOR_COLOURS,
    area_frame,
    area_labels,
    build_partner_figure,
    goal_names,
    partner_name,
    partners_meta,
    sector_names,
    wide_activities,
)
from components.ui import (
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_table,
)
from data.partners import (
    ActivityFilter,
    activities_by_quarter,
    coverage_by_sector_goal,
    partner_kpis,
    top_partners,
)
from data.plans import child_code_length
from domain import catalogue
from domain.formatting import fmt_baht, fmt_int, fmt_num
from domain.partners import (
    per_thousand,
)

# Plotly's "Blues" as its validation spells it out (the figures here are not validated).
BLUES = make_colorscale(sequential.Blues)

# ---------------------------------------------------------------- KPIs and overview

@guarded
def render_partner_kpis(f: ActivityFilter) -> None:
    k = fetch(partner_kpis, f)
    language = lang()
    render_kpis([
        Kpi(t("partners_kpi_partners"), fmt_int(k["partners"]), help=t("partners_kpi_partners_help")),
        Kpi(t("partners_kpi_activities"), fmt_int(k["activities"]),
            help=t("partners_kpi_activities_help")),
        Kpi(t("partners_kpi_beneficiaries"), fmt_int(k["beneficiaries"])),
        Kpi(t("partners_kpi_budget"), fmt_baht(k["budget"], language)),
    ])


@guarded
def render_time_chart(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_time_title')}")
    df = fetch(activities_by_quarter, f)
    if df.empty:
        st.info(t("no_data"))
        return
    language = lang()
    quarters = df[["year", "quarter"]].drop_duplicates().sort_values(["year", "quarter"])
    # Short quarter labels: the BE year in Thai, the CE year in English.
    labels = {(y, q): f"{int(y) + (543 if language == 'th' else 0)} Q{int(q)}"
              for y, q in quarters.itertuples(index=False)}
    order = [labels[k] for k in quarters.itertuples(index=False, name=None)]
    in_period = {}
    for y, q in quarters.itertuples(index=False, name=None):
        first = dt.date(int(y), 3 * int(q) - 2, 1)
        last = (dt.date(int(y) + 1, 1, 1) if q == 4 else dt.date(int(y), 3 * int(q) + 1, 1)) \
            - dt.timedelta(days=1)
        in_period[labels[(y, q)]] = ((f.end is None or first <= f.end)
                                     and (f.start is None or last >= f.start))
    names = sector_names()
    data = []
    for sector in catalogue.SECTOR_CODES:
        part = df[df.sector == sector]
        if part.empty:
            continue
        x = [labels[(y, q)] for y, q in zip(part.year, part.quarter, strict=True)]
        data.append({"type": "bar", "x": x, "y": part.activities.tolist(),
                     "name": names[sector],
                     "marker": {"color": SECTOR_COLOURS[sector],
                                "opacity": [1.0 if in_period[v] else 0.35 for v in x]},
                     "hovertemplate": f"{names[sector]}<br>%{{x}}: %{{y}}<extra></extra>"})
    fig = build_partner_figure(data, {
        "barmode": "stack", "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "xaxis": {"categoryorder": "array", "categoryarray": order, "tickangle": -45,
                  "nticks": 14},
        "yaxis": {"title": {"text": t("partners_activities_started")}}})
    render_chart(fig, key="pa_time",
                 meta=partners_meta("partners_time_title", f))
    st.caption(t("partners_time_caption"))


@guarded
def render_coverage(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_coverage_title')}")
    df = fetch(coverage_by_sector_goal, f)
    if df.empty:
        st.info(t("no_data"))
        return
    names, goals = sector_names(), goal_names()
    grid = df.pivot(index="sector", columns="goal", values="activities")
    # Only the filtered sectors: rows of zeros for sectors filtered out would read as gaps.
    rows = [s for s in catalogue.SECTOR_CODES if not f.sectors or s in f.sectors]
    grid = grid.reindex(index=rows, columns=range(1, 18)).fillna(0)
    partners = df.pivot(index="sector", columns="goal", values="partners")
    partners = partners.reindex(index=grid.index, columns=grid.columns).fillna(0)
    custom = [[[goals[g], int(partners.loc[s, g])] for g in grid.columns] for s in grid.index]
    fig = build_partner_figure([{
        "type": "heatmap", "z": grid.to_numpy().tolist(), "x": [str(g) for g in grid.columns],
        "y": [names[s] for s in grid.index], "colorscale": BLUES, "customdata": custom,
        "text": grid.astype(int).to_numpy().tolist(), "texttemplate": "%{text}",
        "xgap": 2, "ygap": 2, "colorbar": {"title": {"text": t("partners_activities")}},
        "hovertemplate": (f"%{{y}}<br>{t('partners_goal')} %{{x}}: %{{customdata[0]}}<br>"
                          f"{t('partners_activities')}: %{{z}}<br>"
                          f"{t('partners_kpi_partners')}: %{{customdata[1]}}<extra></extra>")}],
        {"xaxis": {"title": {"text": t("partners_goal")}, "type": "category"},
         "yaxis": {"autorange": "reversed"}})
    render_chart(fig, key="pa_coverage",
                 meta=partners_meta("partners_coverage_title", f))
    st.caption(t("partners_coverage_caption"))


@guarded
def render_activity_map(f: ActivityFilter, year: int | None) -> None:
    st.markdown(f"#### {t('partners_map_title')}")
    state.url_param("pa_map", "activities", MAP_METRICS)
    labels = {m: t(f"partners_map_{m}") for m in MAP_METRICS}
    metric = st.segmented_control(t("partners_map_metric"), MAP_METRICS, key="pa_map",
                                  format_func=labels.__getitem__) or "activities"
    frame = area_frame(f, year)
    if metric == "activities":
        values = frame[["code", "activities"]].rename(columns={"activities": "value"})
        fmt: Callable[[float], str] = fmt_int
    else:
        values = pd.DataFrame({"code": frame.code,
                               "value": per_thousand(frame.beneficiaries, frame.households)})
        fmt = fmt_num
    length = child_code_length(f.area)
    clicked = render_area_map(
        values, level=LEVEL_BY_LENGTH[length], key="pa_map_view", value_label=labels[metric], fmt=fmt,
        parent_code=f.area or None, selected=None,
        meta=partners_meta("partners_map_title", f, year))
    if clicked and clicked != f.area:
        state.set_area(clicked)
    n_wide = wide_activities(f, year)
    if n_wide:
        st.caption(t("partners_wide_note", n=fmt_int(n_wide)))
    if metric == "beneficiaries_per_1k":
        st.caption(t("partners_per_1k_caption"))
    # The same numbers as a table, for reading exact values.
    table = values.assign(area=area_labels(values.code)).sort_values("value", ascending=False)
    with st.expander(t("partners_map_table")):
        render_table(table[["area", "value"]], height=240, key="pa_map_table",
                     meta=partners_meta("partners_map_title", f, year),
                     column_config={"area": t("partners_col_area"),
                                    "value": st.column_config.NumberColumn(
                                        labels[metric], format="localized")})


@guarded
def render_top_partners(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_top_title')}")
    df = fetch(top_partners, f, 15)
    if df.empty:
        st.info(t("no_data"))
        return
    sectors = sector_names()
    # Partner names go to the grid as plain text: it renders them as text, never as HTML.
    table = pd.DataFrame({
        "partner": partner_name(df), "sector": df.sector.map(sectors).fillna(df.sector),
        "home": area_labels(df.home_province), "activities": df.activities, "areas": df.areas,
        "beneficiaries": df.beneficiaries, "budget": df.budget,
    })
    render_table(table, key="pa_top", height=420,
                 meta=partners_meta("partners_top_title", f),
                 column_config={
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "home": t("partners_col_home"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                     "areas": st.column_config.NumberColumn(t("partners_col_areas")),
                     "beneficiaries": st.column_config.NumberColumn(
                         t("partners_kpi_beneficiaries"), format="localized"),
                     "budget": st.column_config.NumberColumn(t("partners_kpi_budget"),
                                                             format="localized"),
                 })
