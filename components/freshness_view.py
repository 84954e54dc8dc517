"""Data freshness section of the Data page: when each province last reported each dataset, a
freshness map, the late reporters, and the expected frequencies (set by data stewards)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.area_names import area_names
from components.audit_trail import record_action
from components.datasource import current_scope, fetch, get_writer
from components.i18n import lang, t
from components.maps import render_area_map
from components.ui import ExportMeta, Kpi, guarded, render_kpis, render_table
from data.freshness import (
    DATASETS,
    load_dataset_settings,
    load_freshness,
    save_dataset_setting,
    settings_token,
)
from data.tracking import load_as_of
from domain.formatting import fmt_date, fmt_int


def _date(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return fmt_date(pd.Timestamp(value).date(), lang(), short=True)


@guarded
def render_freshness() -> None:
    as_of = fetch(load_as_of)
    st.caption(t("fr_caption", date=fmt_date(as_of, lang())))
    labels = {d: t(f"fr_dataset_{d}") for d in DATASETS}
    state.url_param("fr_dataset", DATASETS[0], DATASETS)
    dataset = st.segmented_control(t("fr_dataset"), list(labels), key="fr_dataset",
                                   format_func=labels.__getitem__) or DATASETS[0]
    settings = load_dataset_settings(get_writer())
    fresh = fetch(load_freshness, as_of, (dataset,), settings=settings_token(get_writer()))
    counts = fresh.status.value_counts()
    setting = settings.set_index("dataset").loc[dataset]
    render_kpis([
        Kpi(t("fr_kpi_on_time"), fmt_int(int(counts.get("on_time", 0)))),
        Kpi(t("fr_kpi_late"), fmt_int(int(counts.get("late", 0)))),
        Kpi(t("fr_kpi_never"), fmt_int(int(counts.get("never", 0)))),
        Kpi(t("fr_kpi_frequency"), t("fr_days", n=int(setting.frequency_days),
                                     grace=int(setting.grace_days))),
    ])
    if setting.source == "codebook":
        st.caption(t("fr_source_codebook"))
    left, right = st.columns([3, 2])
    with left:
        # Days late (0 = on time) on the diverging scale: on-time provinces take its good end
        # and the late ones stand out, while a country where everyone is on time (a single
        # class) is drawn in its neutral middle, not in a "bad" colour.
        late = (fresh.days_since - fresh.frequency_days - fresh.grace_days).clip(lower=0)
        values = pd.DataFrame({"code": fresh.province_code, "value": late})
        render_area_map(values, level="province", key="fr_map", value_label=t("fr_map_value"),
                        fmt=lambda v: fmt_int(v), scheme="diverging", higher_is_better=False,
                        meta=ExportMeta(t("importx_tab_freshness"), source=labels[dataset]))
    with right:
        render_late(fresh, labels[dataset])
    render_settings(settings)


def render_late(fresh: pd.DataFrame, dataset_label: str) -> None:
    st.markdown(f"#### {t('fr_late_title')}")
    late = fresh[fresh.status != "on_time"].sort_values("days_since", ascending=False,
                                                        na_position="first")
    if late.empty:
        st.success(t("fr_none_late"))
        return
    names = area_names(late.province_code)
    table = pd.DataFrame({
        "province": [names.get(c, c) for c in late.province_code],
        "last": [_date(d) for d in late.last_report],
        "days": late.days_since, "due": [_date(d) for d in late.due_on],
        "status": late.status.map(lambda s: t(f"fr_status_{s}"))})
    render_table(table, key="fr_late", height=min(480, 38 + 35 * len(table)),
                 meta=ExportMeta(t("fr_late_title"), source=dataset_label), column_config={
                     "province": t("fr_col_province"), "last": t("fr_col_last"),
                     "days": st.column_config.NumberColumn(t("fr_col_days"), format="%.0f"),
                     "due": t("fr_col_due"), "status": t("fr_col_status")})


def render_settings(settings: pd.DataFrame) -> None:
    scope = current_scope()
    if not scope.has_role("steward", "admin"):
        return
    labels = {d: t(f"fr_dataset_{d}") for d in DATASETS}
    with st.expander(t("fr_settings")), st.form("fr_settings_form", border=False):
        c1, c2, c3 = st.columns(3)
        dataset = c1.selectbox(t("fr_dataset"), list(labels), format_func=labels.__getitem__)
        current = settings.set_index("dataset").loc[dataset]
        freq = c2.number_input(t("fr_frequency_days"), 1, 3650, int(current.frequency_days))
        grace = c3.number_input(t("fr_grace_days"), 0, 3650, int(current.grace_days))
        if st.form_submit_button(t("fr_save"), type="primary"):
            record_action("dataset_frequency", None, f"{dataset} {freq}+{grace}")
            save_dataset_setting(get_writer(), scope, dataset, int(freq), int(grace))
            st.rerun()
