"""The app's own health endpoint (serve.py, /api/health): 503 unless its store is usable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bench.common import stop_process
from tests.browser_util import REPO, free_port


def _state(url: str):
    from components.health import health_state
    from data.store import Store

    opened: list[Store] = []

    def get_store() -> Store:  # what components.datasource.get_store does, uncached
        opened.append(Store(url, create=False))
        return opened[-1]

    try:
        return health_state(get_store)
    finally:
        for s in opened:
            s.close()


def test_a_ready_store_is_healthy(demo_db, tmp_path):
    from components.health import health_response

    copy = tmp_path / "ready.duckdb"
    shutil.copyfile(demo_db, copy)
    state = _state(f"duckdb:///{copy}")
    assert state.state == "ready"
    status, body = health_response(state)
    assert status == 200 and body["status"] == "ok" and body["store"] == "ready"
    assert body["schema_version"] == body["code_version"] > 0


def test_missing_damaged_unmigrated_and_unreachable_stores_are_unhealthy(demo_db, tmp_path):
    from components.health import health_response
    from data.store import Store

    garbage = tmp_path / "damaged.duckdb"
    garbage.write_bytes(b"not a database at all" * 500)
    behind = tmp_path / "behind.duckdb"
    shutil.copyfile(demo_db, behind)
    s = Store(f"duckdb:///{behind}")
    s.execute("DELETE FROM schema_migrations WHERE version = "
              "(SELECT MAX(version) FROM schema_migrations)")
    s.close()
    port = free_port()  # nothing listens there
    cases = {
        "missing": f"duckdb:///{tmp_path / 'nothing-here.duckdb'}",
        "damaged": f"duckdb:///{garbage}",
        "outdated": f"duckdb:///{behind}",
        "unreachable": f"postgresql://nobody@127.0.0.1:{port}/warroom?connect_timeout=2",
    }
    for expected, url in cases.items():
        state = _state(url)
        status, body = health_response(state)
        assert (state.state, status, body["status"]) == (expected, 503, "unhealthy"), url
        # Nothing about where the store is leaks to whoever may ask the endpoint.
        assert str(tmp_path) not in json.dumps(body) and str(port) not in json.dumps(body)


def test_pg_store_stays_healthy_across_terminated_connections(pg_demo_url, pg_server):
    """Ready on PostgreSQL, and still ready (reconnected) after every connection of the app's
    store was terminated, as a PostgreSQL restart does."""
    import psycopg

    from components.health import health_state
    from data.store import Store

    store = Store(pg_demo_url, read_only=True)
    try:
        assert health_state(lambda: store).state == "ready"
        with store._lock:
            pids = [c.info.backend_pid for c in store._pg_open]
        with psycopg.connect(pg_server, autocommit=True) as admin:
            for pid in pids:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        assert health_state(lambda: store).state == "ready"
    finally:
        store.close()


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.slow
def test_served_endpoint_turns_healthy_when_the_store_appears(demo_db, tmp_path):
    """``streamlit run serve.py``: /api/health is 503 for a missing store, 200 once it is
    there, while Streamlit's own /_stcore/health says ok throughout."""
    port = free_port()
    store = tmp_path / "later.duckdb"
    env = {**os.environ, "WARROOM_DB": str(store), "WARROOM_DATA_DIR": str(tmp_path)}
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert time.time() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        assert _get(f"{base}/api/health") == (503, {
            "status": "unhealthy", "store": "missing", "schema_version": None,
            "code_version": None})
        shutil.copyfile(demo_db, store)
        status, body = _get(f"{base}/api/health")
        assert (status, body["store"]) == (200, "ready")
        with urllib.request.urlopen(f"{base}/", timeout=10) as r:  # the app itself is served
            assert r.status == 200 and b"<div id=\"root\">" in r.read()
    finally:
        stop_process(proc, 10)
        log.close()
