"""Browser tests of the maps: drawn offline (every non-local request blocked), every unit present."""

from __future__ import annotations

import os
from pathlib import Path

import geothai
import pytest

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

SHARED_GEO = Path(__file__).resolve().parents[3] / "shared" / "geo"
if not SHARED_GEO.exists():  # worktrees live one level deeper than the main checkout
    SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "geo"
SHARED_FILES = {"district": "tha_adm2_districts_full.geojson",
                "subdistrict": "tha_adm3_subdistricts_full.geojson"}


def _leaflet_or_skip() -> None:
    from components import assets

    if assets.leaflet_ready():
        return
    try:
        assets.install_npm(assets.LEAFLET)
    except SystemExit as exc:
        if os.environ.get("WARROOM_REQUIRE_BROWSER"):
            pytest.fail(f"Leaflet assets missing: {exc}")
        pytest.skip(f"Leaflet assets not installed and not downloadable: {exc}")


def test_province_map_draws_offline_from_builtin_boundaries(demo_db, tmp_path):
    """No boundary import, no internet: the One Plan page still draws all 77 provinces."""
    require_browser()
    _leaflet_or_skip()
    env = {"WARROOM_DATA_DIR": str(tmp_path)}  # an empty data dir: nothing installed
    with app_server(demo_db, env) as base, browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        page.goto(f"{base}/plans?lang=en")
        wait_rendered(page)
        assert_no_exception(page)
        assert count_map_polygons(page, 77) == 77
        frame = map_frame(page)
        assert frame.locator(".warroom-legend").count() == 1
        assert "OCHA COD-AB" in frame.locator(".leaflet-control-attribution").inner_text()
        screenshot(page, "maps-province-offline")
        assert blocked == [], f"requests left the machine: {blocked[:5]}"


@pytest.fixture()
def shared_data_dir(tmp_path):
    """A data dir whose installed district/subdistrict files link to ../shared/geo (not copied)."""
    if not all((SHARED_GEO / f).exists() for f in SHARED_FILES.values()):
        pytest.skip("../shared/geo is absent")
    folder = tmp_path / "boundaries"
    folder.mkdir()
    for level, name in SHARED_FILES.items():
        (folder / f"{level}.geojson").symlink_to(SHARED_GEO / name)
    return tmp_path


@pytest.mark.parametrize(("area", "level"), [("40", "district"), ("4001", "subdistrict")])
def test_district_and_subdistrict_maps_draw_every_unit(demo_db, shared_data_dir, area, level):
    require_browser()
    _leaflet_or_skip()
    if level == "district":
        expected = len(geothai.districts(area))
    else:
        expected = len(geothai.subdistricts(area))
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(shared_data_dir)}) as base, \
            browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        page.goto(f"{base}/plans?lang=th&area={area}")
        wait_rendered(page)
        assert_no_exception(page)
        assert count_map_polygons(page, expected) == expected
        screenshot(page, f"maps-{level}-{area}")
        assert blocked == [], f"requests left the machine: {blocked[:5]}"


def test_filter_change_restyles_without_resending_geometry(demo_db, tmp_path):
    """Switching the metric keeps the map frame and its geometry: only the style table moves.

    Measured, not timed: bytes over the websocket after the change, geometry requests, and a
    marker set inside the map frame that a remount would lose.
    """
    require_browser()
    _leaflet_or_skip()
    from geo import payload

    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        received: list[int] = []
        geo_requests: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived",
                                              lambda data: received.append(len(data))))
        page.on("request", lambda r: geo_requests.append(r.url)
                if "/static/cache/geo/" in r.url else None)
        page.goto(f"{base}/plans?lang=en")
        wait_rendered(page)
        assert count_map_polygons(page, 77) == 77
        frame = map_frame(page)
        legend_before = frame.locator(".warroom-legend").inner_text()
        frame.locator(".leaflet-container").evaluate("el => { window.__kept = 42; }")
        first_load = sum(received)
        geo_before = len(geo_requests)
        mark = len(received)
        page.locator('[data-testid="stMain"]').get_by_text(
            "Share of projects needing attention (%)", exact=True).first.click()
        page.wait_for_timeout(500)
        wait_rendered(page)
        frame.locator(".warroom-legend").filter(has_text="attention").wait_for(timeout=30_000)
        after = sum(received[mark:])
        assert frame.locator(".warroom-legend").inner_text() != legend_before
        assert frame.locator(".leaflet-container").evaluate("el => window.__kept") == 42
        assert geo_before == 1, geo_requests
        assert len(geo_requests) == 1, geo_requests
        geometry = payload.get_payload("province").nbytes
        print(f"\nfirst load websocket bytes={first_load:,}, after metric change={after:,}, "
              f"province geometry={geometry:,} (fetched once over HTTP)")
        assert after < geometry / 4
        assert blocked == []


def test_clicking_a_province_selects_it(demo_db, tmp_path):
    """A click on a polygon returns its code; the page navigates into that province and draws
    its districts."""
    require_browser()
    _leaflet_or_skip()
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/plans?lang=en")
        wait_rendered(page)
        count_map_polygons(page, 77)
        frame = map_frame(page)
        # Nakhon Ratchasima is large and convex enough for its box centre to be inside it.
        frame.locator("path.leaflet-interactive").nth(_index_of(frame, "30")).click()
        page.wait_for_url("**area=30**", timeout=30_000)
        wait_rendered(page)
        assert_no_exception(page)
        # Nothing installed: the province's districts come from the built-in layer.
        assert count_map_polygons(page, 32) == 32
        assert page.get_by_text("python -m geo").count() == 0
        screenshot(page, "maps-click-builtin-districts")


def _index_of(frame, code: str) -> int:
    """Position of a unit's path among the map's paths (layers are added in payload order)."""
    codes = frame.locator(".leaflet-container").evaluate(
        "el => window.warroom.order")
    return codes.index(code)


def test_tile_grid_and_static_image_views(demo_db, tmp_path):
    """The alternative views draw offline: 77 tiles, and the static map's polygons."""
    require_browser()
    _leaflet_or_skip()
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        page.goto(f"{base}/plans?lang=th")
        wait_rendered(page)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("ตารางจังหวัด", exact=True).first.click()
        page.wait_for_timeout(500)
        wait_rendered(page)
        assert_no_exception(page)
        chart = main.locator('[data-testid="stPlotlyChart"]').first
        chart.locator("g.points path").nth(76).wait_for(state="attached", timeout=30_000)
        screenshot(page, "maps-tilegrid-th")
        main.get_by_text("ภาพนิ่ง", exact=True).first.click()
        page.wait_for_timeout(500)
        wait_rendered(page)
        assert_no_exception(page)
        main.locator('[data-testid="stPlotlyChart"] g.trace.scatter').first.wait_for(
            timeout=30_000)
        screenshot(page, "maps-static-th")
        assert blocked == []
