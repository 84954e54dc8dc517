"""Poverty depth rendering: how H, A and M0 were computed, the measures at three cut-offs,
contributions by indicator and dimension, annualised change, rank robustness, and the spread
of a province's districts (index and MPI)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components.area_names import area_names, area_title
from components.datasource import current_scope, fetch, fetch_within
from components.i18n import lang, name_col, t
from components.method_panel import how_panel
from components.ui import ExportMeta, guarded, render_table
from data.poverty import poverty_drilldown, poverty_trend
from data.poverty_depth import (
    depth_of,
    mpi_depth,
    mpi_depth_by_province,
    mpi_robustness,
    spread_of,
)
from data.sdg import sdg_index_by_area
from domain import catalogue
from domain import mpi_depth as md
from domain import poverty as pv
from domain.formatting import fmt_num, fmt_year

SOURCE = "จปฐ. / TPMap"
KINDS = ("households",)
_INDICATORS = {i.column: i for i in catalogue.POVERTY_INDICATORS}


def _dim(dim: str) -> str:
    return next((th if lang() == "th" else en) for d, th, en in catalogue.DIMENSIONS if d == dim)


def _indicator(column: str) -> str:
    i = _INDICATORS.get(column)
    return column if i is None else (i.name_th if lang() == "th" else i.name_en)


def _meta(key: str, code: str, year: int | None, **kw: object) -> ExportMeta:
    return ExportMeta(t(key, **kw), area_title(code), year, SOURCE, KINDS)


def _weights(weights: tuple[tuple[str, float], ...] | None) -> pv.Weights:
    return pv.weights_from_key(weights)


# The working's formulas in the page's language (the domain names them in English).
_FORMULA_KEYS = {"poor": "stats_formula_poor", "score_poor": "stats_formula_score_poor",
                 "h": "stats_how_h_formula", "a": "stats_how_a_formula",
                 "mpi": "stats_formula_mpi"}


def explain_tables(total: pd.Series, weights: tuple[tuple[str, float], ...] | None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The working of the area's H, A, M0 as shown on screen (from its own totals)."""
    summary, ind = md.explain_measures(total.to_dict(), _weights(weights))
    steps = pd.DataFrame({
        t("stats_step"): summary.step.map(lambda s: t(f"stats_af_{s}")),
        t("stats_formula"): [t(_FORMULA_KEYS[s]) if s in _FORMULA_KEYS else f
                             for s, f in zip(summary.step, summary.formula, strict=True)],
        # Counts as whole numbers, ratios to six decimals (the CSV carries the same text).
        # A withheld figure reads "–", as everywhere on the pages.
        t("stats_value"): ["–" if pd.isna(v) else f"{v:,.0f}" if s in ("population", "poor")
                           else f"{v:.6f}"
                           for s, v in zip(summary.step, summary.value, strict=True)],
    })
    indicators = pd.DataFrame({
        t("stats_dimension"): ind.dimension.map(_dim),
        t("stats_indicator"): ind.indicator.map(_indicator),
        t("stats_weight"): ind.weight.round(6),
        t("stats_uncensored_people"): ind.uncensored_people.round(0),
        t("stats_uncensored_h"): (100 * ind.uncensored_h).round(3),
        t("stats_censored_people"): ind.censored_people.round(0),
        t("stats_censored_h"): (100 * ind.censored_h).round(3),
        t("stats_contribution"): ind.contribution.round(6),
        t("stats_contribution_pct"): ind.contribution_pct.round(2),
    })
    dims = md.by_dimension(ind)
    dimensions = pd.DataFrame({
        t("stats_dimension"): dims.dimension.map(_dim),
        t("stats_weight"): dims.weight.round(6),
        t("stats_contribution"): dims.contribution.round(6),
        t("stats_contribution_pct"): dims.contribution_pct.round(2),
    })
    return steps, indicators, dimensions


