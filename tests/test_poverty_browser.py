"""Browser test of the poverty drill-down from Thailand to a village and back.

Down by the page's own controls, back up by the breadcrumb, with screenshots of every
level.
"""

from __future__ import annotations

import duckdb
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


def _chain(db) -> list[tuple[str, str]]:
    """(code, English name) from the Southern Border region down to a Pattani village."""
    with duckdb.connect(str(db), read_only=True) as con:
        village = con.execute(
            "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
            "AND survey_year = 2024 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1").fetchone()[0]
        names = dict(con.execute(
            "SELECT code, name_en FROM areas WHERE code = ANY(?)",
            [[village[:n] for n in (2, 4, 6, 8)]]).fetchall())
    return [("R:SB", "Southern Border")] + [(village[:n], names[village[:n]])
                                           for n in (2, 4, 6, 8)]


def _units(parent: str) -> int:
    """Built-in units drawn under a province (its districts) or a district (subdistricts)."""
    from geo import boundaries

    level = "district" if len(parent) == 2 else "subdistrict"
    return int(boundaries.load_builtin(level, parent[:2])["code"].str.startswith(parent).sum())


def _go_down(page, name: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Go down to")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).first.click()
    wait_rendered(page)


def test_walk_thailand_to_village_and_back(demo_db, tmp_path):
    require_browser()
    chain = _chain(demo_db)
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/poverty?lang=en&year=2024")
        wait_rendered(page)
        assert_no_exception(page)
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        screenshot(page, "poverty-0-country-en")
        for depth, (code, name) in enumerate(chain, start=1):
            _go_down(page, name)
            assert_no_exception(page)
            page.wait_for_url(f"**area={code.replace(':', '%3A')}**", timeout=30_000)
            assert page.locator('[data-testid="stMain"] h2').count() == 1
            if depth in (2, 3):  # a province's districts, a district's subdistricts
                expected = _units(code)
                assert count_map_polygons(page, expected) == expected
            screenshot(page, f"poverty-{depth}-{code.replace(':', '')}-en")
        # An executive (the demo session) never gets the household list.
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("entitled to this province").count() == 1
        main.get_by_text("Assistance: identified").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        screenshot(page, "poverty-5-village-bottom-en")
        # Back up by the breadcrumb: to the province, then to Thailand.
        main.get_by_role("button", name=chain[1][1], exact=True).click()
        wait_rendered(page)
        page.wait_for_url("**area=94**", timeout=30_000)
        assert_no_exception(page)
        main.get_by_role("button", name="Thailand", exact=True).click()
        page.wait_for_url(lambda url: "area=" not in url, timeout=30_000)
        wait_rendered(page)
        assert_no_exception(page)


def test_poverty_page_in_thai(demo_db):
    require_browser()
    with app_server(demo_db) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/poverty?lang=th&year=2024&area=94&pov_measure=h")
        wait_rendered(page)
        assert_no_exception(page)
        assert page.locator('[data-testid="stMain"]').get_by_text("ปัตตานี").count() >= 1
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("แนวโน้มตามปีสำรวจ", exact=True).scroll_into_view_if_needed()
        page.locator(".js-plotly-plot .main-svg").nth(3).wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        screenshot(page, "poverty-province-th-charts")
