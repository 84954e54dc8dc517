"""Since the last meeting: what moved in every figure of the user's area, which provinces moved
most, category changes, new imports, new problems and problems closed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.alert_text import alert_message
from components.alerts_view import indicator_names
from components.area_names import area_names, area_title
from components.audit_trail import record_action
from components.datasource import current_scope, data_version, fetch, get_writer
from components.i18n import lang, t
from components.ui import (
    ExportMeta,
    Kpi,
    Refused,
    guarded,
    render_kpis,
    render_page_header,
    render_table,
)
from data.meetings import (
    changes_since,
    compare_with_meeting,
    load_figures_now,
    load_meetings,
    take_snapshot,
)
from domain.formatting import fmt_baht, fmt_date, fmt_int
from domain.meetings import (
    GOAL_METRIC_PREFIX,
    biggest_moves,
    category_moves,
    polarity,
    summary_counts,
)
from domain.safe_text import md_text

KPI_METRICS = ("sdg_index", "target_poor_people", "cases_open", "cases_overdue", "debt_open",
               "plan_budget_spent", "plan_projects_attention", "alerts_open")
MOVE_METRICS = ("sdg_index", "target_poor_people", "cases_overdue", "cases_closed",
                "debt_settled", "plan_budget_spent", "plan_projects_attention",
                "indicators_decreasing")
RECORDERS = ("executive", "admin")


def metric_label(metric: str) -> str:
    if metric.startswith(GOAL_METRIC_PREFIX):
        return t("metric_goal", goal=metric.removeprefix(GOAL_METRIC_PREFIX))
    return t(f"metric_{metric}")


def fmt_metric(metric: str, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    if metric == "sdg_category":
        return t(f"category_rank_{int(value)}")
    if metric == "sdg_index" or metric.startswith(GOAL_METRIC_PREFIX):
        return f"{float(value):,.1f}"
    if metric.startswith("plan_budget"):
        # "4.3 ล้านบาท", as on the One Plan page: "4,325,700" broke mid-number at meeting size.
        return fmt_baht(value, lang())
    return fmt_int(value)


def meeting_label(row) -> str:
    when = pd.Timestamp(row.held_at)
    return t("chg_meeting_label", title=row.title, kind=t(f"chg_kind_{row.kind}"),
             date=fmt_date(when.date(), lang(), short=True) + when.strftime(" %H:%M"))


def focus_area(area: str) -> str:
    """The area whose headline figures are shown: a province, or the whole country."""
    scope = current_scope()
    if area and not area.startswith("R:"):
        return area[:2]
    if not scope.all_provinces and scope.provinces and len(scope.provinces) == 1:
        return next(iter(scope.provinces))
    return ""


def _record_meeting() -> None:
    """The record button's callback: it runs before the page's widgets, so the new meeting
    can become the one compared with."""
    scope = current_scope()
    title = str(st.session_state.get("chg_record_title") or t("chg_record_default"))
    try:
        record_action("meeting_snapshot", None, title[:120])
        meeting_id = take_snapshot(get_writer(), scope.user, title)
    except Refused as exc:
        st.session_state["chg_error"] = str(exc)
        return
    data_version.clear()
    st.session_state["chg_meeting"] = meeting_id
    st.session_state["chg_message"] = t("chg_recorded", n=meeting_id)


@guarded
def render_record_meeting() -> None:
    scope = current_scope()
    if not scope.has_role(*RECORDERS):
        st.caption(t("chg_executive_only"))
        return
    with st.form("chg_record_form", border=True):
        st.text_input(t("chg_record_title"), value=t("chg_record_default"), max_chars=200,
                      key="chg_record_title")
        st.form_submit_button(t("chg_record"), type="primary", on_click=_record_meeting,
                              icon=":material/event_available:")


@guarded
def render_headline(diff: pd.DataFrame, focus: str) -> None:
    st.markdown(f"#### {t('chg_kpis_title', area=area_title(focus))}")
    mine = diff[diff.area_code == focus].set_index("metric")
    kpis = []
    for metric in KPI_METRICS:
        if metric not in mine.index:
            continue
        row = mine.loc[metric]
        change = row.change
        delta = None if pd.isna(change) or change == 0 else (
            f"{change:+,.1f}" if metric == "sdg_index" else f"{change:+,.0f}")
        kpis.append(Kpi(metric_label(metric), fmt_metric(metric, row.after), delta=delta,
                        delta_color="inverse" if polarity(metric) < 0 else
                        "off" if polarity(metric) == 0 else "normal",
                        help=t("chg_col_before") + ": " + fmt_metric(metric, row.before)))
    for start in range(0, len(kpis), 4):
        render_kpis(kpis[start:start + 4])
    st.caption(t("chg_summary", **summary_counts(diff)))


def _diff_table(rows: pd.DataFrame) -> pd.DataFrame:
    names = area_names(rows.area_code)
    return pd.DataFrame({
        "area": [names.get(c, c) if c else t("chg_country") for c in rows.area_code],
        "metric": rows.metric.map(metric_label),
        "before": [fmt_metric(m, v) for m, v in zip(rows.metric, rows.before, strict=True)],
        "after": [fmt_metric(m, v) for m, v in zip(rows.metric, rows.after, strict=True)],
        "change": rows.change.round(2),
        "direction": [t(f"chg_{d}") for d in rows.direction]})


_COLUMNS = {"area": "chg_col_area", "metric": "chg_col_metric", "before": "chg_col_before",
            "after": "chg_col_after", "change": "chg_col_change",
            "direction": "chg_col_direction"}


@guarded
def render_moves(diff: pd.DataFrame) -> None:
    st.markdown(f"#### {t('chg_moves_title')}")
    labels = {m: metric_label(m) for m in MOVE_METRICS}
    metric = st.selectbox(t("chg_moves_metric"), list(labels), key="chg_move_metric",
                          format_func=labels.__getitem__)
    provinces = diff[diff.area_code != ""]
    moves = biggest_moves(provinces, metric)
    if moves.empty:
        st.info(t("chg_none"))
        return
    render_table(_diff_table(moves), key="chg_moves",
                 meta=ExportMeta(t("chg_moves_title")),
                 column_config={k: t(v) for k, v in _COLUMNS.items()})


@guarded
def render_categories(diff: pd.DataFrame) -> None:
    st.markdown(f"#### {t('chg_categories_title')}")
    moves = category_moves(diff[diff.area_code != ""])
    if moves.empty:
        st.info(t("chg_categories_none"))
        return
    render_table(_diff_table(moves.assign(metric="sdg_category",
                                          change=moves["after"] - moves["before"])),
                 key="chg_categories", column_config={k: t(v) for k, v in _COLUMNS.items()})


def _alerts_list(frame: pd.DataFrame, key: str, title: str) -> None:
    st.markdown(f"#### {title} ({fmt_int(len(frame))})")
    if frame.empty:
        st.caption(t("chg_none"))
        return
    names = area_names(frame.area_code)
    indicators = indicator_names()
    render_table(pd.DataFrame({
        "area": [names.get(c, c) if c else t("chg_country") for c in frame.area_code],
        "rule": frame.rule.astype(str),
        "what": [alert_message(r, indicators) for r in frame.itertuples(index=False)]}),
        key=key, column_config={"area": t("al_col_area"), "rule": t("al_col_rule"),
                                "what": t("al_col_what")})


@guarded
def render_events(meeting_id: int) -> None:
    events = changes_since(get_writer(), current_scope(), meeting_id)
    left, mid, right = st.columns(3)
    with left:
        _alerts_list(events["new_problems"], "chg_new", t("chg_new_problems"))
    with mid:
        _alerts_list(events["closed_problems"], "chg_closed", t("chg_closed_problems"))
    with right:
        imports = events["imports"]
        st.markdown(f"#### {t('chg_imports_title')} ({fmt_int(len(imports))})")
        if not current_scope().all_provinces:
            st.caption(t("chg_imports_hidden"))
        elif imports.empty:
            st.caption(t("chg_none"))
        else:
            render_table(imports[["batch_id", "kind", "file_name", "rows_accepted",
                                  "imported_by"]].assign(
                kind=imports.kind.map(lambda k: t(f"importx_kind_{k}"))), key="chg_imports",
                column_config={"batch_id": t("importx_batch"), "kind": t("importx_col_kind"),
                               "file_name": t("importx_file_name"),
                               "rows_accepted": t("importx_accepted"),
                               "imported_by": t("importx_by")})


def render_changes_page() -> None:
    area = state.area()
    # Read uncached: a meeting just recorded changes no import, so no data version either.
    meetings = load_meetings(get_writer(), current_scope())
    message = st.session_state.pop("chg_message", None)
    error = st.session_state.pop("chg_error", None)
    if error:
        st.error(error)
    if meetings.empty:
        render_page_header(t("page_changes"), area_title(area))
        if message:
            st.success(message)
        st.info(t("chg_no_meetings"))
        render_record_meeting()
        render_headline(fetch(load_figures_now), focus_area(area))
        return
    ids = meetings.meeting_id.astype(int).tolist()
    state.url_param("chg_meeting", ids[0], ids, cast=int)
    labels = {int(r.meeting_id): meeting_label(r) for r in meetings.itertuples(index=False)}
    chosen = int(st.session_state["chg_meeting"])
    # The title is an executive's own text: shown as text, never as markdown.
    render_page_header(t("page_changes"), t("chg_subtitle", area=area_title(area),
                                            meeting=md_text(labels[chosen])))
    if message:
        st.success(message)
    c1, c2 = st.columns([3, 2])
    c1.selectbox(t("chg_pick_meeting"), ids, key="chg_meeting", format_func=labels.__getitem__)
    with c2.popover(t("chg_record"), icon=":material/event_available:"):
        render_record_meeting()
    diff = fetch(compare_with_meeting, chosen)
    render_headline(diff, focus_area(area))
    left, right = st.columns([3, 2])
    with left:
        render_moves(diff)
    with right:
        render_categories(diff)
    render_events(chosen)
    with st.expander(t("chg_all_changes")):
        moved = diff[~diff.direction.isin(["same"])]
        render_table(_diff_table(moved), key="chg_all", meta=ExportMeta(t("chg_all_changes")),
                     column_config={k: t(v) for k, v in _COLUMNS.items()})
