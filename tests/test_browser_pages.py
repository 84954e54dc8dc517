"""Browser tests: every page in headless Chromium, a deep link on a fresh server, screenshots."""

from __future__ import annotations

import pytest

from components.nav import PAGES
from tests.browser_util import (
    app_server,
    assert_no_exception,
    block_external,
    browser,
    count_map_polygons,
    map_frame,
    require_browser,
    screenshot,
    wait_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Pages whose national view opens on a province map (the built-in 77 provinces).
MAP_PAGES = {"overview", "sdg", "poverty", "partners", "plans", "debt"}
# A province's district map on every map page, and a district's subdistrict map where the page
# drills that far: all drawn from the built-in layers (nothing installed).
DRILLED = (("overview", "/?area=94", "94"),
           ("sdg", "/sdg?area=50&sdg_goal=3&sdg_ind=g3_road_deaths&sdg_level=district", "50"),
           ("poverty", "/poverty?year=2024&area=94", "94"),
           ("poverty", "/poverty?year=2024&area=9401", "9401"),
           ("partners", "/partners?area=40", "40"),
           ("partners", "/partners?area=4001", "4001"),
           ("plans", "/plans?area=10", "10"),
           ("plans", "/plans?area=4001", "4001"),
           ("debt", "/debt?area=40", "40"))


def _units(parent: str) -> int:
    """Districts of a province, or subdistricts of a district with a polygon (built-in)."""
    from geo import boundaries

    level = "district" if len(parent) == 2 else "subdistrict"
    gdf = boundaries.load_builtin(level, parent[:2])
    return int(gdf["code"].str.startswith(parent).sum())


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    require_browser()
    # An empty data dir: no boundaries installed, every map from the built-in layers.
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path_factory.mktemp("data"))}) as base:
        yield base


def test_deep_link_on_a_fresh_server_renders_inside_the_shell(demo_db):
    """The first request a new server sees is a deep link: it must still get the shared layout."""
    require_browser()
    target = next(p for p in PAGES if not p.default)
    with app_server(demo_db) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/{target.url_path}?lang=en&area=40")
        wait_rendered(page)
        assert_no_exception(page)
        # The shell's sidebar (area picker) and its own navigation are there.
        sidebar = page.locator('[data-testid="stSidebar"]')
        # The sidebar can arrive a moment after the main area under load: wait, then count.
        sidebar.locator('[data-testid="stSelectbox"]').nth(2).wait_for(timeout=30_000)
        assert page.locator('[data-testid="stMain"]').get_by_text("Khon Kaen").count() >= 1
        nav_links = page.locator('[data-testid="stTopNavLink"], [data-testid="stSidebarNavLink"]')
        assert nav_links.count() == len([p for p in PAGES if p.roles is None])
        assert "area=40" in page.url
        screenshot(page, f"deeplink-{target.key}-en")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_page_in_the_browser(server, lang):
    """Each page renders with every request that would leave this machine blocked."""
    with browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        for spec in (p for p in PAGES if p.roles is None):
            page.goto(f"{server}/{spec.route}?lang={lang}")
            wait_rendered(page)
            assert_no_exception(page)
            assert page.locator('[role="dialog"]').count() == 0, "a dialog (page not found?)"
            if spec.key in MAP_PAGES:
                assert count_map_polygons(page, 77) == 77, f"{spec.key}: map not drawn"
            screenshot(page, f"{spec.key}-{lang}")
            assert blocked == [], f"{spec.key}: requests left the machine: {blocked[:5]}"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_district_and_subdistrict_maps_on_every_map_page(server, lang):
    """Below the country every map page draws its units' polygons (no bar-chart fallback, no
    command line), with the boundaries' licence under the map."""
    with browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        for key, url, parent in DRILLED:
            page.goto(f"{server}{url}&lang={lang}")
            wait_rendered(page)
            assert_no_exception(page)
            expected = _units(parent)
            assert expected >= 12
            assert count_map_polygons(page, expected) == expected, f"{key} {parent}"
            assert page.get_by_text("python -m geo").count() == 0
            attribution = map_frame(page).locator(".leaflet-control-attribution").inner_text()
            assert "OCHA COD-AB (CC BY 3.0 IGO)" in attribution
            page.locator('[data-testid="stMain"] iframe').first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            screenshot(page, f"{key}-{parent}-map-{lang}")
        assert blocked == [], f"requests left the machine: {blocked[:5]}"
