"""Debt page section: the tallies the Damrongdhama centres publish, per day and cumulative, with
the top five provinces."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.area_names import area_names, area_title
from components.charts import compact_layout, figure_of
from components.datasource import fetch
from components.debt_view import area_rows
from components.i18n import lang, t
from components.ui import ExportMeta, Kpi, guarded, render_chart, render_kpis, render_table
from data.debt_tally import (
    debt_tally_by_province,
    debt_tally_by_province_by_unit,
    debt_tally_daily,
)
from domain.debt_tally import TALLY_COLUMNS, top_provinces
from domain.formatting import fmt_baht, fmt_date, fmt_int

SOURCE = "Damrongdhama centres"
_MONEY = ("debt_total", "debt_before", "debt_after")


def _meta(key: str, area: str) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), None, SOURCE, ("debt_cases",))


def _fmt(column: str, value) -> str:
    return fmt_baht(value, lang()) if column in _MONEY else fmt_int(value)


@guarded
def render_debt_tallies(area: str) -> None:
    st.markdown(f"### {t('dt_title')}")
    days = fetch(debt_tally_daily, area)
    if days.empty:
        st.info(t("no_data"))
        return
    last = days.iloc[-1]
    st.caption(t("dt_caption", date=fmt_date(last.day, lang())))
    kpis = []
    for column in TALLY_COLUMNS:
        today = float(last[column])
        kpis.append(Kpi(t(f"dt_{column}"), _fmt(column, last[f"cum_{column}"]),
                        delta=t("dt_today", n=_fmt(column, today)) if today else None,
                        delta_color="off", delta_arrow="off"))
    render_kpis(kpis, per_row=5)
    left, right = st.columns([3, 2])
    with left:
        render_daily_chart(area, days)
    with right:
        render_top(area)
    # Every day's row (hundreds of them), built only while the panel is open (opening reruns).
    with (box := st.expander(t("dt_table_title"), key="dt_days_open", on_change="rerun")):
        if not box.open:
            return
        shown = days.sort_values("day", ascending=False)
        render_table(shown, key="dt_days", meta=_meta("dt_table_title", area),
                     column_config={"day": t("dt_col_day"), **{
                         c: st.column_config.NumberColumn(t(f"dt_{c}"), format="localized")
                         for c in TALLY_COLUMNS}, **{
                         f"cum_{c}": st.column_config.NumberColumn(
                             f"{t(f'dt_{c}')} ({t('dt_cumulative')})", format="localized")
                         for c in TALLY_COLUMNS}})


def render_daily_chart(area: str, days: pd.DataFrame) -> None:
    st.markdown(f"#### {t('dt_chart_title')}")
    fig = figure_of([
        {"type": "bar", "x": days.day, "y": days.registrants, "name": t("dt_daily"),
         "marker": {"color": "#9ECAE1"},
         "hovertemplate": "%{x}: %{y:,}<extra>" + t("dt_daily") + "</extra>"},
        {"type": "scatter", "x": days.day, "y": days.cum_registrants, "name": t("dt_cumulative"),
         "yaxis": "y2", "line": {"color": "#08519C"},
         "hovertemplate": "%{x}: %{y:,}<extra>" + t("dt_cumulative") + "</extra>"}],
        {"yaxis": {"title": {"text": t("dt_daily")}},
         "yaxis2": {"title": {"text": t("dt_cumulative")}, "overlaying": "y", "side": "right"}},
        compact_layout(height=340, top=30, legend_y=-0.2))
    render_chart(fig, key="dt_chart", meta=_meta("dt_chart_title", area))


def render_top(area: str) -> None:
    st.markdown(f"#### {t('dt_top_title')}")
    by = area_rows(debt_tally_by_province_by_unit, debt_tally_by_province, area)
    top = top_provinces(by, "registrants")
    names = area_names(top.province_code)
    table = pd.DataFrame({
        "province": [names.get(c, c) for c in top.province_code],
        "registrants": top.registrants, "debt_total": top.debt_total,
        "mediated": top.mediated, "debt_before": top.debt_before,
        "debt_after": top.debt_after, "prosecutions": top.prosecutions})
    render_table(table, key="dt_top", meta=_meta("dt_top_title", area), column_config={
        "province": t("fr_col_province"),
        **{c: st.column_config.NumberColumn(t(f"dt_{c}"), format="localized")
           for c in table.columns if c != "province"}})
