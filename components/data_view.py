"""Data page rendering: the catalogue of datasets in the One Data store."""

from __future__ import annotations

import streamlit as st

from components.datasource import fetch
from components.i18n import t
from components.ui import guarded, render_page_header, render_table
from data.queries import dataset_catalogue


@guarded
def render_catalogue() -> None:
    df = fetch(dataset_catalogue)
    df = df.assign(dataset=df.dataset.map(lambda d: t(f"dataset_{d}")))
    render_table(df, column_config={
        "dataset": t("data_dataset"),
        "rows": st.column_config.NumberColumn(t("data_rows"), format="localized"),
        "areas": st.column_config.NumberColumn(t("data_areas"), format="localized"),
        "first_year": st.column_config.NumberColumn(t("data_first_year"), format="%d"),
        "last_year": st.column_config.NumberColumn(t("data_last_year"), format="%d"),
    })


def render_data_page() -> None:
    render_page_header(t("page_data"), t("data_subtitle"))
    render_catalogue()
