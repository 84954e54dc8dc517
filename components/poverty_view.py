"""Poverty drill-down rendering: breadcrumb, AF measures, map, children, charts, households."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_title
from components.auth import record_household_view
from components.charts import compact_style, pin_zero_bars
from components.datasource import current_scope, fetch
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.mpi_depth import render_mpi_depth
from components.poverty_published_view import (
    render_published_comparison,
    render_published_instead,
)
from components.purpose import render_purpose_gate
from components.ui import (
    ExportMeta,
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_page_header,
    render_table,
)
from data.poverty import (
    assistance_pipeline,
    child_level,
    load_poverty_years,
    load_target_households,
    poverty_by_child,
    poverty_drilldown,
    poverty_trend,
)
from data.protect import threshold as small_count_threshold
from domain import catalogue, disclosure
from domain import poverty as pv
from domain.areas import region_of
from domain.formatting import fmt_int, fmt_num, fmt_pct, fmt_year

SOURCE = "จปฐ. / TPMap"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("households",)
DIMENSION_COLOURS = {"health": "#1B9E77", "living": "#D95F02", "education": "#7570B3",
                     "income": "#E7298A", "access": "#66A61E"}
STATUS_COLOURS = {"identified": "#FDB863", "in_progress": "#4393C3", "resolved": "#1B7837"}
_MAP_LEVEL = {"": "province", "R": "province", 2: "district", 4: "subdistrict"}


# -- view options --------------------------------------------------------------------------
def _options() -> tuple[str, str | None, str]:
    """Measure, dimension (None: all) and cut-off k, mirrored in the URL."""
    state.url_param("pov_measure", "mpi", pv.MEASURES)
    state.url_param("pov_dim", "all", ("all", *catalogue.DIMENSION_CODES))
    state.url_param("pov_k", "1/3", pv.K_CHOICES)
    labels = {m: t(f"poverty_measure_{m}") for m in pv.MEASURES}
    dims = {"all": t("poverty_dim_all")} | {
        d: (th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS}
    c1, c2, c3 = st.columns([3, 2, 3])
    with c1:
        measure = st.segmented_control(t("poverty_measure"), pv.MEASURES, key="pov_measure",
                                       format_func=labels.__getitem__) or "mpi"
    with c2:
        dim = st.selectbox(t("poverty_dimension"), list(dims), key="pov_dim",
                           format_func=dims.__getitem__)
    with c3:
        k = st.select_slider(t("poverty_k"), pv.K_CHOICES, key="pov_k",
                             help=t("poverty_k_help"))
    return measure, (None if dim == "all" else dim), k


_EQUAL = ",".join("1" for _ in catalogue.DIMENSION_CODES)


def _weights() -> tuple[tuple[str, float], ...] | None:
    """Relative dimension weights (URL ``pov_w``, e.g. ``1,1,1,2,1``); None when equal."""
    raw = state.url_param("pov_w", _EQUAL)
    try:
        values = pv.parse_dimension_weights(raw)
    except ValueError:
        values = pv.parse_dimension_weights(_EQUAL)
    with st.expander(t("poverty_weights")):
        cols = st.columns(len(catalogue.DIMENSION_CODES))
        chosen = []
        for col, dim, value in zip(cols, catalogue.DIMENSION_CODES, values, strict=True):
            key = f"pov_w_{dim}"
            if key not in st.session_state:
                st.session_state[key] = float(value)
            with col:
                chosen.append(st.number_input(_dim_name(dim), min_value=0.0, max_value=10.0,
                                              step=0.5, key=key))
        st.caption(t("poverty_weights_help"))
    if sum(chosen) <= 0:
        chosen = [1.0] * len(chosen)
    st.session_state["pov_w"] = ",".join(f"{v:g}" for v in chosen)
    if len(set(chosen)) == 1:
        return None
    return pv.nested_weights(dict(zip(catalogue.DIMENSION_CODES, chosen, strict=True))).key()


def _dim_name(dim: str) -> str:
    return next((th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS if d == dim)


def _indicator_names() -> dict[str, str]:
    return {i.code: (i.name_th if lang() == "th" else i.name_en)
            for i in catalogue.POVERTY_INDICATORS}


def _measure_label(measure: str, dim: str | None) -> str:
    label = t(f"poverty_measure_{measure}")
    return f"{label} · {_dim_name(dim)}" if dim else label


def _measure_display(df: pd.DataFrame, measure: str, dim: str | None) -> pd.Series:
    """The selected measure in display units (percent for H and A, index for MPI)."""
    values = df[pv.measure_column(measure, dim)].astype(float)
    return values * 100.0 if measure in ("h", "a") else values


def _fmt(measure: str):
    language = lang()
    if measure in ("h", "a"):
        return lambda v: fmt_pct(v, 1, language)
    if measure == "mpi":
        return lambda v: fmt_num(v, 4, language)
    return lambda v: fmt_int(v, language)


def _style(fig: go.Figure, height: int = 340) -> go.Figure:
    return compact_style(fig, height=height, top=30, legend_y=-0.18)


def _meta(key: str, area: str, year: int | None) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), year, SOURCE, KINDS)


# -- breadcrumb ----------------------------------------------------------------------------
def breadcrumb_codes(area: str) -> list[str]:
    """Thailand > region > province > district > subdistrict > village codes down to ``area``."""
    chain = [""]
    if not area:
        return chain
    if area.startswith("R:"):
        return [*chain, area]
    chain.append(f"R:{region_of(area[:2])}")
    chain += [area[:n] for n in (2, 4, 6, 8) if len(area) >= n]
    return chain


@guarded
def render_breadcrumb(area: str) -> None:
    chain = breadcrumb_codes(area)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        for i, code in enumerate(chain):
            label = area_title(code)
            if i:
                st.markdown("›")
            if code == area:
                st.markdown(f"**{html.escape(label)}**")
            elif st.button(label, key=f"pov_crumb_{i}", type="tertiary"):
                state.set_area(code)


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


def _child_level(area: str, children: pd.DataFrame) -> str:
    """Level of the listed units (a user limited to some provinces gets provinces under
    Thailand instead of regions)."""
    if not area and not children.code.astype(str).str.startswith("R:").any():
        return "province"
    return child_level(area)


def _go_down(children: pd.DataFrame, area: str) -> None:
    """Accessible way down (and the one tests drive): pick a child unit by name."""
    if len(area) == 8 or children.empty:
        return
    labels = dict(zip(children.code, children[name_col()].fillna(children.code), strict=True))
    choice = st.selectbox(t("poverty_go_to", level=t(_child_level(area, children))),
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
    label = _measure_label(measure, dim)
    if level_key not in _MAP_LEVEL:
        return
    # Under the whole country the map shows provinces (regions have no boundaries of their own).
    df = fetch(poverty_by_child, area, year, k, weights, "province") if not area else children
    values = pd.DataFrame({"code": df.code, "value": _measure_display(df, measure, dim)})
    clicked = render_area_map(
        values, level=_MAP_LEVEL[level_key], key=f"pov_map_{level_key}", value_label=label,
        fmt=_fmt(measure), parent_code=area or None,
        higher_is_better=False, meta=_meta("poverty_map_title", area, year), height=480)
    if clicked and clicked != area:
        state.set_area(clicked)


@guarded
def render_village_bars(area: str, year: int, children: pd.DataFrame, measure: str,
                        dim: str | None) -> None:
    """Villages have no boundaries: the subdistrict's villages as ranked bars instead."""
    st.markdown(f"#### {t('poverty_villages_title')}")
    data = children.assign(value=_measure_display(children, measure, dim)).sort_values("value")
    fmt = _fmt(measure)
    fig = go.Figure(go.Bar(
        x=data.value, y=data[name_col()].fillna(data.code), orientation="h",
        marker_color="#B2182B", text=[fmt(v) for v in data.value], textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(title=_measure_label(measure, dim))
    pin_zero_bars(fig, data.value)
    render_chart(_style(fig, min(900, max(300, 26 * len(data) + 80))), key="pov_villages",
                 meta=_meta("poverty_villages_title", area, year))


@guarded
def render_children_table(area: str, year: int, children: pd.DataFrame, measure: str,
                          dim: str | None) -> None:
    level = t(_child_level(area, children))
    st.markdown(f"#### {t('poverty_children_title', level=level)}")
    view = pd.DataFrame({
        "code": children.code, "name": children[name_col()].fillna(children.code),
        "households": children.households, "people": children.population,
        "target_poor": children.target_poor_people, "poor": children.poor,
        "h": 100 * children.h, "a": 100 * children.a, "mpi": children.mpi,
        "selected": _measure_display(children, measure, dim),
    })
    number = st.column_config.NumberColumn
    event = render_table(
        view, key=f"pov_children_{area or 'TH'}", height=min(560, 38 + 35 * len(view)),
        meta=_meta("poverty_children_title_plain", area, year),
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
            "selected": number(_measure_label(measure, dim),
                               format="localized" if measure == "count" else "%.3f"),
        })
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows and len(area) < 8:
        code = str(view.code.iloc[rows[0]])
        if code != area:
            state.set_area(code)
    _go_down(children, area)


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
    rows = rows.iloc[::-1]
    fig = go.Figure()
    for dim in catalogue.DIMENSION_CODES:
        values = rows[f"contrib_{dim}"].astype(float)
        fig.add_trace(go.Bar(
            x=values, y=rows.label, orientation="h", name=_dim_name(dim),
            marker_color=DIMENSION_COLOURS[dim],
            hovertemplate=f"{html.escape(_dim_name(dim))}: %{{x:.1f}}%<extra>%{{y}}</extra>"))
    fig.update_xaxes(title=t("poverty_contribution_axis"), range=[0, 100])
    fig = _style(fig, min(900, max(260, 26 * len(rows) + 110)))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    render_chart(fig, key="pov_breakdown",
                 meta=_meta("poverty_breakdown_title", area, year))
    st.caption(t("poverty_breakdown_caption"))


@guarded
def render_indicator_bars(area: str, year: int, total: pd.Series, dim: str | None) -> None:
    st.markdown(f"#### {t('poverty_indicators_title')}")
    names = _indicator_names()
    inds = [i for i in catalogue.POVERTY_INDICATORS if dim is None or i.dimension == dim]
    pop = float(total.population) or 1.0
    labels = [names[i.code] for i in inds]
    censored = [100.0 * float(total[f"cen_{i.column}"]) / pop for i in inds]
    raw = [100.0 * float(total[f"raw_{i.column}"]) / pop for i in inds]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=raw, orientation="h", name=t("poverty_uncensored"),
                         marker_color="#D0D0D0",
                         hovertemplate="%{y}: %{x:.2f}%<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=censored, orientation="h", name=t("poverty_censored"),
                         marker_color=[DIMENSION_COLOURS[i.dimension] for i in inds],
                         hovertemplate="%{y}: %{x:.2f}%<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("poverty_share_people"), ticksuffix="%")
    render_chart(_style(fig, max(280, 30 * len(inds) + 90)), key="pov_indicators",
                 meta=_meta("poverty_indicators_title", area, year))
    st.caption(t("poverty_indicators_caption"))


@guarded
def render_dimension_counts(area: str, year: int, total: pd.Series) -> None:
    """TPMap counts of people deprived per dimension: overlapping, so never given a total."""
    st.markdown(f"#### {t('poverty_dim_people_title')}")
    dims = list(catalogue.DIMENSION_CODES)
    values = [float(total[f"people_{d}"]) for d in dims]  # NaN where withheld
    fig = go.Figure(go.Bar(
        x=[_dim_name(d) for d in dims], y=values,
        marker_color=[DIMENSION_COLOURS[d] for d in dims],
        text=[fmt_int(v, lang()) for v in values], textposition="outside",
        hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_yaxes(title=t("kpi_people"))
    render_chart(_style(fig, 320), key="pov_dim_people",
                 meta=_meta("poverty_dim_people_title", area, year))
    st.caption(t("poverty_dim_people_caption"))


@guarded
def render_trend(area: str, measure: str, dim: str | None, k: float,
                 weights: tuple[tuple[str, float], ...] | None) -> None:
    st.markdown(f"#### {t('poverty_trend_title')}")
    trend = fetch(poverty_trend, area, k, weights)
    if trend.empty:
        st.info(t("no_data"))
        return
    values = _measure_display(trend, measure, dim)
    fmt = _fmt(measure)
    years = [fmt_year(int(y), lang()) for y in trend.year]
    fig = go.Figure(go.Scatter(
        x=years, y=values, mode="lines+markers+text", line={"color": "#B2182B", "width": 3},
        text=[fmt(v) for v in values], textposition="top center", cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>"))
    # Headroom above the highest point for its label (measures are never negative).
    top = max((float(v) for v in values if v == v), default=0.0)
    fig.update_yaxes(title=_measure_label(measure, dim), range=[0, top * 1.2 if top > 0 else 1])
    fig.update_xaxes(type="category", title=t("year_be"))
    render_chart(_style(fig, 320), key="pov_trend", meta=_meta("poverty_trend_title", area, None))


@guarded
def render_pipeline(area: str, year: int) -> None:
    st.markdown(f"#### {t('poverty_pipeline_title')}")
    cases = fetch(assistance_pipeline, area, year)
    if cases.empty:
        st.info(t("no_data"))
        return
    language = lang()
    by_status = cases.groupby("status").cases.sum().reindex(catalogue.CASE_STATUSES).fillna(0)
    total = float(by_status.sum()) or 1.0
    # Cases are households: small counts are withheld unless the viewer may list this area's
    # households (the shares give the total away, so a lone small status takes another along).
    threshold = 1 if current_scope().can_list_households(area) else \
        small_count_threshold()
    by_status = by_status.mask(disclosure.withheld_cells(by_status.to_numpy(), threshold)[:, 0])
    if by_status.isna().any():
        st.caption(t("privacy_small_counts", n=threshold))
    render_kpis([Kpi(t(f"poverty_status_{s}"), fmt_int(by_status[s], language),
                     delta=fmt_pct(100 * by_status[s] / total, 1, language), delta_color="off",
                     delta_arrow="off")
                 for s in catalogue.CASE_STATUSES])
    agencies = {k: (v[0] if language == "th" else v[1]) for k, v in catalogue.AGENCIES.items()}
    left, right = st.columns(2)
    for col, field, names, key in (
            (left, "agency", agencies, "pov_pipeline_agency"),
            (right, "dimension", {d: _dim_name(d) for d in catalogue.DIMENSION_CODES},
             "pov_pipeline_dimension")):
        table = pv.cases_by_status(cases, field, catalogue.CASE_STATUSES)
        table = table.mask(disclosure.withheld_cells(table.to_numpy(), threshold,
                                                     row_totals=True, column_totals=True))
        fig = go.Figure()
        for status in catalogue.CASE_STATUSES:
            fig.add_trace(go.Bar(
                y=[names.get(i, i) for i in table.index], x=table[status], orientation="h",
                name=t(f"poverty_status_{status}"), marker_color=STATUS_COLOURS[status],
                hovertemplate="%{y}: %{x:,}<extra></extra>"))
        fig.update_layout(barmode="stack", title=t(f"poverty_pipeline_by_{field}"))
        with col:
            render_chart(_style(fig, max(300, 34 * len(table) + 120)), key=key,
                         meta=_meta("poverty_pipeline_title", area, year))


@guarded
def render_households(area: str, year: int, k: float,
                      weights: tuple[tuple[str, float], ...] | None) -> None:
    """The village's target households, only for users entitled to this province's records."""
    st.markdown(f"#### {t('poverty_households_title')}")
    if not current_scope().can_list_households(area):
        st.info(t("poverty_households_not_entitled"))
        return
    purpose = render_purpose_gate(area)
    if purpose is None:
        return
    # Puts the view on the audit log (who, when, which village, why); no record, no list.
    record_household_view(area, "poverty", purpose)
    df = fetch(load_target_households, area, year, k, weights)
    if df.empty:
        st.info(t("poverty_households_none"))
        return
    names = _indicator_names()
    view = df.assign(
        score=100 * df.score,
        deprived=df.deprived.map(lambda s: ", ".join(names.get(c, c) for c in s.split(",") if c)),
        status=df.status.map(lambda s: t(f"poverty_status_{s}")))
    number = st.column_config.NumberColumn
    render_table(view, key="pov_households", height=min(600, 38 + 35 * len(view)),
                 meta=_meta("poverty_households_title", area, year),
                 column_config={
                     "household": t("poverty_col_household"),
                     "members": number(t("poverty_col_members"), format="%d"),
                     "score": number(t("poverty_col_score"), format="%.1f%%"),
                     "poor": st.column_config.CheckboxColumn(t("poverty_col_poor")),
                     "target_poor": st.column_config.CheckboxColumn(t("kpi_target_poor")),
                     "deprived": st.column_config.TextColumn(t("poverty_col_deprived"),
                                                            width="large"),
                     "cases": number(t("poverty_col_cases"), format="%d"),
                     "status": t("poverty_col_status"),
                 })
    st.caption(t("poverty_households_caption"))


# -- page ----------------------------------------------------------------------------------
def render_poverty_page() -> None:
    area = state.area()
    language = lang()
    years = fetch(load_poverty_years)
    year = state.year()
    subtitle = area_title(area) + (f" · {fmt_year(year, language)}" if year else "")
    render_page_header(t("page_poverty"), subtitle)
    render_breadcrumb(area)
    if year not in years:
        # Without household records of this year, the published figures if there are any.
        if not render_published_instead(area, year):
            st.info(t("poverty_no_survey", years=", ".join(fmt_year(y, language) for y in years))
                    if years else t("no_data"))
        return
    measure, dim, k_text = _options()
    weights = _weights()
    k = pv.parse_k(k_text)
    children, total = fetch(poverty_drilldown, area, year, k, weights)
    if children.empty:
        st.info(t("no_data"))
        return
    render_measure_kpis(total)
    st.caption(t("poverty_af_caption", k=k_text)
               + ("" if weights is None else " · " + t("poverty_weights_custom")))
    if bool(total.get("withheld")) or ("withheld" in children and children.withheld.any()):
        st.caption(t("privacy_small_counts", n=small_count_threshold()))

    if len(area) < 8:
        left, right = st.columns([5, 6])
        with left:
            if len(area) == 6:
                render_village_bars(area, year, children, measure, dim)
            else:
                render_children_map(area, year, children, measure, dim, k, weights)
        with right:
            render_children_table(area, year, children, measure, dim)
    left, right = st.columns(2)
    with left:
        render_dimension_breakdown(area, year, children, total)
    with right:
        render_indicator_bars(area, year, total, dim)
    left, right = st.columns(2)
    with left:
        render_dimension_counts(area, year, total)
    with right:
        render_trend(area, measure, dim, k, weights)
    render_published_comparison(area, year)
    render_mpi_depth(area, year, k_text, children, total, weights)
    render_pipeline(area, year)
    if len(area) == 8:
        render_households(area, year, k, weights)
