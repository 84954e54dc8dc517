"""The measures tab: measures that are not SDG indicators on a map and in a ranked table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.datasource import fetch
from components.i18n import lang, name_col, t
from components.maps import render_area_map
from components.ui import ExportMeta, guarded, render_table
from data.measures import load_measures, measure_by_area, measure_years
from domain.formatting import fmt_num, fmt_year
from domain.safe_text import md_text


@guarded
def render_measures() -> None:
    st.caption(t("importx_measures_hint"))
    measures = fetch(load_measures)
    if measures.empty:
        st.info(t("importx_measures_none"))
        return
    names = dict(zip(measures.indicator_code, measures[name_col()], strict=True))
    c1, c2, c3 = st.columns([3, 1, 1])
    code = c1.selectbox(t("importx_measure"), list(names), key="importx_measure_pick",
                        format_func=names.get)
    spec = measures[measures.indicator_code == code].iloc[0]
    years = fetch(measure_years, code)
    if not years:
        st.info(t("no_data"))
        return
    # Labels resolved now: a format function may run outside this session's script run.
    year_labels = {y: fmt_year(int(y), lang()) for y in years}
    year = c2.selectbox(t("year_be"), years[::-1], key="importx_measure_year",
                        format_func=year_labels.__getitem__)
    levels = [lv for lv in ("province", "district") if lv in str(spec.levels).split(",")]
    level_labels = {lv: t(lv) for lv in levels}
    level = c3.selectbox(t("sdg_level"), levels, key="importx_measure_level",
                         format_func=level_labels.__getitem__)
    st.caption(md_text(f"{t('sdg_unit')}: {spec.unit} · {t('source')}: {spec.source} · "
                       f"{t('importx_measure_not_sdg')}"))
    area = state.area()
    parent = area[:2] if level == "district" and area and not area.startswith("R:") else None
    values = fetch(measure_by_area, code, level, int(year), parent)
    if values.empty:
        st.info(t("no_data"))
        return
    d = int(spec.decimals)
    meta = ExportMeta(str(spec[name_col()]), area_title(parent or ""), int(year), spec.source,
                      ("indicators",))
    left, right = st.columns([5, 6])
    with left:
        render_area_map(values, level=level, key=f"importx_measure_map_{level}",
                        value_label=f"{spec[name_col()]} ({spec.unit})",
                        fmt=lambda v: fmt_num(v, d), parent_code=parent,
                        higher_is_better=bool(spec.direction > 0), meta=meta, height=480)
    with right:
        labels = area_names(values.code)
        ranked = values.sort_values("value", ascending=spec.direction < 0)
        render_table(pd.DataFrame({"area": ranked.code.map(lambda c: labels.get(c, c)),
                                   "value": ranked.value}),
                     key=f"importx_measure_table_{level}", meta=meta, height=480,
                     column_config={"area": t(level), "value": st.column_config.NumberColumn(
                         t("sdg_value"), format=f"%.{d}f")})
