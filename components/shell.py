"""The shared layout every page runs inside: style, sign-in, sidebar, navigation, URL."""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
import threading

import streamlit as st

from components import auth, demo_guard, sidebar, state
from components.datasource import store_state
from components.gate import RunGate
from components.i18n import one_language_per_run, t
from components.nav import build_navigation
from components.store_view import render_store_state
from components.style import meeting_mode, render_meeting_switch, render_style
from data import config
from data.scope import AccessScope

log = logging.getLogger("warroom")

def freeze_startup_heap() -> None:
    """Import every view module now and move the heap built so far out of the collector's way.

    A full garbage collection walks every tracked object, including the ~160,000 of the
    imported libraries, and is paid by whichever rerun it falls in. Frozen objects are never
    scanned again, so a full collection walks only what sessions created. See also
    ``runner.postScriptGC`` in ``.streamlit/config.toml``.
    """
    import_views()
    gc.collect()
    gc.freeze()


def import_views() -> None:
    """Import every view module."""
    import components

    for module in pkgutil.iter_modules(components.__path__):
        if module.name != "assets":  # a set-up command, not a view
            importlib.import_module(f"components.{module.name}")


_STARTED = threading.Lock()
RUN_GATE: RunGate | None = None


def startup() -> None:
    """Process-wide set-up, once per process (``app.py`` calls it on every run): private file
    modes, warnings about readable store files, the frozen start-up heap, and the run gate."""
    global RUN_GATE
    if RUN_GATE is not None:
        return
    with _STARTED:
        if RUN_GATE is not None:
            return
        config.restrict_new_files()
        for warning in config.private_path_warnings():
            log.warning("%s", warning)
        freeze_startup_heap()  # cheap when the warm-up (components/warmup.py) did it
        # Page runs of this process admitted at once; a run waits at most 5 s for its slot.
        # See docs/deployment.md ("Run slots").
        RUN_GATE = RunGate(config.run_slots(), wait_s=5.0)
        from components.scheduler import start_scheduler

        start_scheduler()  # scheduled rules, digest, snapshots when WARROOM_SCHEDULE=app


def run() -> None:
    startup()
    assert RUN_GATE is not None
    with RUN_GATE, demo_guard.one_answer_per_run(), one_language_per_run():
        _run()


def _run() -> None:
    state.begin_run()
    store = store_state()
    if not store.ready:
        render_style()
        build_navigation(AccessScope.nothing(), position="hidden", every_page=True)
        render_store_state(store)
        state.sync_url()
        return
    scope = auth.ensure_signed_in()
    if scope is None:
        render_style()
        # The sign-in screen is drawn; the URL is left as opened so a deep link survives it.
        build_navigation(AccessScope.nothing(), position="hidden", every_page=True)
        return
    nav = build_navigation(scope)
    meeting = meeting_mode()
    render_style(meeting)
    if scope.is_empty:
        st.warning(t("no_access"))
        auth.render_user_box()
        state.sync_url()
        return
    sidebar.render_sidebar()
    auth.render_user_box()
    if demo_guard.demo_offered():
        st.sidebar.caption(t("demo_data_notice"))
    render_meeting_switch(meeting)
    nav.run()
    state.sync_url()
