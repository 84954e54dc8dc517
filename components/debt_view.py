"""Informal-debt page rendering: KPIs, case map, stage funnel, days per stage, trend, poverty link."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.charts import compact_layout, figure_of, pin_zero_layout
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
from data.area_filter import parse_area, rows_inside
from data.debt import (
    cut_days,
    cut_unit,
    debt_by_child,
    debt_by_creditor,
    debt_by_creditor_by_unit,
    debt_by_district,
    debt_by_month,
    debt_by_month_by_unit,
    debt_child_length,
    debt_days_per_stage,
    debt_days_per_stage_by_unit,
    debt_household_link_by_unit,
    debt_stage_counts,
    debt_stage_counts_by_unit,
    debt_unit_parent,
    household_link_within,
    load_debt_as_of,
)
from domain import catalogue
from domain.debt import stage_funnel, suppress_small
from domain.formatting import fmt_baht, fmt_date, fmt_int, fmt_month, fmt_pct

_METRICS = ("unresolved", "cases", "amount", "settled_pct")
_STAGE_COLOURS = {"registered": "#9ECAE1", "mediation": "#4292C6", "settled": "#08519C"}
SOURCE = "Damrongdhama centres"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("debt_cases",)


def _look(height: int = 340) -> dict:
    """The page's compact chart look (``charts.compact_style``) as layout keys."""
    return compact_layout(height=height, top=30, legend_y=-0.2)



def _meta(key: str, area: str) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), None, SOURCE, KINDS)


def area_rows(by_unit, of_area, area: str, cut=cut_unit) -> pd.DataFrame:
    """``fetch(of_area, area)`` cut from the by-unit result a province or a district is in
    (one cached call for every province, one per province for its districts), so that a newly
    picked area costs no query; the country, a region or a smaller unit is asked for as is.
    ``tests/test_debt_units.py`` holds the cut equal to the area's own query."""
    found = debt_unit_parent(area)
    if found is None:
        return fetch(of_area, area)
    return cut(fetch(by_unit, *found), area)


def children_rows(area: str) -> pd.DataFrame:
    """``fetch(debt_by_child, area)``: a region's provinces cut from the country's, a
    province's or a district's districts from every district's (one cached call each)."""
    level = parse_area(area).level
    if level in ("province", "district"):
        return rows_inside(fetch(debt_by_district), area, "code").reset_index(drop=True)
    if level == "region":
        return rows_inside(fetch(debt_by_child, ""), area, "code").reset_index(drop=True)
    return fetch(debt_by_child, area)


@guarded
def render_debt_kpis(stages: pd.DataFrame) -> None:
    by = stages.set_index("stage")
    total = int(by.cases.sum())
    settled = int(by.cases.get("settled", 0))
    unresolved = int(by.cases.reindex(["registered", "mediation"]).fillna(0).sum())
    language = lang()
    render_kpis([
        Kpi(t("debt_kpi_cases"), fmt_int(total)),
        Kpi(t("debt_kpi_amount"), fmt_baht(by.debt_amount.sum(), language)),
        Kpi(t("debt_kpi_settled"), fmt_int(settled),
            delta=fmt_pct(100 * settled / total if total else None),
            delta_color="off", delta_arrow="off"),
        Kpi(t("debt_kpi_reduced"), fmt_baht(by.amount_reduced.sum(), language)),
        Kpi(t("debt_kpi_refinanced"), fmt_baht(by.amount_refinanced.sum(), language)),
        Kpi(t("debt_kpi_unresolved"), fmt_int(unresolved),
            delta=fmt_pct(100 * unresolved / total if total else None),
            delta_color="off", delta_arrow="off"),
    ])


