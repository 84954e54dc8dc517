"""The load test's websocket client against a real app server on the tiny demo store.

Each session must stay on the page it opened while it changes filters (the client once sent the
entry script's hash and measured the Overview on every page), sign in, and be counted.
"""

from __future__ import annotations

import asyncio

import pytest

from bench import loadtest as L

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    port = L._free_port()
    log = tmp_path_factory.mktemp("loadtest") / "server.log"
    proc = L.start_server(str(demo_db), port, 5, log)
    yield proc, f"ws://127.0.0.1:{port}/_stcore/stream"
    proc.terminate()
    proc.wait(timeout=20)


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
