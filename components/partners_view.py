"""Partners page rendering: filters, KPIs, activity over time, coverage, map, network, gaps, detail."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.datasource import fetch
from components.i18n import lang, t
from components.maps import render_area_map
from components.ui import (
    ExportMeta,
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_page_header,
    render_table,
)
from data.partners import (
    ActivityFilter,
    activities_by_child,
    activities_by_quarter,
    activity_need_by_child,
    count_activities,
    coverage_by_sector_goal,
    load_activities_page,
    load_activity_span,
    load_household_years,
    load_need_indicators,
    partner_goal_links,
    partner_kpis,
    partners_for_area,
    sdg_indicator_by_child,
    top_partners,
)
from data.plans import child_code_length
from data.protect import threshold as small_count_threshold
from domain import catalogue
from domain.formatting import fmt_baht, fmt_date, fmt_int, fmt_num, fmt_year
from domain.partners import (
    ACTIVITY_MEASURES,
    GAP_QUADRANTS,
    NEED_MEASURES,
    activity_values,
    household_need,
    need_measure,
    per_thousand,
    rank_gaps,
    sankey_links,
)

try:  # SDG goal scores come from the SDG module when it is installed.
    from data import sdg as sdg_data
except ImportError:  # pragma: no cover - depends on which features are merged
    sdg_data = None

SOURCE = "One Data: partner activities"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("partners", "activities")


def _meta(title_key: str, f: ActivityFilter, year: int | None = None) -> ExportMeta:
    """What an export of this page says about itself, with the period the filters chose."""
    period = ""
    if f.start or f.end:
        period = f"{fmt_date(f.start, lang())} – {fmt_date(f.end, lang())}"
    return ExportMeta(t(title_key), area_title(f.area), year, SOURCE, KINDS, period)
VIEWS = ("overview", "network", "gaps", "activities")
MAP_METRICS = ("activities", "beneficiaries_per_1k")
PAGE_SIZES = (25, 50, 100)
_LEVEL = {2: "province", 4: "district", 6: "subdistrict"}
SECTOR_COLOURS = {"government": "#1F4E79", "private": "#C55A11", "civil_society": "#548235",
                  "religion": "#BF8F00", "academia": "#7030A0", "media": "#2E75B6",
                  "people": "#C00000"}
QUADRANT_COLOURS = {"gap": "#B2182B", "served": "#2166AC", "concentrated": "#92C5DE",
                    "quiet": "#BDBDBD"}


def esc(text: Any, limit: int | None = None) -> str:
    """Partner-written text made safe for plotly labels and hovers (which read HTML tags);
    shortened before escaping so an entity is never cut in half."""
    value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    if limit and len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value)


def _figure(data: list[dict[str, Any]], layout: dict[str, Any], height: int = 380) -> go.Figure:
    """A figure built from plain dicts in one step (several times faster than adding traces
    one by one, which re-validates the figure each time: this keeps reruns quick)."""
    base = {"height": height, "margin": {"l": 8, "r": 8, "t": 30, "b": 8},
            "font": {"family": "Noto Sans Thai, sans-serif", "size": 14},
            "legend": {"orientation": "h", "y": -0.18}}
    return go.Figure(data=data, layout={**base, **layout})


def _sector_names() -> dict[str, str]:
    th = lang() == "th"
    return {code: (name_th if th else name_en) for code, name_th, name_en in catalogue.SECTORS}


def _goal_names() -> dict[int, str]:
    th = lang() == "th"
    return {g: (name_th if th else name_en) for g, name_th, name_en, _ in catalogue.SDG_GOALS}


def _partner_name(df: pd.DataFrame, th_col: str = "name", en_col: str = "name_en") -> pd.Series:
    if lang() == "th":
        return df[th_col]
    return df[en_col].where(df[en_col].notna() & (df[en_col] != ""), df[th_col])


def _names(codes: pd.Series) -> pd.Series:
    names = area_names(codes)
    return codes.map(lambda c: names.get(c, c))


# ---------------------------------------------------------------- filters (mirrored in the URL)

def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        return None


def _multi(url_key: str, options: Sequence[Any], label: str, fmt: Callable[[Any], str],
           cast: Callable[[str], Any] = str, container: Any = st) -> tuple[Any, ...]:
    """A multiselect whose choice is kept in the URL as a comma-separated list."""
    raw = state.url_param(url_key, "")
    widget = f"{url_key}_w"
    if widget not in st.session_state:
        chosen = []
        for part in str(raw).split(","):
            try:
                value = cast(part.strip())
            except (TypeError, ValueError):
                continue
            if value in options and value not in chosen:
                chosen.append(value)
        st.session_state[widget] = chosen
    picked = container.multiselect(label, list(options), key=widget, format_func=fmt,
                                   placeholder=t("partners_all"))
    st.session_state[url_key] = ",".join(str(v) for v in picked)
    return tuple(picked)


def _period(year: int | None, span: tuple[dt.date, dt.date], container: Any) -> tuple[dt.date,
                                                                                      dt.date]:
    """The period filter: a date range, by default the sidebar's year; kept in the URL."""
    lo, hi = dt.date(span[0].year, 1, 1), dt.date(span[1].year, 12, 31)
    y = year if year is not None else span[1].year
    default = (max(lo, dt.date(y, 1, 1)), min(hi, dt.date(y, 12, 31)))
    raw_from = state.url_param("pa_from", "")
    raw_to = state.url_param("pa_to", "")
    if "pa_dates" not in st.session_state:
        start = _parse_date(raw_from) or default[0]
        end = _parse_date(raw_to) or default[1]
        start, end = min(max(start, lo), hi), min(max(end, lo), hi)
        st.session_state.pa_dates = (start, end) if start <= end else default
        st.session_state._pa_year = year
    elif st.session_state.get("_pa_year") != year:
        # A new year in the sidebar moves the period to that year.
        st.session_state.pa_dates = default
        st.session_state._pa_year = year
    picked = container.date_input(t("partners_period"), key="pa_dates", min_value=lo,
                                  max_value=hi, format="DD/MM/YYYY")
    dates = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    start = dates[0] if dates else default[0]
    end = dates[1] if len(dates) > 1 else hi  # half-chosen range: open-ended until picked
    st.session_state.pa_from, st.session_state.pa_to = start.isoformat(), end.isoformat()
    return start, end