@guarded
def render_how_computed(area: str, year: int, k_text: str, total: pd.Series,
                        weights: tuple[tuple[str, float], ...] | None) -> None:
    """'How was this computed?' for the H, A and M0 shown above."""
    with (box := how_panel("H, A, M0", "pov_how_mpi_open")):
        if not box.open:
            return
        steps, indicators, dimensions = explain_tables(total, weights)
        st.caption(t("stats_af_steps", k=k_text))
        render_table(steps, key="stats_af_steps",
                     meta=_meta("stats_how_title_mpi", area, year, k=k_text))
        st.markdown(f"**{html.escape(t('stats_by_indicator'))}**")
        six = st.column_config.NumberColumn(format="%.6f")
        # People counted with thousands separators, as every other count on the page.
        people = st.column_config.NumberColumn(format="localized")
        render_table(indicators, key="stats_af_indicators",
                     meta=_meta("stats_by_indicator", area, year),
                     column_config={t("stats_contribution"): six, t("stats_weight"): six,
                                    t("stats_uncensored_people"): people,
                                    t("stats_censored_people"): people})
        st.markdown(f"**{html.escape(t('stats_by_dimension'))}**")
        render_table(dimensions, key="stats_af_dimensions",
                     meta=_meta("stats_by_dimension", area, year),
                     column_config={t("stats_contribution"): six, t("stats_weight"): six})
        st.caption(t("stats_af_sources"))


def depth_rows(area: str, year: int, weights: tuple[tuple[str, float], ...] | None):
    """``fetch(mpi_depth, area, year, weights)``: a province's (default weights) cut from
    every province's, one cached call a year (``tests/test_mpi_depth_units.py`` holds the cut
    equal to the province's own); other areas and weightings asked for as they are."""
    if weights is None and len(area) == 2 and area.isdigit():
        found = depth_of(fetch(mpi_depth_by_province, year), area)
        if found is not None:
            return found
    return fetch(mpi_depth, area, year, weights)


@guarded
def render_cutoffs(area: str, year: int, weights: tuple[tuple[str, float], ...] | None
                   ) -> object | None:
    st.markdown(f"#### {html.escape(t('stats_depth_title'))}")
    depth = depth_rows(area, year, weights)
    if depth.levels.population.sum() <= 0:
        st.info(t("no_data"))
        return None
    view = pd.DataFrame({
        t("stats_cut"): depth.levels.cut.map(lambda c: t(f"stats_cut_{c}")),
        "k": depth.levels.k,
        t("poverty_measure_h"): (100 * depth.levels.h).round(2),
        t("poverty_measure_a"): (100 * depth.levels.a).round(2),
        "M0": depth.levels.mpi.round(4),
        t("stats_poor_people"): depth.levels.poor.round(0),
    })
    render_table(view, key="stats_depth", meta=_meta("stats_depth_title", area, year),
                 column_config={t("stats_poor_people"): st.column_config.NumberColumn(
                     format="localized")})
    st.caption(t("stats_depth_caption"))
    return depth


@guarded
def render_change(area: str, k_text: str,
                  weights: tuple[tuple[str, float], ...] | None) -> None:
    trend = fetch(poverty_trend, area, pv.parse_k(k_text), weights)
    years = [int(y) for y in trend.year] if not trend.empty else []
    st.markdown(f"#### {html.escape(t('stats_change_title'))}")
    if len(years) < 2:
        st.info(t("stats_change_one_year"))
        return
    c1, c2 = st.columns(2)
    # Options as their labels (BE years): the widgets' state stays plain text.
    labels = {fmt_year(y, lang()): y for y in years}
    options = list(labels)
    first = labels[c1.selectbox(t("stats_change_from"), options, index=0,
                                key="stats_change_from")]
    last = labels[c2.selectbox(t("stats_change_to"), options, index=len(options) - 1,
                               key="stats_change_to")]
    if first == last:
        st.info(t("stats_change_same_year"))
        return
    a, b = sorted((first, last))
    rows = trend.set_index("year")
    out = []
    for measure, scale in (("h", 100.0), ("a", 100.0), ("mpi", 1.0)):
        x0, x1 = float(rows.loc[a, measure]) * scale, float(rows.loc[b, measure]) * scale
        absolute, relative = md.annualised_change(x0, x1, b - a)
        out.append({t("stats_measure"): t(f"poverty_measure_{measure}"),
                    fmt_year(a, lang()): round(x0, 4), fmt_year(b, lang()): round(x1, 4),
                    t("stats_abs_change"): round(absolute, 5),
                    t("stats_rel_change"): round(relative, 3)})
    render_table(pd.DataFrame(out), key="stats_change",
                 meta=_meta("stats_change_title", area, None),
                 column_config={t("stats_abs_change"): st.column_config.NumberColumn(
                     format="%.5f")})
    st.caption(t("stats_change_caption"))


