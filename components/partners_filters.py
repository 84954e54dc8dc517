"""Partners page filters (mirrored in the URL): period, area, sectors, goals, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from components import state
from components.i18n import lang, t
from components.partners_common import (
    goal_names,
    sector_names,
)
from data.partners import (
    ActivityFilter,
)
from domain import catalogue
from domain.formatting import fmt_month

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
        st.session_state.pop("pa_months", None)
    if lang() == "th":
        start, end = _month_range(lo, hi, container)
    else:
        picked = container.date_input(t("partners_period"), key="pa_dates", min_value=lo,
                                      max_value=hi, format="DD/MM/YYYY")
        dates = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
        start = dates[0] if dates else default[0]
        end = dates[1] if len(dates) > 1 else hi  # half-chosen range: open-ended until picked
    st.session_state.pa_from, st.session_state.pa_to = start.isoformat(), end.isoformat()
    return start, end


def _month_range(lo: dt.date, hi: dt.date, container: Any) -> tuple[dt.date, dt.date]:
    """The period in Thai: a range of months labelled in the Buddhist era (Streamlit's date
    picker knows only Common Era years), from the first of one month to the end of another."""
    months = [dt.date(y, m, 1) for y in range(lo.year, hi.year + 1) for m in range(1, 13)]
    if "pa_months" not in st.session_state:
        start, end = st.session_state.pa_dates
        st.session_state.pa_months = (start.replace(day=1), end.replace(day=1))
    # The default (the whole span) makes it a range slider; the session value set above wins.
    picked = container.select_slider(
        t("partners_period"), months, value=(months[0], months[-1]), key="pa_months",
        format_func=lambda d: fmt_month(d.year, d.month, "th"))
    first, last = picked if isinstance(picked, (tuple, list)) else (picked, picked)
    following = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    start, end = first, following - dt.timedelta(days=1)
    st.session_state.pa_dates = (start, end)
    return start, end


def activity_filter(area: str, year: int | None, span: tuple[dt.date, dt.date]) -> ActivityFilter:
    sectors = sector_names()
    goals = goal_names()
    with st.container(border=True):
        # The period gets the width of its two whole dates (it was cut to "31/1" at 1366 px).
        c1, c2, c3, c4 = st.columns([3, 2, 3, 2])
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
