"""Poverty page sections about the area and its units: KPIs, map, table, dimensions, indicators, trend."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_title
from components.charts import compact_layout, figure_of, pin_zero_layout
from components.datasource import fetch
from components.how_computed import render_map_poverty_how, render_trend_how
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.poverty_common import (
    DIMENSION_COLOURS,
    MAP_LEVEL,
    dim_name,
    indicator_names,
    measure_display,
    measure_format,
    measure_label,
    poverty_meta,
)
from components.style import meeting_mode
from components.ui import (
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_table,
)
from data.poverty import (
    child_level,
    poverty_by_child,
    poverty_trend,
)
from domain import catalogue
from domain.formatting import fmt_int, fmt_num, fmt_pct, fmt_year


# -- sections ------------------------------------------------------------------------------
@guarded
def render_measure_kpis(total: pd.Series) -> None:
    language = lang()
    render_kpis([
        Kpi(t("poverty_measure_h"), fmt_pct(100 * total.h, 2, language),
            help=t("poverty_h_help")),
        Kpi(t("poverty_measure_a"), fmt_pct(100 * total.a, 1, language),
            help=t("poverty_a_help")),
        Kpi(t("poverty_measure_mpi"), fmt_num(total.mpi, 4, language),
            help=t("poverty_mpi_help")),
        Kpi(t("poverty_poor_people"), fmt_int(total.poor, language),
            help=t("poverty_poor_people_help")),
        Kpi(t("kpi_target_poor"), fmt_int(total.target_poor_people, language),
            help=t("poverty_target_help")),
        Kpi(t("kpi_target_poor_households"), fmt_int(total.target_poor_households, language)),
    ])


def listed_level(area: str, children: pd.DataFrame) -> str:
    """Level of the listed units (a user limited to some provinces gets provinces under
    Thailand instead of regions)."""
    if not area and not children.code.astype(str).str.startswith("R:").any():
        return "province"
    return child_level(area)


def render_go_down(children: pd.DataFrame, area: str) -> None:
    """Accessible way down (and the one tests drive): pick a child unit by name."""
    if len(area) == 8 or children.empty:
        return
    labels = dict(zip(children.code, children[name_col()].fillna(children.code), strict=True))
    choice = st.selectbox(t("poverty_go_to", level=t(listed_level(area, children))),
                          list(labels),
                          index=None, key=f"pov_go_{area or 'TH'}",
                          format_func=labels.__getitem__, placeholder=t("poverty_go_to_hint"))
    if choice:
        state.set_area(choice)


@guarded
def render_children_map(area: str, year: int, children: pd.DataFrame, measure: str,
                        dim: str | None, k: float,
                        weights: tuple[tuple[str, float], ...] | None) -> None:
    level_key = "" if not area else ("R" if area.startswith("R:") else len(area))
    label = measure_label(measure, dim)
    if level_key not in MAP_LEVEL:
        return
    # Under the whole country the map shows provinces (regions have no boundaries of their own).
    df = fetch(poverty_by_child, area, year, k, weights, "province") if not area else children
    values = pd.DataFrame({"code": df.code, "value": measure_display(df, measure, dim)})
    clicked = render_area_map(
        values, level=MAP_LEVEL[level_key], key=f"pov_map_{level_key}", value_label=label,
        fmt=measure_format(measure), parent_code=area or None,
        higher_is_better=False, meta=poverty_meta("poverty_map_title", area, year), height=480,
        controls=not meeting_mode())
    if clicked and clicked != area:
        state.set_area(clicked)
    render_map_poverty_how(area, year, df, k, weights)


@guarded
def render_village_bars(area: str, year: int, children: pd.DataFrame, measure: str,
                        dim: str | None) -> None:
    """Villages have no boundaries: the subdistrict's villages as ranked bars instead."""
    st.markdown(f"#### {t('poverty_villages_title')}")
    data = children.assign(value=measure_display(children, measure, dim)).sort_values("value")
    fig = build_village_bars(data.value, data[name_col()].fillna(data.code), measure_format(measure),
                             measure_label(measure, dim))
    render_chart(fig, key="pov_villages", meta=poverty_meta("poverty_villages_title", area, year))


def _style(height: int) -> dict[str, Any]:
    """The poverty charts' look (``poverty_common.poverty_style``) as layout keys."""
    return compact_layout(height=height, top=30, legend_y=-0.18)


