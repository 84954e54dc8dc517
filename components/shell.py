"""The shared layout every page runs inside: style, sign-in, sidebar, navigation, URL."""

from __future__ import annotations

import gc
import importlib
import pkgutil

import streamlit as st

from components import auth, sidebar, state
from components.datasource import store_ready
from components.gate import RunGate
from components.i18n import t
from components.nav import build_navigation
from data.config import demo_mode, run_slots
from data.scope import AccessScope

_CSS = """
<style>
/* Meeting-room legibility: larger metric values, compact top padding. */
[data-testid="stMetricValue"] { font-size: 2.0rem; }
.block-container { padding-top: 3.2rem; }
</style>
"""


def _freeze_startup_heap() -> None:
    """Import every view module now and move the heap built so far out of the collector's way.

    A full garbage collection walks every tracked object; over the ~160,000 objects of the
    imported libraries that took 50-80 ms, paid by whichever rerun it fell in. Frozen objects
    are never scanned again, so a full collection walks only what sessions created (about
    10 ms). See also ``runner.postScriptGC`` in ``.streamlit/config.toml``.
    """
    import components

    for module in pkgutil.iter_modules(components.__path__):
        if module.name != "assets":  # a set-up command, not a view
            importlib.import_module(f"components.{module.name}")
    gc.collect()
    gc.freeze()


_freeze_startup_heap()


# Page runs of this process admitted at once; a run waits at most as long as the load goal
# (p95 under 5 s) for its slot. See docs/deployment.md ("Run slots").
RUN_GATE = RunGate(run_slots(), wait_s=5.0)


def run() -> None:
    with RUN_GATE:
        _run()


def _run() -> None:
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