def _filters(area: str, year: int | None, span: tuple[dt.date, dt.date]) -> ActivityFilter:
    sectors = _sector_names()
    goals = _goal_names()
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([2, 2, 3, 2])
        start, end = _period(year, span, c1)
        picked_sectors = _multi("pa_sector", list(sectors), t("partners_sector"),
                                sectors.__getitem__, container=c2)
        picked_goals = _multi("pa_goal", list(goals), t("partners_goal"),
                              lambda g: f"{g}. {goals[g]}", cast=int, container=c3)
        picked_status = _multi("pa_status", list(catalogue.ACTIVITY_STATUSES),
                               t("partners_status"),
                               {s: t(f"partners_status_{s}")
                                for s in catalogue.ACTIVITY_STATUSES}.__getitem__,
                               container=c4)
    return ActivityFilter(area, start, end, picked_sectors, picked_goals, picked_status)


# ---------------------------------------------------------------- KPIs and overview

@guarded
def render_partner_kpis(f: ActivityFilter) -> None:
    k = fetch(partner_kpis, f)
    language = lang()
    render_kpis([
        Kpi(t("partners_kpi_partners"), fmt_int(k["partners"]), help=t("partners_kpi_partners_help")),
        Kpi(t("partners_kpi_activities"), fmt_int(k["activities"]),
            help=t("partners_kpi_activities_help")),
        Kpi(t("partners_kpi_beneficiaries"), fmt_int(k["beneficiaries"])),
        Kpi(t("partners_kpi_budget"), fmt_baht(k["budget"], language)),
    ])


