"""The form a steward or executive defines an early-warning rule with."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.alert_text import agency_name
from components.audit_trail import record_action
from components.datasource import current_scope, fetch, get_writer
from components.i18n import lang, t
from components.ui import guarded
from data.alerts import save_rule
from data.freshness import DATASETS
from data.queries import load_areas
from data.sdg import load_sdg_catalogue
from domain import catalogue
from domain.alert_rules import RULE_KINDS, SEVERITIES, RuleError
from domain.safe_text import md_text
from domain.service_levels import ITEM_KINDS


def _params(kind: str) -> dict[str, Any]:
    """The kind's own fields (read inside the form)."""
    cat = fetch(load_sdg_catalogue)
    col = "name_th" if lang() == "th" else "name_en"
    ind_labels = dict(zip(cat.indicator_code, cat[col], strict=True))
    p: dict[str, Any] = {}
    c1, c2, c3 = st.columns(3)
    if kind in ("threshold", "decline", "neighbour_deviation"):
        p["indicator"] = c1.selectbox(t("al_p_indicator"), list(ind_labels),
                                      format_func=ind_labels.__getitem__, key="al_f_indicator")
    if kind == "threshold":
        ops = {o: t(f"al_op_{o}") for o in ("below", "above")}
        p["op"] = c2.selectbox(t("al_p_op"), list(ops), format_func=ops.__getitem__,
                               key="al_f_op")
        p["value"] = c3.number_input(t("al_p_value"), value=0.0, key="al_f_value")
    elif kind == "decline":
        p["years"] = c2.number_input(t("al_p_years"), 1, 20, 2, key="al_f_years")
        moves = {m: t(f"al_{m}") for m in ("falls", "rises")}
        p["movement"] = c3.selectbox(t("al_p_movement"), list(moves),
                                     format_func=moves.__getitem__, key="al_f_movement")
    elif kind == "category_drop":
        p["steps"] = c1.number_input(t("al_p_steps"), 1, 3, 1, key="al_f_steps")
    elif kind == "overdue_agency":
        items = {k: t(f"fu_kind_{k}") for k in ITEM_KINDS}
        p["item"] = c1.selectbox(t("al_p_item"), list(items), format_func=items.__getitem__,
                                 key="al_f_item")
        agencies = {"": t("fu_any_agency"), "dopa": agency_name("dopa"),
                    **{a: agency_name(a) for a in catalogue.PLAN_AGENCIES}}
        p["agency"] = c2.selectbox(t("al_p_agency"), list(agencies),
                                   format_func=agencies.__getitem__, key="al_f_agency")
        p["limit"] = c3.number_input(t("al_p_limit"), 0, 10_000_000, 100, key="al_f_limit")
        p["per_province"] = c1.checkbox(t("al_p_per_province"), key="al_f_per_province")
    elif kind == "not_reported":
        sets = {d: t(f"fr_dataset_{d}") for d in DATASETS}
        p["dataset"] = c1.selectbox(t("al_p_dataset"), list(sets), format_func=sets.__getitem__,
                                    key="al_f_dataset")
        p["days"] = c2.number_input(t("al_p_days"), 1, 3650, 45, key="al_f_days")
    elif kind == "neighbour_deviation":
        p["gap"] = c2.number_input(t("al_p_gap"), 0.0, value=10.0, key="al_f_gap")
        p["relative"] = c3.checkbox(t("al_p_relative"), value=True, key="al_f_relative")
    return p


@guarded
def render_rule_form() -> None:
    scope = current_scope()
    st.markdown(f"#### {t('al_new_rule')}")
    kinds = {k: t(f"al_kind_{k}") for k in RULE_KINDS}
    # The kind is picked outside the form: its fields change with it.
    kind = st.selectbox(t("al_rule_kind"), list(kinds), format_func=kinds.__getitem__,
                        key="al_f_kind")
    provinces = fetch(load_areas, "province")
    col = "name_th" if lang() == "th" else "name_en"
    areas = {"": t("al_rule_area_all")} if scope.all_provinces else {}
    areas.update(dict(zip(provinces.code, provinces[col], strict=True)))
    with st.form("al_rule_form", border=True):
        c1, c2, c3 = st.columns([2, 2, 1])
        name = c1.text_input(t("al_rule_name"), max_chars=120, value=kinds[kind],
                             key=f"al_f_name_{kind}")
        area = c2.selectbox(t("al_rule_area"), list(areas), format_func=areas.__getitem__,
                            key="al_f_area")
        severities = {s: t(f"al_severity_{s}") for s in SEVERITIES}
        severity = c3.selectbox(t("al_rule_severity"), list(severities), index=1,
                                format_func=severities.__getitem__, key="al_f_severity")
        params = _params(kind)
        submitted = st.form_submit_button(t("al_save_rule"), type="primary")
    if not submitted:
        return
    try:
        record_action("alert_rule_save", area or None, f"{kind}: {name[:60]}")
        rule_id = save_rule(get_writer(), scope, name, kind, params, area, severity)
    except RuleError as exc:
        key = exc.key if exc.key.startswith("alerts_err_") else "al_err_other"
        st.error(f"{t(key)} {md_text(exc.detail)}".strip())
        return
    from components.alerts_view import run_evaluation

    run_evaluation(f"rule {rule_id} saved")
    st.session_state["al_message"] = t("al_rule_saved", n=rule_id) + " · " + \
        st.session_state.get("al_message", "")
    st.rerun()
