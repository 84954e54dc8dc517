"""Early-warning page: the user's inbox (acknowledge with a note), the rules, runs and digests."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.alert_text import alert_message, rule_condition
from components.area_names import area_names
from components.audit_trail import record_action
from components.datasource import current_scope, data_version, fetch, get_writer
from components.i18n import lang, t
from components.ui import Kpi, guarded, render_kpis, render_page_header, render_table
from data import alert_inbox as inbox
from data.alerts import RULE_EDITORS, evaluate_rules, load_rules, set_rule_enabled
from data.sdg import load_sdg_catalogue
from domain.formatting import fmt_date, fmt_int

_MESSAGE = "al_message"


def indicator_names() -> dict[str, str]:
    cat = fetch(load_sdg_catalogue)
    col = "name_th" if lang() == "th" else "name_en"
    return dict(zip(cat.indicator_code, cat[col], strict=True))


def _when(ts) -> str:
    if ts is None or pd.isna(ts):
        return t("al_never")
    ts = pd.Timestamp(ts)
    return fmt_date(ts.date(), lang(), short=True) + ts.strftime(" %H:%M")


def _area_label(code: str, names: dict[str, str]) -> str:
    return names.get(code, code) if code else t("chg_country")


@guarded
def render_inbox_kpis() -> None:
    scope = current_scope()
    counts = inbox.inbox_counts(get_writer(), scope)
    rules = load_rules(get_writer(), scope, enabled_only=True)
    render_kpis([
        Kpi(t("al_kpi_unacked"), fmt_int(counts["unacknowledged"])),
        Kpi(t("al_kpi_open"), fmt_int(counts["open"])),
        Kpi(t("al_kpi_critical"), fmt_int(counts["critical"])),
        Kpi(t("al_kpi_rules"), fmt_int(len(rules))),
    ])


def _inbox_table(alerts: pd.DataFrame) -> pd.DataFrame:
    names = area_names(alerts.area_code)
    indicators = indicator_names()
    return pd.DataFrame({
        "severity": [t(f"al_severity_{s}") for s in alerts.severity],
        "rule": alerts.rule.astype(str),
        "area": [_area_label(c, names) for c in alerts.area_code],
        "what": [alert_message(r, indicators) for r in alerts.itertuples(index=False)],
        "raised": [_when(x) for x in alerts.raised_at],
        "state": [t("al_state_cleared") if pd.notna(r) else t("al_state_open")
                  for r in alerts.resolved_at],
        "note": alerts.note.fillna("").astype(str),
        "acks": alerts.acks.astype(int),
    })


@guarded
def render_inbox() -> None:
    scope = current_scope()
    filters = {f: t(f"al_filter_{f}") for f in inbox.FILTERS}
    which = st.segmented_control(t("al_filter"), list(filters), key="al_filter",
                                 format_func=filters.__getitem__) or "unacknowledged"
    alerts = inbox.load_inbox(get_writer(), scope, which)
    if alerts.empty:
        st.info(t("al_empty"))
        return
    table = _inbox_table(alerts)
    picked = render_table(table, key="al_inbox", on_select="rerun",
                          selection_mode="multi-row", height=min(560, 38 + 35 * len(table)),
                          column_config={
                              "severity": t("al_col_severity"), "rule": t("al_col_rule"),
                              "area": t("al_col_area"), "what": t("al_col_what"),
                              "raised": t("al_col_raised"), "state": t("al_col_state"),
                              "note": t("al_col_note"),
                              "acks": st.column_config.NumberColumn(t("al_col_acks")),
                          })
    rows = list(getattr(getattr(picked, "selection", None), "rows", []) or [])
    st.caption(t("al_select_hint"))
    with st.form("al_ack_form", border=True):
        note = st.text_input(t("al_note"), max_chars=inbox.NOTE_MAX, key="al_ack_note")
        submitted = st.form_submit_button(t("al_ack", n=len(rows)), type="primary",
                                          disabled=not rows)
    if submitted and rows:
        ids = [int(alerts.alert_id.iloc[i]) for i in rows if i < len(alerts)]
        provinces = sorted({p for p in alerts.province_code.iloc[rows] if p})
        # On the audit log first: an acknowledgement nobody can trace does not happen.
        record_action("alert_ack", provinces[0] if len(provinces) == 1 else None,
                      f"{len(ids)} alerts")
        done = inbox.acknowledge(get_writer(), scope, ids, note)
        st.session_state[_MESSAGE] = t("al_acked", n=done)
        st.rerun()


@guarded
def render_rules() -> None:
    scope = current_scope()
    rules = load_rules(get_writer(), scope)
    editor = scope.has_role(*RULE_EDITORS)
    if not rules:
        st.info(t("al_rules_none"))
    else:
        indicators = indicator_names()
        names = area_names([r.area_code for r in rules])
        table = pd.DataFrame({
            "rule_id": [r.rule_id for r in rules],
            "enabled": [r.enabled for r in rules],
            "name": [r.name for r in rules],
            "kind": [t(f"al_kind_{r.kind}") for r in rules],
            "params": [rule_condition(r.kind, r.params, indicators) for r in rules],
            "area": [names.get(r.area_code, r.area_code) if r.area_code
                     else t("al_rule_area_all") for r in rules],
            "severity": [t(f"al_severity_{r.severity}") for r in rules]})
        config = {"rule_id": "#", "enabled": st.column_config.CheckboxColumn(t("al_enabled")),
                  "name": t("al_rule_name"), "kind": t("al_col_kind"),
                  "params": t("al_col_params"), "area": t("al_rule_area"),
                  "severity": t("al_rule_severity")}
        if editor:
            version = st.session_state.get("al_rules_v", 0)
            edited = st.data_editor(table, key=f"al_rules_editor_{version}", hide_index=True,
                                    width="stretch", column_config=config,
                                    disabled=[c for c in table.columns if c != "enabled"])
            changed = edited[edited.enabled != table.enabled]
            if len(changed) and st.button(t("al_apply_changes"), key="al_apply"):
                record_action("alert_rule_switch", None,
                              ", ".join(f"{r}={bool(e)}" for r, e in zip(
                                  changed.rule_id, changed.enabled, strict=True)))
                for rid, enabled in zip(changed.rule_id, changed.enabled, strict=True):
                    set_rule_enabled(get_writer(), scope, int(rid), bool(enabled))
                st.session_state["al_rules_v"] = version + 1  # a fresh editor on the new state
                st.rerun()
        else:
            render_table(table, key="al_rules", column_config=config)
    if not editor:
        st.caption(t("al_rules_editors_only"))
        return
    from components.alert_rule_form import render_rule_form

    render_rule_form()


def run_evaluation(trigger: str) -> None:
    """Evaluate every rule now (the editor's button, and after a rule is saved)."""
    result = evaluate_rules(get_writer(), trigger)
    data_version.clear()
    text = t("al_evaluated", rules=result.rules, seconds=f"{result.seconds:.1f}",
             raised=result.raised, resolved=result.resolved)
    if result.failed:
        text += " · " + t("al_evaluated_failed", ids=", ".join(map(str, result.failed)))
    st.session_state[_MESSAGE] = text


@guarded
def render_runs() -> None:
    scope = current_scope()
    st.caption(t("al_schedule_note"))
    if scope.has_role(*RULE_EDITORS) and st.button(t("al_evaluate"), key="al_evaluate_btn",
                                                   icon=":material/play_arrow:"):
        record_action("alert_evaluate", None, "manual run")
        run_evaluation(f"manual ({scope.user})")
        st.rerun()
    st.markdown(f"#### {t('al_runs_title')}")
    runs = inbox.load_runs(get_writer(), scope)
    runs = runs.assign(started_at=[_when(x) for x in runs.started_at])
    render_table(runs.drop(columns="run_id"), key="al_runs", column_config={
        "trigger_name": t("al_col_trigger"), "started_at": t("al_col_started"),
        "seconds": st.column_config.NumberColumn(t("al_col_seconds"), format="%.2f"),
        "rules": t("al_col_rules"), "raised": t("al_col_raised_n"),
        "resolved": t("al_col_resolved"), "failed": t("al_col_failed")})
    deliveries = inbox.load_deliveries(get_writer(), scope)
    if scope.has_role("admin", "steward"):
        st.markdown(f"#### {t('al_deliveries_title')}")
        render_table(deliveries.assign(sent_at=[_when(x) for x in deliveries.sent_at]),
                     key="al_deliveries", column_config={
                         "delivery_id": "#", "channel": t("al_col_channel"),
                         "recipient": t("al_col_recipient"), "sent_at": t("al_col_sent"),
                         "alerts": t("al_col_alerts"), "status": t("al_col_status")})


def render_alerts_page() -> None:
    scope = current_scope()
    last = get_writer().scalar("SELECT MAX(started_at) FROM alert_runs")
    render_page_header(t("page_alerts"), t("al_subtitle", when=_when(last)))
    if scope.is_empty:
        st.info(t("no_data"))
        return
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.success(message)
    render_inbox_kpis()
    tabs = st.tabs([t("al_tab_inbox"), t("al_tab_rules"), t("al_tab_runs")])
    with tabs[0]:
        render_inbox()
    with tabs[1]:
        render_rules()
    with tabs[2]:
        render_runs()

