"""The progress method choice (in the URL) and "How was this computed?" for the SDG figures of
the area on screen: its index, goal score, rank band and the indicator's status, each with the
inputs and steps of the very computation that produced it, exportable as CSV."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.datasource import current_scope, fetch, fetch_within
from components.i18n import lang, name_col, t
from components.sdg_figures import goal_scores_of, index_row_of
from components.ui import ExportMeta, guarded, render_table
from data import config
from data.sdg import NATIONAL, explain_sdg_index, load_sdg_catalogue, sdg_index_by_area
from domain import progress, ranking
from domain.formatting import fmt_num, fmt_year

KINDS = ("indicator_catalogue", "indicators")
STATUS_ARROWS = {"achieved": "✓", "on_track": "↑", "moderate": "↗", "stagnating": "→",
                 "decreasing": "↓"}


def how_panel(label: str, key: str | None = None) -> Any:
    """A "How was this computed?" expander for the figure ``label``. With ``key`` its content
    is computed only while it is open (opening it reruns the page): a closed working costs
    nothing, where drawing its tables on every run cost the Overview 20 ms of CPU a rerun."""
    title = t("stats_how_computed") + " · " + label
    if key is None:
        return st.expander(title)
    return st.expander(title, key=key, on_change="rerun")


def method_choice() -> str:
    """The progress method (``?method=sdsn|opensdg``), with its control."""
    method = state.url_param("method", "sdsn", progress.METHODS)
    st.segmented_control(t("stats_method"), progress.METHODS, key="method",
                         format_func=lambda m: t(f"stats_method_{m}"),
                         help=t("stats_method_help"))
    return st.session_state.get("method") or method


def legend(method: str) -> str:
    """The statuses a method gives, best first, for the page's rules note."""
    shown = progress.STATUSES if method == "opensdg" else progress.STATUSES[1:]
    return " · ".join(status_text(s, method) for s in shown)


def band_text(band: object) -> str:
    """The dashboard colour against the codebook's thresholds, as its word. No coloured-dot
    emoji: a machine without an emoji font (Debian's Chromium here, many intranet desktops)
    drew it as an empty box in the table and the exports."""
    if not isinstance(band, str):
        return "–"
    return t("stats_band_" + band)


def status_text(status: object, method: str = "sdsn") -> str:
    """A status with its arrow, named as the method names it."""
    if not isinstance(status, str):
        return t("sdg_status_none")
    key = f"stats_status_{method}_{status}"
    label = t(key)
    if label == key:
        label = t(f"sdg_status_{status}")
    return f"{STATUS_ARROWS.get(status, '')} {label}".strip()


