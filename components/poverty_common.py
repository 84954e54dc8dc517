"""Poverty page: view options (measure, dimension, k, weights), labels, formats and export details."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_title
from components.charts import compact_style
from components.i18n import lang, t
from components.ui import (
    ExportMeta,
)
from domain import catalogue
from domain import poverty as pv
from domain.formatting import fmt_int, fmt_num, fmt_pct

SOURCE = "จปฐ. / TPMap"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("households",)
DIMENSION_COLOURS = {"health": "#1B9E77", "living": "#D95F02", "education": "#7570B3",
                     "income": "#E7298A", "access": "#66A61E"}
STATUS_COLOURS = {"identified": "#FDB863", "in_progress": "#4393C3", "resolved": "#1B7837"}
MAP_LEVEL = {"": "province", "R": "province", 2: "district", 4: "subdistrict"}


# -- view options --------------------------------------------------------------------------
def view_options() -> tuple[str, str | None, str]:
    """Measure, dimension (None: all) and cut-off k, mirrored in the URL."""
    state.url_param("pov_measure", "mpi", pv.MEASURES)
    state.url_param("pov_dim", "all", ("all", *catalogue.DIMENSION_CODES))
    state.url_param("pov_k", "1/3", pv.K_CHOICES)
    labels = {m: t(f"poverty_measure_{m}") for m in pv.MEASURES}
    dims = {"all": t("poverty_dim_all")} | {
        d: (th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS}
    # The measure's buttons get a row of their own: beside two other controls at 1366 px
    # (and in meeting mode's large type) the last ones were cut ("Peop...").
    measure = st.segmented_control(t("poverty_measure"), pv.MEASURES, key="pov_measure",
                                   format_func=labels.__getitem__) or "mpi"
    c2, c3 = st.columns([2, 3])
    with c2:
        dim = st.selectbox(t("poverty_dimension"), list(dims), key="pov_dim",
                           format_func=dims.__getitem__)
    with c3:
        k = st.select_slider(t("poverty_k"), pv.K_CHOICES, key="pov_k",
                             help=t("poverty_k_help"))
    return measure, (None if dim == "all" else dim), k


_EQUAL = ",".join("1" for _ in catalogue.DIMENSION_CODES)


def chosen_weights() -> tuple[tuple[str, float], ...] | None:
    """Relative dimension weights (URL ``pov_w``, e.g. ``1,1,1,2,1``); None when equal."""
    raw = state.url_param("pov_w", _EQUAL)
    try:
        values = pv.parse_dimension_weights(raw)
    except ValueError:
        values = pv.parse_dimension_weights(_EQUAL)
    with st.expander(t("poverty_weights")):
        cols = st.columns(len(catalogue.DIMENSION_CODES))
        chosen = []
        for col, dim, value in zip(cols, catalogue.DIMENSION_CODES, values, strict=True):
            key = f"pov_w_{dim}"
            if key not in st.session_state:
                st.session_state[key] = float(value)
            with col:
                chosen.append(st.number_input(dim_name(dim), min_value=0.0, max_value=10.0,
                                              step=0.5, key=key))
        st.caption(t("poverty_weights_help"))
    if sum(chosen) <= 0:
        chosen = [1.0] * len(chosen)
    st.session_state["pov_w"] = ",".join(f"{v:g}" for v in chosen)
    if len(set(chosen)) == 1:
        return None
    return pv.nested_weights(dict(zip(catalogue.DIMENSION_CODES, chosen, strict=True))).key()


def dim_name(dim: str) -> str:
    return next((th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS if d == dim)


def indicator_names() -> dict[str, str]:
    return {i.code: (i.name_th if lang() == "th" else i.name_en)
            for i in catalogue.POVERTY_INDICATORS}


def measure_label(measure: str, dim: str | None) -> str:
    label = t(f"poverty_measure_{measure}")
    return f"{label} · {dim_name(dim)}" if dim else label


def measure_display(df: pd.DataFrame, measure: str, dim: str | None) -> pd.Series:
    """The selected measure in display units (percent for H and A, index for MPI)."""
    values = df[pv.measure_column(measure, dim)].astype(float)
    return values * 100.0 if measure in ("h", "a") else values


def measure_format(measure: str):
    language = lang()
    if measure in ("h", "a"):
        return lambda v: fmt_pct(v, 1, language)
    if measure == "mpi":
        return lambda v: fmt_num(v, 4, language)
    return lambda v: fmt_int(v, language)


def poverty_style(fig: go.Figure, height: int = 340) -> go.Figure:
    return compact_style(fig, height=height, top=30, legend_y=-0.18)


def poverty_meta(key: str, area: str, year: int | None) -> ExportMeta:
    return ExportMeta(t(key), area_title(area), year, SOURCE, KINDS)
