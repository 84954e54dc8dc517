"""Partners page rendering: activities by sector in the selected area and year."""

from __future__ import annotations

import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.i18n import lang, t
from components.ui import guarded, render_page_header, render_table
from data.catalogue import SECTORS
from data.queries import activities_by_sector
from domain.formatting import fmt_year


@guarded
def render_sectors(area: str, year: int) -> None:
    df = fetch(activities_by_sector, area, year)
    if df.empty:
        st.info(t("no_data"))
        return
    names = {code: (th if lang() == "th" else en) for code, th, en in SECTORS}
    df = df.assign(sector=df.sector.map(names))
    render_table(df, column_config={
        "sector": t("partner_sector"),
        "activities": st.column_config.NumberColumn(t("kpi_activities"), format="localized"),
        "beneficiaries": st.column_config.NumberColumn(t("partner_beneficiaries"),
                                                       format="localized"),
        "budget": st.column_config.NumberColumn(t("partner_budget"), format="localized"),
    })


def render_partners_page() -> None:
    area, year = state.area(), state.year()
    render_page_header(t("page_partners"), f"{area_title(area)} · {fmt_year(year, lang())}")
    if year is not None:
        render_sectors(area, year)