def _fmt(value: object, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return t("stats_yes") if value else t("stats_no")
    if isinstance(value, int):
        return str(value)
    try:
        return fmt_num(float(value), decimals)
    except (TypeError, ValueError):
        return str(value)


def _input_text(name: str, value: object) -> str:
    if name.endswith("year") and isinstance(value, int | float) and not pd.isna(value):
        return fmt_year(int(value), lang())  # BE for Thai readers
    decimals = 6 if name.startswith(("cagr", "ratio", "growth", "threshold")) else 3
    return _fmt(value, decimals)


def progress_working_table(p: progress.Progress) -> pd.DataFrame:
    """One row per input or intermediate value of a status, named in the current language."""
    rows = []
    for name, value in p.inputs:
        label = t(f"stats_in_{name}")
        rows.append({"item": name if label == f"stats_in_{name}" else label,
                     "value": _input_text(name, value)})
    rows.append({"item": t("stats_rule_applied"), "value": t(f"stats_rule_{p.rule}")})
    rows.append({"item": t("sdg_status"), "value": status_text(p.status, p.method)})
    return pd.DataFrame(rows)


def _reason_text(reason: object, row: pd.Series | None = None) -> str:
    if not isinstance(reason, str) or not reason:
        return ""
    if reason == "missing_indicators" and row is not None:
        return t("stats_reason_missing_indicators",
                 missing=int(row["indicators_expected"]) - int(row["indicators"]),
                 expected=int(row["indicators_expected"]),
                 share=fmt_num(100 * float(row["missing_share"]), 1),
                 limit=fmt_num(100 * config.sdg_max_missing(), 0))
    if reason == "few_goals" and row is not None:
        return t("stats_reason_few_goals", goals=int(row["goals"]),
                 expected=int(row["expected"]))
    return t(f"stats_reason_{reason}")


def _index_peers(area: str, level: str, year: int) -> tuple[pd.DataFrame, str]:
    """The areas the index is ranked among: every province, or the districts of a province."""
    if len(area) == 4:
        return fetch_within(sdg_index_by_area, "district", year, area[:2]), "district"
    return fetch(sdg_index_by_area, "province", year), "province"


def _index_tables(working, catalogue: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = dict(zip(catalogue.indicator_code, catalogue[name_col()], strict=True))
    ind = working.indicators
    indicators = pd.DataFrame({
        t("sdg_goal"): ind.goal.map(lambda g: "" if pd.isna(g) else str(int(g))),
        t("sdg_indicator"): ind.indicator_code.map(lambda c: names.get(c, c)),
        t("stats_code"): ind.indicator_code,
        t("stats_raw_value"): ind.value,
        t("stats_lower_bound"): ind.lower_bound,
        t("stats_upper_bound"): ind.upper_bound,
        t("stats_direction"): ind.direction.map(
            lambda d: "" if pd.isna(d) else (t("sdg_higher_better") if d > 0
                                             else t("sdg_lower_better"))),
        t("stats_normalised"): ind.score.round(4),
        t("stats_counted"): ind.counted.map(lambda b: t("stats_yes") if b else t("stats_no")),
        t("stats_left_out_why"): ind.reason.map(_reason_text),
    })
    g = working.goals
    goals = pd.DataFrame({
        t("sdg_goal"): g.goal.astype(int).astype(str),
        t("stats_with_value"): g.indicators.astype(int),
        t("stats_applicable"): g["expected"].astype(int),
        t("stats_share"): (100 * g.share).round(1),
        t("sdg_goal_score"): g.score.round(4),
        t("stats_weight"): g.weight.round(6),
        t("stats_counted"): g.counted.map(lambda b: t("stats_yes") if b else t("stats_no")),
        t("stats_left_out_why"): g.reason.map(
            lambda r: t("stats_reason_few_indicators",
                        share=round(100 * working.min_indicator_share)) if r else ""),
    })
    return indicators, goals


@guarded
def render_area_figures(area: str, level: str, year: int, goal: int, spec: pd.Series,
                        ranking_frame: pd.DataFrame, method: str) -> None:
    """The figures of the area on screen, each with how it was computed (the working only
    while its panel is open; the figures come from the whole level's cached scores, which
    ``tests/test_sdg_figures.py`` holds equal to the working's)."""
    code = area if area and not area.startswith("R:") and len(area) in (2, 4) else NATIONAL
    title = area_title(code) if code != NATIONAL else t("country")
    st.markdown(f"#### {html.escape(t('stats_area_figures', area=title))}")
    if code != NATIONAL and not current_scope().can_see_province(code):
        st.info(t("no_data"))
        return
    row = index_row_of(code, year)
    cols = st.columns(4)
    index_value = row.get("index")
    with cols[0], st.container(border=True):
        st.metric(t("stats_sdg_index"), _fmt(index_value, 1))
        if pd.isna(index_value):
            st.caption(html.escape(_reason_text(row.get("reason"), row)))
    scores = goal_scores_of((code,), year)
    goal_row = scores[scores.goal == goal]
    goal_score = goal_row.score.iloc[0] if len(goal_row) else float("nan")
    with cols[1], st.container(border=True):
        st.metric(t("stats_goal_score", goal=goal), _fmt(goal_score, 1))
    peers, peer_level = (_index_peers(code, level, year) if code != NATIONAL
                         else (pd.DataFrame(), ""))
    bands = (ranking.rank_bands(peers.set_index("area_code")["index"], config.rank_tie_points())
             if not peers.empty else None)
    with cols[2], st.container(border=True):
        _render_rank_figure(code, bands, peer_level)
    mine = ranking_frame[ranking_frame.area_code == code]
    worked = mine.progress.iloc[0] if len(mine) and "progress" in mine else None
    with cols[3], st.container(border=True):
        # "–" when the indicator is not measured for this area (e.g. by province only).
        st.metric(t("stats_indicator_status"),
                  status_text(worked.status, method) if worked else "–",
                  help=t(f"stats_method_{method}_rule"))
    _render_index_how(code, title, year)
    if len(code) == 2:
        from components.mpi_depth import render_spread  # shared with the poverty page

        render_spread(code, year)
    if worked is not None:
        _render_status_how(worked, spec, method, title, year)
    if bands is not None:
        with (box := st.expander(t("stats_rank_table", level=t(peer_level).lower()),
                                 key="sdg_rank_table_open", on_change="rerun")):
            if box.open:
                _render_rank_table(peers, bands, peer_level, title, year)


def _render_index_how(code: str, title: str, year: int) -> None:
    """The index's working, computed only while its panel is open."""
    with (box := how_panel(t("stats_sdg_index"), "sdg_how_index_open")):
        if not box.open:
            return
        working = fetch(explain_sdg_index, code, year)
        if working is None:
            st.info(t("no_data"))
            return
        meta = ExportMeta(t("stats_how_title_index", area=title), title, year, "SDG", KINDS)
        render_index_working(working, fetch(load_sdg_catalogue), meta, working.index)


def _render_status_how(worked: progress.Progress, spec: pd.Series, method: str, title: str,
                       year: int) -> None:
    with (box := how_panel(t("stats_indicator_status"), "sdg_how_status_open")):
        if not box.open:
            return
        st.caption(t(f"stats_method_{method}_rule"))
        render_table(progress_working_table(worked), key="stats_how_status",
                     meta=ExportMeta(t("stats_how_title_status", indicator=spec[name_col()]),
                                     title, year, str(spec.source), KINDS),
                     column_config={"item": t("stats_step"), "value": t("stats_value")})


def _render_rank_figure(code: str, bands: pd.DataFrame | None, peer_level: str) -> None:
    """The area's rank among its peers, with the band of ranks it is tied with as its chip."""
    rank_text, band_text = "–", None
    if bands is not None and code in bands.index:
        b = bands.loc[code]
        rank_text = ranking.band_label(b["rank"], None, None) or "–"
        # The band beside the rank: "74 (74-76)" as one figure broke at its hyphen in a
        # meeting-size card.
        if bool(b.tied):
            band_text = f"{int(b.rank_low)}–{int(b.rank_high)}"
    st.metric(t("stats_index_rank", level=t(peer_level).lower() if peer_level else ""),
              rank_text, delta=band_text, delta_color="off", delta_arrow="off",
              help=t("stats_rank_band_help", points=fmt_num(config.rank_tie_points(), 1)))


def _render_rank_table(peers: pd.DataFrame, bands: pd.DataFrame, peer_level: str, title: str,
                       year: int) -> None:
    names = area_names(peers.area_code)
    table = pd.DataFrame({
        t("stats_rank"): [ranking.band_label(r, lo, hi) for r, lo, hi in zip(
            bands["rank"], bands.rank_low, bands.rank_high, strict=True)],
        t("area"): peers.area_code.map(lambda c: names.get(c, c)).to_numpy(),
        t("stats_sdg_index"): peers["index"].round(2).to_numpy(),
        t("stats_withheld_why"): [_reason_text(r, peers.iloc[i]) for i, r in
                                  enumerate(peers.reason)],
    }).assign(_order=bands["rank"].to_numpy()).sort_values(
        "_order", na_position="last").drop(columns="_order")
    render_table(table, key="stats_index_ranks",
                 meta=ExportMeta(t("stats_rank_table", level=t(peer_level).lower()),
                                 title, year, "SDG", KINDS))
    st.caption(t("stats_rank_band_help", points=fmt_num(config.rank_tie_points(), 1)))


def render_index_working(working, catalogue: pd.DataFrame, meta: ExportMeta,
                         row: pd.Series, key: str = "stats_how") -> None:
    """An index's working: its indicators, its goals and the sum (``key``: the tables' key
    prefix, one per place it is shown on a page)."""
    indicators, goals = _index_tables(working, catalogue)
    st.caption(t("stats_index_steps", ind=round(100 * working.min_indicator_share),
                 goals=round(100 * working.min_goal_share),
                 missing=fmt_num(100 * (working.max_missing or 0), 0)))
    st.markdown(f"**{html.escape(t('stats_step_indicators'))}**")
    render_table(indicators, key=f"{key}_indicators", meta=meta)
    st.markdown(f"**{html.escape(t('stats_step_goals'))}**")
    render_table(goals, key=f"{key}_goals",
                 meta=ExportMeta(t("stats_step_goals"), meta.area, meta.year, meta.source,
                                 meta.kinds))
    summary = t("stats_index_summary", goals=int(row.get("goals", 0) or 0),
                expected=int(row.get("expected", 0) or 0),
                with_value=int(row.get("indicators", 0) or 0),
                applicable=int(row.get("indicators_expected", 0) or 0),
                index=_fmt(row.get("index"), 4))
    st.markdown(html.escape(summary))
