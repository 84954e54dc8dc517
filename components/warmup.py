"""Work the first page run would do, done as the server starts (issue 20: cold start).

A fresh process's first run paid about 2 s of CPU before anything was drawn: importing the
views and their libraries, opening the store, compiling folium's templates for the country
map, Streamlit's own first-use costs. None of it depends on who signs in, so a thread started
with the server (``serve.py``'s lifespan) does it while the first browser is still loading
Streamlit's scripts; the first run then finds it done.

Only process-wide, scope-free work: no query for any user's scope is run and no user's data
is cached. The health endpoint is not waited for (a daemon thread) and is not answered from
here: a store that is not ready is left alone, and nothing is cached on failure. Off with
``WARROOM_WARMUP=0``.

Streamlit registers a custom component only when its module is imported inside a page run
(``declare_component`` skips the registry without a run context); the map's component is
imported here outside one, so it is registered explicitly, or its frame would not be served.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("warroom")

_STARTED = threading.Lock()
_THREAD: threading.Thread | None = None
# Set once the warm-up's imports are over (done or failed).
_IMPORTED = threading.Event()
# The country map every first page draws: provinces under no parent.
FIRST_MAP = ("province", None)


def start() -> threading.Thread | None:
    """Start the warm-up once per process (a daemon thread); None when switched off."""
    global _THREAD
    from data import config

    if not config.get("WARROOM_WARMUP"):
        return None
    with _STARTED:
        if _THREAD is None:
            _THREAD = threading.Thread(target=_warm, name="warroom-warmup", daemon=True)
            _THREAD.start()
    return _THREAD


def wait_for_imports(timeout: float = 60.0) -> None:
    """Called by a page run before its own imports: two threads importing the same modules
    at once wait on each other's module locks anyway, and a circular import between them
    could fail; a run that finds the imports done only looks them up."""
    if _THREAD is not None:
        _IMPORTED.wait(timeout)


def _warm() -> None:
    started = time.thread_time()
    try:
        try:
            warm_process()
        finally:
            _IMPORTED.set()
        warm_store()
    except Exception:  # noqa: BLE001 - a failed warm-up only leaves the work to the first run
        log.exception("warm-up failed; the first page run does the work instead")
        return
    log.info("warm-up done (%.2f s of CPU)", time.thread_time() - started)


def warm_process() -> None:
    """Imports and first-use costs that do not touch the store."""
    from data import config

    config.restrict_new_files()  # before anything below can create a file
    from components import shell

    shell.freeze_startup_heap()  # the views imported, the heap they built frozen
    register_components()
    _streamlit_first_use()


def register_components() -> None:
    """Register the components imported outside a page run (see the module's docstring)."""
    from streamlit.runtime import get_instance

    # The import's warning that it runs outside a page run is this very case: not logged.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        import streamlit_folium
    finally:
        quiet.setLevel(level)
    get_instance().component_registry.register_component(streamlit_folium._component_func)


def _streamlit_first_use() -> None:
    """Streamlit's one-time costs of a process, paid in the first run otherwise: the page
    icon's image reader, the emoji pattern of labels, and the check whether this is a REPL
    (which reads the source of every frame of the calling stack; here a short one)."""
    import PIL.Image  # noqa: F401 - set_page_config's favicon goes through it
    from streamlit import delta_generator, string_util

    string_util.extract_leading_emoji(":material/tune: x")
    delta_generator._maybe_print_use_warning()


def warm_store() -> None:
    """Open the store and build the country map's geometry and frame, if the store is ready."""
    import pandas as pd

    from components import leaflet_map
    from components.datasource import get_store, store_state
    from data.queries import area_name_map
    from geo import payload

    if not store_state().ready:
        return
    area_name_map(get_store())  # the area registry's names: reference data, the same for all
    level, parent = FIRST_MAP
    pl = payload.get_payload(level, parent)
    if pl is None:
        return
    values = pd.DataFrame({"code": list(pl.codes), "value": range(len(pl.codes))})
    leaflet_map.component_args(values, key="warmup", height=480,
                               returned_objects=["last_object_clicked", "last_active_drawing"],
                               level=level, value_label="", parent_code=parent)
