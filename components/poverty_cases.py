"""Poverty page sections about households: the assistance pipeline and the entitled household list."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.audit_trail import record_household_view
from components.charts import compact_layout, figure_of
from components.datasource import current_scope, fetch
from components.i18n import lang, t
from components.poverty_common import (
    STATUS_COLOURS,
    dim_name,
    indicator_names,
    poverty_meta,
)
from components.purpose import render_purpose_gate
from components.ui import (
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_table,
)
from data.poverty import (
    assistance_pipeline,
    load_target_households,
)
from data.protect import threshold as small_count_threshold
from domain import catalogue, disclosure
from domain import poverty as pv
from domain.formatting import fmt_int, fmt_pct


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
            (right, "dimension", {d: dim_name(d) for d in catalogue.DIMENSION_CODES},
             "pov_pipeline_dimension")):
        table = pv.cases_by_status(cases, field, catalogue.CASE_STATUSES)
        table = table.mask(disclosure.withheld_cells(table.to_numpy(), threshold,
                                                     row_totals=True, column_totals=True))
        with col:
            render_chart(build_pipeline_bars(table, names, t(f"poverty_pipeline_by_{field}")),
                         key=key, meta=poverty_meta("poverty_pipeline_title", area, year))


def build_pipeline_bars(table: pd.DataFrame, names: dict[str, str], title: str) -> go.Figure:
    """Cases by status (stacked bars) of each row of ``table`` (index: agency or dimension)."""
    labels = [names.get(i, i) for i in table.index]
    traces = [{"type": "bar", "y": labels, "x": table[status].to_numpy(), "orientation": "h",
               "name": t(f"poverty_status_{status}"), "marker": {"color": STATUS_COLOURS[status]},
               "hovertemplate": "%{y}: %{x:,}<extra></extra>"}
              for status in catalogue.CASE_STATUSES]
    return figure_of(traces, {"barmode": "stack", "title": {"text": title}},
                     compact_layout(height=max(300, 34 * len(table) + 120), top=30,
                                    legend_y=-0.18))


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
    names = indicator_names()
    view = df.assign(
        score=100 * df.score,
        deprived=df.deprived.map(lambda s: ", ".join(names.get(c, c) for c in s.split(",") if c)),
        status=df.status.map(lambda s: t(f"poverty_status_{s}")))
    number = st.column_config.NumberColumn
    render_table(view, key="pov_households", height=min(600, 38 + 35 * len(view)),
                 meta=poverty_meta("poverty_households_title", area, year),
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
