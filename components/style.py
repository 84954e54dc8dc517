"""The app's own CSS: layouts that hold from 1280x720 to 4K, and the meeting mode's large type."""

from __future__ import annotations

import streamlit as st

# Sizes follow the box a figure sits in (container query units), so six KPI cards beside a
# sidebar at 1366 px keep their figures whole: a value shrinks to fit and, below its
# minimum, breaks between words (never inside a number) instead of ending in "...".
BASE_CSS = """
<style>
.block-container { padding-top: 3.2rem; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: clamp(1.35rem, 17cqi, 2.0rem); line-height: 1.15; }
[data-testid="stMetricValue"] p { font-size: inherit !important; }
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: normal !important; }
/* Segmented controls wrap onto a second line rather than cutting their last choice. */
[data-testid="stButtonGroup"] div:has(> button) { flex-wrap: wrap !important; }
/* ... and a choice wider than its whole column breaks between words inside its button. */
[data-testid="stButtonGroup"] button { max-width: 100%; height: auto; }
[data-testid="stButtonGroup"] button * { white-space: normal !important; overflow-wrap: normal; }
/* A map's options popover beside its view picker takes the width of its whole label
   ("สีและช่วง" was cut to "สี..."); the picker takes the rest and wraps if it must. */
[data-testid="stColumn"]:has(> [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]
  > [data-testid="stPopover"]) {
  flex: 0 0 auto !important; width: auto !important; min-width: max-content; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
  > [data-testid="stLayoutWrapper"] > [data-testid="stPopover"]) { flex-wrap: nowrap !important; }
[data-testid="stPopover"] button * { text-overflow: clip !important; overflow: visible !important; }
/* Captions dark enough to read on a projector (axe: Streamlit's grey is below 4.5:1). */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #5a5f69 !important; }
/* The "skip the map" link (components.map_a11y): out of the page's flow, off screen until it
   has the keyboard focus, then a visible button over the map's top left. */
[data-testid="stElementContainer"]:has(.wr-skip-map) { position: absolute; z-index: 5; }
.wr-skip-map { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px;
  overflow: hidden; }
.wr-skip-map:focus { position: static; width: auto; height: auto; display: inline-block;
  padding: 0.3rem 0.8rem; background: #19486A; color: #fff !important; border-radius: 4px;
  outline: 3px solid #FDB813; }
.wr-fit { container-type: inline-size; }
.wr-nowrap { white-space: nowrap; }
</style>
"""

# Meeting mode: headline figures at least twice their normal size (2.0rem -> 4.2rem), the
# sidebar and the tools a meeting has no use for hidden, the area and year in a bar that stays
# at the top of the screen.
MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
.block-container { padding-top: 0.4rem !important; max-width: 100% !important;
  padding-left: 2rem !important; padding-right: 2rem !important; }
[data-testid="stMetricValue"] { font-size: clamp(2.6rem, 26cqi, 4.2rem) !important;
  font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: clamp(1.05rem, 1.2vw, 1.6rem) !important; }
/* A figure's share beside it, not on a line of its own: two rows of figures leave the map
   on the first screen. */
[data-testid="stMetric"] > div { display: flex; flex-wrap: wrap; align-items: center;
  column-gap: 0.8rem; }
[data-testid="stMetric"] > div > [data-testid="stMetricLabel"] { flex-basis: 100%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; }
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: inherit !important; }
[data-testid="stMain"] h2 { font-size: clamp(2rem, 2.4vw, 3.4rem) !important; }
[data-testid="stPopover"], [data-testid="stElementToolbar"], .modebar-container {
  display: none !important; }
.wr-meeting-bar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990;
  background: #19486A; color: white; font-size: clamp(1.1rem, 1.4vw, 2rem);
  padding: 0.3rem 2rem; display: flex; gap: 2.5rem; flex-wrap: wrap; }
.wr-meeting-bar b { font-weight: 700; }
.block-container { padding-bottom: 4rem !important; }
/* The switch beside the page title instead of a row of its own. */
.st-key-wr_meeting_row { position: absolute; top: 0.6rem; right: 2rem; z-index: 10;
  width: auto !important; }
[data-testid="stMain"] h2 { padding-top: 0.4rem; }
/* The map on the first screen of every page (1366x768 and up). In any block: the KPI row (K)
   and what follows it keep their order, except a map row (M) further down, which moves up
   before the KPIs; a map right under the KPIs stays there. */
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[data-testid="stVerticalBlock"] > :has([data-testid="stMetric"]),
[data-testid="stVerticalBlock"] > :has([data-testid="stMetric"]) ~ * { order: 2; }
[data-testid="stVerticalBlock"] > :has([data-testid="stMetric"]) ~ :has(iframe[src*="streamlit_folium"]) {
  order: 1; }
[data-testid="stVerticalBlock"] > :has([data-testid="stMetric"]) + :has(iframe[src*="streamlit_folium"]) {
  order: 2; }
/* The map's view picker (map / tile grid / image) is an analyst's tool: the map stays a map. */
[data-testid="stLayoutWrapper"]:has([data-testid="stButtonGroup"]):has([data-testid="stPopover"]):has(
  ~ [data-testid="stElementContainer"] iframe[src*="streamlit_folium"]) { display: none; }
</style>
"""


def render_style(meeting: bool = False) -> None:
    st.markdown(BASE_CSS + (MEETING_CSS if meeting else ""), unsafe_allow_html=True)


def _flag(raw: str) -> int | None:
    return 1 if str(raw).lower() in ("1", "true", "yes") else None


def meeting_mode() -> bool:
    """Meeting mode for this run: ``?meeting=1`` in the URL or the switch at the top (the
    Overview's older ``?present=1`` links open it too)."""
    from components import state

    if "meeting" not in st.session_state and _flag(st.query_params.get("present", "")):
        st.session_state.meeting = 1
    return bool(state.url_param("meeting", None, (None, 1), _flag))


def _on_switch() -> None:
    # None keeps the flag out of the URL; 1 puts meeting=1 in it.
    st.session_state.meeting = 1 if st.session_state.get("meeting_toggle") else None


def render_meeting_switch(meeting: bool) -> None:
    """The switch at the top of every page and, in meeting mode, the area and year in a bar
    that stays on screen however far the page is scrolled."""
    from components import state
    from components.area_names import area_title
    from components.i18n import lang, t
    from domain.formatting import fmt_year
    from domain.safe_text import html_text

    with st.container(horizontal=True, horizontal_alignment="right", key="wr_meeting_row"):
        st.toggle(t("meeting_mode"), value=meeting, key="meeting_toggle", on_change=_on_switch,
                  help=t("meeting_mode_help"))
    if meeting:
        year = state.year()
        parts = [f"<span>{html_text(t('meeting_bar_area'))}: "
                 f"<b>{html_text(area_title(state.area()))}</b></span>"]
        if year:
            parts.append(f"<span>{html_text(t('meeting_bar_year'))}: "
                         f"<b>{html_text(fmt_year(year, lang()))}</b></span>")
        st.markdown(f'<div class="wr-meeting-bar" role="status">{"".join(parts)}</div>',
                    unsafe_allow_html=True)