@guarded
def render_debt_map(area: str) -> None:
    state.url_param("debt_metric", "unresolved", _METRICS)
    labels = {m: t(f"debt_metric_{m}") for m in _METRICS}
    metric = st.segmented_control(t("debt_map_metric"), _METRICS, key="debt_metric",
                                  format_func=labels.__getitem__) or "unresolved"
    frame = children_rows(area)
    language = lang()
    frame = frame.assign(amount=frame.debt_amount,
                         settled_pct=100 * frame.settled / frame.cases.where(frame.cases > 0))
    fmt = {"amount": lambda v: fmt_baht(v, language), "settled_pct": fmt_pct}.get(metric, fmt_int)
    length = debt_child_length(area)
    level = "province" if length == 2 else "district"
    parent = area[:2] if length == 4 and area else (area or None)
    clicked = render_area_map(
        frame[["code", metric]].rename(columns={metric: "value"}), level=level, key="debt_map",
        value_label=labels[metric], fmt=fmt, parent_code=parent,
        selected=area if len(area) == 4 else None,
        higher_is_better=metric == "settled_pct", meta=_meta("page_debt", area))
    if clicked and clicked != area:
        state.set_area(clicked)


@guarded
def render_funnel(area: str, stages: pd.DataFrame) -> None:
    st.markdown(f"#### {t('debt_funnel_title')}")
    funnel = stage_funnel(dict(zip(stages.stage, stages.cases, strict=True)))
    by = stages.set_index("stage").cases
    # The other outcomes leave the funnel after mediation: named under it, not drawn over it.
    others = [f"{t(f'debt_stage_{o}')}: {fmt_int(int(by.get(o, 0)))}"
              for o in ("referred", "closed") if int(by.get(o, 0))]
    below = {"annotations": [{"text": " · ".join(others), "xref": "paper", "yref": "paper",
                              "x": 0.5, "y": -0.04, "xanchor": "center", "yanchor": "top",
                              "showarrow": False}], "margin": {"b": 48}} if others else {}
    fig = figure_of([{
        "type": "funnel", "y": [t(f"debt_stage_{s}") for s in funnel.step], "x": funnel.cases,
        "marker": {"color": [_STAGE_COLOURS[s] for s in funnel.step]},
        "texttemplate": "%{value:,} (%{percentInitial:.0%})",
        "hovertemplate": "%{y}: %{x:,}<extra></extra>"}], _look(), below)
    render_chart(fig, key="debt_funnel", meta=_meta("debt_funnel_title", area))


@guarded
def render_days(area: str) -> None:
    st.markdown(f"#### {t('debt_days_title')}")
    days = area_rows(debt_days_per_stage_by_unit, debt_days_per_stage, area, cut_days)
    table = pd.DataFrame({
        "step": [f"{t(f'debt_stage_{a}')} → {t(f'debt_stage_{b}')}"
                 for a, b in zip(days.from_stage, days.to_stage, strict=True)],
        "cases": days.cases, "median": days.median_days, "p90": days.p90_days,
        "open": days.open,
    })
    render_table(table, key="debt_days", meta=_meta("debt_days_title", area), column_config={
        "step": t("debt_col_step"),
        "cases": st.column_config.NumberColumn(t("debt_col_cases"), format="localized"),
        "median": st.column_config.NumberColumn(t("debt_col_median"), format="%.0f"),
        "p90": st.column_config.NumberColumn(t("debt_col_p90"), format="%.0f"),
        "open": st.column_config.NumberColumn(t("debt_col_open"), format="localized"),
    })
    st.caption(t("debt_days_caption"))


@guarded
def render_trend(area: str) -> None:
    st.markdown(f"#### {t('debt_trend_title')}")
    months = area_rows(debt_by_month_by_unit, debt_by_month, area)
    if months.empty:
        st.info(t("no_data"))
        return
    language = lang()
    x = [fmt_month(int(y), int(m), language) for y, m in zip(months.y, months.m, strict=True)]
    fig = figure_of([
        {"type": "scatter", "x": x, "y": months[col], "name": t(key), "mode": "lines+markers",
         "line": {"color": colour}, "hovertemplate": "%{x}: %{y:,}<extra>" + t(key) + "</extra>"}
        for col, key, colour in (("registered", "debt_trend_registered", "#4292C6"),
                                 ("settled", "debt_trend_settled", "#1B7837"),
                                 ("other_outcome", "debt_trend_other", "#B2182B"))], _look())
    render_chart(fig, key="debt_trend", meta=_meta("debt_trend_title", area))