def build_village_bars(values: pd.Series, names: pd.Series, fmt: Any, label: str) -> go.Figure:
    """Ranked horizontal bars of the villages' ``values`` (ascending, so the highest is on top)."""
    zero_layout, zero_trace = pin_zero_layout(values)
    trace = {"type": "bar", "x": values.to_numpy(), "y": names.to_numpy(), "orientation": "h",
             "marker": {"color": "#B2182B"}, "text": [fmt(v) for v in values],
             "textposition": "auto", "hovertemplate": "%{y}: %{text}<extra></extra>"}
    return figure_of([trace | zero_trace], {"xaxis": {"title": {"text": label}}}, zero_layout,
                     _style(min(900, max(300, 26 * len(values) + 80))))


@guarded
def render_children_table(area: str, year: int, children: pd.DataFrame, measure: str,
                          dim: str | None) -> None:
    level = t(listed_level(area, children))
    st.markdown(f"#### {t('poverty_children_title', level=level)}")
    view = pd.DataFrame({
        "code": children.code, "name": children[name_col()].fillna(children.code),
        "households": children.households, "people": children.population,
        "target_poor": children.target_poor_people, "poor": children.poor,
        "h": 100 * children.h, "a": 100 * children.a, "mpi": children.mpi,
        "selected": measure_display(children, measure, dim),
    })
    number = st.column_config.NumberColumn
    event = render_table(
        view, key=f"pov_children_{area or 'TH'}", height=min(560, 38 + 35 * len(view)),
        meta=poverty_meta("poverty_children_title_plain", area, year),
        on_select="rerun", selection_mode="single-row",
        column_config={
            "code": t("pov_code"), "name": t("area"),
            "households": number(t("kpi_households"), format="localized"),
            "people": number(t("kpi_people"), format="localized"),
            "target_poor": number(t("kpi_target_poor"), format="localized"),
            "poor": number(t("poverty_poor_people"), format="localized"),
            "h": number(t("poverty_measure_h"), format="%.2f%%"),
            "a": number(t("poverty_measure_a"), format="%.1f%%"),
            "mpi": number(t("poverty_measure_mpi"), format="%.4f"),
            "selected": number(measure_label(measure, dim),
                               format="localized" if measure == "count" else "%.3f"),
        })
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows and len(area) < 8:
        code = str(view.code.iloc[rows[0]])
        if code != area:
            state.set_area(code)
    render_go_down(children, area)


@guarded
def render_dimension_breakdown(area: str, year: int, children: pd.DataFrame,
                               total: pd.Series) -> None:
    st.markdown(f"#### {t('poverty_breakdown_title')}")
    if float(total.mpi) <= 0:
        st.info(t("poverty_none_poor_at_k"))
        return
    rows = pd.concat([total.to_frame().T.assign(label=area_title(area)),
                      children.assign(label=children[name_col()].fillna(children.code))],
                     ignore_index=True) if len(area) < 8 else \
        total.to_frame().T.assign(label=area_title(area))
    render_chart(build_dimension_breakdown(rows.iloc[::-1]), key="pov_breakdown",
                 meta=poverty_meta("poverty_breakdown_title", area, year))
    st.caption(t("poverty_breakdown_caption"))


def build_dimension_breakdown(rows: pd.DataFrame) -> go.Figure:
    """Stacked bars of each row's dimension contributions (``contrib_*``, percent), by ``label``."""
    labels = rows.label.to_numpy()
    traces = [{"type": "bar", "x": rows[f"contrib_{dim}"].astype(float).to_numpy(),
               "y": labels, "orientation": "h", "name": dim_name(dim),
               "marker": {"color": DIMENSION_COLOURS[dim]},
               "hovertemplate": f"{html.escape(dim_name(dim))}: %{{x:.1f}}%<extra>%{{y}}</extra>"}
              for dim in catalogue.DIMENSION_CODES]
    return figure_of(traces, {"xaxis": {"title": {"text": t("poverty_contribution_axis")},
                                        "range": [0, 100]}},
                     _style(min(900, max(260, 26 * len(rows) + 110))),
                     {"barmode": "stack",
                      "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"}})


