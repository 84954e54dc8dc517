"""One Plan page rendering: KPIs, progress map, budget against need, goals, flagged projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.charts import compact_layout, figure_of
from components.datasource import fetch
from components.i18n import lang, t
from components.maps import render_area_map
from components.ui import (
    ExportMeta,
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_page_header,
    render_table,
)
from data.plans import (
    child_code_length,
    districts_of,
    load_fiscal_years,
    load_plan_as_of,
    load_plan_projects,
    plan_budget_by_child,
    plan_budget_by_goal,
    target_poor_by_district,
)
from data.queries import load_years, target_poor_by_child
from domain import catalogue
from domain.formatting import fmt_baht, fmt_date, fmt_int, fmt_pct, fmt_year
from domain.plans import ATTENTION_FLAGS, FLAGS, budget_per_need, expected_progress, flag_projects

_MAP_LEVEL = {2: "province", 4: "district", 6: "subdistrict"}
_METRICS = ("progress", "budget_per_need", "attention")
_FLAG_COLOURS = {"late": "#B2182B", "stalled": "#E08214", "behind": "#FDB863",
                 "suspended": "#7F7F7F", "on_track": "#1B7837", "not_started": "#B8B8B8",
                 "completed": "#2166AC"}
SOURCE = "One Plan"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("plan_projects",)


def _style(height: int = 360) -> dict[str, Any]:
    return compact_layout(height=height, top=36, legend_y=-0.15)


def _names(codes: pd.Series) -> pd.Series:
    names = area_names(codes)
    return codes.map(lambda c: names.get(c, c))


def _need_year(fiscal_year: int) -> int | None:
    """The newest survey year not after the fiscal year (need is measured before spending)."""
    years = [y for y in fetch(load_years) if y <= fiscal_year]
    return max(years) if years else None


def _projects(area: str, fy: int, agency: str) -> tuple[pd.DataFrame, dt.date]:
    df = fetch(load_plan_projects, area, fy)
    as_of = pd.Timestamp(fetch(load_plan_as_of)).date()
    if agency:
        df = df[df.agency == agency]
    if not df.empty:
        df = df.assign(flag=flag_projects(df, as_of),
                       expected=expected_progress(df.start_date, df.end_date, as_of))
    return df, as_of


@guarded
def render_plan_kpis(projects: pd.DataFrame) -> None:
    planned = projects.budget_planned.sum()
    spent = projects.budget_spent.sum()
    attention = int(projects.flag.isin(ATTENTION_FLAGS).sum())
    language = lang()
    render_kpis([
        Kpi(t("plans_kpi_projects"), fmt_int(len(projects))),
        Kpi(t("plans_kpi_budget"), fmt_baht(planned, language)),
        Kpi(t("plans_kpi_spent"), fmt_baht(spent, language),
            delta=fmt_pct(100 * spent / planned if planned else None),
            delta_color="off", delta_arrow="off"),
        Kpi(t("plans_kpi_progress"), fmt_pct(projects.progress_pct.mean())),
        Kpi(t("plans_kpi_attention"), fmt_int(attention),
            delta=fmt_pct(100 * attention / len(projects)),
            delta_color="off", delta_arrow="off",
            help=t("plans_kpi_attention_help")),
    ])


def need_rows(area: str, year: int) -> pd.DataFrame:
    """``fetch(target_poor_by_child, area, year)``: a province's districts cut from every
    district's (one cached call a year for every province) instead of a query per newly picked
    province; ``tests/test_plans_partners_units.py`` holds the cut equal to the query."""
    if len(area) == 2 and area.isdigit():
        rows = districts_of(fetch(target_poor_by_district, year), area)
        if len(rows):
            return rows
    return fetch(target_poor_by_child, area, year)


def _child_frame(area: str, fy: int, projects: pd.DataFrame, agency: str) -> pd.DataFrame:
    """Per child unit: progress, budget, attention share and budget per target-poor person."""
    by_child = fetch(plan_budget_by_child, area, fy, agency)
    by_child = by_child[~by_child.wide]
    length = child_code_length(area)
    flagged = projects[projects.area_code.str.len() >= length].assign(
        code=lambda d: d.area_code.str[:length],
        attention=lambda d: d.flag.isin(ATTENTION_FLAGS))
    attention = flagged.groupby("code").attention.mean().mul(100).rename("attention_pct")
    frame = by_child.merge(attention, on="code", how="left")
    need_year = _need_year(fy)
    if need_year is not None and length <= 6:
        need = need_rows(area, need_year)
        need = need.assign(need=need.target_poor_people)[["code", "need"]]
        frame = budget_per_need(frame.rename(columns={"budget_planned": "budget"}), need).merge(
            frame.drop(columns=["budget_planned"]), on="code", how="left")
    else:
        frame = frame.rename(columns={"budget_planned": "budget"}).assign(
            need=float("nan"), per_need=float("nan"), index=float("nan"))
    return frame


@guarded
def render_plan_map(area: str, fy: int, frame: pd.DataFrame) -> None:
    state.url_param("plans_metric", "progress", _METRICS)
    labels = {m: t(f"plans_metric_{m}") for m in _METRICS}
    metric = st.segmented_control(t("plans_map_metric"), _METRICS, key="plans_metric",
                                  format_func=labels.__getitem__) or "progress"
    column, fmt, good_high = {
        "progress": ("progress_mean", lambda v: fmt_pct(v), True),
        "budget_per_need": ("per_need", lambda v: fmt_baht(v, lang()), True),
        "attention": ("attention_pct", lambda v: fmt_pct(v), False),
    }[metric]
    length = child_code_length(area)
    values = frame[["code", column]].rename(columns={column: "value"})
    clicked = render_area_map(
        values, level=_MAP_LEVEL[length], key="plans_map",
        value_label=t(f"plans_metric_{metric}"), fmt=fmt,
        parent_code=area or None, higher_is_better=good_high,
        meta=ExportMeta(t("plans_map_title"), area_title(area), fy, SOURCE, KINDS))
    if clicked and clicked != area:
        state.set_area(clicked)


@guarded
def render_budget_need(area: str, fy: int, frame: pd.DataFrame) -> None:
    st.markdown(f"#### {t('plans_budget_need_title')}")
    need_year = _need_year(fy)
    data = frame.dropna(subset=["index"]).sort_values("index")
    if data.empty or need_year is None:
        st.info(t("no_data"))
        return
    data = data.assign(name=_names(data.code))
    render_chart(build_budget_need(data), key="plans_budget_need",
                 meta=ExportMeta(t("plans_budget_need_title"), area_title(area), fy, SOURCE, KINDS))
    st.caption(t("plans_budget_need_caption", year=fmt_year(need_year, lang())))


def build_budget_need(data: pd.DataFrame) -> go.Figure:
    """Horizontal bars of each unit's budget-per-need index (``index``, by ``name``), a dotted
    line at 1 (budget in proportion to need)."""
    colours = ["#B2182B" if v < 0.5 else ("#F4A582" if v < 1 else "#4393C3")
               for v in data["index"]]
    custom = [list(pair) for pair in zip(data.per_need.map(lambda v: fmt_baht(v, lang())),
                                         data.need.map(fmt_int), strict=True)]
    trace = {"type": "bar", "x": data["index"].to_numpy(), "y": data["name"].to_numpy(),
             "orientation": "h", "marker": {"color": colours}, "customdata": custom,
             "hovertemplate": (f"%{{y}}<br>{t('plans_index')}: %{{x:.2f}}<br>"
                               f"{t('plans_per_need')}: %{{customdata[0]}}<br>"
                               f"{t('plans_need')}: %{{customdata[1]}}<extra></extra>")}
    vline = {"type": "line", "line": {"color": "#444", "dash": "dot"}, "x0": 1.0, "x1": 1.0,
             "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
    return figure_of([trace], {"shapes": [vline], "xaxis": {"title": {"text": t("plans_index")}}},
                     _style(min(900, max(320, 22 * len(data) + 80))))


@guarded
def render_goals_chart(area: str, fy: int, agency: str = "") -> None:
    st.markdown(f"#### {t('plans_by_goal_title')}")
    goals = fetch(plan_budget_by_goal, area, fy, agency)
    if goals.empty:
        st.info(t("no_data"))
        return
    names = {g: (th if lang() == "th" else en) for g, th, en, _ in catalogue.SDG_GOALS}
    fig = figure_of([{
        "type": "bar", "x": [f"{t('plans_goal')} {g}" for g in goals.goal],
        "y": (goals.budget_planned / 1e6).to_numpy(),
        "marker": {"color": [catalogue.GOAL_COLOURS[int(g)] for g in goals.goal]},
        "customdata": [[names[int(g)], n] for g, n in zip(goals.goal, goals.projects,
                                                          strict=True)],
        "hovertemplate": ("%{customdata[0]}<br>%{y:,.1f} M<br>"
                          f"{t('plans_kpi_projects')}: %{{customdata[1]}}<extra></extra>")}],
        {"yaxis": {"title": {"text": t("plans_budget_mb")}}}, _style())
    render_chart(fig, key="plans_goals",
                 meta=ExportMeta(t("plans_by_goal_title"), area_title(area), fy, SOURCE, KINDS))
    st.caption(t("plans_by_goal_caption"))


@guarded
def render_flags_chart(area: str, fy: int, projects: pd.DataFrame) -> None:
    st.markdown(f"#### {t('plans_flags_title')}")
    counts = projects.flag.value_counts().reindex(FLAGS).dropna()
    fig = figure_of([{
        "type": "bar", "x": counts.to_numpy(), "y": [t(f"plans_flag_{f}") for f in counts.index],
        "orientation": "h", "marker": {"color": [_FLAG_COLOURS[f] for f in counts.index]},
        "hovertemplate": "%{y}: %{x}<extra></extra>"}], {"yaxis": {"autorange": "reversed"}},
        _style())
    render_chart(fig, key="plans_flags",
                 meta=ExportMeta(t("plans_flags_title"), area_title(area), fy, SOURCE, KINDS))


@guarded
def render_project_table(area: str, fy: int, projects: pd.DataFrame) -> None:
    st.markdown(f"#### {t('plans_table_title')}")
    labels = {f: t(f"plans_flag_{f}") for f in FLAGS}
    chosen = st.multiselect(t("plans_flag_filter"), list(FLAGS), default=list(ATTENTION_FLAGS),
                            format_func=labels.__getitem__, key="plans_flags_pick",
                            placeholder=t("choose_placeholder"))
    view = projects[projects.flag.isin(chosen)] if chosen else projects
    order = {f: i for i, f in enumerate(FLAGS)}
    view = view.assign(order=view.flag.map(order)).sort_values(["order", "end_date"])
    language = lang()
    agencies = {k: (v[0] if language == "th" else v[1])
                for k, v in catalogue.PLAN_AGENCIES.items()}
    table = pd.DataFrame({
        "flag": view.flag.map(labels),
        "project": view.name_th if language == "th" else view.name_en.fillna(view.name_th),
        "area": _names(view.area_code),
        "agency": view.agency.map(agencies).fillna(view.agency),
        "goals": view.goals.fillna(""), "targets": view.targets.fillna(""),
        "planned": view.budget_planned, "spent": view.budget_spent,
        "progress": view.progress_pct, "expected": view.expected.round(1),
        "end": view.end_date.map(lambda d: fmt_date(pd.Timestamp(d).date(), language, True)),
        "update": view.last_update.map(lambda d: fmt_date(pd.Timestamp(d).date(), language,
                                                          True)),
        "beneficiaries": view.beneficiaries,
    })
    render_table(table, key="plans_table", height=420,
                 meta=ExportMeta(t("plans_table_title"), area_title(area), fy, SOURCE, KINDS),
                 column_config={
                     "flag": t("plans_flag_filter"), "project": t("plans_col_project"),
                     "area": t("plans_col_area"), "agency": t("plans_agency"),
                     "goals": t("plans_col_goals"), "targets": t("plans_col_targets"),
                     "planned": st.column_config.NumberColumn(t("plans_col_planned"),
                                                              format="localized"),
                     "spent": st.column_config.NumberColumn(t("plans_col_spent"),
                                                            format="localized"),
                     "progress": st.column_config.ProgressColumn(
                         t("plans_col_progress"), min_value=0, max_value=100, format="%.0f%%"),
                     "expected": st.column_config.NumberColumn(t("plans_col_expected"),
                                                               format="%.0f%%"),
                     "end": t("plans_col_end"), "update": t("plans_col_update"),
                     "beneficiaries": st.column_config.NumberColumn(
                         t("plans_col_beneficiaries"), format="localized"),
                 })


def render_plans_page() -> None:
    area = state.area()
    years = fetch(load_fiscal_years)
    if not years:
        render_page_header(t("page_plans"), area_title(area))
        st.info(t("no_data"))
        return
    fy = state.url_param("fy", max(years), years, cast=int)
    language = lang()
    agency_labels = {"": t("plans_all_agencies")}
    agency_labels.update({k: (v[0] if language == "th" else v[1])
                          for k, v in catalogue.PLAN_AGENCIES.items()})
    state.url_param("agency", "", list(agency_labels))
    projects, as_of = _projects(area, fy, st.session_state.agency)
    render_page_header(t("page_plans"), f"{area_title(area)} · " + t(
        "plans_subtitle_asof", fy=fmt_year(fy, language), date=fmt_date(as_of, language)))
    c1, c2, _ = st.columns([1, 2, 3])
    fy_labels = {y: fmt_year(y, language) for y in sorted(years, reverse=True)}
    c1.selectbox(t("plans_fiscal_year"), list(fy_labels), key="fy",
                 format_func=fy_labels.__getitem__)
    c2.selectbox(t("plans_agency"), list(agency_labels), key="agency",
                 format_func=agency_labels.__getitem__)
    if projects.empty:
        st.info(t("no_data"))
        return
    render_plan_kpis(projects)
    agency = st.session_state.agency
    frame = _child_frame(area, fy, projects, agency)
    wide = fetch(plan_budget_by_child, area, fy, agency)
    left, right = st.columns([3, 2])
    with left:
        render_plan_map(area, fy, frame)
        n_wide = int(wide[wide.wide].projects.sum()) if area else 0
        if n_wide:
            st.caption(t("plans_wide_note", n=fmt_int(n_wide), area=area_title(area)))
    with right:
        render_budget_need(area, fy, frame)
    left, right = st.columns(2)
    with left:
        render_goals_chart(area, fy, agency)
    with right:
        render_flags_chart(area, fy, projects)
    render_project_table(area, fy, projects)
