"""A new measure from the mapping step: the indicator an import needs, SDG or not."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.datasource import current_scope, data_version, get_writer
from components.i18n import lang, t
from data.importer import ImportFailure
from data.importer.measures import NewMeasure, create_measure
from domain.safe_text import md_text

_GOALS = [0, *range(1, 18)]


def _float(text: str) -> float | None:
    text = text.strip().replace(",", "")
    return float(text) if text else None


def render_new_measure(on_created: Callable[[], None]) -> None:
    """A form for the catalogue entry; ``on_created`` re-checks the file against it."""
    with st.expander(t("importx_measure_title")):
        st.caption(t("importx_measure_hint"))
        with st.form("importx_measure_form", clear_on_submit=False):
            c1, c2, c3 = st.columns(3)
            code = c1.text_input(t("importx_measure_code"), placeholder="pop_registered")
            name_th = c2.text_input(t("importx_measure_name_th"))
            name_en = c3.text_input(t("importx_measure_name_en"))
            c1, c2, c3 = st.columns(3)
            unit = c1.text_input(t("importx_measure_unit"), placeholder="คน")
            # Labels resolved now: a format function may run outside this script run.
            directions = {d: t(f"importx_measure_{d}") for d in ("higher", "lower")}
            goals = {g: t("importx_measure_not_sdg") if g == 0 else f"SDG {g}" for g in _GOALS}
            level_names = {lv: t(f"importx_measure_levels_{lv}")
                           for lv in ("province", "province,district")}
            direction = c2.selectbox(t("importx_measure_direction"), list(directions),
                                     format_func=directions.__getitem__)
            goal = c3.selectbox(t("importx_measure_goal"), _GOALS,
                                format_func=goals.__getitem__)
            c1, c2, c3, c4 = st.columns(4)
            lower = c1.text_input(t("importx_measure_lower_bound"))
            upper = c2.text_input(t("importx_measure_upper_bound"))
            levels = c3.selectbox(t("importx_measure_levels"), list(level_names),
                                  format_func=level_names.__getitem__)
            source = c4.text_input(t("importx_measure_source"))
            submitted = st.form_submit_button(t("importx_measure_create"), type="primary")
        if submitted:
            _create(code, name_th, name_en, unit, direction, goal, lower, upper, levels, source,
                    on_created)


def _create(code: str, name_th: str, name_en: str, unit: str, direction: str, goal: int,
            lower: str, upper: str, levels: str, source: str,
            on_created: Callable[[], None]) -> None:
    try:
        measure = NewMeasure(code.strip(), name_th.strip(), name_en.strip(), unit.strip(),
                             direction, source.strip(), goal or None, _float(lower),
                             _float(upper), levels=levels)
        result = create_measure(get_writer(), current_scope(), measure)
    except ValueError:
        st.error(t("importx_measure_bad_number"))
        return
    except ImportFailure as exc:
        st.error(md_text(exc.message(lang())))
        return
    data_version.clear()
    st.success(md_text(t("importx_measure_created", code=measure.code, batch=result.batch_id)))
    on_created()