@guarded
def render_top_unresolved(area: str) -> None:
    st.markdown(f"#### {t('debt_top_title')}")
    frame = children_rows(area).sort_values("unresolved", ascending=False).head(10)
    names = area_names(frame.code)
    table = pd.DataFrame({
        "area": frame.code.map(lambda c: names.get(c, c)), "unresolved": frame.unresolved,
        "cases": frame.cases, "amount": frame.debt_amount,
    })
    render_table(table, key="debt_top", meta=_meta("debt_top_title", area), column_config={
        "area": t("debt_col_area"),
        "unresolved": st.column_config.NumberColumn(t("debt_kpi_unresolved"), format="localized"),
        "cases": st.column_config.NumberColumn(t("debt_kpi_cases"), format="localized"),
        "amount": st.column_config.NumberColumn(t("debt_metric_amount"), format="localized"),
    })


@guarded
def render_creditors(area: str) -> None:
    st.markdown(f"#### {t('debt_creditor_title')}")
    frame = area_rows(debt_by_creditor_by_unit, debt_by_creditor, area)
    idx = 0 if lang() == "th" else 1
    names = [catalogue.CREDITOR_TYPES.get(c, (c, c))[idx] for c in frame.creditor_type]
    fig = figure_of([{"type": "bar", "x": frame.cases, "y": names, "orientation": "h",
                      "marker": {"color": "#6A51A3"},
                      "hovertemplate": "%{y}: %{x:,}<extra></extra>"}],
                    {"yaxis": {"autorange": "reversed"}}, _look(300))
    render_chart(fig, key="debt_creditors", meta=_meta("debt_creditor_title", area))


@guarded
def render_poverty_link(area: str) -> None:
    st.markdown(f"#### {t('debt_link_title')}")
    # One cached read for every area (the join scans a whole survey year), summed here.
    link = household_link_within(fetch(debt_household_link_by_unit), area)
    linked = suppress_small(link.get("linked", 0))

    def shown(n: int | None) -> str:
        return t("debt_withheld") if n is None else fmt_int(n)

    cases = link.get("cases", 0)
    render_kpis([
        Kpi(t("debt_link_linked"), shown(linked),
            delta=fmt_pct(100 * linked / cases) if linked and cases else None,
            delta_color="off", delta_arrow="off"),
        Kpi(t("debt_link_target_poor"), shown(suppress_small(link.get("target_poor", 0)))),
        Kpi(t("debt_link_welfare"), shown(suppress_small(link.get("welfare_card", 0)))),
    ])
    idx = 1 if lang() == "th" else 2
    dims = [(d[idx], suppress_small(link.get(f"dim_{d[0]}", 0))) for d in catalogue.DIMENSIONS]
    # All withheld or none: a 0-1 axis with the labels written out, not an empty -1..1 axis.
    pinned, pinned_bars = pin_zero_layout([n or 0 for _, n in dims])
    fig = figure_of([{"type": "bar", "x": [n or 0 for _, n in dims],
                      "y": [name for name, _ in dims], "orientation": "h",
                      "marker": {"color": "#E08214"}, "text": [shown(n) for _, n in dims],
                      "textposition": "auto", "hovertemplate": "%{y}<extra></extra>"}
                     | pinned_bars],
                    {"yaxis": {"autorange": "reversed"},
                     "title": {"text": t("debt_link_dimension"), "font": {"size": 14}}},
                    pinned, _look(280))
    render_chart(fig, key="debt_link", meta=_meta("debt_link_title", area))
    st.caption(t("debt_link_caption"))


def render_debt_page() -> None:
    area = state.area()
    as_of = fetch(load_debt_as_of)
    language = lang()
    date = fmt_date(pd.Timestamp(as_of).date(), language) if as_of is not None else "–"
    render_page_header(t("page_debt"), f"{area_title(area)} · " + t("debt_subtitle", date=date))
    stages = area_rows(debt_stage_counts_by_unit, debt_stage_counts, area)
    if stages.empty:
        st.info(t("no_data"))
        return
    render_debt_kpis(stages)
    left, right = st.columns([3, 2])
    with left:
        render_debt_map(area)
    with right:
        render_funnel(area, stages)
        render_days(area)
    left, right = st.columns(2)
    with left:
        render_trend(area)
        render_creditors(area)
    with right:
        render_top_unresolved(area)
        render_poverty_link(area)
    from components.debt_tally_view import render_debt_tallies

    render_debt_tallies(area)
