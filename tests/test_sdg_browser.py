"""Browser tests of the SDG progress and Overview pages at every level in both languages.

National, province and district views, a goal click, presentation mode; screenshots in
artifacts/screenshots.
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


def _ready(page) -> None:
    wait_rendered(page)
    # plotly draws after the script run: wait for its SVG before the screenshot.
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(600)


def test_sdg_and_overview_pages_in_the_browser(demo_db, tmp_path):
    require_browser()
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        views = [
            ("sdg-goal3-province-en", "/sdg?lang=en&sdg_goal=3&sdg_ind=g3_road_deaths"),
            ("sdg-goal3-district-th",
             "/sdg?lang=th&area=50&sdg_goal=3&sdg_ind=g3_road_deaths&sdg_level=district"),
            ("overview-national-th", "/?lang=th"),
            ("overview-province-en", "/?lang=en&area=94"),
            ("sdg-goal6-district-en",
             "/sdg?lang=en&area=94&sdg_goal=6&sdg_ind=g6_safe_water&sdg_level=district"),
            ("overview-district-th", "/?lang=th&area=5001"),
            ("overview-present-th", "/?lang=th&present=1"),
        ]
        # District maps (built-in boundaries): every district of the province is drawn.
        districts = {"sdg-goal3-district-th": 25, "overview-province-en": 12,
                     "sdg-goal6-district-en": 12, "overview-district-th": 25}
        for name, url in views:
            page.goto(base + url)
            _ready(page)
            assert_no_exception(page)
            if name in districts:
                assert count_map_polygons(page, districts[name]) == districts[name], name
            screenshot(page, name)
        # The page's own content is there, in the right language.
        page.goto(base + "/sdg?lang=en&sdg_goal=1")
        _ready(page)
        assert page.get_by_text("Goal 1 · No Poverty").count() == 1
        # Clicking goal 13 switches the goal banner and the URL.
        page.locator(".st-key-sdg_goal_13 button").first.click()
        page.get_by_text("Goal 13 · Climate Action").wait_for(timeout=30_000)
        _ready(page)
        assert "sdg_goal=13" in page.url
        assert_no_exception(page)
        screenshot(page, "sdg-goal13-en")
        # Presentation mode hides the sidebar.
        page.goto(base + "/?lang=en&present=1")
        _ready(page)
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
