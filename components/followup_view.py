"""Follow-up page: open and overdue items by agency and stage, time to closure, the overdue list
(masked, for the province's own staff when it is about people), and the service levels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.alert_text import agency_name
from components.area_names import area_names, area_title
from components.audit_trail import record_action, record_household_view
from components.charts import compact_style
from components.datasource import current_scope, fetch, get_writer
from components.i18n import lang, t
from components.ui import (
    ExportMeta,
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_page_header,
    render_table,
)
from data.tracking import (
    closure_days,
    levels_token,
    load_as_of,
    load_overdue_items,
    load_service_levels,
    overdue_by_agency,
    save_service_level,
)
from domain import catalogue
from domain.formatting import fmt_date, fmt_int, fmt_pct
from domain.service_levels import ITEM_KINDS, OPEN_STAGES, PERSONAL_KINDS, closure_summary

_GROUPS = ("agency", "province", "year", "quarter")
_STAGE_COLOURS = ("#FDAE61", "#D7191C", "#7B3294")
LEVEL_EDITORS = ("steward", "executive", "admin")


def _meta(key: str, area: str) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), None, "One Data")


def _stage(stage: str) -> str:
    return t(f"fu_stage_{stage}")


@guarded
def render_kpis_row(kind: str, overdue: pd.DataFrame, closure: pd.DataFrame) -> None:
    open_n, late = int(overdue.open.sum()), int(overdue.overdue.sum())
    everything = closure_summary(closure.assign(group="all").groupby(
        ["group", "days"], as_index=False).n.sum())
    row = everything.iloc[0] if len(everything) else None
    render_kpis([
        Kpi(t("fu_kpi_open"), fmt_int(open_n)),
        Kpi(t("fu_kpi_overdue"), fmt_int(late),
            delta=fmt_pct(100 * late / open_n) if open_n else None, delta_color="off",
            delta_arrow="off"),
        Kpi(t("fu_kpi_oldest"), fmt_int(overdue.oldest_days.max() if len(overdue) else None)),
        Kpi(t("fu_kpi_median"), fmt_int(None if row is None else row.median_days)),
        Kpi(t("fu_kpi_p90"), fmt_int(None if row is None else row.p90_days)),
    ])


@guarded
def render_overdue_chart(kind: str, area: str, overdue: pd.DataFrame) -> None:
    st.markdown(f"#### {t('fu_overdue_title')}")
    by = overdue.groupby(["agency", "stage"], as_index=False).overdue.sum()
    if by.overdue.sum() == 0:
        st.info(t("fu_list_none"))
        return
    order = by.groupby("agency").overdue.sum().sort_values().index.tolist()
    fig = go.Figure()
    for stage, colour in zip(OPEN_STAGES[kind], _STAGE_COLOURS, strict=False):
        part = by[by.stage == stage].set_index("agency").overdue.reindex(order).fillna(0)
        fig.add_trace(go.Bar(y=[agency_name(a) for a in order], x=part,
                             orientation="h", name=_stage(stage), marker_color=colour,
                             hovertemplate="%{y}: %{x:,}<extra>" + _stage(stage) + "</extra>"))
    fig.update_layout(barmode="stack", xaxis_title=t("fu_overdue_axis"))
    render_chart(compact_style(fig, height=max(260, 60 + 34 * len(order)), top=30,
                               legend_y=-0.2),
                 key="fu_overdue_chart", meta=_meta("fu_overdue_title", area))


@guarded
def render_closure(kind: str, area: str) -> None:
    st.markdown(f"#### {t('fu_closure_title')}")
    labels = {g: t(f"fu_by_{g}") for g in _GROUPS}
    by = st.segmented_control(t("fu_closure_by"), list(labels), key="fu_by",
                              format_func=labels.__getitem__) or "agency"
    summary = closure_summary(fetch(closure_days, kind, by, area))
    if summary.empty:
        st.info(t("no_data"))
        return
    if by == "agency":
        shown = summary.group.map(agency_name)
    elif by == "province":
        names = area_names(summary.group)
        shown = summary.group.map(lambda c: names.get(c, c))
    elif by == "year":
        shown = summary.group.map(lambda y: str(int(y) + 543) if lang() == "th" else str(y))
    else:
        shown = summary.group.map(lambda q: f"{int(q) // 10 + (543 if lang() == 'th' else 0)}"
                                            f" Q{int(q) % 10}")
    table = summary.assign(group=shown)
    render_table(table, key="fu_closure", meta=_meta("fu_closure_title", area), column_config={
        "group": t(f"fu_by_{by}"),
        "closed": st.column_config.NumberColumn(t("fu_col_closed"), format="localized"),
        "median_days": st.column_config.NumberColumn(t("fu_col_median"), format="%.0f"),
        "p90_days": st.column_config.NumberColumn(t("fu_col_p90"), format="%.0f"),
        "mean_days": st.column_config.NumberColumn(t("fu_col_mean"), format="%.0f")})


@guarded
def render_overdue_list(kind: str, area: str, as_of, levels) -> None:
    st.markdown(f"#### {t('fu_list_title')}")
    if kind in PERSONAL_KINDS and not record_household_view(area, f"followup_{kind}"):
        st.info(t("fu_list_not_entitled"))
        return
    items = fetch(load_overdue_items, kind, area, as_of, levels=levels)
    if items.empty:
        st.info(t("fu_list_none"))
        return
    names = area_names(items.area_code)
    language = lang()
    table = pd.DataFrame({
        "ref": items.ref.astype(str),
        "area": [names.get(c, c) for c in items.area_code],
        "agency": items.agency.map(agency_name),
        "stage": items.stage.map(_stage),
        "topic": items.topic.fillna("").astype(str).map(_topic),
        "stage_days": items.stage_days, "overdue_days": items.overdue_days,
        "due": [fmt_date(pd.Timestamp(d).date(), language, short=True) for d in items.due_on],
    })
    render_table(table, key="fu_list", height=min(520, 38 + 35 * len(table)),
                 meta=_meta("fu_list_title", area), column_config={
                     "ref": t("fu_col_ref"), "area": t("fu_col_area"),
                     "agency": t("fu_col_agency"), "stage": t("fu_col_stage"),
                     "topic": t("fu_col_topic"),
                     "stage_days": st.column_config.NumberColumn(t("fu_col_stage_days")),
                     "overdue_days": st.column_config.NumberColumn(t("fu_col_overdue_days")),
                     "due": t("fu_col_due")})
    st.caption(t("fu_list_caption"))


def _topic(code: str) -> str:
    idx = 1 if lang() == "th" else 2
    dims = {d[0]: d[idx] for d in catalogue.DIMENSIONS}
    creditors = {k: v[idx - 1] for k, v in catalogue.CREDITOR_TYPES.items()}
    return dims.get(code) or creditors.get(code) or code


@guarded
def render_service_levels(kind: str) -> None:
    st.markdown(f"#### {t('fu_levels_title')}")
    st.caption(t("fu_levels_caption"))
    levels = load_service_levels(get_writer())
    mine = levels[levels.item_kind == kind]
    render_table(pd.DataFrame({
        "stage": mine.stage.map(_stage), "agency": mine.agency.map(agency_name),
        "days": mine.days.astype(int), "by": mine.updated_by}), key="fu_levels",
        column_config={"stage": t("fu_levels_stage"), "agency": t("fu_col_agency"),
                       "days": t("fu_levels_days"), "by": t("fu_levels_by")})
    scope = current_scope()
    if not scope.has_role(*LEVEL_EDITORS):
        return
    agencies = {"": t("fu_any_agency"), **{a: agency_name(a) for a in (
        ["dopa"] if kind == "debt" else list(catalogue.PLAN_AGENCIES))}}
    stages = {s: _stage(s) for s in OPEN_STAGES[kind]}
    with st.form("fu_level_form", border=True):
        c1, c2, c3 = st.columns(3)
        stage = c1.selectbox(t("fu_levels_stage"), list(stages), format_func=stages.__getitem__)
        agency = c2.selectbox(t("fu_levels_agency"), list(agencies),
                              format_func=agencies.__getitem__)
        days = c3.number_input(t("fu_levels_days"), 0, 3650, 30)
        if st.form_submit_button(t("fu_levels_save"), type="primary"):
            record_action("service_level", None, f"{kind} {stage} {agency or '*'} = {days}")
            save_service_level(get_writer(), scope, kind, stage, agency, int(days))
            st.success(t("fu_levels_saved"))
            st.rerun()


def render_followup_page() -> None:
    area = state.area()
    as_of = fetch(load_as_of)
    render_page_header(t("page_followup"), t("fu_subtitle", area=area_title(area),
                                              date=fmt_date(as_of, lang())))
    state.url_param("fu_kind", "assistance", ITEM_KINDS)
    kinds = {k: t(f"fu_kind_{k}") for k in ITEM_KINDS}
    kind = st.segmented_control(t("fu_kind"), list(kinds), key="fu_kind",
                                format_func=kinds.__getitem__) or "assistance"
    levels = levels_token(get_writer())
    overdue = fetch(overdue_by_agency, kind, area, as_of, levels=levels)
    closure = fetch(closure_days, kind, "agency", area)
    render_kpis_row(kind, overdue, closure)
    left, right = st.columns([3, 2])
    with left:
        render_overdue_chart(kind, area, overdue)
    with right:
        render_closure(kind, area)
    render_overdue_list(kind, area, as_of, levels)
    with st.expander(t("fu_levels_title")):
        render_service_levels(kind)
