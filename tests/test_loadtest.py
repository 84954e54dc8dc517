"""The load test's websocket client against a real app server on the tiny demo store.

Each session must stay on the page it opened while it changes filters (the client once sent the
entry script's hash and measured the Overview on every page), sign in, and be counted.
"""

from __future__ import annotations

import asyncio

import pytest

from bench import loadtest as L
from bench.common import stop_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    port = L._free_port()
    log = tmp_path_factory.mktemp("loadtest") / "server.log"
    proc = L.start_server(str(demo_db), port, 5, log)
    yield proc, f"ws://127.0.0.1:{port}/_stcore/stream"
    stop_process(proc, 20)


# A selectbox only the page itself draws (widget key prefix); the Overview of a province
# without installed district boundaries draws none.
_OWN_WIDGETS = {"poverty": "pov_", "sdg": "sdg_"}


@pytest.mark.parametrize("first", L.FIRST_PAGES)
def test_a_session_changes_filters_on_the_page_it_opened(server, first):
    _, url = server

    async def run() -> dict[str, object]:
        async with L.Client(url, 60) as c:
            await c.rerun(page=first)
            seen = {"opened": c.page_hash, "pages": dict(c.pages)}
            province = list(c.widgets["pick_province"].options)[1]
            c.widgets = {k: v for k, v in c.widgets.items() if k == "pick_province"}
            await c.rerun(widget=("pick_province", province))
            return seen | {"after": c.page_hash, "widgets": sorted(c.widgets),
                           "query": c.query, "errors": c.errors}

    got = asyncio.run(run())
    # The province was picked on the page the session opened, not on the default page.
    assert got["opened"] == got["after"] == got["pages"][first]
    assert len(set(got["pages"].values())) > 3
    widgets = got["widgets"]
    if first in _OWN_WIDGETS:
        assert any(k.startswith(_OWN_WIDGETS[first]) for k in widgets), widgets
    assert "pick_district" in widgets  # the picked province's districts are offered
    assert "area=" in got["query"]  # the app wrote the area into the URL, sent back
    assert got["errors"] == []


def test_waves_of_both_models_report_steps_without_errors(server):
    proc, url = server
    warm = asyncio.run(L.warm_up(url, 60))
    assert warm["errors"] == [] and set(warm["pages"]) == {
        "overview", "poverty", "sdg", "plans", "debt", "partners"}
    users = L.LoadModel("users", ramp_s=0.5, think_s=(0.1, 0.3))
    for model in (users, L.LoadModel("burst")):
        result = asyncio.run(L.wave(url, 3, 1, 60, model, proc.pid))
        assert result["errors"] == 0, result["error_samples"]
        assert result["model"] == model.name and result["peak_open"] >= 1
        assert set(result["per_step"]) == {"open", "province", "year", "second_page"}
        assert result["requests"] == 12
        assert result["server_cpu_ms_per_request"] > 0


def test_a_view_fetches_what_a_browser_fetches(server):
    """The page, Streamlit's health and host-config, and for a map the component frame, its
    scripts, Leaflet and the geometry the component's arguments name; a returning browser asks
    again only for what it may not keep (the page and the components' files here)."""
    from bench.loadtest_http import BrowserCache, HttpClient

    proc, url = server
    base = url.replace("ws://", "http://").removesuffix("/_stcore/stream")

    async def run() -> tuple[HttpClient, float, float, int, int]:
        http = HttpClient(base, BrowserCache(), 60)
        await http.open_tab("poverty", "lang=en")
        tab = http.stats.requests
        async with L.Client(url, 60, http) as c:
            view = await c.rerun(page="poverty")
            return http, view, c.ws_s, tab, c.runs

    http, view, ws_s, tab, runs = asyncio.run(run())
    assert tab >= 4  # the page, its script and style sheet, health, host-config
    fetched = set(http.cache.entries)
    assert any("/component/streamlit_folium" in u and u.endswith("index.html") for u in fetched)
    assert any("/app/static/cache/geo/" in u and u.endswith(".json") for u in fetched), fetched
    assert any(u.endswith("leaflet.js") for u in fetched)
    assert http.stats.errors == [] and runs == 1
    assert view >= ws_s > 0  # the view ends when its fetches are done, not before
    # A returning browser uses Streamlit's hashed scripts (a year, immutable), the geometry
    # (content-hashed: a year), Leaflet and the components' files (a day; serve.py gives them
    # their lifetimes as nginx does) without asking; the page (no-cache) it asks for again
    # with its validator.
    import time

    from bench.loadtest_http import seed_static

    again = BrowserCache()
    seed_static(again, http.cache.entries)
    fresh = {u for u, f in again.entries.items() if f.fresh_until > time.monotonic()}
    assert any("/static/js/" in u for u in fresh), sorted(again.entries)
    for kept in ("/app/static/cache/geo/", "leaflet.js", "/component/streamlit_folium"):
        assert any(kept in u for u in fresh), (kept, sorted(again.entries))
    page = next(u for u in again.entries if u.endswith("/poverty"))
    assert page not in fresh and again.entries[page].etag

    async def revisit() -> HttpClient:
        client = HttpClient(base, again, 60)
        await client.get("/poverty")
        return client

    client = asyncio.run(revisit())
    assert client.stats.requests == 1 and client.stats.from_cache == 0


def test_quick_run_writes_json_and_a_table(demo_db, tmp_path, capsys):
    """``--quick`` runs end to end in seconds: one process, the burst model, the websocket and
    HTTP client, results in JSON and the table."""
    import json

    code = L.main(["--quick", "--db", str(demo_db), "--processes", "1", "--models", "burst",
                   "--browsers", "0", "--sessions", "2", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "latest-loadtest.json").read_text())
    assert code == 0, report["waves"][0]["error_samples"]
    wave = report["waves"][0]
    assert wave["sessions"] == 2 and wave["requests"] == 8 and wave["errors"] == 0
    assert wave["script_runs_per_step_max"] == 1
    assert wave["http_requests_per_session"] > 0
    assert wave["p95_s"] >= wave["ws_p95_s"]
    assert report["servers"][0]["warmup"]["errors"] == []
    table = capsys.readouterr().out
    assert "p95 s" in table and "1 process" in table


def test_cold_start_of_a_returning_user_keeps_the_browser_profile(demo_db, tmp_path):
    """``--cold-visit repeat``: an unmeasured first visit fills a browser profile on disk, and
    the measured cold start reuses it at the same address (a returning user's cache)."""
    import json

    from tests.browser_util import require_browser

    require_browser()
    code = L.main(["--db", str(demo_db), "--cold", "1", "--cold-visit", "repeat",
                   "--processes", "1", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "latest-loadtest.json").read_text())
    cold = report["cold_starts"][0]
    assert code == 0, cold
    assert cold["visit"] == "repeat" and len(cold["runs"]) == 1
    assert cold["runs"][0]["errors"] == [] and cold["drawn_s"] > 0
    # Streamlit's scripts alone are megabytes: the profile held the first visit's cache.
    assert cold["profile_mb"] > 1
