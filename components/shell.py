"""The shared layout every page runs inside: style, sign-in, sidebar, navigation, URL."""

from __future__ import annotations

import streamlit as st

from components import auth, sidebar, state
from components.datasource import store_ready
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


def run() -> None:
    state.begin_run()
    st.markdown(_CSS, unsafe_allow_html=True)
    if not store_ready():
        build_navigation(AccessScope.nothing())
        st.warning(t("no_store"))
        state.sync_url()
        return
    scope = auth.ensure_signed_in()
    if scope is None:
        # The sign-in screen is drawn; the URL is left as opened so a deep link survives it.
        build_navigation(AccessScope.nothing(), position="hidden")
        return
    nav = build_navigation(scope)
    if scope.is_empty:
        st.warning(t("no_access"))
        auth.render_user_box()
        state.sync_url()
        return
    sidebar.render_sidebar()
    auth.render_user_box()
    if demo_mode():
        st.sidebar.caption(t("demo_data_notice"))
    nav.run()
    state.sync_url()