@guarded
def render_indicator_bars(area: str, year: int, total: pd.Series, dim: str | None) -> None:
    st.markdown(f"#### {t('poverty_indicators_title')}")
    names = indicator_names()
    inds = [i for i in catalogue.POVERTY_INDICATORS if dim is None or i.dimension == dim]
    pop = float(total.population) or 1.0
    labels = [names[i.code] for i in inds]
    censored = [100.0 * float(total[f"cen_{i.column}"]) / pop for i in inds]
    raw = [100.0 * float(total[f"raw_{i.column}"]) / pop for i in inds]
    hover = "%{y}: %{x:.2f}%<extra></extra>"
    fig = figure_of(
        [{"type": "bar", "y": labels, "x": raw, "orientation": "h",
          "name": t("poverty_uncensored"), "marker": {"color": "#D0D0D0"}, "hovertemplate": hover},
         {"type": "bar", "y": labels, "x": censored, "orientation": "h",
          "name": t("poverty_censored"),
          "marker": {"color": [DIMENSION_COLOURS[i.dimension] for i in inds]},
          "hovertemplate": hover}],
        {"barmode": "overlay", "yaxis": {"autorange": "reversed"},
         "xaxis": {"title": {"text": t("poverty_share_people")}, "ticksuffix": "%"}},
        _style(max(280, 30 * len(inds) + 90)))
    render_chart(fig, key="pov_indicators",
                 meta=poverty_meta("poverty_indicators_title", area, year))
    st.caption(t("poverty_indicators_caption"))


@guarded
def render_dimension_counts(area: str, year: int, total: pd.Series) -> None:
    """TPMap counts of people deprived per dimension: overlapping, so never given a total."""
    st.markdown(f"#### {t('poverty_dim_people_title')}")
    dims = list(catalogue.DIMENSION_CODES)
    values = [float(total[f"people_{d}"]) for d in dims]  # NaN where withheld
    top = max((v for v in values if v == v), default=0.0)
    # Horizontal: the dimensions' names read in full beside their bars (as columns, the
    # longest, the last, ran past the chart's edge in a half-width column).
    fig = figure_of(
        # A withheld count is drawn as an empty bar with its dash: plotly writes no text
        # beside a missing bar, and the row then read as if the dimension had no figure.
        [{"type": "bar", "y": [dim_name(d) for d in dims],
          "x": [v if v == v else 0.0 for v in values], "orientation": "h",
          "marker": {"color": [DIMENSION_COLOURS[d] for d in dims]},
          "text": [fmt_int(v, lang()) for v in values], "textposition": "outside",
          "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra></extra>"}],
        {"xaxis": {"title": {"text": t("kpi_people")},
                   # Room right of the longest bar for its figure.
                   "range": [0, top * 1.2 if top > 0 else 1]},
         "yaxis": {"autorange": "reversed"}}, _style(320))
    render_chart(fig, key="pov_dim_people",
                 meta=poverty_meta("poverty_dim_people_title", area, year))
    st.caption(t("poverty_dim_people_caption"))


@guarded
def render_trend(area: str, measure: str, dim: str | None, k: float,
                 weights: tuple[tuple[str, float], ...] | None) -> None:
    st.markdown(f"#### {t('poverty_trend_title')}")
    trend = fetch(poverty_trend, area, k, weights)
    if trend.empty:
        st.info(t("no_data"))
        return
    values = measure_display(trend, measure, dim)
    fmt = measure_format(measure)
    years = [fmt_year(int(y), lang()) for y in trend.year]
    # Headroom above the highest point for its label (measures are never negative).
    top = max((float(v) for v in values if v == v), default=0.0)
    fig = figure_of(
        [{"type": "scatter", "x": years, "y": values.to_numpy(), "mode": "lines+markers+text",
          "line": {"color": "#B2182B", "width": 3}, "text": [fmt(v) for v in values],
          "textposition": "top center", "cliponaxis": False,
          "hovertemplate": "%{x}: %{text}<extra></extra>"}],
        {"yaxis": {"title": {"text": measure_label(measure, dim)},
                   "range": [0, top * 1.2 if top > 0 else 1]},
         "xaxis": {"type": "category", "title": {"text": t("year_be")}}}, _style(320))
    render_chart(fig, key="pov_trend", meta=poverty_meta("poverty_trend_title", area, None))
    render_trend_how(area, trend, k, weights)
