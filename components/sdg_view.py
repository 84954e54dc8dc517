"""SDG progress page rendering: the indicator table of the selected area and year."""

from __future__ import annotations

import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.ui import guarded, render_page_header, render_table
from data.queries import sdg_values_by_area
from domain.formatting import fmt_year


@guarded
def render_indicator_table(area: str, year: int) -> None:
    df = fetch(sdg_values_by_area, area, year)
    if df.empty:
        st.info(t("no_data"))
        return
    view = df.rename(columns={name_col(): "indicator"})[
        ["goal", "un_code", "indicator", "unit", "value", "target_2030"]]
    render_table(view, column_config={
        "goal": st.column_config.NumberColumn(t("sdg_goal"), format="%d"),
        "un_code": t("sdg_un_code"), "indicator": t("sdg_indicator"), "unit": t("sdg_unit"),
        "value": st.column_config.NumberColumn(t("sdg_value"), format="%.2f"),
        "target_2030": st.column_config.NumberColumn(t("sdg_target_2030"), format="%.2f"),
    })


def render_sdg_page() -> None:
    area, year = state.area(), state.year()
    render_page_header(t("page_sdg"), f"{area_title(area)} · {fmt_year(year, lang())}")
    if year is not None:
        render_indicator_table(area, year)
