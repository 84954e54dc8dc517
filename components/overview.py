"""Overview page rendering: SDG index, 17-goal strip, index map, best/worst, movers and KPIs."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.area_names import area_names, area_title
from components.charts import BAD, GOOD, figure_of, goal_colour, goal_name, style_figure
from components.datasource import current_scope, fetch, fetch_within
from components.how_computed import render_index_how, render_map_index_how
from components.i18n import lang, t
from components.maps import render_area_map
from components.sdg_figures import goal_scores_of
from components.sdg_labels import GOALS, category_label
from components.ui import (
    ExportMeta,
    Kpi,
    guarded,
    render_chart,
    render_kpis,
    render_page_header,
    render_table,
)
from data.overview import index_movers, overview_headline, overview_headline_by_province
from data.protect import threshold as small_count_threshold
from data.sdg import NATIONAL, load_sdg_years, sdg_index_by_area
from domain import sdg as scoring
from domain.formatting import fmt_int, fmt_num, fmt_pct, fmt_signed, fmt_year

SOURCE = "SDG Index (War Room)"
# Import kinds behind these figures: the exports' "data as of" date follows them.
KINDS = ("indicator_catalogue", "indicators")

def _scope_of(area: str) -> tuple[str, str, str | None]:
    """(focus code whose index is headlined, child level on the map, parent of the children)."""
    if area and not area.startswith("R:"):
        return area[:2], "district", area[:2]
    if area.startswith("R:"):
        return NATIONAL, "province", area
    return NATIONAL, "province", None


# Text on the category colours: dark on the yellow and the cyan, white on the red and green
# (contrast 4.5:1 or better for the large figures).
_CATEGORY_INK = {"performer": "#1f2933", "front_runner": "#1f2933"}


def goal_strip_html(scores: dict[int, float], reference: dict[int, float] | None,
                    language: str, reference_label: str) -> str:
    """17 tiles coloured by the score's performance category, each with the official goal
    colour as a band on top, the goal's number and short name, its score and the reference
    score; then the legend of the categories with their thresholds."""
    tiles = []
    for g in GOALS:
        score = scores.get(g)
        has = score is not None and pd.notna(score)
        cat = scoring.category(score) if has else None
        fill = scoring.CATEGORY_COLOURS.get(cat or "", "#D5D8DC")
        ink = _CATEGORY_INK.get(cat or "", "white" if cat else "#1f2933")
        value = fmt_num(score, 0) if has else "–"
        ref = ""
        if reference is not None:
            r = reference.get(g)
            ref_text = fmt_num(r, 0) if r is not None and pd.notna(r) else "–"
            ref = (f'<div class="wr-nowrap" style="font-size:0.75rem">'
                   f'{html.escape(reference_label)} {ref_text}</div>')
        name = t(f"sdg_short_{g}")
        tip = f"{goal_name(g, language)} · {category_label(cat) if cat else t('no_data')}"
        tiles.append(
            f'<div class="wr-goal-tile" title="{html.escape(tip)}" style="background:{fill};'
            f'color:{ink};border-top:0.45rem solid {goal_colour(g)};border-radius:0.4rem;'
            f'padding:0.2rem 0.25rem 0.3rem;text-align:center;line-height:1.15;min-width:0">'
            f'<div class="wr-nowrap" style="font-size:0.8rem;font-weight:700">'
            f'{html.escape(t("sdg_goal"))} {g}</div>'
            f'<div class="wr-nowrap" style="font-size:1.6rem;font-weight:800">{value}</div>'
            f'<div style="font-size:0.72rem;min-height:1.7em;overflow-wrap:anywhere">'
            f'{html.escape(name)}</div>{ref}</div>')
    legend = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:0.3rem;margin-right:1rem">'
        f'<span style="width:1rem;height:1rem;border-radius:0.2rem;background:'
        f'{scoring.CATEGORY_COLOURS[cat]}"></span>{html.escape(category_label(cat))}</span>'
        for cat in ("aspirant", "performer", "front_runner", "achiever"))
    return ('<div style="display:grid;grid-template-columns:repeat(9,minmax(0,1fr));'
            'gap:0.3rem;margin:0.2rem 0 0.3rem">' + "".join(tiles) + "</div>"
            f'<div class="wr-goal-legend" style="font-size:0.85rem;margin-bottom:0.6rem">'
            f'{html.escape(t("sdg_category_legend"))}: {legend} · '
            f'{html.escape(t("sdg_goal_accent_note"))}</div>')


def headline_of(area: str, year: int) -> dict:
    """``overview_headline`` of the area: a province's from every province's, one cached call
    a year for all sessions (``overview_headline_by_province``); any other area on its own."""
    if len(area) == 2 and area.isdigit():
        found = fetch(overview_headline_by_province, year).get(area)
        if found is not None:
            return found
    return fetch(overview_headline, year, area)


@guarded
def render_kpi_row(area: str, year: int) -> None:
    h = headline_of(area, year)
    change = None
    if h["target_poor_people_prev"] and h["target_poor_people"] is not None:
        change = h["target_poor_people"] - h["target_poor_people_prev"]
    resolved = 100.0 * h["cases_resolved"] / h["cases"] \
        if h["cases"] and h["cases_resolved"] is not None else None
    render_kpis([
        Kpi(t("kpi_households"), fmt_int(h["households"])),
        Kpi(t("kpi_target_poor"), fmt_int(h["target_poor_people"]),
            delta=None if change is None else f"{fmt_signed(change, 0)} {t('vs_previous_year')}",
            delta_color="inverse"),
        Kpi(t("kpi_cases_resolved"), fmt_pct(resolved)),
        Kpi(t("kpi_activities"), fmt_int(h["activities"])),
    ])
    if h.get("withheld"):
        st.caption(t("privacy_small_counts", n=small_count_threshold()))


def index_hero_html(value: float | None, prev: float | None, national: float | None,
                    title: str, national_label: str) -> str:
    """The headline SDG index: big number, its category colour and label, change, national."""
    cat = scoring.category(value)
    colour = scoring.CATEGORY_COLOURS.get(cat or "", "#7F7F7F")
    ink = _CATEGORY_INK.get(cat or "", "white")
    lines = [f'<div style="font-size:1rem;font-weight:600">{html.escape(title)}</div>',
             f'<div class="wr-nowrap" style="font-size:clamp(1.9rem, 30cqi, 3.2rem);'
             f'font-weight:800;line-height:1.05">'
             f'{fmt_num(value) if value is not None else "–"}</div>',
             f'<div style="font-size:1rem">{html.escape(category_label(cat) if cat else t("ov_no_index"))}</div>']
    if value is not None and prev is not None:
        lines.append(f'<div style="font-size:0.95rem">{fmt_signed(value - prev)} '
                     f'{html.escape(t("vs_previous_year"))}</div>')
    if national is not None:
        lines.append(f'<div style="font-size:0.95rem">{html.escape(national_label)}</div>')
    return (f'<div class="wr-fit wr-hero" style="background:{colour};color:{ink};'
            f'border-radius:0.5rem;padding:0.5rem 0.4rem;text-align:center">'
            + "".join(lines) + "</div>")


@guarded
def render_goal_strip(focus: str, year: int) -> None:
    codes = (focus, NATIONAL) if focus != NATIONAL else (NATIONAL,)
    scores = goal_scores_of(codes, year)
    if scores.empty:
        st.info(t("no_data"))
        return
    mine = scores[scores.area_code == focus].set_index("goal").score.to_dict()
    ref = None
    if focus != NATIONAL:
        ref = scores[scores.area_code == NATIONAL].set_index("goal").score.to_dict()
    # The national scores are Thailand's, whoever looks at them (never "your provinces").
    title = area_title(focus) if focus != NATIONAL else t("country")
    st.markdown(f"**{html.escape(t('ov_goal_strip_title'))}** · {html.escape(title)}")
    st.markdown(goal_strip_html(mine, ref, lang(), t("country")), unsafe_allow_html=True)


@guarded
def render_index_map(movers: pd.DataFrame, level: str, parent: str | None, area: str,
                     year: int, district_goals: int = 0, present: bool = False) -> None:
    title = t("ov_map_title", level=t(level).lower())
    st.markdown(f"**{html.escape(title)}**")
    values = movers[["area_code", "index"]].rename(columns={"area_code": "code",
                                                            "index": "value"})
    clicked = render_area_map(
        values, level=level, key=f"ov_map_{level}", value_label=t("ov_sdg_index"),
        fmt=lambda v: fmt_num(v), parent_code=parent if level == "district" else None,
        selected=area if area and not area.startswith("R:") else None,
        meta=ExportMeta(title, area_title(parent or ""), year, SOURCE, KINDS), height=470,
        controls=not present)
    if clicked and clicked != area:
        state.set_area(clicked)
    if level == "district":
        st.caption(t("ov_district_index_note", goals=district_goals or "–"))
    render_map_index_how(movers.area_code, level, year)


def _ranked(movers: pd.DataFrame, best: bool) -> pd.DataFrame:
    data = movers.dropna(subset=["index"]).sort_values("index", ascending=not best).head(5)
    names = area_names(data.area_code)
    return pd.DataFrame({
        "area": data.area_code.map(lambda c: names.get(c, c)),
        "index": data["index"].round(1),
    })


@guarded
def render_best_worst(movers: pd.DataFrame, level: str, parent: str | None, year: int) -> None:
    config = {"area": st.column_config.TextColumn(t(level)),
              "index": st.column_config.NumberColumn(t("ov_sdg_index"), format="%.1f")}
    c1, c2 = st.columns(2)
    for col, best, key in ((c1, True, "ov_best_five"), (c2, False, "ov_worst_five")):
        with col:
            st.markdown(f"**{html.escape(t(key))}**")
            render_table(_ranked(movers, best), height=213, key=f"ov_{key}",
                         meta=ExportMeta(t(key), area_title(parent or ""), year, SOURCE, KINDS),
                         column_config=config)


def build_movers_figure(movers: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """The five biggest gains and five biggest falls of the index since last year."""
    data = movers.dropna(subset=["change"])
    gains = data[data.change > 0].nlargest(5, "change")
    falls = data[data.change < 0].nsmallest(5, "change")
    both = pd.concat([falls, gains]).sort_values("change")
    # Small tick labels so that plotly keeps all ten area names.
    fig = figure_of([{
        "type": "bar", "x": both.change, "y": [names.get(c, c) for c in both.area_code],
        "orientation": "h", "marker": {"color": [GOOD if v > 0 else BAD for v in both.change]},
        "text": [fmt_signed(v) for v in both.change], "textposition": "outside",
        "hovertemplate": "%{y}: %{x:+.1f}<extra></extra>", "textfont": {"size": 12}}],
        {"xaxis": {"title": {"text": t("ov_index_change")}, "zeroline": True,
                   "zerolinecolor": "#666"},
         "yaxis": {"tickfont": {"size": 12}}})
    fig = style_figure(fig, height=260, legend=False, margin={"l": 8, "r": 40, "t": 10, "b": 8})
    return fig.update_yaxes(title=None)  # no axis title (an empty one, as the chart had)


@guarded
def render_movers(movers: pd.DataFrame, area: str, year: int) -> None:
    st.markdown(f"**{html.escape(t('ov_movers_title'))}**")
    if movers.change.dropna().empty:
        st.info(t("no_data"))
        return
    names = area_names(movers.area_code)
    render_chart(build_movers_figure(movers, names), key="ov_movers",
                 meta=ExportMeta(t("ov_movers_title"), area_title(area), year, SOURCE, KINDS))


def _index_now_prev_national(focus: str, year: int) -> tuple[float | None, float | None,
                                                                float | None]:
    """The area's SDG index this year and the year before, and the national index."""
    def number(frame: pd.DataFrame, column: str) -> float | None:
        value = frame[column].iloc[0] if not frame.empty else None
        return None if value is None or pd.isna(value) else float(value)

    nat = fetch(index_movers, "country", year)
    if focus == NATIONAL:
        mine = nat
    else:
        mine = fetch_within(index_movers, "province", year, focus)
        mine = mine[mine.area_code == focus]
    return number(mine, "index"), number(mine, "prev_index"), number(nat, "index")