@guarded
def render_robustness(area: str, year: int, weights: tuple[tuple[str, float], ...] | None,
                      depth) -> None:
    if depth is None or len(depth.children) < 3:
        return
    with st.expander(t("stats_robust_title")):
        if not st.toggle(t("stats_robust_run"), key="stats_robust_on"):
            st.caption(t("stats_robust_hint"))
            return
        rob = fetch(mpi_robustness, area, year, weights)
        names = dict(zip(depth.children.code, depth.children[name_col()].fillna(
            depth.children.code), strict=True))
        view = pd.DataFrame({
            t("stats_alternative"): rob.correlations.alternative.map(_alt_label),
            "Spearman ρ": rob.correlations.spearman.round(3),
            t("stats_units"): rob.correlations.units,
        })
        render_table(view, key="stats_robust", meta=_meta("stats_robust_title", area, year))
        movers = [m.assign(alternative=_alt_label(alt)) for alt, m in rob.movers.items()
                  if not m.empty]
        if movers:
            m = pd.concat(movers, ignore_index=True)
            table = pd.DataFrame({
                t("stats_alternative"): m.alternative,
                t("area"): m.code.map(lambda c: names.get(c, c)),
                t("stats_rank_base"): m.rank_base, t("stats_rank_other"): m.rank_other,
                t("stats_shift"): m["shift"],
            })
            st.markdown(f"**{html.escape(t('stats_movers'))}**")
            render_table(table, key="stats_movers", meta=_meta("stats_movers", area, year))
        st.caption(t("stats_robust_caption"))


def _alt_label(alt: str) -> str:
    if alt.startswith("double_"):
        return t("stats_alt_double", dim=_dim(alt.removeprefix("double_")))
    return t(f"stats_cut_{alt}") if alt in ("vulnerable", "severe") else t(f"stats_alt_{alt}")


@guarded
def render_spread(area: str, year: int, k_text: str = "1/3",
                  weights: tuple[tuple[str, float], ...] | None = None) -> None:
    """For a province: the spread of its districts' MPI and SDG index (NITI Aayog's view)."""
    if len(area) != 2 or area.startswith("R:"):
        return
    spread = _district_spread(area, year, pv.parse_k(k_text), weights)
    if spread.empty:
        return
    st.markdown(f"#### {html.escape(t('stats_spread_title', area=area_title(area)))}")
    names = area_names(pd.concat([spread.worst, spread.best]).dropna().astype(str))
    rows = []
    for r in spread.itertuples(index=False):
        digits = 4 if r.measure == "mpi" else 1
        label = t("poverty_measure_mpi") if r.measure == "mpi" else t("stats_sdg_index")
        rows.append({t("stats_measure"): label, t("stats_units"): r.n,
                     t("stats_missing"): r.missing,
                     t("stats_min"): fmt_num(r.min, digits),
                     t("stats_max"): fmt_num(r.max, digits),
                     t("stats_range"): fmt_num(r.range, digits),
                     t("stats_worst"): names.get(r.worst, r.worst or "–"),
                     t("stats_best"): names.get(r.best, r.best or "–")})
    render_table(pd.DataFrame(rows), key="stats_spread",
                 meta=_meta("stats_spread_title", area, year, area=area_title(area)))
    st.caption(t("stats_spread_caption"))


def _district_spread(province: str, year: int, k: float,
                     weights: tuple[tuple[str, float], ...] | None) -> pd.DataFrame:
    """``district_spread`` from cached results: the page's own districts at ``k`` and the SDG
    index of the whole district level (one cached call a year for every session), cut to the
    province; ``tests/test_mpi_depth.py`` holds it equal to the one query."""
    if not (province.isdigit() and current_scope().can_see_province(province)):
        return spread_of(None, None)
    kids = fetch(poverty_drilldown, province, year, k, weights).children
    return spread_of(kids, fetch_within(sdg_index_by_area, "district", year, province))


def render_mpi_depth(area: str, year: int, k_text: str, children: pd.DataFrame,
                     total: pd.Series, weights: tuple[tuple[str, float], ...] | None) -> None:
    """The poverty page's depth section (called once, below the charts; the working of the
    headline H, A and M0 is under the headline figures)."""
    del total
    depth = render_cutoffs(area, year, weights)
    render_change(area, k_text, weights)
    render_robustness(area, year, weights, depth)
    render_spread(area, year, k_text, weights)
