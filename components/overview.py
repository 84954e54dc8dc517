"""Overview page rendering: headline KPI cards for the selected area and year."""

from __future__ import annotations

import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.i18n import lang, t
from components.ui import Kpi, guarded, render_kpis, render_page_header
from data.queries import headline_by_area
from domain.formatting import fmt_int, fmt_pct, fmt_signed, fmt_year


@guarded
def render_headline(area: str, year: int) -> None:
    h = fetch(headline_by_area, year, area)
    change = None
    if h["target_poor_people_prev"]:
        change = h["target_poor_people"] - h["target_poor_people_prev"]
    resolved = 100.0 * h["cases_resolved"] / h["cases"] if h["cases"] else None
    render_kpis([
        Kpi(t("kpi_households"), fmt_int(h["households"])),
        Kpi(t("kpi_target_poor"), fmt_int(h["target_poor_people"]),
            delta=None if change is None else f"{fmt_signed(change, 0)} {t('vs_previous_year')}",
            delta_color="inverse"),
        Kpi(t("kpi_cases_resolved"), fmt_pct(resolved)),
        Kpi(t("kpi_activities"), fmt_int(h["activities"])),
    ])


def render_overview_page() -> None:
    area, year = state.area(), state.year()
    render_page_header(t("page_overview"), f"{area_title(area)} · {fmt_year(year, lang())}")
    if year is None:
        st.info(t("no_data"))
        return
    render_headline(area, year)