def render_overview_page() -> None:
    area, year = state.area(), state.year()
    # Meeting mode (components.style): the map without its view and class pickers.
    present = bool(st.session_state.get("meeting"))
    render_page_header(t("page_overview"), f"{area_title(area)} · {fmt_year(year, lang())}")
    if year is None:
        st.info(t("no_data"))
        return
    focus, level, parent = _scope_of(area)
    render_kpi_row(area, year)
    if year not in fetch(load_sdg_years):
        st.info(t("sdg_no_year", year=fmt_year(year, lang())))
        return
    now, prev, national = _index_now_prev_national(focus, year)
    nat_label = "" if focus == NATIONAL else t("ov_national_index", value=fmt_num(national))
    # A region's or a user's own view headlines the national index: say whose it is.
    label = t("ov_sdg_index") if focus != NATIONAL or not area and \
        current_scope().all_provinces else f"{t('ov_sdg_index')} · {t('country')}"
    hero_html = index_hero_html(now, prev, None if focus == NATIONAL else national, label,
                                nat_label)
    movers = fetch_within(index_movers, level, year, parent)
    district_goals = 0
    if level == "district":
        goals = fetch_within(sdg_index_by_area, "district", year, parent)
        district_goals = int(goals.expected.max()) if not goals.empty else 0
    if present:
        # Meeting mode: the index beside the map, both on the first screen at 1366x768; the
        # goals, the ranking and the movers follow.
        hero, left, right = st.columns([1.3, 5, 3])
        with hero:
            st.markdown(hero_html, unsafe_allow_html=True)
        with left:
            render_index_map(movers, level, parent, area, year, district_goals, True)
        with right:
            render_best_worst(movers, level, parent, year)
        render_goal_strip(focus, year)
        render_movers(movers, area, year)
        render_index_how(focus, year)
        return
    hero, strip = st.columns([1.3, 6])
    with hero:
        st.markdown(hero_html, unsafe_allow_html=True)
    with strip:
        render_goal_strip(focus, year)
    left, right = st.columns([5, 4])
    with left:
        render_index_map(movers, level, parent, area, year, district_goals, False)
    with right:
        render_best_worst(movers, level, parent, year)
        render_movers(movers, area, year)
    # The working of the headline index, the goal strip and the change, below the page's
    # figures (full width: the working tables are wide).
    render_index_how(focus, year)
