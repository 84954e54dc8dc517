"""One server run per view: a map page view, a province pick, a year change and a page switch
each make the browser ask for exactly one script run (``rerun_script`` over the websocket).

streamlit-folium sends its first-render value back unless it equals the default the server
gave it; a map that did so cost every map page two script runs per view.
"""

from __future__ import annotations

import pytest

from tests.browser_util import (
    app_server,
    assert_no_exception,
    browser,
    count_map_polygons,
    require_browser,
    screenshot,
    wait_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _watch_reruns(page) -> list[str]:
    """Every rerun_script the page sends, as the page it asks for (its script hash)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    sent: list[str] = []

    def on_frame(payload) -> None:
        if isinstance(payload, str):
            return
        msg = BackMsg.FromString(payload)
        if msg.WhichOneof("type") == "rerun_script":
            rerun = msg.rerun_script
            sent.append(f"{rerun.page_script_hash[:8]} "
                        f"{[w.id[-40:] for w in rerun.widget_states.widgets][:3]}")

    page.on("websocket", lambda ws: ws.on("framesent", on_frame))
    return sent


def _settle(page) -> None:
    """Drawn, and long enough after for a component's late value (sent 250 ms after the map
    is drawn) to have been sent and run."""
    wait_rendered(page)
    page.wait_for_timeout(2000)
    wait_rendered(page)


def _box(page, label: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text=label)


def _pick(page, label: str, option: str) -> None:
    _box(page, label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()  # "Khon Kaen · ขอนแก่น"


def test_each_action_costs_one_script_run(demo_db, tmp_path):
    require_browser()
    from components import assets

    if not assets.leaflet_ready():
        pytest.skip("Leaflet assets not installed (make assets)")
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        reruns = _watch_reruns(page)
        counts: dict[str, int] = {}

        page.goto(f"{base}/?lang=en")  # the overview: KPI cards, the province map, charts
        _settle(page)
        assert count_map_polygons(page, 77) == 77
        counts["map page view"] = len(reruns)

        mark = len(reruns)
        _pick(page, "Province", "Khon Kaen")
        page.wait_for_url("**40**", timeout=30_000)
        _settle(page)
        counts["province pick"] = len(reruns) - mark

        mark = len(reruns)
        _box(page, "Year (BE)").click()  # the year before the latest
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        _settle(page)
        counts["year change"] = len(reruns) - mark

        mark = len(reruns)
        page.locator('[data-testid="stTopNavLink"], [data-testid="stSidebarNavLink"]').filter(
            has_text="Poverty").first.click()
        page.wait_for_url("**/poverty**", timeout=30_000)
        _settle(page)
        counts["page switch to a map page"] = len(reruns) - mark
        assert_no_exception(page)
        screenshot(page, "one-run-per-view-poverty-en")
        print(f"\nrerun_script messages per action: {counts}\n" + "\n".join(reruns))
        assert counts == {"map page view": 1, "province pick": 1, "year change": 1,
                          "page switch to a map page": 1}
