"""Published poverty figures on the poverty page: where household records are absent (labelled
with their source), and beside the computed figures where both exist."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_title
from components.charts import compact_style
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.ui import ExportMeta, Kpi, guarded, render_chart, render_kpis, render_table
from data.poverty_measures import HEADLINE_CODES, dimension_measure, measure_names
from data.poverty_published import (
    load_published_years,
    published_area,
    published_by_child,
    published_vs_computed,
)
from domain import catalogue
from domain.formatting import fmt_int, fmt_pct, fmt_year
from domain.safe_text import md_text

KINDS = ("poverty_published",)
_MAP_LEVEL = {0: "province", 2: "district", 4: "subdistrict"}


def _label(code: str) -> str:
    th, en = measure_names().get(code, (code, code))
    return th if lang() == "th" else en


def _sources(frame: pd.DataFrame) -> str:
    found = {s.strip() for v in frame.get("source", pd.Series(dtype=object)).dropna()
             for s in str(v).split(";")}
    return "; ".join(sorted(found)) or "-"


def _meta(key: str, area: str, year: int | None, source: str) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), year, source, KINDS)


def render_published_instead(area: str, year: int | None) -> bool:
    """The published figures of ``year`` where no household records exist; False when there
    are none either (the page then says so)."""
    if year is None or year not in fetch(load_published_years):
        return False
    render_published(area, year)
    return True


@guarded
def render_published(area: str, year: int) -> None:
    own = fetch(published_area, area, year)
    if own.empty:
        st.info(t("no_data"))
        return
    row = own.iloc[-1]
    source = _sources(own)
    st.info(md_text(t("pubpov_notice", source=source, year=fmt_year(year, lang()))))
    render_kpis([Kpi(_label(c), fmt_int(row[c], lang())) for c in HEADLINE_CODES
                 if c in row and pd.notna(row[c])] or [Kpi(t("no_data"), "-")])
    if row.get("basis") == "children":
        st.caption(t("pubpov_sum_of_children", units=fmt_int(row["units"], lang())))
    children = fetch(published_by_child, area, year)
    measure = _measure_picker(children)
    if not children.empty and measure:
        left, right = st.columns([5, 6])
        with left:
            _render_map(area, year, children, measure, source)
        with right:
            _render_children(area, year, children, source)
    left, right = st.columns(2)
    with left:
        _render_dimensions(area, year, row, source)
    with right:
        _render_trend(area, source)


def _measure_picker(children: pd.DataFrame) -> str | None:
    present = [c for c in children.columns if c in measure_names()]
    if not present:
        return None
    default = "target_poor_people" if "target_poor_people" in present else present[0]
    labels = {c: _label(c) for c in present}
    return st.selectbox(t("pubpov_measure"), present, index=present.index(default),
                        key="pubpov_measure", format_func=labels.__getitem__)


def _render_map(area: str, year: int, children: pd.DataFrame, measure: str,
                source: str) -> None:
    depth = 0 if not area or area.startswith("R:") else len(area)
    if depth not in _MAP_LEVEL:
        return
    values = pd.DataFrame({"code": children.code, "value": children[measure].astype(float)})
    clicked = render_area_map(values, level=_MAP_LEVEL[depth], key=f"pubpov_map_{depth}",
                              value_label=_label(measure), fmt=lambda v: fmt_int(v, lang()),
                              parent_code=area or None, higher_is_better=False,
                              meta=_meta("pubpov_map_title", area, year, source), height=460)
    if clicked and clicked != area:
        state.set_area(clicked)


def _render_children(area: str, year: int, children: pd.DataFrame, source: str) -> None:
    st.markdown(f"#### {t('pubpov_children_title')}")
    measures = [c for c in children.columns if c in measure_names()]
    view = children[["code", name_col(), *measures]].rename(columns={name_col(): "name"})
    number = st.column_config.NumberColumn
    event = render_table(view, key=f"pubpov_children_{area or 'TH'}", height=420,
                         meta=_meta("pubpov_children_title", area, year, source),
                         on_select="rerun", selection_mode="single-row",
                         column_config={"code": t("pov_code"), "name": t("area"),
                                        **{m: number(_label(m), format="localized")
                                           for m in measures}})
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows and len(area) < 8:
        state.set_area(str(view.code.iloc[rows[0]]))


def _render_dimensions(area: str, year: int, row: pd.Series, source: str) -> None:
    dims = [(d, th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS
            if pd.notna(row.get(dimension_measure(d)))]
    if not dims:
        return
    st.markdown(f"#### {t('pubpov_dims_title')}")
    values = [float(row[dimension_measure(d)]) for d, _ in dims]
    fig = go.Figure(go.Bar(x=[n for _, n in dims], y=values, marker_color="#B2182B",
                           text=[fmt_int(v, lang()) for v in values], textposition="outside",
                           hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_yaxes(title=t("kpi_people"))
    render_chart(compact_style(fig, height=320, top=30, legend_y=-0.18), key="pubpov_dims",
                 meta=_meta("pubpov_dims_title", area, year, source))
    st.caption(t("poverty_dim_people_caption"))


def _render_trend(area: str, source: str) -> None:
    series = fetch(published_area, area, None)
    if series.empty or "target_poor_people" not in series:
        return
    st.markdown(f"#### {t('pubpov_trend_title')}")
    series = series.dropna(subset=["target_poor_people"])
    years = [fmt_year(int(y), lang()) for y in series.year]
    fig = go.Figure(go.Scatter(x=years, y=series.target_poor_people, mode="lines+markers+text",
                               text=[fmt_int(v, lang()) for v in series.target_poor_people],
                               textposition="top center", line={"color": "#B2182B", "width": 3},
                               hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_xaxes(type="category", title=t("year_be"))
    fig.update_yaxes(title=_label("target_poor_people"), rangemode="tozero")
    render_chart(compact_style(fig, height=320, top=30, legend_y=-0.18), key="pubpov_trend",
                 meta=_meta("pubpov_trend_title", area, None, source))


@guarded
def render_published_comparison(area: str, year: int) -> None:
    """Published target poor beside the count computed from household records, per unit."""
    if year not in fetch(load_published_years):
        return
    both = fetch(published_vs_computed, area, year)
    if both.empty:
        return
    st.markdown(f"#### {t('pubpov_compare_title')}")
    pub, comp = both.published.sum(), both.computed.sum()
    diff = comp - pub
    render_kpis([Kpi(t("pubpov_published"), fmt_int(pub, lang())),
                 Kpi(t("pubpov_computed"), fmt_int(comp, lang())),
                 Kpi(t("pubpov_difference"), fmt_int(diff, lang()),
                     delta=fmt_pct(100 * diff / pub, 1, lang()) if pub else None,
                     delta_color="off")])
    number = st.column_config.NumberColumn
    view = both[["code", name_col(), "published", "computed", "difference",
                 "difference_pct"]].rename(columns={name_col(): "name"})
    render_table(view, key=f"pubpov_compare_{area or 'TH'}", height=min(420, 38 + 35 * len(view)),
                 meta=_meta("pubpov_compare_title", area, year, t("pubpov_both_sources")),
                 column_config={"code": t("pov_code"), "name": t("area"),
                                "published": number(t("pubpov_published"), format="localized"),
                                "computed": number(t("pubpov_computed"), format="localized"),
                                "difference": number(t("pubpov_difference"), format="localized"),
                                "difference_pct": number(t("pubpov_difference_pct"),
                                                         format="%.1f%%")})
    st.caption(md_text(t("pubpov_compare_caption", source=_sources(
        fetch(published_by_child, area, year)))))
