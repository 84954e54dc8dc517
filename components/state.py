"""View state (area, year, language, page options) kept in the session and mirrored in the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from components.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language

# Keys always mirrored in the URL; pages add their own with ``url_param``.
CORE_PARAMS = ("area", "year", "lang")
_ACTIVE = "_url_params_this_run"


def begin_run() -> None:
    """Called once at the start of every run, before any widget."""
    st.session_state[_ACTIVE] = {}
    qp = st.query_params
    if "lang" not in st.session_state:
        value = qp.get("lang", DEFAULT_LANGUAGE)
        set_language(value if value in LANGUAGES else DEFAULT_LANGUAGE)
    pending = st.session_state.pop("_pending_area", None)
    if pending is not None:
        st.session_state.area = pending
        st.session_state.pop("_area_widgets_set", None)


def initial_area(valid: Callable[[str], bool], default: str = "") -> str:
    """The area from the URL on the first run of a session if the user may see it, else
    ``default`` (a provincial officer's own province)."""
    if "area" not in st.session_state:
        code = str(st.query_params.get("area", "") or "")
        st.session_state.area = code if code and valid(code) else default
    return st.session_state.area


def initial_year(years: Sequence[int]) -> int | None:
    if not years:
        return None
    year = st.session_state.get("year")
    if year is None:
        try:
            year = int(st.query_params.get("year", ""))
        except ValueError:
            year = None
    if year not in years:
        year = max(years)
    st.session_state.year = year
    return year


def set_area(code: str) -> None:
    """Select an area from a page (map click, breadcrumb); applied on the next run."""
    st.session_state._pending_area = code
    st.rerun()


def area() -> str:
    return st.session_state.get("area", "")


def year() -> int | None:
    return st.session_state.get("year")


def url_param(key: str, default: Any, options: Sequence[Any] | None = None,
              cast: Callable[[str], Any] = str) -> Any:
    """A page option read from the URL on first use, kept in ``st.session_state[key]``.

    Bind a widget to the same ``key`` and its value is written back to the URL.
    """
    if key not in st.session_state:
        raw = st.query_params.get(key)
        value = default
        if raw is not None:
            try:
                value = cast(raw)
            except (TypeError, ValueError):
                value = default
        if options is not None and value not in options:
            value = default
        st.session_state[key] = value
    elif options is not None and st.session_state[key] not in options:
        st.session_state[key] = default
    st.session_state[_ACTIVE][key] = True
    return st.session_state[key]


def sync_url() -> None:
    """Write the current view into the query string, so a copied link reproduces it."""
    wanted: dict[str, str] = {}
    for key in CORE_PARAMS:
        value = st.session_state.get(key)
        if value not in (None, ""):
            wanted[key] = str(value)
    for key in st.session_state.get(_ACTIVE, {}):
        value = st.session_state.get(key)
        if value not in (None, ""):
            wanted[key] = str(value)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
