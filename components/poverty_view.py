"""Poverty drill-down page: breadcrumb, then the sections in order."""

from __future__ import annotations

import html

import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.how_computed import render_map_poverty_how
from components.i18n import lang, t
from components.mpi_depth import render_how_computed, render_mpi_depth
from components.poverty_cases import (
    render_households,
    render_pipeline,
)
from components.poverty_common import (
    chosen_weights,
    view_options,
)
from components.poverty_published_view import (
    render_published_comparison,
    render_published_instead,
)
from components.poverty_sections import (
    render_children_map,
    render_children_table,
    render_dimension_breakdown,
    render_dimension_counts,
    render_indicator_bars,
    render_measure_kpis,
    render_trend,
    render_village_bars,
)
from components.style import meeting_mode
from components.ui import (
    guarded,
    render_page_header,
)
from data.poverty import (
    load_poverty_years,
    poverty_drilldown,
)
from data.protect import threshold as small_count_threshold
from domain import poverty as pv
from domain.areas import region_of
from domain.formatting import fmt_year


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
    measure, dim, k_text = view_options()
    meeting = meeting_mode()
    if meeting:
        # The weights (an analyst's setting) under the map, so the map is on the first screen.
        top = st.container()
        with st.container():
            weights = chosen_weights()
    else:
        weights = chosen_weights()
        top = st.container()
    with top:
        _render_figures(area, year, measure, dim, k_text, weights, meeting)


def _render_figures(area: str, year: int, measure: str, dim: str | None, k_text: str,
                    weights: tuple[tuple[str, float], ...] | None, meeting: bool) -> None:
    k = pv.parse_k(k_text)
    children, total = fetch(poverty_drilldown, area, year, k, weights)
    if children.empty:
        st.info(t("no_data"))
        return
    render_measure_kpis(total)
    if not meeting:  # in meeting mode under the map, which stays on the first screen
        render_how_computed(area, year, k_text, total, weights)

    def notes() -> None:
        st.caption(t("poverty_af_caption", k=k_text)
                   + ("" if weights is None else " · " + t("poverty_weights_custom")))
        if bool(total.get("withheld")) or ("withheld" in children and children.withheld.any()):
            st.caption(t("privacy_small_counts", n=small_count_threshold()))

    # In meeting mode the map comes right after the figures (on the first screen at 1366x768),
    # the method notes under it.
    if not meeting:
        notes()
    if len(area) < 8:
        # The map's column is the wider one: the tile grid's names need ~45 px a tile.
        left, right = st.columns([6, 5])
        with left:
            if len(area) == 6:
                render_village_bars(area, year, children, measure, dim)
                render_map_poverty_how(area, year, children, k, weights)
            else:
                render_children_map(area, year, children, measure, dim, k, weights)
        with right:
            render_children_table(area, year, children, measure, dim)
    if meeting:
        notes()
        render_how_computed(area, year, k_text, total, weights)
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