@guarded
def render_time_chart(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_time_title')}")
    df = fetch(activities_by_quarter, f)
    if df.empty:
        st.info(t("no_data"))
        return
    language = lang()
    quarters = df[["year", "quarter"]].drop_duplicates().sort_values(["year", "quarter"])
    # Short quarter labels: the BE year in Thai, the CE year in English.
    labels = {(y, q): f"{int(y) + (543 if language == 'th' else 0)} Q{int(q)}"
              for y, q in quarters.itertuples(index=False)}
    order = [labels[k] for k in quarters.itertuples(index=False, name=None)]
    in_period = {}
    for y, q in quarters.itertuples(index=False, name=None):
        first = dt.date(int(y), 3 * int(q) - 2, 1)
        last = (dt.date(int(y) + 1, 1, 1) if q == 4 else dt.date(int(y), 3 * int(q) + 1, 1)) \
            - dt.timedelta(days=1)
        in_period[labels[(y, q)]] = ((f.end is None or first <= f.end)
                                     and (f.start is None or last >= f.start))
    names = _sector_names()
    data = []
    for sector in catalogue.SECTOR_CODES:
        part = df[df.sector == sector]
        if part.empty:
            continue
        x = [labels[(y, q)] for y, q in zip(part.year, part.quarter, strict=True)]
        data.append({"type": "bar", "x": x, "y": part.activities.tolist(),
                     "name": names[sector],
                     "marker": {"color": SECTOR_COLOURS[sector],
                                "opacity": [1.0 if in_period[v] else 0.35 for v in x]},
                     "hovertemplate": f"{names[sector]}<br>%{{x}}: %{{y}}<extra></extra>"})
    fig = _figure(data, {
        "barmode": "stack", "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "xaxis": {"categoryorder": "array", "categoryarray": order, "tickangle": -45,
                  "nticks": 14},
        "yaxis": {"title": {"text": t("partners_activities_started")}}})
    render_chart(fig, key="pa_time",
                 meta=_meta("partners_time_title", f))
    st.caption(t("partners_time_caption"))


