"""The warm-up at server start (components/warmup.py): it warms what the first page asks for,
registers the map's component although it imports it outside a page run, holds no user's data,
leaves a broken store to the health endpoint, and is switched off by WARROOM_WARMUP=0."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pandas as pd
import pytest
import streamlit as st
from streamlit.components.lib.local_component_registry import LocalComponentRegistry

from bench.common import stop_process
from components import leaflet_map, warmup
from data import config
from geo import payload
from tests.browser_util import REPO, free_port

MAP_ARGS = {"key": "pov_map_", "height": 480, "level": "province", "value_label": "H",
            "returned_objects": ["last_object_clicked", "last_active_drawing"],
            "higher_is_better": False}


def test_switched_off_by_the_setting(monkeypatch):
    monkeypatch.setenv("WARROOM_WARMUP", "0")
    monkeypatch.setattr(warmup, "_THREAD", None)
    assert config.get("WARROOM_WARMUP") is False
    assert warmup.start() is None and warmup._THREAD is None
    warmup.wait_for_imports(timeout=0.01)  # nothing to wait for: returns at once


def test_the_map_component_is_registered_though_imported_outside_a_page_run(monkeypatch):
    """Streamlit registers a component declared inside a page run only; the warm-up imports
    streamlit-folium outside one, and its frame would then never be served (the first map
    hung). The declaration alone registers nothing; ``register_components`` does."""
    import streamlit.components.v1 as components
    import streamlit_folium
    from streamlit import runtime

    registry = LocalComponentRegistry()
    monkeypatch.setattr(runtime, "get_instance",
                        lambda: type("R", (), {"component_registry": registry})())
    components.declare_component("st_folium", path=streamlit_folium.build_dir)  # no run context
    assert registry.get_component_path("streamlit_folium.st_folium") is None
    assert registry.get_component_path("tests.test_warmup.st_folium") is None
    warmup.register_components()
    assert registry.get_component_path("streamlit_folium.st_folium") == streamlit_folium.build_dir


def test_the_first_map_is_served_from_the_warmed_caches_unchanged(app_env, monkeypatch):
    """The page's own call hits what the warm-up built (no folium map built again) and gets
    exactly the arguments a cold process computes."""
    codes = list(payload.get_payload("province").codes)
    values = pd.DataFrame({"code": codes, "value": [i / 7 for i in range(len(codes))]})
    fresh = leaflet_map.component_args(values, **MAP_ARGS)
    st.cache_data.clear()
    st.cache_resource.clear()
    warmup.warm_store()
    built = []
    real = leaflet_map._base_map
    monkeypatch.setattr(leaflet_map, "_base_map", lambda *a, **k: built.append(a) or real(*a, **k))
    warmed = leaflet_map.component_args(values, **MAP_ARGS)
    assert built == []
    assert warmed == fresh


def test_a_missing_store_is_left_to_the_health_answer(tmp_path, monkeypatch):
    from components.datasource import get_store
    from components.health import health_state

    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "not-there.duckdb"))
    st.cache_resource.clear()
    warmup.warm_store()  # does nothing, raises nothing, caches nothing
    assert not (tmp_path / "not-there.duckdb").exists()
    assert health_state().state == "missing"
    with pytest.raises(Exception, match="(?i)missing|not found|does not exist|no store"):
        get_store()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.slow
def test_served_app_warms_up_and_serves_the_map_frame_before_any_visit(app_env, tmp_path):
    """``streamlit run serve.py``: healthy while warming, and the map's component files are
    served before any page has run (they were not when the import happened outside a run)."""
    port = free_port()
    env = {**os.environ, "WARROOM_DATA_DIR": str(tmp_path), "WARROOM_READ_ONLY": "1"}
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    frame = f"{base}/component/streamlit_folium.st_folium/index.html"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if _status(f"{base}/api/health") == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        while _status(frame) != 200:
            assert time.time() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        assert "warm-up failed" not in (tmp_path / "server.log").read_text()
    finally:
        stop_process(proc, 10)
        log.close()
