"""Poverty page rendering: target poor by child area of the selected area."""

from __future__ import annotations

import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.ui import guarded, render_page_header, render_table
from data.queries import target_poor_by_child
from domain.formatting import fmt_year


@guarded
def render_children(area: str, year: int) -> None:
    df = fetch(target_poor_by_child, area, year)
    if df.empty:
        st.info(t("no_data"))
        return
    df = df.assign(share=100.0 * df.target_poor_people / df.people)
    view = df.rename(columns={name_col(): "name"})[
        ["code", "name", "households", "people", "target_poor_people", "share"]]
    render_table(view, column_config={
        "code": t("pov_code"), "name": t("area"),
        "households": st.column_config.NumberColumn(t("kpi_households"), format="localized"),
        "people": st.column_config.NumberColumn(t("kpi_people"), format="localized"),
        "target_poor_people": st.column_config.NumberColumn(t("kpi_target_poor"),
                                                            format="localized"),
        "share": st.column_config.NumberColumn(t("pov_share"), format="%.2f%%"),
    })


def render_poverty_page() -> None:
    area, year = state.area(), state.year()
    render_page_header(t("page_poverty"), f"{area_title(area)} · {fmt_year(year, lang())}")
    if year is not None:
        render_children(area, year)
