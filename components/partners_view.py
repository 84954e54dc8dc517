"""Partners page: the activity table and the page that puts the views together."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from components import state
from components.area_names import area_title
from components.datasource import fetch
from components.i18n import lang, t
from components.partners_common import (
    PAGE_SIZES,
    VIEWS,
    area_labels,
    partner_name,
    partners_meta,
    sector_names,
)
from components.partners_filters import (
    activity_filter,
)
from components.partners_gaps import (
    render_gaps,
)
from components.partners_network import (
    render_network,
)
from components.partners_overview import (
    render_activity_map,
    render_coverage,
    render_partner_kpis,
    render_time_chart,
    render_top_partners,
)
from components.ui import (
    guarded,
    render_page_header,
    render_table,
)
from data.partners import (
    ActivityFilter,
    count_activities,
    load_activities_page,
    load_activity_span,
)
from domain.formatting import fmt_date, fmt_int

# ---------------------------------------------------------------- activity detail

@guarded
def render_activity_table(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_detail_title')}")
    total = fetch(count_activities, f)
    size = state.url_param("pa_size", 25, list(PAGE_SIZES), cast=int)
    pages = max(1, math.ceil(total / size))
    state.url_param("pa_page", 1, cast=int)
    page = st.session_state.pa_page
    if not isinstance(page, int) or not 1 <= page <= pages:
        st.session_state.pa_page = min(max(1, page if isinstance(page, int) else 1), pages)
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.selectbox(t("partners_page_size"), list(PAGE_SIZES), key="pa_size")
    c2.number_input(t("partners_page_number"), min_value=1, max_value=pages, step=1,
                    key="pa_page")
    page = int(st.session_state.pa_page)
    c3.caption(t("partners_page_of", page=fmt_int(page), pages=fmt_int(pages),
                 total=fmt_int(total)))
    if not total:
        st.info(t("no_data"))
        return
    df = fetch(load_activities_page, f, size, (page - 1) * size)
    language = lang()
    sectors = sector_names()
    # Partner-written text (names, titles) goes to the grid as plain text: never as HTML.
    table = pd.DataFrame({
        "started": df.started_on.map(lambda d: fmt_date(pd.Timestamp(d).date(), language, True)),
        "status": df.status.map(lambda s: t(f"partners_status_{s}")),
        "partner": partner_name(df, "partner", "partner_en"),
        "sector": df.sector.map(sectors).fillna(df.sector),
        "title": df.title, "area": area_labels(df.area_code), "goals": df.goals.fillna(""),
        "beneficiaries": df.beneficiaries, "budget": df.budget,
    })
    render_table(table, key="pa_detail", height=min(38 * len(table) + 40, 720),
                 meta=partners_meta("partners_detail_title", f),
                 column_config={
                     "started": t("partners_col_started"), "status": t("partners_status"),
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "title": t("partners_col_title"), "area": t("partners_col_area"),
                     "goals": t("partners_col_goals"),
                     "beneficiaries": st.column_config.NumberColumn(
                         t("partners_kpi_beneficiaries"), format="localized"),
                     "budget": st.column_config.NumberColumn(t("partners_kpi_budget"),
                                                             format="localized"),
                 })


# ---------------------------------------------------------------- page

def render_partners_page() -> None:
    area, year = state.area(), state.year()
    language = lang()
    span = fetch(load_activity_span)
    if span is None:
        render_page_header(t("page_partners"), area_title(area))
        st.info(t("no_data"))
        return
    render_page_header(t("page_partners"), area_title(area))
    f = activity_filter(area, year, span)
    st.caption(t("partners_period_note", start=fmt_date(f.start, language),
                 end=fmt_date(f.end, language)))
    render_partner_kpis(f)
    state.url_param("pa_view", "overview", VIEWS)
    st.segmented_control(t("partners_view"), VIEWS, key="pa_view",
                         format_func={v: t(f"partners_view_{v}") for v in VIEWS}.__getitem__,
                         label_visibility="collapsed")
    view = st.session_state.get("pa_view") or "overview"
    if view == "overview":
        left, right = st.columns([3, 2])
        with left:
            render_time_chart(f)
        with right:
            render_coverage(f)
        left, right = st.columns([3, 2])
        with left:
            render_activity_map(f, year)
        with right:
            render_top_partners(f)
    elif view == "network":
        render_network(f)
    elif view == "gaps":
        render_gaps(f, year)
    else:
        render_activity_table(f)