@guarded
def render_coverage(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_coverage_title')}")
    df = fetch(coverage_by_sector_goal, f)
    if df.empty:
        st.info(t("no_data"))
        return
    names, goals = _sector_names(), _goal_names()
    grid = df.pivot(index="sector", columns="goal", values="activities")
    # Only the filtered sectors: rows of zeros for sectors filtered out would read as gaps.
    rows = [s for s in catalogue.SECTOR_CODES if not f.sectors or s in f.sectors]
    grid = grid.reindex(index=rows, columns=range(1, 18)).fillna(0)
    partners = df.pivot(index="sector", columns="goal", values="partners")
    partners = partners.reindex(index=grid.index, columns=grid.columns).fillna(0)
    custom = [[[goals[g], int(partners.loc[s, g])] for g in grid.columns] for s in grid.index]
    fig = _figure([{
        "type": "heatmap", "z": grid.to_numpy().tolist(), "x": [str(g) for g in grid.columns],
        "y": [names[s] for s in grid.index], "colorscale": "Blues", "customdata": custom,
        "text": grid.astype(int).to_numpy().tolist(), "texttemplate": "%{text}",
        "xgap": 2, "ygap": 2, "colorbar": {"title": {"text": t("partners_activities")}},
        "hovertemplate": (f"%{{y}}<br>{t('partners_goal')} %{{x}}: %{{customdata[0]}}<br>"
                          f"{t('partners_activities')}: %{{z}}<br>"
                          f"{t('partners_kpi_partners')}: %{{customdata[1]}}<extra></extra>")}],
        {"xaxis": {"title": {"text": t("partners_goal")}, "type": "category"},
         "yaxis": {"autorange": "reversed"}})
    render_chart(fig, key="pa_coverage",
                 meta=_meta("partners_coverage_title", f))
    st.caption(t("partners_coverage_caption"))


def _need_year(year: int | None) -> int | None:
    years = fetch(load_household_years)
    if not years:
        return None
    usable = [y for y in years if year is None or y <= year]
    return max(usable) if usable else min(years)


def _area_frame(f: ActivityFilter, year: int | None) -> pd.DataFrame:
    """Per child unit: activity aggregates joined to surveyed households and target poor."""
    return fetch(activity_need_by_child, f, _need_year(year))


@guarded
def render_activity_map(f: ActivityFilter, year: int | None) -> None:
    st.markdown(f"#### {t('partners_map_title')}")
    state.url_param("pa_map", "activities", MAP_METRICS)
    labels = {m: t(f"partners_map_{m}") for m in MAP_METRICS}
    metric = st.segmented_control(t("partners_map_metric"), MAP_METRICS, key="pa_map",
                                  format_func=labels.__getitem__) or "activities"
    frame = _area_frame(f, year)
    if metric == "activities":
        values = frame[["code", "activities"]].rename(columns={"activities": "value"})
        fmt: Callable[[float], str] = fmt_int
    else:
        values = pd.DataFrame({"code": frame.code,
                               "value": per_thousand(frame.beneficiaries, frame.households)})
        fmt = fmt_num
    length = child_code_length(f.area)
    clicked = render_area_map(
        values, level=_LEVEL[length], key="pa_map_view", value_label=labels[metric], fmt=fmt,
        parent_code=f.area or None, selected=None,
        meta=_meta("partners_map_title", f, year))
    if clicked and clicked != f.area:
        state.set_area(clicked)
    wide = fetch(activities_by_child, f)
    n_wide = int(wide[wide.wide.astype(bool)].activities.sum())
    if n_wide:
        st.caption(t("partners_wide_note", n=fmt_int(n_wide)))
    if metric == "beneficiaries_per_1k":
        st.caption(t("partners_per_1k_caption"))
    # The same numbers as a table, for reading exact values.
    table = values.assign(area=_names(values.code)).sort_values("value", ascending=False)
    with st.expander(t("partners_map_table")):
        render_table(table[["area", "value"]], height=240, key="pa_map_table",
                     meta=_meta("partners_map_title", f, year),
                     column_config={"area": t("partners_col_area"),
                                    "value": st.column_config.NumberColumn(
                                        labels[metric], format="localized")})


@guarded
def render_top_partners(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_top_title')}")
    df = fetch(top_partners, f, 15)
    if df.empty:
        st.info(t("no_data"))
        return
    sectors = _sector_names()
    # Partner names go to the grid as plain text: it renders them as text, never as HTML.
    table = pd.DataFrame({
        "partner": _partner_name(df), "sector": df.sector.map(sectors).fillna(df.sector),
        "home": _names(df.home_province), "activities": df.activities, "areas": df.areas,
        "beneficiaries": df.beneficiaries, "budget": df.budget,
    })
    render_table(table, key="pa_top", height=420,
                 meta=_meta("partners_top_title", f),
                 column_config={
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "home": t("partners_col_home"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                     "areas": st.column_config.NumberColumn(t("partners_col_areas")),
                     "beneficiaries": st.column_config.NumberColumn(
                         t("partners_kpi_beneficiaries"), format="localized"),
                     "budget": st.column_config.NumberColumn(t("partners_kpi_budget"),
                                                             format="localized"),
                 })


# ---------------------------------------------------------------- network

def _link_colour(source: str, target: str) -> str:
    """A band takes its sector's colour on the left and its goal's colour on the right."""
    if source.startswith("s:"):
        hex_colour = SECTOR_COLOURS.get(source[2:], "#888888")
    else:
        hex_colour = catalogue.GOAL_COLOURS.get(int(target[2:]), "#888888")
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.28)"


def build_network_figure(links: pd.DataFrame, flows: pd.DataFrame, top_n: int) -> go.Figure:
    """Sankey sector -> partner -> goal; every label escaped (plotly reads HTML-like tags)."""
    sectors, goals = _sector_names(), _goal_names()
    partner_label = dict(zip(links.partner_id, _partner_name(links), strict=False))
    ids = list(dict.fromkeys([*flows.source, *flows.target]))
    merged = dict(zip(flows.target, flows.merged, strict=False))

    def label(node: str) -> str:
        kind, _, key = node.partition(":")
        if kind == "s":
            return esc(sectors.get(key, key))
        if kind == "g":
            return esc(f"{key}. {goals.get(int(key), '')}", 34)
        if kind == "o":
            return esc(t("partners_others", n=fmt_int(merged.get(node, 0)),
                         sector=sectors.get(key, key)), 40)
        return esc(partner_label.get(int(key), key), 48)

    def colour(node: str) -> str:
        kind, _, key = node.partition(":")
        if kind == "g":
            return catalogue.GOAL_COLOURS[int(key)]
        if kind == "s":
            return SECTOR_COLOURS.get(key, "#888")
        return "#9E9E9E" if kind == "o" else "#5B7FA6"

    index = {n: i for i, n in enumerate(ids)}
    sankey = {
        "type": "sankey", "arrangement": "snap",
        "node": {"label": [label(n) for n in ids], "color": [colour(n) for n in ids],
              "pad": 6, "thickness": 14,
              "hovertemplate": "%{label}: %{value}<extra></extra>"},
        "link": {"source": [index[s] for s in flows.source],
              "target": [index[x] for x in flows.target], "value": flows.value.tolist(),
              "color": [_link_colour(src, dst) for src, dst in zip(flows.source, flows.target,
                                                                    strict=True)],
              "hovertemplate": "%{source.label} → %{target.label}: %{value}<extra></extra>"}}
    height = max(520, min(1400, 16 * sum(1 for n in ids if n[0] in "po") + 160))
    del top_n
    return _figure([sankey], {}, height)


@guarded
def render_network(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_network_title')}")
    top_n = state.url_param("pa_topn", 3, list(range(0, 21)), cast=int)
    st.slider(t("partners_topn"), min_value=0, max_value=20, key="pa_topn",
              help=t("partners_topn_help"))
    links = fetch(partner_goal_links, f)
    if links.empty:
        st.info(t("no_data"))
        return
    flows = sankey_links(links, int(top_n))
    fig = build_network_figure(links, flows, int(top_n))
    render_chart(fig, key="pa_network",
                 meta=_meta("partners_network_title", f))
    st.caption(t("partners_network_caption", partners=fmt_int(links.partner_id.nunique())))


# ---------------------------------------------------------------- gaps

def _need_options() -> list[str]:
    keys = [m.key for m in NEED_MEASURES]
    if sdg_data is None or not hasattr(sdg_data, "goal_scores_by_area"):
        keys.remove("sdg_goal")
    return keys


def _need_values(key: str, f: ActivityFilter, year: int | None,
                 frame: pd.DataFrame) -> tuple[pd.Series, str]:
    """Need per child code of the page's area, and a note on where it comes from."""
    measure = need_measure(key)
    need_year = _need_year(year)
    language = lang()
    if measure.source == "households":
        values = household_need(frame, key)
        return pd.Series(values.to_numpy(), index=frame.code), t(
            "partners_need_source_households", year=fmt_year(need_year, language))
    length = child_code_length(f.area)
    if measure.source == "sdg_indicator":
        code = st.session_state.get("pa_ind")
        df = fetch(sdg_indicator_by_child, f.area, year or need_year or 0, code)
        if df.empty:
            return pd.Series(dtype=float), t("partners_need_no_values")
        return pd.Series(df.value.to_numpy(), index=df.code), t(
            "partners_need_source_indicator", year=fmt_year(int(df.year.max()), language))
    goal = int(st.session_state.get("pa_need_goal", 1))
    parent = f.area or None
    if _LEVEL[length] not in getattr(sdg_data, "LEVELS", ()):
        return pd.Series(dtype=float), t("partners_need_no_values")
    scores = fetch(sdg_data.goal_scores_by_area, _LEVEL[length], year or need_year, parent)
    scores = scores[scores.goal == goal]
    if f.area and not f.area.startswith("R:"):
        scores = scores[scores.area_code.astype(str).str.startswith(f.area)]
    return pd.Series(scores.score.to_numpy(), index=scores.area_code.astype(str)), t(
        "partners_need_source_goal", goal=goal)


@guarded
def render_gaps(f: ActivityFilter, year: int | None) -> None:
    st.markdown(f"#### {t('partners_gap_title')}")
    st.caption(t("partners_gap_intro"))
    need_keys = _need_options()
    state.url_param("pa_need", "target_poor_share", need_keys)
    act_keys = [m.key for m in ACTIVITY_MEASURES]
    state.url_param("pa_act", "activities_per_10k", act_keys)
    c1, c2, c3 = st.columns([2, 3, 2])
    need_key = c1.selectbox(t("partners_need_measure"), need_keys, key="pa_need",
                            format_func={k: t(f"partners_need_{k}") for k in need_keys}.__getitem__)
    measure = need_measure(need_key)
    higher_is_worse = measure.higher_is_worse
    if measure.source == "sdg_indicator":
        inds = fetch(load_need_indicators)
        codes = list(inds.indicator_code)
        state.url_param("pa_ind", codes[0] if codes else "", codes)
        names = dict(zip(inds.indicator_code, inds.name_th if lang() == "th" else inds.name_en,
                         strict=True))
        c2.selectbox(t("partners_need_indicator"), codes, key="pa_ind",
                     format_func=lambda c: f"{c.split('_')[0].upper()} · {names.get(c, c)}")
        direction = inds.set_index("indicator_code").direction.get(st.session_state.pa_ind, -1)
        higher_is_worse = int(direction) < 0
    elif measure.source == "sdg_goal":
        goals = _goal_names()
        state.url_param("pa_need_goal", 1, list(goals), cast=int)
        c2.selectbox(t("partners_need_goal"), list(goals), key="pa_need_goal",
                     format_func=lambda g: f"{g}. {goals[g]}")
    act_key = c3.selectbox(t("partners_activity_measure"), act_keys, key="pa_act",
                           format_func={k: t(f"partners_act_{k}") for k in act_keys}.__getitem__)
    with st.expander(t("partners_gap_how"), expanded=False):
        st.markdown(t(f"partners_need_{need_key}_help"))
        st.markdown(t(f"partners_act_{act_key}_help"))
        st.markdown(t("partners_gap_method"))

    frame = _area_frame(f, year)
    need, note = _need_values(need_key, f, year, frame)
    data = frame.assign(need=frame.code.map(need), activity=activity_values(frame, act_key))
    if measure.source != "households":
        # SDG values may exist for areas without surveyed households: keep them too.
        extra = pd.DataFrame({"code": [c for c in need.index if c not in set(frame.code)]})
        if not extra.empty:
            extra = extra.assign(need=extra.code.map(need), activity=0.0)
            data = pd.concat([data, extra], ignore_index=True)
    ranked = rank_gaps(data, higher_is_worse=higher_is_worse)
    if ranked.empty:
        st.info(note if need.empty else t("no_data"))
        return
    ranked = ranked.assign(area=_names(ranked.code))
    render_gap_chart(f, ranked, need_key, act_key)
    st.caption(note)
    if measure.source == "households" and "withheld" in frame and frame.withheld.any():
        st.caption(t("privacy_small_counts_left_out", count=int(frame.withheld.sum()),
                     n=small_count_threshold()))
    quadrants = {q: t(f"partners_quadrant_{q}") for q in GAP_QUADRANTS}
    table = pd.DataFrame({
        "rank": ranked["rank"], "area": ranked.area, "need": ranked.need,
        "activity": ranked.activity, "need_pct": (100 * ranked.need_pct).round(0),
        "activity_pct": (100 * ranked.activity_pct).round(0), "gap": ranked.gap.round(2),
        "quadrant": ranked.quadrant.map(quadrants), "activities": ranked.activities,
    })
    render_table(table, key="pa_gap_table", height=420,
                 meta=_meta("partners_gap_title", f, year),
                 column_config={
                     "rank": st.column_config.NumberColumn(t("partners_col_rank")),
                     "area": t("partners_col_area"),
                     "need": st.column_config.NumberColumn(t(f"partners_need_{need_key}"),
                                                           format="localized"),
                     "activity": st.column_config.NumberColumn(t(f"partners_act_{act_key}"),
                                                               format="localized"),
                     "need_pct": st.column_config.ProgressColumn(
                         t("partners_col_need_pct"), min_value=0, max_value=100, format="%.0f"),
                     "activity_pct": st.column_config.ProgressColumn(
                         t("partners_col_activity_pct"), min_value=0, max_value=100,
                         format="%.0f"),
                     "gap": st.column_config.NumberColumn(t("partners_col_gap"), format="%.2f"),
                     "quadrant": t("partners_col_quadrant"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                 })
    render_candidates(f, ranked)


def render_candidates(f: ActivityFilter, ranked: pd.DataFrame) -> None:
    """Who could be sent to one of the top gap areas: partners active nearby on the same goals."""
    st.markdown(f"##### {t('partners_send_title')}")
    top = ranked[ranked.gap > 0].head(10)
    if top.empty:
        st.info(t("partners_send_none"))
        return
    names = dict(zip(top.code, top.area, strict=True))
    state.url_param("pa_gap_area", top.code.iloc[0], list(top.code))
    code = st.selectbox(t("partners_send_area"), list(top.code), key="pa_gap_area",
                        format_func=names.__getitem__)
    df = fetch(partners_for_area, f, code, 10)
    if df.empty:
        st.info(t("no_data"))
        return
    sectors = _sector_names()
    table = pd.DataFrame({
        "partner": _partner_name(df), "sector": df.sector.map(sectors).fillna(df.sector),
        "home": _names(df.home_province), "activities": df.activities,
        "in_area": df.in_area, "areas": df.areas,
    })
    render_table(table, key="pa_send_table",
                 meta=ExportMeta(t("partners_send_title"), names[code], None, SOURCE, KINDS),
                 column_config={
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "home": t("partners_col_home"),
                     "activities": st.column_config.NumberColumn(t("partners_activities")),
                     "in_area": st.column_config.NumberColumn(t("partners_col_in_area")),
                     "areas": st.column_config.NumberColumn(t("partners_col_areas")),
                 })
    st.caption(t("partners_send_caption"))


def render_gap_chart(f: ActivityFilter, ranked: pd.DataFrame, need_key: str,
                     act_key: str) -> None:
    data = []
    for q in GAP_QUADRANTS:
        part = ranked[ranked.quadrant == q]
        if part.empty:
            continue
        data.append({
            "type": "scatter", "x": (part.need_pct * 100).tolist(),
            "y": (part.activity_pct * 100).tolist(), "mode": "markers",
            "name": t(f"partners_quadrant_{q}"),
            "marker": {"color": QUADRANT_COLOURS[q], "size": 10},
            "text": [esc(a) for a in part.area],
            "customdata": list(zip(part.need.map(fmt_num), part.activity.map(fmt_num),
                                   part["rank"].astype(int).tolist(), strict=True)),
            "hovertemplate": (f"%{{text}} (#%{{customdata[2]}})<br>"
                              f"{t(f'partners_need_{need_key}')}: %{{customdata[0]}}<br>"
                              f"{t(f'partners_act_{act_key}')}: %{{customdata[1]}}"
                              "<extra></extra>")})
    notes = [{"x": row.need_pct * 100, "y": row.activity_pct * 100, "text": esc(row.area, 24),
              "showarrow": False, "yshift": 12, "font": {"size": 12}}
             for row in ranked.head(8).itertuples(index=False)]
    line = {"type": "line", "line": {"dash": "dot", "color": "#777"}}
    fig = _figure(data, {
        "annotations": notes,
        "shapes": [{**line, "x0": 50, "x1": 50, "y0": 0, "y1": 1, "yref": "paper"},
                   {**line, "y0": 50, "y1": 50, "x0": 0, "x1": 1, "xref": "paper"}],
        "xaxis": {"title": {"text": t("partners_col_need_pct")}, "range": [-2, 104]},
        "yaxis": {"title": {"text": t("partners_col_activity_pct")}, "range": [-2, 104]}},
        460)
    render_chart(fig, key="pa_gap_chart",
                 meta=_meta("partners_gap_title", f))


# ---------------------------------------------------------------- activity detail

@guarded
def render_activity_table(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_detail_title')}")
    total = fetch(count_activities, f)
    size = state.url_param("pa_size", 25, list(PAGE_SIZES), cast=int)
    pages = max(1, math.ceil(total / size))
    state.url_param("pa_page", 1, cast=int)
    page = st.session_state.pa_page
    if not isinstance(page, int) or not 1 <= page <= pages:
        st.session_state.pa_page = min(max(1, page if isinstance(page, int) else 1), pages)
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.selectbox(t("partners_page_size"), list(PAGE_SIZES), key="pa_size")
    c2.number_input(t("partners_page_number"), min_value=1, max_value=pages, step=1,
                    key="pa_page")
    page = int(st.session_state.pa_page)
    c3.caption(t("partners_page_of", page=fmt_int(page), pages=fmt_int(pages),
                 total=fmt_int(total)))
    if not total:
        st.info(t("no_data"))
        return
    df = fetch(load_activities_page, f, size, (page - 1) * size)
    language = lang()
    sectors = _sector_names()
    # Partner-written text (names, titles) goes to the grid as plain text: never as HTML.
    table = pd.DataFrame({
        "started": df.started_on.map(lambda d: fmt_date(pd.Timestamp(d).date(), language, True)),
        "status": df.status.map(lambda s: t(f"partners_status_{s}")),
        "partner": _partner_name(df, "partner", "partner_en"),
        "sector": df.sector.map(sectors).fillna(df.sector),
        "title": df.title, "area": _names(df.area_code), "goals": df.goals.fillna(""),
        "beneficiaries": df.beneficiaries, "budget": df.budget,
    })
    render_table(table, key="pa_detail", height=min(38 * len(table) + 40, 720),
                 meta=_meta("partners_detail_title", f),
                 column_config={
                     "started": t("partners_col_started"), "status": t("partners_status"),
                     "partner": t("partners_col_partner"), "sector": t("partners_sector"),
                     "title": t("partners_col_title"), "area": t("partners_col_area"),
                     "goals": t("partners_col_goals"),
                     "beneficiaries": st.column_config.NumberColumn(
                         t("partners_kpi_beneficiaries"), format="localized"),
                     "budget": st.column_config.NumberColumn(t("partners_kpi_budget"),
                                                             format="localized"),
                 })


# ---------------------------------------------------------------- page

def render_partners_page() -> None:
    area, year = state.area(), state.year()
    language = lang()
    span = fetch(load_activity_span)
    if span is None:
        render_page_header(t("page_partners"), area_title(area))
        st.info(t("no_data"))
        return
    render_page_header(t("page_partners"), area_title(area))
    f = _filters(area, year, span)
    st.caption(t("partners_period_note", start=fmt_date(f.start, language),
                 end=fmt_date(f.end, language)))
    render_partner_kpis(f)
    state.url_param("pa_view", "overview", VIEWS)
    st.segmented_control(t("partners_view"), VIEWS, key="pa_view",
                         format_func={v: t(f"partners_view_{v}") for v in VIEWS}.__getitem__,
                         label_visibility="collapsed")
    view = st.session_state.get("pa_view") or "overview"
    if view == "overview":
        left, right = st.columns([3, 2])
        with left:
            render_time_chart(f)
        with right:
            render_coverage(f)
        left, right = st.columns([3, 2])
        with left:
            render_activity_map(f, year)
        with right:
            render_top_partners(f)
    elif view == "network":
        render_network(f)
    elif view == "gaps":
        render_gaps(f, year)
    else:
        render_activity_table(f)
