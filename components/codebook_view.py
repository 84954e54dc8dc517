"""The indicator codebook on the SDG page: the selected indicator's entry, the whole codebook
(exportable), and for data stewards the form that changes an entry, with its history."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components.datasource import current_scope, data_version, fetch, get_writer
from components.i18n import name_col, t
from components.ui import ExportMeta, guarded, render_table
from data import codebook
from data.sdg import load_sdg_catalogue
from domain.formatting import fmt_num

KINDS = ("indicator_catalogue",)


def _value(field: str, value: object, decimals: int) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if field == "direction":
        return t("sdg_higher_better") if float(value) > 0 else t("sdg_lower_better")
    if field == "update_frequency":
        key = f"stats_freq_{value}"
        return t(key) if t(key) != key else str(value)
    if field in codebook.NUMBER_FIELDS:
        return fmt_num(float(value), decimals)
    return str(value)


def entry_table(spec: pd.Series) -> pd.DataFrame:
    """The indicator's codebook fields, one per row, in the current language."""
    d = int(spec.decimals)
    rows = [{"field": t(f"stats_cb_{f}"), "value": _value(f, spec.get(f"cb_{f}"), d)}
            for f in codebook.FIELDS]
    rows.append({"field": t("stats_cb_bounds_from"),
                 "value": t(f"stats_cb_from_{spec.get('bounds_from', 'catalogue')}")})
    return pd.DataFrame(rows)


@guarded
def render_codebook(spec: pd.Series) -> None:
    name = str(spec[name_col()])
    # Its tables and the steward's form are built only while it is open (opening reruns).
    with (box := st.expander(t("stats_cb_title", indicator=name), key="stats_cb_open",
                             on_change="rerun")):
        if not box.open:
            return
        if spec.get("bounds_from") != "codebook":
            st.caption(t("stats_cb_none"))
        render_table(entry_table(spec), key="stats_cb_entry",
                     meta=ExportMeta(t("stats_cb_title", indicator=name), "", None,
                                     "War Room codebook", KINDS),
                     column_config={"field": t("stats_cb_field"),
                                    "value": t("stats_value")})
        catalogue = fetch(load_sdg_catalogue)
        whole = catalogue[catalogue.goal.notna()]
        table = pd.DataFrame({"indicator_code": whole.indicator_code,
                              "goal": whole.goal.astype(int),
                              "name": whole[name_col()]})
        for f in codebook.FIELDS:
            table[f] = whole[f"cb_{f}"].to_numpy()
        st.markdown(f"**{html.escape(t('stats_cb_all'))}**")
        render_table(table, key="stats_cb_all", height=300,
                     meta=ExportMeta(t("stats_cb_all"), "", None, "War Room codebook", KINDS),
                     column_config={f: t(f"stats_cb_{f}") for f in codebook.FIELDS}
                     | {"indicator_code": t("stats_code"), "goal": t("sdg_goal"),
                        "name": t("stats_indicator")})
        _render_history(str(spec.indicator_code))
        _render_form(spec)


def _render_history(code: str) -> None:
    history = fetch(codebook.load_codebook_history, code)
    if history.empty:
        return
    st.markdown(f"**{html.escape(t('stats_cb_history'))}**")
    view = history.assign(field=history.field.map(lambda f: t(f"stats_cb_{f}")))
    render_table(view.drop(columns=["change_id", "indicator_code"]), key="stats_cb_history",
                 column_config={"field": t("stats_cb_field"), "old_value": t("stats_cb_old"),
                                "new_value": t("stats_cb_new"), "reason": t("stats_cb_reason"),
                                "changed_by": t("stats_cb_by"), "changed_at": t("stats_cb_at")})


def _render_form(spec: pd.Series) -> None:
    scope = current_scope()
    if not scope.has_role("steward", "admin"):
        return
    code = str(spec.indicator_code)

    def current(f: str) -> object:
        v = spec.get(f"cb_{f}")
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    with st.form(f"stats_cb_form_{code}", border=True):
        st.markdown(f"**{html.escape(t('stats_cb_edit'))}**")
        c1, c2, c3 = st.columns(3)
        # Options as their labels: the widgets' state stays plain text.
        directions = {_value("direction", d, 0): d for d in (1, -1)}
        now = current("direction") or spec.direction
        direction = directions[c1.selectbox(t("stats_cb_direction"), list(directions),
                                            index=0 if now > 0 else 1)]
        optimum = c2.number_input(t("stats_cb_optimum"), value=float(
            current("optimum") if current("optimum") is not None else
            (spec.upper_bound if spec.direction > 0 else spec.lower_bound)), format="%.4f")
        lower = c3.number_input(t("stats_cb_lower_bound"), value=float(
            current("lower_bound") if current("lower_bound") is not None else
            (spec.lower_bound if spec.direction > 0 else spec.upper_bound)), format="%.4f")
        c4, c5, c6 = st.columns(3)
        green = c4.number_input(t("stats_cb_green_threshold"), value=current("green_threshold"),
                                format="%.4f")
        red = c5.number_input(t("stats_cb_red_threshold"), value=current("red_threshold"),
                              format="%.4f")
        freqs = {"–": None} | {_value("update_frequency", f, 0): f for f in codebook.FREQUENCIES}
        freq = freqs[c6.selectbox(t("stats_cb_update_frequency"), list(freqs),
                                  index=list(freqs.values()).index(
                                      current("update_frequency")
                                      if current("update_frequency") in codebook.FREQUENCIES
                                      else None))]
        texts = {}
        for f in codebook.TEXT_FIELDS:
            if f == "update_frequency":
                continue
            texts[f] = st.text_input(t(f"stats_cb_{f}"), value=str(current(f) or ""),
                                     max_chars=500)
        reason = st.text_input(t("stats_cb_reason"), max_chars=300)
        if st.form_submit_button(t("stats_cb_save"), type="primary"):
            changes = {"direction": direction, "optimum": optimum, "lower_bound": lower,
                       "green_threshold": green, "red_threshold": red,
                       "update_frequency": freq, **texts}
            try:
                n = codebook.save_codebook_entry(get_writer(), scope, code, changes, reason)
            except (ValueError, PermissionError) as exc:
                st.error(html.escape(t("stats_cb_refused", reason=str(exc))))
                return
            data_version.clear()
            st.success(t("stats_cb_saved", n=n))
