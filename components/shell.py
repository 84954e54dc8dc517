"""The shared layout every page runs inside: style, sign-in scope, sidebar, navigation, URL."""

from __future__ import annotations

import streamlit as st

from components import sidebar, state
from components.datasource import current_scope, store_ready
from components.i18n import t
from components.nav import build_navigation
from data.config import demo_mode
from data.scope import AccessScope

_CSS = """
<style>
/* Meeting-room legibility: larger metric values, compact top padding. */
[data-testid="stMetricValue"] { font-size: 2.0rem; }
.block-container { padding-top: 3.2rem; }
</style>
"""


def _ensure_scope() -> None:
    # Until sign-in exists every session is a read-only executive view of all provinces.
    if "scope" not in st.session_state and demo_mode():
        st.session_state.scope = AccessScope(
            user="demo", roles=frozenset({"executive"}), provinces=None)


def run() -> None:
    state.begin_run()
    st.markdown(_CSS, unsafe_allow_html=True)
    _ensure_scope()
    scope = current_scope()
    nav = build_navigation(scope)
    if not store_ready():
        st.warning(t("no_store"))
        state.sync_url()
        return
    if scope.is_empty:
        st.warning(t("no_access"))
        state.sync_url()
        return
    sidebar.render_sidebar()
    if demo_mode():
        st.sidebar.caption(t("demo_data_notice"))
    nav.run()
    state.sync_url()
